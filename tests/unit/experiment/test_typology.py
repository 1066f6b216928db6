"""The controlled typology experiment: each transform on built sentences (what moves, what the gold spans still
cover), the dial, and the command end to end on a small parallel corpus of four sides."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from xner.cli import main
from xner.corpus import Sentence, Span
from xner.errors import InputError
from xner.experiment.typology import chosen, function_words, fuse, reorder, transform, transliterate


def entity_texts(sentence: Sentence) -> list[tuple[str, str]]:
    return [(" ".join(sentence.tokens[s.start : s.end]), s.label) for s in sentence.spans]


SENTENCE = Sentence(
    tokens=[
        "El",
        "presidente",
        "de",
        "la",
        "Comisión",
        "Europea",
        "habló",
        "con",
        "Angela",
        "Merkel",
        ",",
        "y",
        "la",
        "reunión",
        "terminó",
        ".",
    ],
    spans=[Span(3, 6, "ORG"), Span(8, 10, "PER")],  # "la Comisión Europea" (an article inside), "Angela Merkel"
)


def test_strength_zero_changes_nothing() -> None:
    for axis in ("order", "fusion", "script", "all"):
        (same,) = transform([SENTENCE], axis, 0.0)
        assert same.tokens == SENTENCE.tokens and same.spans == SENTENCE.spans


def test_order_mirrors_each_clause_and_keeps_entities_whole() -> None:
    mirrored = reorder(SENTENCE, 0, 1.0, seed=0)
    assert mirrored.tokens == (
        [
            "Angela",
            "Merkel",
            "con",
            "habló",
            "la",
            "Comisión",
            "Europea",
            "de",
            "presidente",
            "El",
            ",",
            "terminó",
            "reunión",
            "la",
            "y",
            ".",
        ]
    )
    assert entity_texts(mirrored) == [("la Comisión Europea", "ORG"), ("Angela Merkel", "PER")][::-1]


def test_fusion_glues_function_words_to_the_next_word_but_never_across_an_entity_end() -> None:
    words = frozenset({"de", "la", "con", "y"})
    fused = fuse(SENTENCE, 0, 1.0, seed=0, words=words)
    assert fused.tokens == [
        "El",
        "presidente",
        "delaComisión",
        "Europea",
        "habló",
        "conAngela",
        "Merkel",
        ",",
        "ylareunión",
        "terminó",
        ".",
    ]
    # "de" before the entity and "la" inside it fuse into its first word; "con" becomes part of "Angela"
    assert entity_texts(fused) == [("delaComisión Europea", "ORG"), ("conAngela Merkel", "PER")]
    ends_with_function_word = Sentence(
        tokens=["vive", "en", "Villa", "de", "la", "Paz", "hoy"], spans=[Span(2, 4, "LOC")]
    )
    kept = fuse(ends_with_function_word, 0, 1.0, seed=0, words=frozenset({"de", "la", "en"}))
    assert entity_texts(kept) == [("enVilla de", "LOC")]  # "de" ends the entity: not fused into "la" outside it
    assert kept.tokens == ["vive", "enVilla", "de", "laPaz", "hoy"]


def test_script_transliterates_word_types_the_same_way_everywhere() -> None:
    assert transliterate("Comisión") == "Комисион"
    assert transliterate("1999,") == "1999,"
    twice = transform([SENTENCE, SENTENCE], "script", 1.0)
    assert twice[0].tokens == twice[1].tokens == [transliterate(w) for w in SENTENCE.tokens]
    assert twice[0].spans == SENTENCE.spans


def test_the_dial_is_nested_and_its_share_follows_the_strength() -> None:
    keys = [f"unit {k}" for k in range(2000)]
    low = {k for k in keys if chosen(k, 0.3, seed=1)}
    high = {k for k in keys if chosen(k, 0.6, seed=1)}
    assert low <= high
    assert 0.25 < len(low) / len(keys) < 0.35 and 0.55 < len(high) / len(keys) < 0.65
    assert {k for k in keys if chosen(k, 0.3, seed=2)} != low  # the seed picks other units


def test_function_words_are_the_frequent_short_lower_case_words() -> None:
    corpus = [
        Sentence(
            tokens=[
                "la",
                "Comisión",
                "de",
                "la",
                "Unión",
                "y",
                "el",
                "Consejo",
                "de",
                "la",
                "Europa",
                "informe",
                "informe",
                "informe",
            ]
        )
    ]
    assert function_words(corpus, top=3) == frozenset({"la", "de", "el"})  # "informe" is frequent but long


def test_bad_axes_and_strengths_are_input_errors() -> None:
    with pytest.raises(InputError, match="axis"):
        transform([SENTENCE], "tone", 0.5)
    with pytest.raises(InputError, match="between 0 and 1"):
        transform([SENTENCE], "order", 1.5)


SIDES = {
    "en": ("The Commission met {0} in {1} .", "Mr {0} spoke in {1} today ."),
    "de": ("Die Kommission traf {0} in {1} .", "Herr {0} sprach heute in {1} ."),
    "it": ("La Commissione ha incontrato {0} a {1} .", "Il signor {0} ha parlato oggi a {1} ."),
    "es": ("La Comisión se reunió con {0} en {1} .", "El señor {0} habló hoy en {1} ."),
}
PEOPLE = ("Prodi", "Barroso", "Merkel", "Monti", "Solana", "Patten")
PLACES = ("Berlin", "Madrid", "Roma", "Lisboa", "Viena", "Praga")


def write_side(folder: Path, lang: str) -> None:
    """A CoNLL side of 12 parallel sentences: a person (PER) and a place (LOC) in one of two templates."""
    lines = []
    for k in range(12):
        template = SIDES[lang][k % 2]
        person, place = PEOPLE[k % 6], PLACES[(k + 1) % 6]
        for word in template.format(person, place).split():
            tag = "B-PER" if word == person else "B-LOC" if word == place else "O"
            lines.append(f"{word} {tag}")
        lines.append("")
    (folder / f"{lang}-europarl.test.conll02").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_command_runs_every_axis_and_strength(tmp_path: Path) -> None:
    data = tmp_path / "europarl"
    data.mkdir()
    for lang in SIDES:
        write_side(data, lang)
    out = tmp_path / "out"
    args = ["typology", "--data", str(data), "--out", str(out), "--strengths", "1", "--axes", "order,script"]
    assert main(args) == 0
    with (out / "results.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cells = {(r["axis"], float(r["strength"]), r["setting"]): float(r["f1"]) for r in rows}
    settings = ("en heuristic", "en candidates", "vote of en+de+it")
    assert set(cells) == {(a, s, n) for a in ("order", "script") for s in (0.0, 1.0) for n in settings}
    for name in settings:  # strength 0 is one run, reported on every axis
        assert cells[("order", 0.0, name)] == cells[("script", 0.0, name)]
    assert cells[("order", 0.0, "en candidates")] > 0.9  # names spelt alike in every language: easy untouched
    assert "| script | 1 |" in (out / "results.md").read_text(encoding="utf-8")
    assert (out / "typology.png").stat().st_size > 0


def test_the_command_names_a_missing_side(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["typology", "--data", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "Europarl-NER side 'en' not found" in capsys.readouterr().err
