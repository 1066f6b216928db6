"""Label Studio task import (annotations -> spans, UTF-16 offsets) and prediction export."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from xner import formats
from xner.corpus import Sentence, Span
from xner.errors import FormatError
from xner.formats import _jsonstream
from xner.formats.labelstudio import read_labelstudio, write_labelstudio


def task(text: str, results: list[dict], **extra) -> dict:
    return {"id": 1, "data": {"text": text}, "annotations": [{"result": results, **extra}]}


def label(start: int, end: int, text: str, name: str) -> dict:
    return {
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": [name]},
    }


def dump(tmp_path: Path, tasks: object, name: str = "tasks.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_imports_annotations_with_utf16_offsets(tmp_path):
    text = "🎉🎉 Obama met Zoe\u0301 in Paris"
    tasks = [
        task(text, [label(5, 10, "Obama", "PER"), label(15, 19, "Zoe\u0301", "PER"), label(23, 28, "Paris", "LOC")]),
        {"data": {"text": "no annotations here"}},
    ]
    first, second = list(read_labelstudio(dump(tmp_path, tasks)))
    assert [(" ".join(first.tokens[s.start : s.end]), s.label) for s in first.spans] == [
        ("Obama", "PER"),
        ("Zoe\u0301", "PER"),
        ("Paris", "LOC"),
    ]
    assert first.id == "1"
    assert second.spans == []


def test_code_point_offsets_are_accepted_when_value_text_says_so(tmp_path):
    text = "🎉 Obama"
    [sentence] = list(read_labelstudio(dump(tmp_path, [task(text, [label(2, 7, "Obama", "PER")])])))
    assert sentence.tokens[sentence.spans[0].start] == "Obama"


def test_cancelled_annotations_are_skipped_and_non_span_results_ignored(tmp_path):
    t = {
        "data": {"text": "Ada wrote"},
        "annotations": [
            {"was_cancelled": True, "result": [label(4, 9, "wrote", "MISC")]},
            {"result": [label(0, 3, "Ada", "PER"), {"type": "choices", "value": {"choices": ["ok"]}}]},
        ],
    }
    [sentence] = list(read_labelstudio(dump(tmp_path, [t])))
    assert [s.key for s in sentence.spans] == [(0, 1, "PER")]


def test_export_then_import_predictions_round_trips(tmp_path):
    sentences = [
        Sentence(tokens=["🎉", "Kofi", "Annan", "spoke"], spans=[Span(1, 3, "PER", score=0.9)]),
        Sentence(tokens=["nothing"]),
    ]
    out = io.StringIO()
    assert write_labelstudio(sentences, out) == 2
    tasks = json.loads(out.getvalue())
    value = tasks[0]["predictions"][0]["result"][0]["value"]
    assert (value["start"], value["end"], value["text"]) == (3, 13, "Kofi Annan")  # UTF-16 units
    assert tasks[0]["predictions"][0]["result"][0]["score"] == 0.9
    back = list(read_labelstudio(dump(tmp_path, tasks), result_from="predictions"))
    assert [s.tokens for s in back] == [s.tokens for s in sentences]
    assert [[sp.key for sp in s.spans] for s in back] == [[sp.key for sp in s.spans] for s in sentences]


def test_single_task_object_and_jsonl_of_tasks(tmp_path):
    [one] = list(read_labelstudio(dump(tmp_path, task("Ada", [label(0, 3, "Ada", "PER")]))))
    assert one.spans[0].label == "PER"
    path = tmp_path / "tasks.jsonl"
    path.write_text("\n".join(json.dumps(task(f"Ada {i}", [])) for i in range(3)), encoding="utf-8")
    assert len(list(read_labelstudio(path))) == 3


def test_streams_arrays_across_read_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(_jsonstream, "READ_CHUNK_CHARS", 7)
    texts = [f"Person {i} in Rome" for i in range(50)]
    tasks = [task(t, [label(t.index("Rome"), t.index("Rome") + 4, "Rome", "LOC")]) for t in texts]
    sentences = list(read_labelstudio(dump(tmp_path, tasks)))
    assert len(sentences) == 50
    assert all(s.tokens[s.spans[0].start] == "Rome" for s in sentences)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"data": {"text": "a"}}, ', "line 1: invalid JSON"),
        ('[{"data": {"text": "a"}} {"data": {}}]', "expected ',' or ']'"),
        ("", "empty file"),
        ("[]", "empty file"),
        ('[{"data": {"a": "x", "b": "y"}}]', "cannot tell which data field is the text"),
        (
            '[{"data": {"text": "ab"}, "annotations": '
            '[{"result": [{"value": {"start": 0, "end": 9, "labels": ["X"]}}]}]}]',
            "out of range",
        ),
        (
            '[{"data": {"text": "ab"}, "annotations": '
            '[{"result": [{"value": {"start": 0, "end": 2, "labels": ["X", "Y"]}}]}]}]',
            "exactly one label",
        ),
        ("[1]", "task 0: expected an object"),
    ],
)
def test_errors(tmp_path, content, message):
    path = tmp_path / "tasks.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        list(read_labelstudio(path))


def test_format_registry_detects_extensions(tmp_path):
    assert formats.detect_format("x.json") == "labelstudio"
    assert formats.detect_format("x.JSONL") == "jsonl"
    assert formats.detect_format("x.conll02") == "conll"
    assert formats.detect_format("x.txt") == "text"
    with pytest.raises(Exception, match="valid: conll, doccano, jsonl, labelstudio, text"):
        formats.check_format("xml")
