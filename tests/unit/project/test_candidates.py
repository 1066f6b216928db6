"""Candidate extraction, the four scores, fusion, and candidate projection end to end."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from xner.corpus import Span
from xner.errors import InputError, UnknownNameError
from xner.project.candidate_options import CandidateOptions
from xner.project.candidate_projection import TranslationContext, project_candidates
from xner.project.candidates import ngram_candidates, select_candidates
from xner.project.scores import alignment_scores, fuse, ner_scores, surface_scores, translation_scores
from xner.project.status import Reason, Status


def test_ngrams_do_not_cross_sentence_final_punctuation() -> None:
    tokens = ["A", "b", ".", "C"]
    assert ngram_candidates(tokens, 10, trim_punct=False) == [(0, 1), (0, 2), (1, 2), (3, 4)]


def test_ngrams_respect_max_len_and_trim_punctuation_edges() -> None:
    tokens = ["(", "A", "b", ")", "c"]
    assert ngram_candidates(tokens, 2, trim_punct=True) == [(1, 2), (1, 3), (2, 3), (4, 5)]
    assert (0, 2) in ngram_candidates(tokens, 2, trim_punct=False)
    assert (1, 5) in ngram_candidates(tokens, 4, trim_punct=True)  # inner punctuation is fine


def test_candidate_sources() -> None:
    tokens = ["a", "b", "c"]
    ner = [Span(0, 3, "ORG")]
    assert select_candidates("ner", tokens, ner, max_len=2) == [(0, 3)]
    both = select_candidates("both", tokens, ner, max_len=2)
    assert (0, 3) in both and (0, 2) in both and len(both) == len(set(both))
    with pytest.raises(UnknownNameError):
        select_candidates("oracle", tokens, ner)


def test_alignment_score_is_the_dice_of_links() -> None:
    entities = [Span(0, 2, "ORG")]
    candidates = [(1, 3), (1, 2), (0, 4)]
    links = [(0, 1), (1, 2), (2, 3)]  # source 2 is outside the entity
    scores = alignment_scores(entities, candidates, links, n_target=4)
    assert scores[0].tolist() == pytest.approx([2 * 2 / 4, 2 * 1 / 3, 2 * 2 / 6])


def test_ner_score_is_the_tagger_confidence_of_exact_spans() -> None:
    entities = [Span(0, 1, "PER"), Span(1, 2, "LOC")]
    candidates = [(0, 1), (0, 2)]
    predicted = [Span(0, 2, "PER", score=0.7), Span(3, 4, "LOC", score=0.9)]
    assert ner_scores(entities, candidates, predicted).tolist() == [[0.0, 0.7], [0.0, 0.7]]
    assert ner_scores(entities, candidates, predicted, match_label=True).tolist() == [[0.0, 0.7], [0.0, 0.0]]


class DictScorer:
    """log p(tgt | src) from a table; a text translating to itself scores log 1."""

    def __init__(self, table: dict[tuple[str, str], float]) -> None:
        self.table = table
        self.calls = 0

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        self.calls += 1
        return [0.0 if s == t else math.log(self.table.get((s, t), 1e-6)) for s, t in zip(src, tgt, strict=True)]


def test_translation_score_averages_both_normalised_directions() -> None:
    scorer = DictScorer({("Union", "Unione"): 0.8, ("Unione", "Union"): 0.6})
    scores = translation_scores([Span(0, 1, "ORG")], [(0, 1), (1, 2)], ["Union"], ["Unione", "x"], scorer, "en", "it")
    assert scores[0, 0] == pytest.approx(0.7)
    assert scores[0, 1] == pytest.approx(1e-6)
    assert scorer.calls == 4  # self-scores of each side and one batch per direction


def test_surface_score_counts_similar_spellings() -> None:
    scores = surface_scores([Span(0, 1, "PER")], [(1, 2), (0, 2)], ["Prodi"], ["il", "Prodi"])
    assert scores[0].tolist() == pytest.approx([2 / 2, 2 / 3])


def test_fuse_weights_and_thresholds() -> None:
    parts = {"align": np.array([[0.5, 0.05]]), "ner": np.array([[0.04, 0.9]])}
    fused = fuse(parts, {"align": 1.0, "ner": 0.5}, {"align": 0.1, "ner": 0.05})
    assert fused[0].tolist() == pytest.approx([0.5, 0.45])  # 0.04 and 0.05 are at or below their thresholds
    strict = fuse(parts, {"align": 1.0, "ner": 0.5}, {}, threshold=0.5)
    assert strict[0].tolist() == pytest.approx([0.52, 0.0])  # 0.05 + 0.45 = 0.5 is not above 0.5


def test_candidate_projection_end_to_end() -> None:
    source = ["the", "European", "Parliament", "and", "Prodi"]
    target = ["il", "Parlamento", "europeo", "e", "Prodi", "."]
    entities = [Span(1, 3, "ORG"), Span(4, 5, "PER")]
    links = [(0, 0), (1, 2), (2, 1), (3, 3), (4, 4)]
    for matching in ("greedy", "exact"):
        p = project_candidates(entities, source, target, links, CandidateOptions(matching=matching))
        assert [s.key for s in p.spans] == [(1, 3, "ORG"), (4, 5, "PER")]
        assert p.status is Status.PROJECTED


def test_candidate_projection_reports_entities_without_candidates() -> None:
    p = project_candidates([Span(0, 1, "PER"), Span(1, 2, "LOC")], ["A", "B"], ["X", "Y"], [(0, 0)])
    assert [s.key for s in p.spans] == [(0, 1, "PER")]
    assert [(x.entity.label, x.reason) for x in p.lost] == [("LOC", Reason.NO_CANDIDATE)]
    assert p.status is Status.PARTIAL


def test_candidate_projection_reports_outmatched_entities() -> None:
    # both entities align only to target word 0: one gets it, the other is outmatched
    p = project_candidates([Span(0, 1, "PER"), Span(1, 2, "LOC")], ["A", "B"], ["X"], [(0, 0), (1, 0)])
    assert len(p.spans) == 1
    assert [x.reason for x in p.lost] == [Reason.OUTMATCHED]


def test_translation_only_fusion_uses_the_scorer() -> None:
    scorer = DictScorer({("Rome", "Roma"): 0.9, ("Roma", "Rome"): 0.9})
    options = CandidateOptions(weights={"translation": 1.0})
    context = TranslationContext(scorer, "en", "it")
    p = project_candidates([Span(0, 1, "LOC")], ["Rome"], ["a", "Roma"], [], options, translation=context)
    assert [s.key for s in p.spans] == [(1, 2, "LOC")]


def test_bad_links_and_entities_name_the_sentence() -> None:
    with pytest.raises(InputError, match="sentence 3: alignment link 0-9"):
        project_candidates([Span(0, 1, "PER")], ["a"], ["x"], [(0, 9)], where="sentence 3")
    with pytest.raises(InputError, match="sentence 4: entity"):
        project_candidates([Span(0, 2, "PER")], ["a"], ["x"], [], where="sentence 4")
