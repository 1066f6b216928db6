"""CoNLL: one token per line, columns separated by tabs (or, on lines without a tab, by spaces).

Reading
-------
* Sentences are separated by blank lines; ``-DOCSTART-`` lines separate documents and are skipped.
* The token and tag columns are chosen by index (``token_col=0``, ``tag_col=-1`` by default).
* A line that starts with ``#`` is a comment unless it is a valid token line (``# O`` is the token ``#``).
* Tags in IOB1, IOB2, IOBES/BIOES or BILOU are decoded with :func:`xner.corpus.tags_to_spans`. With
  ``scheme=None`` the scheme is detected as the file streams, and a file that mixes IOBES and BILOU
  prefixes is an error; with a scheme given, a prefix the scheme does not allow is an error.
* ``with_tags=False`` ignores the tag column (for target text given as CoNLL).

Errors name the file, the line and the reason (wrong column count, unknown tag, ``B-`` with no type).

Comments of the form ``# key = value`` just before a sentence become its meta data (``# id = ...`` its id).

Writing: ``token<TAB>tag`` in IOB2 (or another scheme), a blank line after each sentence; with
``comments=True`` each sentence is preceded by ``# id = ...`` and ``# key = value`` lines for its meta data
(projection status and reason), so even an empty sentence leaves a trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from xner.corpus import Sentence, normalise_scheme, parse_tag, spans_to_tags, tags_to_spans
from xner.errors import FormatError, InputError
from xner.formats._lines import check_not_empty, numbered_lines
from xner.formats.jsonl import public_meta

DOCSTART = "-DOCSTART-"


def _split(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


class _SchemeTracker:
    """Detects the tag scheme while streaming; rejects a file that mixes IOBES and BILOU."""

    def __init__(self, scheme: str | None) -> None:
        self.given = normalise_scheme(scheme) if scheme else None
        self.family: str | None = None  # "IOBES" or "BILOU" once an E/S or L/U prefix is seen

    def check(self, prefix: str, tag: str) -> None:
        if prefix == "O":
            return
        if self.given is not None:
            allowed = {"IOB1": "BI", "IOB2": "BI", "IOBES": "BIES", "BILOU": "BILU"}[self.given]
            if prefix not in allowed:
                raise ValueError(f"tag {tag!r} is not allowed in scheme {self.given}")
            return
        family = "IOBES" if prefix in "ES" else "BILOU" if prefix in "LU" else None
        if family is None:
            return
        if self.family is None:
            self.family = family
        elif self.family != family:
            raise ValueError(f"tag {tag!r} mixes BILOU and IOBES prefixes in one file")


def read_conll(
    path: str | Path,
    *,
    token_col: int = 0,
    tag_col: int = -1,
    scheme: str | None = None,
    with_tags: bool = True,
    lang: str | None = None,
    source: str | None = None,
) -> Iterator[Sentence]:
    """Stream the sentences of a CoNLL file (see the module docstring)."""
    name = source or str(path)
    tracker = _SchemeTracker(scheme)
    tokens: list[str] = []
    tags: list[str] = []
    first_line = 0
    expected_columns: int | None = None
    count = 0
    comments: dict[str, str] = {}

    def flush() -> Sentence:
        nonlocal tokens, tags, comments
        sentence_id = comments.pop("id", None) or comments.pop("sent_id", None)
        sentence = Sentence(
            tokens=tokens,
            spans=tags_to_spans(tags) if with_tags else [],
            tags=tags if with_tags else None,
            lang=lang,
            id=sentence_id,
            meta={**comments, "line": first_line},
        )
        tokens, tags, comments = [], [], {}
        return sentence

    for number, line in numbered_lines(path, source=name):
        if not line.strip():
            if tokens:
                count += 1
                yield flush()
            continue
        columns = _split(line)
        if columns[0] == DOCSTART:
            if tokens:
                count += 1
                yield flush()
            continue
        if line.startswith("#") and not _is_token_line(columns, token_col, tag_col, with_tags):
            key, sep, value = line[1:].partition("=")
            if sep and not tokens and key.strip() and " " not in key.strip():
                comments[key.strip()] = value.strip()
            continue
        if expected_columns is None:
            expected_columns = len(columns)
        elif len(columns) != expected_columns:
            raise FormatError(
                f"wrong column count: {len(columns)} columns, the file's first token line has {expected_columns}",
                source=name,
                line=number,
            )
        try:
            token = columns[token_col]
        except IndexError:
            raise FormatError(
                f"wrong column count: no token column {token_col} in {len(columns)} columns",
                source=name,
                line=number,
            ) from None
        if with_tags:
            if len(columns) < 2:
                raise FormatError("wrong column count: 1 column, expected a token and a tag", source=name, line=number)
            try:
                tag = columns[tag_col]
                prefix, _ = parse_tag(tag)
                tracker.check(prefix, tag)
            except IndexError:
                raise FormatError(
                    f"wrong column count: no tag column {tag_col} in {len(columns)} columns",
                    source=name,
                    line=number,
                ) from None
            except ValueError as exc:
                raise FormatError(str(exc), source=name, line=number) from None
            tags.append(tag)
        if not tokens:
            first_line = number
        tokens.append(token)
    if tokens:
        count += 1
        yield flush()
    check_not_empty(count, source=name)


def _is_token_line(columns: list[str], token_col: int, tag_col: int, with_tags: bool) -> bool:
    if not with_tags:
        return len(columns) == 1
    try:
        columns[token_col]
        parse_tag(columns[tag_col])
    except (IndexError, ValueError):
        return False
    return len(columns) >= 2


def write_conll(sentences: Iterable[Sentence], out: TextIO, *, scheme: str = "IOB2", comments: bool = False) -> int:
    """Write sentences as ``token<TAB>tag`` lines; return the number written."""
    count = 0
    for number, sentence in enumerate(sentences, start=1):
        if comments:
            _write_comments(sentence, out)
        tags = spans_to_tags(sentence.spans, len(sentence.tokens), scheme)
        for token, tag in zip(sentence.tokens, tags, strict=True):
            if not token or any(ch in token for ch in "\t\n\r") or token != token.strip():
                raise InputError(f"sentence {number}: token {token!r} cannot be written to CoNLL")
            out.write(f"{token}\t{tag}\n")
        out.write("\n")
        count += 1
    return count


def _write_comments(sentence: Sentence, out: TextIO) -> None:
    items: list[tuple[str, object]] = [("id", sentence.id)] if sentence.id is not None else []
    for key, value in public_meta(sentence).items():
        if isinstance(value, dict):  # one level of nesting: "# projection.status = partial"
            items += [(f"{key}.{k}", v) for k, v in value.items() if isinstance(v, str | int | float)]
        elif isinstance(value, str | int | float):
            items.append((key, value))
    for key, value in items:
        text = " ".join(str(value).split())
        out.write(f"# {key} = {text}\n")
