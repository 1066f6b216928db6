"""The viewer's data functions (gateway/viewer.py) on hand-made records, without a server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gateway.viewer import matching_indices, parse_statuses, pick, sentence_view, summarise, target_spans
from xner.corpus import Sentence, Span
from xner.errors import InputError
from xner.formats.jsonl import parse_record, sentence_record
from xner.service.failures import failed_record


def record(status: str, *, gold: list[dict[str, Any]] | None = None, **meta: Any) -> dict[str, Any]:
    """A projected record of the target ``Ana vive en Lima`` with PER on ``Ana``."""
    item: dict[str, Any] = {
        "text": "Ana vive en Lima",
        "tokens": ["Ana", "vive", "en", "Lima"],
        "spans": [{"start": 0, "end": 3, "label": "PER", "score": 1.5}],
        "meta": {"projection": {"status": status, "reason": None, "lost": []}, **meta},
    }
    if gold is not None:
        item["meta"]["gold"] = gold
    return item


FAILED = {
    "index": 2,
    "text": "",
    "tokens": [],
    "spans": [],
    "meta": {"projection": {"status": "failed", "reason": "x"}},
}
"""A record of a chunk that failed, as corpus_jobs.output_records yields it."""


def test_statuses_parse_with_problems_as_a_shorthand_and_unknown_ones_named():
    assert parse_statuses(None) is None and parse_statuses(" ") is None
    assert parse_statuses("problems") == {"partial", "dropped", "failed"}
    assert parse_statuses("projected, dropped") == {"projected", "dropped"}
    with pytest.raises(InputError, match="status: unknown status 'lost'"):
        parse_statuses("projected,lost")


def test_pick_stops_reading_after_the_last_wanted_record():
    def records() -> Iterator[dict[str, Any]]:
        yield from ({"n": k} for k in range(3))
        raise AssertionError("read past the page")

    assert [(k, r["n"]) for k, r in pick(records(), [0, 2])] == [(0, 0), (2, 2)]
    assert list(pick(records(), [])) == []


def test_matching_indices_follow_the_status_codes():
    assert matching_indices("pads", None) == [0, 1, 2, 3]
    assert matching_indices("padfp", frozenset({"partial", "failed"})) == [1, 3]


def test_a_sentence_view_has_token_spans_scores_and_gold_marks():
    view = sentence_view(
        record(
            "projected",
            gold=[{"start": 3, "end": 4, "label": "LOC"}],
            source={"tokens": ["Ana", "lives", "in", "Lima"], "spans": [{"start": 0, "end": 1, "label": "PER"}]},
            links=[[0, 0], [3, 3]],
        ),
        7,
    )
    assert view["index"] == 7 and view["status"] == "projected"
    assert view["target"]["spans"] == [
        {"start": 0, "end": 1, "label": "PER", "score": 1.5, "source": None, "correct": False}
    ]
    assert view["gold"]["misses"] == [{"start": 3, "end": 4, "label": "LOC"}]
    assert view["links"] == [[0, 0], [3, 3]] and view["source"]["tokens"][1] == "lives"


def test_a_failed_record_shows_without_source_or_links():
    view = sentence_view(FAILED, 2)
    assert (view["status"], view["reason"], view["source"], view["links"], view["gold"]) == (
        "failed",
        "x",
        None,
        None,
        None,
    )
    assert view["target"] == {"tokens": [], "spans": []}


def test_summarise_counts_statuses_and_types_and_scores_only_with_gold():
    gold = [{"start": 0, "end": 1, "label": "PER"}]
    summary = summarise([record("projected", gold=gold), record("partial", gold=[]), FAILED])
    assert summary["statuses"] == "paf"
    assert summary["status_counts"] == {"projected": 1, "partial": 1, "dropped": 0, "failed": 1}
    assert summary["per_type"] == {"PER": {"source": 0, "projected": 2, "gold": 1}}
    overall = summary["evaluation"]["overall"]
    assert (overall["correct"], overall["predicted"], overall["support"]) == (1, 2, 1)
    assert summary["evaluated_sentences"] == 2
    without = summarise([record("projected")])
    assert without["evaluation"] is None and without["per_type"]["PER"]["gold"] is None


@pytest.mark.parametrize(
    "item",
    [
        record("projected"),  # the project step's layout: text = tokens joined by single spaces
        {"text": "😀 Ana  vive", "tokens": ["😀", "Ana", "vive"], "spans": [{"start": 2, "end": 5, "label": "PER"}]},
        {"text": "Ana vive", "spans": [{"start": 0, "end": 3, "label": "PER"}]},  # no tokens
    ],
)
def test_target_spans_agree_with_the_full_parser(item):
    sentence = parse_record(item, source="result", line=1)
    tokens, spans = target_spans(item, 0)
    assert tokens == sentence.tokens
    assert [(s.start, s.end, s.label, s.score) for s in spans] == [
        (s.start, s.end, s.label, s.score) for s in sentence.spans
    ]


def test_a_failed_chunks_sentence_shows_as_source_only_and_never_lends_its_labels_to_the_target():
    given = sentence_record(Sentence(["Ana", "vive", "en", "Lima"], spans=[Span(0, 1, "PER"), Span(3, 4, "LOC")]))
    record = failed_record(given, 4, "chunk failed")
    assert record["tokens"] == ["Ana", "vive", "en", "Lima"] and record["spans"] == []
    assert record["meta"]["source"]["spans"] == [
        {"start": 0, "end": 1, "label": "PER"},
        {"start": 3, "end": 4, "label": "LOC"},
    ]
    view = sentence_view(record, 4)
    assert view["status"] == "failed" and view["reason"] == "chunk failed"
    assert view["target"] == {"tokens": [], "spans": []}
    assert view["source"]["tokens"] == ["Ana", "vive", "en", "Lima"]
    assert summarise([record])["per_type"] == {
        "LOC": {"source": 1, "projected": 0, "gold": None},
        "PER": {"source": 1, "projected": 0, "gold": None},
    }
