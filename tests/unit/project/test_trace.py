"""xner.project.trace: what a projected sentence carries to explain itself."""

from __future__ import annotations

from xner.corpus import Sentence, Span
from xner.project import project_corpus
from xner.project.trace import explain


def pair() -> tuple[Sentence, Sentence, list[tuple[int, int]]]:
    source = Sentence(["Ana", "lives", "in", "Lima"], spans=[Span(0, 1, "PER"), Span(3, 4, "LOC")])
    target = Sentence(["Ana", "vive", "en", "Lima"])
    return source, target, [(3, 3), (0, 0), (1, 1)]


def test_candidates_carry_source_links_scores_and_origin():
    source, target, links = pair()
    result = project_corpus([source], [target], [links], method="candidates")
    meta = explain(result.sentences[0].meta, source, links, result.projections[0])
    assert meta["source"] == {
        "tokens": ["Ana", "lives", "in", "Lima"],
        "spans": [{"start": 0, "end": 1, "label": "PER"}, {"start": 3, "end": 4, "label": "LOC"}],
    }
    assert meta["links"] == [[0, 0], [1, 1], [3, 3]]
    spans = result.sentences[0].spans
    assert meta["projection"]["scores"] == [s.score for s in spans] and all(s.score for s in spans)
    assert meta["projection"]["origin"] == [0, 1]
    assert meta["projection"]["status"] == "projected"
    assert "source" not in result.sentences[0].meta  # the input meta is not modified


def test_the_heuristic_has_no_scores_to_show_but_tracks_origins():
    source, target, links = pair()
    result = project_corpus([source], [target], [links], method="heuristic")
    meta = explain(result.sentences[0].meta, source, links, result.projections[0])
    assert "scores" not in meta["projection"]
    assert meta["projection"]["origin"] == [0, 1]
    assert meta["links"] == [[0, 0], [1, 1], [3, 3]]
