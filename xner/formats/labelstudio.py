"""Label Studio tasks: import annotations as spans; export spans as predictions.

Offsets: Label Studio runs in the browser and counts UTF-16 code units; xner converts to code points on read
and back on write. When a result carries ``value.text`` and it disagrees with the UTF-16 reading of the
offsets but agrees with a code-point reading (files made by other tools), the code-point reading is used.

Reading (a JSON array of tasks, a single task, or JSON Lines of tasks; streamed):

* a task is ``{"id"?, "data": {<key>: text, ...}, "annotations"?: [...], "predictions"?: [...]}`` or a
  flat ``{<key>: text}``; the text is ``data[text_key]``, or with ``text_key=None`` ``data["text"]``, or
  the only string value of ``data``;
* spans come from the first annotation that is not cancelled (``result_from="annotations"``) or from
  the first prediction (``result_from="predictions"``); a task without any gives a sentence without spans;
* only results with ``value.start``, ``value.end`` and ``value.labels`` are spans (``choices``, relations
  and the like are not entity spans and are skipped); a result with several labels is an error.

Writing: one task per sentence, ``{"data": {text_key: text}, "predictions": [{"model_version", "score",
"result": [{"id", "from_name", "to_name", "type": "labels", "value": {"start", "end", "text",
"labels": [label]}, "score"?}]}]}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from xner.corpus import Sentence
from xner.errors import FormatError
from xner.formats._jsonstream import iter_json_items
from xner.formats._lines import check_not_empty
from xner.formats._spans import CharSpan, build_sentence
from xner.offsets import from_utf16, utf16_positions

#: Default names of the Labels and Text tags in a Label Studio labelling config.
DEFAULT_FROM_NAME = "label"
DEFAULT_TO_NAME = "text"
DEFAULT_MODEL_VERSION = "xner"


def read_labelstudio(
    path: str | Path,
    *,
    text_key: str | None = None,
    result_from: str = "annotations",
    lang: str | None = None,
    source: str | None = None,
) -> Iterator[Sentence]:
    """Stream sentences from Label Studio tasks (see the module docstring)."""
    name = source or str(path)
    if result_from not in ("annotations", "predictions"):
        raise FormatError(f"unknown result source {result_from!r}; valid: annotations, predictions", source=name)
    count = 0
    for index, (line, task) in enumerate(iter_json_items(path, source=name)):
        sentence = parse_task(task, index, line=line, text_key=text_key, result_from=result_from, source=name)
        sentence.lang = sentence.lang or lang
        count += 1
        yield sentence
    check_not_empty(count, source=name)


def parse_task(task: Any, index: int, *, line: int, text_key: str | None, result_from: str, source: str) -> Sentence:
    """One Label Studio task -> :class:`Sentence`."""
    where = f"task {index}"
    if not isinstance(task, dict):
        raise FormatError(f"{where}: expected an object", source=source, line=line)
    data = task.get("data", task)
    if not isinstance(data, dict):
        raise FormatError(f"{where}: data must be an object", source=source, line=line, field="data")
    key, text = _text(data, text_key, where=where, source=source, line=line)
    results = _results(task, result_from, where=where, source=source, line=line)
    spans = []
    positions = utf16_positions(text)
    for k, result in enumerate(results):
        span = _span(result, text, positions, f"{where} {result_from} result[{k}]", source=source, line=line)
        if span is not None:
            spans.append(span)
    sentence = build_sentence(text, spans, source=source, line=line, field=f"{where} {result_from}")
    if task.get("id") is not None:
        sentence.id = str(task["id"])
    sentence.meta["labelstudio_text_key"] = key
    return sentence


def _text(data: dict[str, Any], text_key: str | None, *, where: str, source: str, line: int) -> tuple[str, str]:
    if text_key is None:
        if isinstance(data.get("text"), str):
            return "text", data["text"]
        strings = [k for k, v in data.items() if isinstance(v, str)]
        if len(strings) != 1:
            raise FormatError(
                f"{where}: cannot tell which data field is the text ({', '.join(strings) or 'none'}); "
                "name it with text_key",
                source=source,
                line=line,
                field="data",
            )
        text_key = strings[0]
    value = data.get(text_key)
    if not isinstance(value, str):
        raise FormatError(f"{where}: data.{text_key} must be a string", source=source, line=line)
    return text_key, value


def _results(task: dict[str, Any], result_from: str, *, where: str, source: str, line: int) -> list[Any]:
    entries = task.get(result_from) or []
    if not isinstance(entries, list):
        raise FormatError(f"{where}: {result_from} must be a list", source=source, line=line)
    for entry in entries:
        if not isinstance(entry, dict):
            raise FormatError(f"{where}: each of {result_from} must be an object", source=source, line=line)
        if entry.get("was_cancelled"):
            continue
        result = entry.get("result") or []
        if not isinstance(result, list):
            raise FormatError(f"{where}: {result_from}.result must be a list", source=source, line=line)
        return result
    return []


def _span(result: Any, text: str, positions: list[int], where: str, *, source: str, line: int) -> CharSpan | None:
    if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
        raise FormatError(f"{where}: expected an object with a value", source=source, line=line)
    value = result["value"]
    if not {"start", "end", "labels"} <= value.keys():
        return None  # not an entity span (choices, relation, textarea, ...)
    start, end, labels = value["start"], value["end"], value["labels"]
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        raise FormatError(f"{where}: value.start and value.end must be integers", source=source, line=line)
    if not (isinstance(labels, list) and len(labels) == 1 and isinstance(labels[0], str) and labels[0]):
        raise FormatError(
            f"{where}: value.labels must hold exactly one label, got {labels!r}", source=source, line=line
        )
    expected = value.get("text")
    try:
        cp_start, cp_end = from_utf16(text, start, positions), from_utf16(text, end, positions)
    except ValueError:
        cp_start, cp_end = -1, -1
    if isinstance(expected, str) and text[cp_start:cp_end] != expected and text[start:end] == expected:
        cp_start, cp_end = start, end  # offsets counted in code points by the producer
    if cp_start < 0:
        raise FormatError(
            f"{where}: offsets [{start}, {end}) are out of range for a text of {positions[-1]} UTF-16 units",
            source=source,
            line=line,
        )
    score = result.get("score")
    return CharSpan(cp_start, cp_end, labels[0], float(score) if isinstance(score, int | float) else None)


def task_record(
    sentence: Sentence,
    index: int,
    *,
    from_name: str = DEFAULT_FROM_NAME,
    to_name: str = DEFAULT_TO_NAME,
    text_key: str = "text",
    model_version: str = DEFAULT_MODEL_VERSION,
) -> dict[str, Any]:
    """A Label Studio task carrying the sentence's spans as one prediction (UTF-16 offsets)."""
    full = sentence.with_text()
    assert full.text is not None
    positions = utf16_positions(full.text)
    result = []
    scores = []
    for k, span in enumerate(full.char_spans()):
        assert span.char_start is not None and span.char_end is not None
        item: dict[str, Any] = {
            "id": f"xner-{index}-{k}",
            "from_name": from_name,
            "to_name": to_name,
            "type": "labels",
            "value": {
                "start": positions[span.char_start],
                "end": positions[span.char_end],
                "text": full.text[span.char_start : span.char_end],
                "labels": [span.label],
            },
        }
        if span.score is not None:
            item["score"] = span.score
            scores.append(span.score)
        result.append(item)
    data: dict[str, Any] = {text_key: full.text}
    if sentence.id is not None:
        data["xner_id"] = sentence.id
    prediction = {
        "model_version": model_version,
        "score": sum(scores) / len(scores) if scores else 0.0,
        "result": result,
    }
    return {"data": data, "predictions": [prediction]}


def write_labelstudio(sentences: Iterable[Sentence], out: TextIO, **options: Any) -> int:
    """Write a JSON array of tasks with predictions, one task per sentence, streaming."""
    out.write("[")
    count = 0
    for index, sentence in enumerate(sentences):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(task_record(sentence, index, **options), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count
