"""JSON Lines with character-offset spans, one sentence (record) per line.

Shapes read (``offset_unit`` says whether offsets count code points, the default, or UTF-16 units):

* ours:     ``{"text": str, "tokens"?: [str], "spans": [{"start", "end", "label", "score"?}], "id"?, "lang"?}``
* doccano:  ``{"text": str, "label": [[start, end, label], ...]}`` (also under ``"labels"`` or ``"entities"``)
* Prodigy:  ``{"text": str, "tokens": [{"text", "start", "end", ...}], "spans": [{"start", "end", "label",
  "token_start", "token_end"}]}``; character offsets are authoritative.

Records without ``text`` but with string ``tokens`` take the tokens joined by single spaces as text. Blank
lines are skipped. Fields the reader does not interpret are kept in the sentence's ``meta`` (and written back
there), so no data is lost on the way through. Written: ours, with tokens, so CoNLL -> JSONL -> CoNLL is lossless.

The ``doccano`` format is doccano's sequence-labelling JSONL, ``{"id"?, "text", "label": [[start, end, label]],
...meta}``, read by the same reader and written by :func:`write_doccano`; its offsets default to UTF-16 code units,
the unit doccano's browser annotator counts in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO, TypeGuard

from xner import jsonlimits
from xner.corpus import Sentence, join_tokens
from xner.errors import FormatError
from xner.formats._lines import check_not_empty, numbered_lines
from xner.formats._spans import CharSpan, build_sentence
from xner.offsets import from_utf16, utf16_positions

_TRIPLE_KEYS = ("label", "labels", "entities")
_RECORD_KEYS = frozenset({"text", "tokens", "spans", *_TRIPLE_KEYS, "id", "lang", "meta"})
"""Fields the reader interprets; any other field of a record is kept in the sentence's ``meta``."""


def read_jsonl(
    path: str | Path,
    *,
    offset_unit: str = "codepoint",
    lang: str | None = None,
    source: str | None = None,
) -> Iterator[Sentence]:
    """Stream the sentences of a JSONL file (see the module docstring)."""
    name = source or str(path)
    count = 0
    for number, line in numbered_lines(path, source=name):
        if not line.strip():
            continue
        try:
            record = jsonlimits.loads(line)
        except jsonlimits.JsonLimitError as exc:
            raise FormatError(str(exc), source=name, line=number) from None
        except json.JSONDecodeError as exc:
            raise FormatError(f"invalid JSON: {exc.msg} at column {exc.colno}", source=name, line=number) from None
        sentence = parse_record(record, source=name, line=number, offset_unit=offset_unit)
        if sentence.lang is None:
            sentence.lang = lang
        count += 1
        yield sentence
    check_not_empty(count, source=name)


def parse_record(record: Any, *, source: str, line: int, offset_unit: str = "codepoint") -> Sentence:
    """One JSONL record -> :class:`Sentence`; every problem is a :class:`FormatError` naming the field."""
    if not isinstance(record, dict):
        raise FormatError(f"expected a JSON object, got {type(record).__name__}", source=source, line=line)
    tokens, token_offsets = _tokens(record, source=source, line=line)
    text = record.get("text")
    if text is None:
        if tokens is None:
            raise FormatError("missing field: the record has neither text nor tokens", source=source, line=line)
        text, token_offsets = join_tokens(tokens)
    elif not isinstance(text, str):
        raise FormatError("must be a string", source=source, line=line, field="text")
    field, raw_spans = _raw_spans(record, source=source, line=line)
    spans = [_char_span(raw, i, field, source=source, line=line) for i, raw in enumerate(raw_spans)]
    if offset_unit == "utf16":
        spans = _from_utf16(text, spans, field, source=source, line=line)
    elif offset_unit != "codepoint":
        raise FormatError(f"unknown offset unit {offset_unit!r}; valid: codepoint, utf16", source=source)
    sentence = build_sentence(
        text, spans, tokens=tokens, token_offsets=token_offsets, source=source, line=line, field=field
    )
    if "id" in record and record["id"] is not None:
        sentence.id = str(record["id"])
    if isinstance(record.get("lang"), str):
        sentence.lang = record["lang"]
    if isinstance(record.get("meta"), dict):
        sentence.meta.update(record["meta"])
    for key, value in record.items():  # other fields (doccano's Comments, Prodigy's hashes, ...) are kept
        if key not in _RECORD_KEYS:
            sentence.meta.setdefault(key, value)
    return sentence


def _tokens(record: dict[str, Any], *, source: str, line: int) -> tuple[list[str] | None, list[tuple[int, int]] | None]:
    raw = record.get("tokens")
    if raw is None:
        return None, None
    if not isinstance(raw, list):
        raise FormatError("must be a list", source=source, line=line, field="tokens")
    if all(isinstance(t, str) for t in raw):
        return list(raw), None
    words: list[str] = []
    offsets: list[tuple[int, int]] = []
    for i, token in enumerate(raw):
        if not (isinstance(token, dict) and isinstance(token.get("text"), str)):
            raise FormatError(
                "must be a string or an object with text, start and end",
                source=source,
                line=line,
                field=f"tokens[{i}]",
            )
        start, end = token.get("start"), token.get("end")
        if not _is_int(start) or not _is_int(end):
            raise FormatError("needs integer start and end", source=source, line=line, field=f"tokens[{i}]")
        words.append(token["text"])
        offsets.append((start, end))
    return words, offsets


