"""CoNLL reading and writing: columns, separators, comments, schemes, errors, round trips."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from xner import formats
from xner.corpus import Span
from xner.errors import FormatError
from xner.formats.conll import read_conll, write_conll


def write(tmp_path: Path, text: str | bytes, name: str = "in.conll") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def keys(spans: list[Span]) -> list[tuple[int, int, str]]:
    return [s.key for s in spans]


def test_reads_tab_and_space_separated_with_docstart_and_comments(tmp_path):
    path = write(
        tmp_path,
        "-DOCSTART- -X- O O\n\n# sent_id = 1\nKofi NNP B-PER\nAnnan NNP I-PER\n# O\n\n\n"
        "New\tB-LOC\nYork York\tI-LOC\r\n",
    )
    with pytest.raises(FormatError, match="wrong column count"):
        list(read_conll(path))
    path = write(tmp_path, "-DOCSTART- -X- O O\n\n# sent_id = 1\nKofi NNP B-PER\nAnnan NNP I-PER\n# SYM O\n\n")
    [sentence] = list(read_conll(path))
    assert sentence.tokens == ["Kofi", "Annan", "#"]
    assert keys(sentence.spans) == [(0, 2, "PER")]
    assert sentence.meta["line"] == 4
    path = write(tmp_path, "New York\tB-LOC\nis\tO\r\n")
    [sentence] = list(read_conll(path))
    assert sentence.tokens == ["New York", "is"]


def test_token_and_tag_columns_are_chosen_by_index(tmp_path):
    path = write(tmp_path, "1 Paris NNP B-LOC x\n2 is VBZ O x\n")
    [sentence] = list(read_conll(path, token_col=1, tag_col=3))
    assert sentence.tokens == ["Paris", "is"]
    assert sentence.tags == ["B-LOC", "O"]


def test_without_tags_reads_tokens_only(tmp_path):
    path = write(tmp_path, "Paris\nis\n\nnice\n")
    sentences = list(read_conll(path, with_tags=False))
    assert [s.tokens for s in sentences] == [["Paris", "is"], ["nice"]]
    assert all(s.spans == [] and s.tags is None for s in sentences)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Paris B-LOC\nis\n", "line 2: wrong column count"),
        ("Paris\tB-\n", "line 1: tag 'B-' has no entity type"),
        ("Paris\tLOC\n", "line 1: unknown tag 'LOC'"),
        ("a\tS-PER\nb\tU-PER\n", "line 2: tag 'U-PER' mixes BILOU and IOBES"),
        ("Paris\n", "1 column, expected a token and a tag"),
        ("", "empty file"),
        ("\n\n-DOCSTART- O\n\n", "empty file"),
    ],
)
def test_errors_name_the_line_and_reason(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(FormatError, match=message) as info:
        list(read_conll(path))
    assert str(path) in str(info.value)


def test_invalid_utf8_names_the_line(tmp_path):
    path = write(tmp_path, b"ok\tO\nbad\xff\tO\n")
    with pytest.raises(FormatError, match=r"line 2: invalid UTF-8"):
        list(read_conll(path))


def test_given_scheme_is_enforced(tmp_path):
    path = write(tmp_path, "a\tB-PER\nb\tE-PER\n")
    with pytest.raises(FormatError, match="line 2: tag 'E-PER' is not allowed in scheme IOB2"):
        list(read_conll(path, scheme="IOB2"))
    [sentence] = list(read_conll(path, scheme="BIOES"))
    assert keys(sentence.spans) == [(0, 2, "PER")]


def test_iob1_input_is_written_as_iob2(tmp_path):
    path = write(tmp_path, "a\tI-PER\nb\tI-PER\nc\tB-PER\nd\tO\n")
    out = io.StringIO()
    write_conll(read_conll(path), out)
    assert out.getvalue() == "a\tB-PER\nb\tI-PER\nc\tB-PER\nd\tO\n\n"


def test_bilou_output(tmp_path):
    path = write(tmp_path, "a\tB-PER\nb\tI-PER\nc\tB-LOC\n")
    out = io.StringIO()
    write_conll(read_conll(path), out, scheme="BILOU")
    assert out.getvalue() == "a\tB-PER\nb\tL-PER\nc\tU-LOC\n\n"


@pytest.mark.parametrize("lang", ["en", "de", "es", "it"])
def test_europarl_rewrites_losslessly_and_round_trips_through_jsonl(europarl_dir, tmp_path, lang):
    source = europarl_dir / f"{lang}-europarl.test.conll02"
    original = list(formats.read(source))
    assert len(original) == 799
    conll = tmp_path / "out.conll"
    formats.write(formats.read(source), conll)
    rewritten = list(formats.read(conll))
    assert [s.tokens for s in rewritten] == [s.tokens for s in original]
    assert [keys(s.spans) for s in rewritten] == [keys(s.spans) for s in original]
    jsonl = tmp_path / "out.jsonl"
    formats.write(formats.read(source), jsonl)
    back = tmp_path / "back.conll"
    formats.write(formats.read(jsonl), back)
    assert back.read_text(encoding="utf-8") == conll.read_text(encoding="utf-8")
    assert sum(len(s.spans) for s in original) > 600
