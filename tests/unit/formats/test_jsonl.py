"""JSONL: our shape, doccano's and Prodigy's; offsets in code points or UTF-16; errors name line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xner.errors import FormatError
from xner.formats.jsonl import read_jsonl, sentence_record


def write_lines(tmp_path: Path, records: list[object]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def spans_text(sentence) -> list[tuple[str, str]]:
    return [(" ".join(sentence.tokens[s.start : s.end]), s.label) for s in sentence.spans]


def test_reads_our_shape_and_tokenises_text(tmp_path):
    path = write_lines(
        tmp_path,
        [{"id": 7, "text": "Kofi Annan visited Accra.", "spans": [{"start": 0, "end": 10, "label": "PER"}]}],
    )
    [sentence] = list(read_jsonl(path))
    assert sentence.tokens == ["Kofi", "Annan", "visited", "Accra", "."]
    assert spans_text(sentence) == [("Kofi Annan", "PER")]
    assert sentence.id == "7"


def test_reads_doccano_triples_and_splits_tokens_at_span_boundaries(tmp_path):
    path = write_lines(tmp_path, [{"text": "EU-Kommission tagt", "label": [[0, 2, "ORG"]]}])
    [sentence] = list(read_jsonl(path))
    assert sentence.tokens == ["EU", "-Kommission", "tagt"]
    assert spans_text(sentence) == [("EU", "ORG")]


def test_reads_prodigy_tokens_and_spans(tmp_path):
    record = {
        "text": "Hello Ada Lovelace",
        "tokens": [
            {"text": "Hello", "start": 0, "end": 5, "id": 0},
            {"text": "Ada", "start": 6, "end": 9, "id": 1},
            {"text": "Lovelace", "start": 10, "end": 18, "id": 2},
        ],
        "spans": [{"start": 6, "end": 18, "label": "PER", "token_start": 1, "token_end": 2}],
    }
    [sentence] = list(read_jsonl(write_lines(tmp_path, [record])))
    assert sentence.tokens == ["Hello", "Ada", "Lovelace"]
    assert spans_text(sentence) == [("Ada Lovelace", "PER")]


def test_utf16_offsets_with_astral_emoji_and_combining_accents(tmp_path):
    text = "😀 Zoe\u0301 lives in Köln"
    # UTF-16: the emoji is 2 units, so "Zoe\u0301" starts at 3 (code point 2) and is 4 units long.
    record = {"text": text, "spans": [{"start": 3, "end": 7, "label": "PER"}, {"start": 17, "end": 21, "label": "LOC"}]}
    [sentence] = list(read_jsonl(write_lines(tmp_path, [record]), offset_unit="utf16"))
    assert spans_text(sentence) == [("Zoe\u0301", "PER"), ("Köln", "LOC")]
    assert sentence_record(sentence, offset_unit="utf16")["spans"] == [
        {"start": 3, "end": 7, "label": "PER"},
        {"start": 17, "end": 21, "label": "LOC"},
    ]
    codepoint = sentence_record(sentence)["spans"]
    assert [text[s["start"] : s["end"]] for s in codepoint] == ["Zoe\u0301", "Köln"]


def test_tokens_without_text_join_with_spaces(tmp_path):
    [sentence] = list(read_jsonl(write_lines(tmp_path, [{"tokens": ["a", "b"], "spans": []}])))
    assert sentence.text == "a b"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}, "line 1:spans: span .* out of range"),
        (
            {"text": "abc def", "spans": [{"start": 0, "end": 5, "label": "X"}, {"start": 4, "end": 7, "label": "Y"}]},
            "overlap",
        ),
        ({"text": "abc", "spans": [{"start": 0, "end": 3}]}, r"spans\[0\]: label must be a non-empty string"),
        ({"text": "abc", "spans": [{"start": "0", "end": 3, "label": "X"}]}, "must be integers"),
        ({"text": "a  b", "spans": [{"start": 1, "end": 3, "label": "X"}]}, "only whitespace"),
        ({"text": "abcdef", "tokens": ["abcdef"], "spans": [{"start": 0, "end": 3, "label": "X"}]}, "inside a token"),
        ({"text": "abc", "tokens": ["xyz"]}, "tokens: token 0 'xyz' not found"),
        ({"text": 5}, "text: must be a string"),
        ({"spans": []}, "neither text nor tokens"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_errors_name_line_and_field(tmp_path, record, message):
    with pytest.raises(FormatError, match=message):
        list(read_jsonl(write_lines(tmp_path, [record])))


def test_invalid_json_and_empty_file(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok", "spans": []}\n\n{"text": \n', encoding="utf-8")
    with pytest.raises(FormatError, match="line 3: invalid JSON"):
        list(read_jsonl(path))
    path.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(FormatError, match="empty file"):
        list(read_jsonl(path))


def test_utf16_offset_inside_surrogate_pair_is_an_error(tmp_path):
    record = {"text": "😀 x", "spans": [{"start": 1, "end": 4, "label": "X"}]}
    with pytest.raises(FormatError, match="surrogate"):
        list(read_jsonl(write_lines(tmp_path, [record]), offset_unit="utf16"))


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Zoe\u0301 met the U.S. envoy.", ["Zoe\u0301", "met", "the", "U.S", ".", "envoy", "."]),
        ("नरेन्द्र मोदी दिल्ली में", ["नरेन्द्र", "मोदी", "दिल्ली", "में"]),
        ("don't stop😀now", ["don't", "stop", "😀", "now"]),
        ("  ", []),
    ],
)
def test_default_tokeniser_keeps_marks_inside_words(text, tokens):
    from xner.text import tokenize

    assert [text[s:e] for s, e in tokenize(text)] == tokens
