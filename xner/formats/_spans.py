"""Character-offset spans -> token spans, shared by the JSONL and Label Studio readers.

Text without given tokens is tokenised by :func:`tokenize` (words, and each other symbol alone), and
tokens are further split at every span boundary, so any character span maps onto whole tokens. With tokens
given, a span boundary inside a token is an error.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from xner.corpus import Sentence, Span, locate_tokens
from xner.errors import FormatError, InputError
from xner.text import tokenize


@dataclass(frozen=True, slots=True)
class CharSpan:
    """A labelled code-point span ``[start, end)`` of a text, as read from a file."""

    start: int
    end: int
    label: str
    score: float | None = None


def build_sentence(
    text: str,
    spans: Sequence[CharSpan],
    *,
    tokens: Sequence[str] | None = None,
    token_offsets: Sequence[tuple[int, int]] | None = None,
    source: str,
    line: int,
    field: str = "spans",
) -> Sentence:
    """A :class:`Sentence` whose token spans cover exactly the given character spans.

    Raises :class:`FormatError` (naming source, line and field) for offsets out of range, empty or
    whitespace-only spans, overlapping spans, and boundaries inside given tokens.
    """
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    for index, span in enumerate(ordered):
        if not 0 <= span.start < span.end <= len(text):
            raise FormatError(
                f"span [{span.start}, {span.end}) {span.label} is out of range for a text of {len(text)} "
                "characters (or empty)",
                source=source,
                line=line,
                field=field,
            )
        if not text[span.start : span.end].strip():
            raise FormatError(
                f"span [{span.start}, {span.end}) {span.label} covers only whitespace",
                source=source,
                line=line,
                field=field,
            )
        if index and span.start < ordered[index - 1].end:
            prev = ordered[index - 1]
            raise FormatError(
                f"spans [{prev.start}, {prev.end}) {prev.label} and [{span.start}, {span.end}) {span.label} overlap",
                source=source,
                line=line,
                field=field,
            )

    if token_offsets is not None:
        offsets = list(token_offsets)
        words = list(tokens) if tokens is not None else [text[s:e] for s, e in offsets]
    elif tokens is not None:
        offsets = _locate(text, tokens, source=source, line=line)
        words = list(tokens)
    else:
        offsets = tokenize(text, [b for s in ordered for b in (s.start, s.end)])
        words = [text[s:e] for s, e in offsets]

    token_starts = [start for start, _ in offsets]
    token_ends = [end for _, end in offsets]
    token_spans: list[Span] = []
    for span in ordered:
        if _inside_token(token_starts, token_ends, span.start) or _inside_token(token_starts, token_ends, span.end):
            raise FormatError(
                f"span [{span.start}, {span.end}) {span.label} begins or ends inside a token",
                source=source,
                line=line,
                field=field,
            )
        first = bisect_left(token_starts, span.start)
        last = bisect_right(token_ends, span.end) - 1
        if first >= len(offsets) or last < first:
            raise FormatError(
                f"span [{span.start}, {span.end}) {span.label} covers no token",
                source=source,
                line=line,
                field=field,
            )
        token_spans.append(Span(first, last + 1, span.label, span.score, char_start=span.start, char_end=span.end))
    return Sentence(tokens=words, spans=token_spans, text=text, offsets=offsets, meta={"line": line})


def _inside_token(starts: Sequence[int], ends: Sequence[int], position: int) -> bool:
    """Whether ``position`` falls strictly inside a token (tokens sorted, not overlapping)."""
    index = bisect_right(starts, position) - 1
    return index >= 0 and starts[index] < position < ends[index]


def _locate(text: str, tokens: Sequence[str], *, source: str, line: int) -> list[tuple[int, int]]:
    for index, token in enumerate(tokens):
        if not isinstance(token, str) or not token:
            raise FormatError(f"token {index} is not a non-empty string", source=source, line=line, field="tokens")
    try:
        return locate_tokens(text, tokens)
    except InputError as exc:
        raise FormatError(exc.message, source=source, line=line, field="tokens") from None
