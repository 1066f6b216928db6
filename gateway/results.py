"""Rendering a job's output records in the format the client asked for, as a stream of text chunks."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from gateway.defaults import RENDER_BATCH
from xner.corpus import Sentence
from xner.formats.conll import write_conll
from xner.formats.jsonl import doccano_record, parse_record
from xner.formats.labelstudio import task_record

MEDIA_TYPES = {
    "jsonl": "application/x-ndjson",
    "conll": "text/plain; charset=utf-8",
    "labelstudio": "application/json",
    "doccano": "application/x-ndjson",
}
"""Media type of each result format."""


def _sentence(record: dict[str, Any], index: int) -> Sentence:
    return parse_record(record, source="result", line=index + 1)


def render(records: Iterable[dict[str, Any]], fmt: str, *, metadata: bool = False) -> Iterator[str]:
    """Stream ``records`` (our JSONL shape with ``meta.status``) as JSONL, CoNLL (plain ``token<TAB>tag`` lines,
    as ``xner project`` writes them and CoNLL-2003 readers expect; with ``metadata``, each sentence preceded by
    ``# id = ...`` and ``# projection.status = ...`` comment lines), doccano JSONL (UTF-16 offsets, meta as
    top-level fields) or a Label Studio task array (status in each task's ``meta``)."""
    if fmt == "jsonl":
        for record in records:
            yield json.dumps(record, ensure_ascii=False) + "\n"
        return
    if fmt == "doccano":  # UTF-16 offsets; meta (status, ...) as top-level fields, as doccano keeps them
        for index, record in enumerate(records):
            yield json.dumps(doccano_record(_sentence(record, index)), ensure_ascii=False) + "\n"
        return
    if fmt == "conll":
        buffer = io.StringIO()
        for index, record in enumerate(records):
            write_conll([_sentence(record, index)], buffer, comments=metadata)
            if index % RENDER_BATCH == RENDER_BATCH - 1:
                yield buffer.getvalue()
                buffer = io.StringIO()
        yield buffer.getvalue()
        return
    yield "["
    for index, record in enumerate(records):
        task = task_record(_sentence(record, index), index)
        task["meta"] = record.get("meta", {})
        yield ("," if index else "") + "\n" + json.dumps(task, ensure_ascii=False)
    yield "\n]\n"
