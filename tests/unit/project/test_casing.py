"""Case repair: a name matched to lower-case target words becomes the adjective it derives or is dropped, on every
path the candidates method takes and from every surface that configures it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from xner.corpus import Sentence, Span
from xner.errors import UnknownNameError
from xner.project import CandidateOptions, project_corpus
from xner.project.candidate_projection import project_candidates
from xner.project.candidates_fast import project_candidates_corpus, project_candidates_each
from xner.project.casing import Verdict, all_lower, resembles, verdict
from xner.project.columnar_files import project_files
from xner.project.config import ProjectionConfig, parse_projection
from xner.project.status import Reason


@pytest.mark.parametrize(
    ("target", "name"),
    [
        ("belgischen", "Belgium"),  # shared prefix
        ("europeo", "Europe"),
        ("Brüsseler", "Brussels"),  # accents folded
        ("comitato", "Committee"),  # three letters and a close spelling
        ("osteuropäischen", "Europe"),  # the name's stem inside a compound
        ("UE", "UE"),  # short words: only themselves
    ],
)
def test_words_derived_from_a_name_resemble_it(target: str, name: str) -> None:
    assert resembles(target, name) and resembles(name, target)


@pytest.mark.parametrize(
    ("target", "name"),
    [("canale", "Dutch"), ("puramente", "Parliament"), ("continente", "Commission"), ("la", "LA"[:1]), ("ue", "EU")],
)
def test_other_words_do_not(target: str, name: str) -> None:
    assert not resembles(target, name)


def test_all_lower_needs_a_lower_case_word_and_no_capital() -> None:
    assert all_lower(["dipartimenti", "francesi"]) and all_lower(["95", "/", "direttiva"])
    assert not all_lower(["Unione", "europea"]) and not all_lower(["95", "/", "35"])
    assert not all_lower(["東京"]) and not all_lower(["القاهرة"])  # scripts without case are never lower-case
    # a name behind a lower-case prefix is written with a capital: noun-class prefixes, Irish mutations, fused words
    assert not any(all_lower([word]) for word in ["kwaZulu", "eThekwini", "mBaile", "delaComisión"])
    # and so is one behind punctuation or digits; the first letter decides a lower-case word
    assert not all_lower(["di", "«Roma»"]) and not all_lower(["3M"]) and all_lower(["-el", "34jährigen"])


def test_names_behind_lower_case_prefixes_are_kept() -> None:
    source = ["in", "KwaZulu", "and", "Durban"]
    target = ["kwaZulu", "na", "eThekwini"]
    entities = [Span(1, 2, "LOC"), Span(3, 4, "LOC")]
    links = [(1, 0), (2, 1), (3, 2)]
    p = project_candidates(entities, source, target, links)
    assert [s.key for s in p.spans] == [(0, 1, "LOC"), (2, 3, "LOC")] and not p.lost
    corpus = project_corpus([Sentence(source, spans=entities)] * 2, [Sentence(target)] * 2, [links] * 2)
    assert all([s.key for s in t.spans] == [(0, 1, "LOC"), (2, 3, "LOC")] for t in corpus.sentences)


@pytest.mark.parametrize(
    ("rule", "label", "source", "target", "expected"),
    [
        ("misc", "LOC", ["Belgium"], ["belgischen"], Verdict.ADJECTIVE),
        ("misc", "ORG", ["Community"], ["comunitarias"], Verdict.ADJECTIVE),
        ("misc", "PER", ["Prodi"], ["prodiano"], Verdict.KEEP),  # a person's name gives no MISC adjective here
        ("misc", "ORG", ["European", "Union"], ["europea"], Verdict.KEEP),  # a part of a longer name: not derived
        ("misc", "ORG", ["Committee"], ["commissione", "per", "l'", "agricoltura"], Verdict.KEEP),  # lower-case ORG
        ("misc", "LOC", ["UK"], ["dati"], Verdict.DROP),
        ("misc", "PER", ["Berenguer", "Fuster"], ["collega", ",", "sarà", "mia"], Verdict.DROP),
        ("misc", "MISC", ["Dutch"], ["canale"], Verdict.KEEP),  # MISC is often lower-case: left alone
        ("misc", "LOC", ["Belgium"], ["Belgien"], Verdict.KEEP),  # a capital: nothing to repair
        ("misc", "LOC", ["Tokyo"], ["東京"], Verdict.KEEP),
        ("drop", "LOC", ["Belgium"], ["belgischen"], Verdict.KEEP),
        ("drop", "LOC", ["UK"], ["dati"], Verdict.DROP),
        ("off", "LOC", ["UK"], ["dati"], Verdict.KEEP),
        ("misc", "GPE", ["UK"], ["dati"], Verdict.KEEP),  # only the labels of names (defaults.NAME_LABELS)
        ("misc", "ORG", ["3M"], ["3m", "azienda"], Verdict.KEEP),  # a name starting with a digit still resembles
        ("misc", "LOC", ["Rome"], ["di", "«Roma»"], Verdict.KEEP),  # a capital behind a quote is a capital
    ],
)
def test_verdicts(rule: str, label: str, source: list[str], target: list[str], expected: Verdict) -> None:
    assert verdict(rule, label, source, target) is expected


SOURCE = ["Belgium", "and", "the", "UK", "met", "Prodi"]
TARGET = ["belgischen", "und", "die", "Zahlen", "mit", "Prodi"]
LINKS = [(0, 0), (1, 1), (3, 2), (4, 4), (5, 5)]  # "UK" linked to the article only
ENTITIES = [Span(0, 1, "LOC"), Span(3, 4, "LOC"), Span(5, 6, "PER")]


def test_the_sentence_path_relabels_the_adjective_and_drops_the_wrong_link() -> None:
    p = project_candidates(ENTITIES, SOURCE, TARGET, LINKS)
    assert [s.key for s in p.spans] == [(0, 1, "MISC"), (5, 6, "PER")]
    assert [(x.entity.start, x.reason) for x in p.lost] == [(3, Reason.LOWER_CASE)]
    assert p.to_meta()["reason"] == "lower-case" and p.status == "partial"
    off = project_candidates(ENTITIES, SOURCE, TARGET, LINKS, CandidateOptions(case_repair="off"))
    assert [s.key for s in off.spans] == [(0, 1, "LOC"), (2, 3, "LOC"), (5, 6, "PER")]


@pytest.mark.parametrize("rule", ["misc", "drop", "off"])
def test_the_corpus_path_and_the_file_path_repair_as_the_sentence_path(tmp_path: Path, rule: str) -> None:
    options = CandidateOptions(case_repair=rule)
    # the other sentences write "Belgium" with a capital, so "belgischen" is not its usual spelling
    other = (["Belgium", "and", "Prodi"], ["Belgien", "und", "Prodi"], [(0, 0), (1, 1), (2, 2)])
    other_entities = [Span(0, 1, "LOC"), Span(2, 3, "PER")]
    sources = [Sentence(SOURCE, spans=ENTITIES)] + [Sentence(other[0], spans=other_entities)] * 2
    targets = [Sentence(TARGET)] + [Sentence(other[1])] * 2
    links = [LINKS, other[2], other[2]]
    result = project_corpus(sources, targets, links, options=options)
    one = project_candidates(ENTITIES, SOURCE, TARGET, LINKS, options)
    # the corpus's consistency score changes the scores, not the spans
    assert [s.key for s in result.projections[0].spans] == [s.key for s in one.spans]
    assert result.projections[0].lost == one.lost
    conll = "".join(f"{w}\t{t}\n" for w, t in zip(SOURCE, ["B-LOC", "O", "O", "B-LOC", "O", "B-PER"], strict=True))
    conll += "\nBelgium\tB-LOC\nand\tO\nProdi\tB-PER\n" * 2
    paths = tmp_path / "en.conll", tmp_path / "de.txt", tmp_path / "links.txt"
    texts = [
        conll + "\n",
        " ".join(TARGET) + "\n" + "Belgien und Prodi\n" * 2,
        "0-0 1-1 3-2 4-4 5-5\n" + "0-0 1-1 2-2\n" * 2,
    ]
    for path, text in zip(paths, texts, strict=True):
        path.write_text(text, encoding="utf-8")
    files = project_files(*paths, method="candidates", options=options)
    assert files is not None
    out = io.StringIO()
    files.write_conll(out)
    tags = [line.split("\t")[1] for line in out.getvalue().splitlines() if line]
    assert tags == [tag for sentence in result.sentences for tag in sentence.iob2()]
    assert files.counts.to_dict() == result.counts.to_dict()


def test_the_configuration_names_the_rule_and_the_paper_preset_turns_it_off() -> None:
    assert ProjectionConfig().candidate_options().case_repair == "misc"
    assert ProjectionConfig(preset="paper").candidate_options().case_repair == "off"
    assert ProjectionConfig(preset="paper", case_repair="drop").candidate_options().case_repair == "drop"
    with pytest.raises(Exception, match="case_repair"):
        parse_projection({"case_repair": "sometimes"})
    with pytest.raises(UnknownNameError, match="case repair 'sometimes'; valid: drop, misc, off"):
        CandidateOptions(case_repair="sometimes")


def test_a_lower_case_match_the_corpus_also_writes_with_a_capital_is_the_name() -> None:
    # machine translation writes the name in lower case at times: where the same words are also a capitalised match
    # of the same entity text, the lower-case ones are the name, not an adjective
    parliament = Sentence(["the", "Parliament", "votes"], spans=[Span(1, 2, "ORG")])
    lower = Sentence(["el", "parlamento", "vota"])
    upper = Sentence(["el", "Parlamento", "vota"])
    links = [(0, 0), (1, 1), (2, 2)]
    for options in (CandidateOptions(), CandidateOptions(weights={"align": 1.0})):  # with and without a 2nd pass
        result = project_corpus([parliament] * 3, [lower, upper, lower], [links] * 3, options=options)
        assert [s.label for t in result.sentences for s in t.spans] == ["ORG", "ORG", "ORG"]
        columns = ([parliament.spans] * 3, [parliament.tokens] * 3, [t.tokens for t in (lower, upper, lower)])
        each = project_candidates_each(*columns, [links] * 3, options)  # the sentence-by-sentence corpus path
        assert each == result.projections
    # never written with a capital: nothing says it is the name
    result = project_corpus([parliament] * 2, [lower, lower], [links] * 2)
    assert [s.label for t in result.sentences for s in t.spans] == ["MISC", "MISC"]
    # a derived adjective beside the capitalised name (other words) stays MISC
    europe = Sentence(["in", "Europe"], spans=[Span(1, 2, "LOC")])
    targets = [Sentence(["en", "Europa"]), Sentence(["en", "Europa"]), Sentence(["el", "europeo"])]
    result = project_corpus([europe] * 3, targets, [[(0, 0), (1, 1)]] * 3)
    assert [s.label for t in result.sentences for s in t.spans] == ["LOC", "LOC", "MISC"]
    # a sentence on its own has no corpus to say otherwise
    alone = project_candidates(parliament.spans, parliament.tokens, lower.tokens, links)
    assert [s.label for s in alone.spans] == ["MISC"]


def test_words_with_spaces_take_the_sentence_path_for_restore_names() -> None:
    # texts are compared joined by spaces: "New York" as one word or two is one text, on both paths
    options = CandidateOptions(weights={"align": 1.0})  # no consistency pass
    entities = [[Span(0, 1, "LOC")], [Span(0, 2, "LOC")]]
    sources, targets = [["New York"], ["New", "York"]], [["newyorkese"], ["Newyorkese"]]
    links = [[(0, 0)], [(0, 0), (1, 0)]]
    corpus = project_candidates_corpus(entities, sources, targets, links, options)
    assert corpus == project_candidates_each(entities, sources, targets, links, options)
    assert [s.label for p in corpus for s in p.spans] == ["LOC", "LOC"]
