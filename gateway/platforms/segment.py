"""Split a platform's document text into sentences to tag, and carry the spans back to document offsets.

A document is split at line breaks (``\\n``, ``\\r\\n``, ``\\r``), each line is tokenised with xner's tokenizer
(:func:`xner.text.tokenize`), and a line longer than ``max_tokens`` tokens is cut after sentence-final punctuation
(else after ``max_tokens`` tokens). Offsets are Python code points; :mod:`gateway.platforms.labels` converts them
to the tool's unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xner.corpus import Sentence, Span
from xner.formats._spans import CharSpan
from xner.text import tokenize

_LINE = re.compile(r"[^\r\n]+")

SENTENCE_END = frozenset(".!?。！？؟।")
"""Tokens after which an over-long line may be cut."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One sentence to tag: which document it belongs to and its tokens' code-point offsets in that document."""

    document: int
    sentence: Sentence


Entity = CharSpan
"""A labelled code-point span ``[start, end)`` of a document (the readers' :class:`CharSpan`)."""


def segment(texts: list[str], max_tokens: int) -> list[Piece]:
    """The sentences of every document, in order (documents without a word give none)."""
    pieces: list[Piece] = []
    for index, text in enumerate(texts):
        for line in _LINE.finditer(text):
            offsets = [(line.start() + s, line.start() + e) for s, e in tokenize(line.group())]
            pieces.extend(pieces_of(index, text, offsets, max_tokens))
    return pieces


def pieces_of(document: int, text: str, offsets: list[tuple[int, int]], max_tokens: int) -> list[Piece]:
    """The pieces of one line (or one given sentence) of a document, from its tokens' offsets."""
    return [
        Piece(document, Sentence(tokens=[text[s:e] for s, e in chunk], text=text, offsets=chunk))
        for chunk in cut(text, offsets, max_tokens)
    ]


def cut(text: str, offsets: list[tuple[int, int]], max_tokens: int) -> list[list[tuple[int, int]]]:
    """Token offsets of one line -> chunks of at most ``max_tokens``, cut after sentence-final punctuation."""
    chunks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    last_end = -1  # index in ``current`` after the last sentence-final token
    for start, end in offsets:
        current.append((start, end))
        if text[start:end] in SENTENCE_END:
            last_end = len(current)
        if len(current) > max_tokens:
            if last_end > max_tokens:  # the token over the limit ends a sentence: cut at an earlier end
                ends = [k + 1 for k, (s, e) in enumerate(current[:max_tokens]) if text[s:e] in SENTENCE_END]
                last_end = ends[-1] if ends else -1
            cut = last_end if last_end > 0 else max_tokens
            chunks.append(current[:cut])
            current = current[cut:]
            ends = [k + 1 for k, (s, e) in enumerate(current) if text[s:e] in SENTENCE_END]
            last_end = ends[-1] if ends else -1
    if current:
        chunks.append(current)
    return chunks


def entities(pieces: list[Piece], spans: list[list[Span]], documents: int) -> list[list[Entity]]:
    """Token spans of each piece -> code-point entities of each document, in text order."""
    found: list[list[Entity]] = [[] for _ in range(documents)]
    for piece, piece_spans in zip(pieces, spans, strict=True):
        offsets = piece.sentence.offsets
        assert offsets is not None
        for span in piece_spans:
            start, end = offsets[span.start][0], offsets[span.end - 1][1]
            found[piece.document].append(Entity(start, end, span.label, span.score))
    for document in found:
        document.sort(key=lambda e: (e.start, e.end))
    return found