def _raw_spans(record: dict[str, Any], *, source: str, line: int) -> tuple[str, list[Any]]:
    for key in ("spans", *_TRIPLE_KEYS):
        if key in record and record[key] is not None:
            value = record[key]
            if not isinstance(value, list):
                raise FormatError("must be a list of spans", source=source, line=line, field=key)
            return key, value
    return "spans", []


def _char_span(raw: Any, index: int, field: str, *, source: str, line: int) -> CharSpan:
    where = f"{field}[{index}]"
    if isinstance(raw, dict):
        start, end, label, score = raw.get("start"), raw.get("end"), raw.get("label"), raw.get("score")
    elif isinstance(raw, list | tuple) and len(raw) == 3:
        (start, end, label), score = raw, None
    else:
        raise FormatError("must be {start, end, label} or [start, end, label]", source=source, line=line, field=where)
    if not _is_int(start) or not _is_int(end):
        raise FormatError("start and end must be integers", source=source, line=line, field=where)
    if not isinstance(label, str) or not label.strip():
        raise FormatError("label must be a non-empty string", source=source, line=line, field=where)
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise FormatError("score must be a number", source=source, line=line, field=where)
    return CharSpan(start, end, label, None if score is None else float(score))


def _from_utf16(text: str, spans: list[CharSpan], field: str, *, source: str, line: int) -> list[CharSpan]:
    positions = utf16_positions(text)
    converted = []
    for i, span in enumerate(spans):
        try:
            start, end = from_utf16(text, span.start, positions), from_utf16(text, span.end, positions)
        except ValueError as exc:
            raise FormatError(str(exc), source=source, line=line, field=f"{field}[{i}]") from None
        converted.append(CharSpan(start, end, span.label, span.score))
    return converted


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def sentence_record(sentence: Sentence, *, offset_unit: str = "codepoint") -> dict[str, Any]:
    """The JSONL record of a sentence (ours, with tokens)."""
    full = sentence.with_text()
    assert full.text is not None
    positions = utf16_positions(full.text) if offset_unit == "utf16" else None
    record: dict[str, Any] = {}
    if sentence.id is not None:
        record["id"] = sentence.id
    record["text"] = full.text
    record["tokens"] = list(sentence.tokens)
    spans = []
    for span in full.char_spans():
        assert span.char_start is not None and span.char_end is not None
        start, end = span.char_start, span.char_end
        if positions is not None:
            start, end = positions[start], positions[end]
        item: dict[str, Any] = {"start": start, "end": end, "label": span.label}
        if span.score is not None:
            item["score"] = span.score
        spans.append(item)
    record["spans"] = spans
    if sentence.lang is not None:
        record["lang"] = sentence.lang
    meta = public_meta(sentence)
    if meta:
        record["meta"] = meta
    return record


#: Meta keys the readers set for their own bookkeeping; never written out.
INTERNAL_META = frozenset({"line", "number", "labelstudio_text_key"})


def public_meta(sentence: Sentence) -> dict[str, Any]:
    """The sentence's meta data worth writing (status, reason, ...), without reader bookkeeping."""
    return {k: v for k, v in sentence.meta.items() if k not in INTERNAL_META}


def write_jsonl(sentences: Iterable[Sentence], out: TextIO, *, offset_unit: str = "codepoint") -> int:
    """Write one JSON record per sentence; return the number written."""
    return _write_lines((sentence_record(s, offset_unit=offset_unit) for s in sentences), out)


def _write_lines(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write one JSON object per line; return the number written."""
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def read_doccano(path: str | Path, *, offset_unit: str = "utf16", **options: Any) -> Iterator[Sentence]:
    """Stream a doccano JSONL export (offsets in UTF-16 code units unless ``offset_unit`` says otherwise)."""
    return read_jsonl(path, offset_unit=offset_unit, **options)


def doccano_record(sentence: Sentence, *, offset_unit: str = "utf16") -> dict[str, Any]:
    """A sentence as a doccano import line: ``{"id"?, "text", "label": [[start, end, label]], meta...}``."""
    ours = sentence_record(sentence, offset_unit=offset_unit)
    record: dict[str, Any] = {"id": ours["id"]} if "id" in ours else {}
    record["text"] = ours["text"]
    record["label"] = [[span["start"], span["end"], span["label"]] for span in ours["spans"]]
    for key, value in ours.get("meta", {}).items():
        if key not in record:
            record[key] = value
    return record


def write_doccano(sentences: Iterable[Sentence], out: TextIO, *, offset_unit: str = "utf16") -> int:
    """Write doccano JSONL (one ``{"text", "label"}`` record per sentence); return the number written."""
    return _write_lines((doccano_record(s, offset_unit=offset_unit) for s in sentences), out)
