"""The projection viewer's data, computed from a job's output records (pure functions, no I/O).

* :func:`sentence_view`: one sentence as the viewer draws it: source and target tokens with their spans, the word
  links, the status with its reason, the candidate scores, and, when the target had gold labels, which projected
  spans are wrong and which gold spans were missed.
* :func:`summarise`: one pass over a job's records: the status of every sentence (so a page of "problem cases" is
  found without reading the records again), counts per status and per entity type, and P/R/F1 against the gold
  (:mod:`xner.evaluate`, seqeval semantics) when the target had gold labels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from xner.corpus import Span, join_tokens
from xner.errors import InputError
from xner.evaluate import SpanKey, score_span_sets
from xner.formats.jsonl import parse_record

STATUS_CODES = {"projected": "p", "partial": "a", "dropped": "d", "failed": "f"}
"""Sentence statuses and the one-letter code each has in a summary's ``statuses`` string."""

PROBLEMS = ("partial", "dropped", "failed")
"""The statuses ``status=problems`` selects."""


def parse_statuses(value: str | None) -> frozenset[str] | None:
    """The ``status`` query parameter: comma-separated statuses, or ``problems``; ``None`` or empty = every one."""
    if value is None or not value.strip():
        return None
    wanted: set[str] = set()
    for part in (p.strip() for p in value.split(",") if p.strip()):
        if part == "problems":
            wanted.update(PROBLEMS)
        elif part in STATUS_CODES:
            wanted.add(part)
        else:
            raise InputError(
                f"status: unknown status {part!r}; valid: problems, {', '.join(STATUS_CODES)}",
                details=[{"field": "status", "value": part}],
            )
    return frozenset(wanted)


def record_status(record: dict[str, Any]) -> str:
    """A record's projection status (``failed`` when it has none)."""
    status = ((record.get("meta") or {}).get("projection") or {}).get("status")
    return status if status in STATUS_CODES else "failed"


def _keys(spans: Iterable[dict[str, Any]]) -> list[SpanKey]:
    return [(int(s["start"]), int(s["end"]), str(s["label"])) for s in spans]


def _source(meta: dict[str, Any]) -> dict[str, Any] | None:
    source = meta.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("tokens"), list):
        return None
    return {"tokens": [str(t) for t in source["tokens"]], "spans": list(source.get("spans") or [])}


def target_spans(record: dict[str, Any], index: int) -> tuple[list[str], list[Span]]:
    """A record's tokens and token spans, ordered by start. The project step writes the text as its tokens joined
    by single spaces, so character offsets map straight to tokens; any other record is parsed in full."""
    tokens = record.get("tokens")
    if isinstance(tokens, list) and all(isinstance(t, str) for t in tokens):
        text, offsets = join_tokens(tokens)
        if text == record.get("text"):
            starts = {start: k for k, (start, _) in enumerate(offsets)}
            ends = {end: k + 1 for k, (_, end) in enumerate(offsets)}
            try:
                spans = [
                    Span(starts[s["start"]], ends[s["end"]], str(s["label"]), s.get("score"))
                    for s in record.get("spans") or []
                ]
                return list(tokens), sorted(spans, key=lambda span: (span.start, span.end))
            except (KeyError, TypeError, InputError):
                pass  # not our own layout after all: the full parser names the problem
    sentence = parse_record(record, source="result", line=index + 1)
    return list(sentence.tokens), list(sentence.spans)


def sentence_view(record: dict[str, Any], index: int) -> dict[str, Any]:
    """One output record as the viewer shows it (token indices everywhere; see docs/viewer.md)."""
    meta = record.get("meta") or {}
    projection = meta.get("projection") or {}
    status = record_status(record)
    # a failed record's words are its input sentence (shown as the source, from meta.source): it has no target
    tokens, projected = ([], []) if status == "failed" else target_spans(record, index)
    scores = projection.get("scores") or []
    origin = projection.get("origin") or []
    spans: list[dict[str, Any]] = []
    for k, span in enumerate(projected):
        score = scores[k] if k < len(scores) else span.score
        spans.append(
            {
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "score": score,
                "source": origin[k] if k < len(origin) else None,
            }
        )
    gold = None
    if isinstance(meta.get("gold"), list):
        gold_spans = list(meta["gold"])
        gold_keys = set(_keys(gold_spans))
        predicted = set(_keys(spans))
        for item in spans:
            item["correct"] = (item["start"], item["end"], item["label"]) in gold_keys
        gold = {
            "spans": gold_spans,
            "misses": [s for s, key in zip(gold_spans, _keys(gold_spans), strict=True) if key not in predicted],
        }
    links = meta.get("links")
    return {
        "index": int(record.get("index", index)),
        "status": status,
        "reason": projection.get("reason"),
        "lost": list(projection.get("lost") or []),
        "target": {"tokens": tokens, "spans": spans},
        "source": _source(meta),
        "links": links if isinstance(links, list) else None,
        "gold": gold,
    }


def summarise(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Statuses (one letter per sentence, :data:`STATUS_CODES`), counts per status and per type, P/R/F1."""
    codes: list[str] = []
    statuses: Counter[str] = Counter()
    source_types: Counter[str] = Counter()
    projected_types: Counter[str] = Counter()
    gold_types: Counter[str] = Counter()
    gold_sets: list[list[SpanKey]] = []
    pred_sets: list[list[SpanKey]] = []
    for record in records:
        status = record_status(record)
        codes.append(STATUS_CODES[status])
        statuses[status] += 1
        meta = record.get("meta") or {}
        source = _source(meta)
        if source is not None:
            source_types.update(str(s["label"]) for s in source["spans"])
        projected = [str(s.get("label")) for s in record.get("spans") or []]
        projected_types.update(projected)
        if isinstance(meta.get("gold"), list):
            gold_types.update(str(s["label"]) for s in meta["gold"])
            gold_sets.append(_keys(meta["gold"]))
            pred_sets.append([span.key for span in target_spans(record, len(codes) - 1)[1]])
    has_gold = bool(gold_sets)
    labels = sorted(source_types.keys() | projected_types.keys() | gold_types.keys())
    per_type = {
        label: {
            "source": source_types[label],
            "projected": projected_types[label],
            "gold": gold_types[label] if has_gold else None,
        }
        for label in labels
    }
    evaluation = score_span_sets(gold_sets, pred_sets, "default").to_dict() if has_gold else None
    return {
        "sentences": len(codes),
        "statuses": "".join(codes),
        "status_counts": {status: statuses[status] for status in STATUS_CODES},
        "per_type": per_type,
        "evaluation": evaluation,
        "evaluated_sentences": len(gold_sets) if has_gold else None,
    }


def matching_indices(statuses: str, wanted: frozenset[str] | None) -> list[int]:
    """Positions of the sentences whose status is in ``wanted`` (every position for ``None``)."""
    if wanted is None:
        return list(range(len(statuses)))
    codes = {STATUS_CODES[status] for status in wanted}
    return [i for i, code in enumerate(statuses) if code in codes]


def pick(records: Iterable[dict[str, Any]], indices: list[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records at ``indices`` (ascending) with their positions; stops reading after the last one."""
    wanted = iter(indices)
    next_index = next(wanted, None)
    if next_index is None:
        return
    for position, record in enumerate(records):
        if position == next_index:
            yield position, record
            next_index = next(wanted, None)
            if next_index is None:
                return
