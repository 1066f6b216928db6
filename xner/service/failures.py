"""Sentences that could not be processed: placeholders that travel through the steps, and output records.

When a step tolerates failed dependencies (a corpus-level align or project job over chunks, some of which failed),
the sentences a failed chunk should have produced are :func:`failed_item` placeholders carrying the reason. The
align step skips them; the project step turns each into a :func:`failed_record`: the input sentence (id, text and
tokens; its labels under ``meta.source``), its index, ``meta.projection.status = "failed"`` and the reason. So
every input sentence appears in the output exactly once, and nothing is lost.
"""

from __future__ import annotations

from typing import Any

from xner.formats.jsonl import parse_record
from xner.project.trace import span_dicts

FAILED = "$failed"
"""Key of a placeholder item; its value is the reason."""


def failed_item(reason: str) -> dict[str, str]:
    """A placeholder for one sentence a failed job should have produced."""
    return {FAILED: reason}


def failure_of(item: Any) -> str | None:
    """The reason if ``item`` is a placeholder, else ``None``."""
    if isinstance(item, dict) and FAILED in item:
        return str(item[FAILED])
    return None


def failed_record(source: dict[str, Any], index: int, reason: str) -> dict[str, Any]:
    """The output record of an input sentence that could not be projected: its index in the corpus, status
    ``failed``, the reason, and the input sentence: its words as the record's (so the record is never empty) but
    its labels only under ``meta.source`` (token spans, as on projected records): no output format ever shows
    source labels as if they had been projected."""
    record: dict[str, Any] = {key: source[key] for key in ("id", "text", "tokens") if key in source}
    record.setdefault("tokens", [])
    record.setdefault("text", " ".join(record["tokens"]))
    record["spans"] = []
    record["index"] = index
    meta = dict(source.get("meta") or {})
    meta["projection"] = {"status": "failed", "reason": reason}
    if source:
        sentence = parse_record(source, source="input", line=index + 1)
        meta["source"] = {"tokens": list(sentence.tokens), "spans": span_dicts(sentence.spans)}
    record["meta"] = meta
    return record
