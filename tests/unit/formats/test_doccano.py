"""doccano JSONL import/export: ``{"text", "label": [[start, end, label]]}`` with UTF-16 offsets."""

from __future__ import annotations

import json

from xner import formats
from xner.cli import main
from xner.corpus import Sentence, Span

TEXT = "😀 Zoe\u0301 Smith\r\nvisited Paris"


def test_write_then_read_round_trips_with_utf16_offsets(tmp_path):
    sentence = formats.read_string(
        json.dumps({"text": TEXT, "spans": [{"start": 2, "end": 12, "label": "PER"}]}), "jsonl"
    )[0]
    sentence.id = "7"
    path = tmp_path / "out.jsonl"
    assert formats.write([sentence], path, "doccano") == 1
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record == {"id": "7", "text": TEXT, "label": [[3, 13, "PER"]]}  # the emoji is two UTF-16 units
    back = list(formats.read(path, "doccano"))
    assert back[0].text == TEXT
    assert [(s.start, s.end, s.label) for s in back[0].spans] == [(1, 3, "PER")]
    assert back[0].tokens[1:3] == ["Zoe\u0301", "Smith"]


def test_code_point_offsets_on_request(tmp_path):
    path = tmp_path / "cp.jsonl"
    formats.write(
        [Sentence(tokens=["😀", "Paris"], spans=[Span(1, 2, "LOC")])], path, "doccano", offset_unit="codepoint"
    )
    assert json.loads(path.read_text(encoding="utf-8"))["label"] == [[2, 7, "LOC"]]
    assert [s.label for s in next(formats.read(path, "doccano", offset_unit="codepoint")).spans] == ["LOC"]


def test_cli_converts_conll_to_doccano(tmp_path):
    conll = tmp_path / "in.conll"
    conll.write_text("👍🏽\tO\nAnn\tB-PER\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["convert", str(conll), str(out), "--to", "doccano"]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["text"] == "👍🏽 Ann" and record["label"] == [[5, 8, "PER"]]


def test_fields_doccano_adds_survive_import_and_export(tmp_path):
    line = {"id": 3, "text": "Ana vive", "label": [[0, 3, "PER"]], "Comments": ["check"], "source": "web"}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    sentence = next(iter(formats.read(path, "doccano")))
    assert sentence.meta["Comments"] == ["check"] and sentence.meta["source"] == "web"
    out = tmp_path / "out.jsonl"
    formats.write([sentence], out, "doccano")
    assert json.loads(out.read_text(encoding="utf-8")) == {**line, "id": "3"}
