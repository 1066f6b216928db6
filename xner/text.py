"""Tokenising raw text: the default tokeniser of xner, for text that comes without tokens.

Runs of word characters (letters, digits, combining marks; inner ``.``, apostrophes and hyphens joined: ``U.S``,
``don't``, ``EU-Kommission``) are tokens, and every other non-space character is a token alone.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from xner.corpus import Sentence

#: Characters that join two word parts into one token ("U.S", "don't", "EU-Kommission").
WORD_JOINERS = frozenset(".'’-")


def _is_word_char(ch: str) -> bool:
    """Letters, digits and combining marks (so "Zoe\u0301" and Devanagari vowel signs stay in the word)."""
    return unicodedata.category(ch)[0] in "LNM" or ch == "_"


def tokenize(text: str, boundaries: Sequence[int] = ()) -> list[tuple[int, int]]:
    """Token offsets of ``text``: runs of word characters (letters, digits, combining marks; inner ``.``,
    apostrophes and hyphens joined) and every other non-space character alone; then split at each offset
    in ``boundaries``."""
    offsets: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if _is_word_char(ch):
            i += 1
            while i < n and (
                _is_word_char(text[i]) or (text[i] in WORD_JOINERS and i + 1 < n and _is_word_char(text[i + 1]))
            ):
                i += 1
        else:
            i += 1
        offsets.append((start, i))
    cuts = sorted(set(boundaries))
    if not cuts:
        return offsets
    split: list[tuple[int, int]] = []
    for start, end in offsets:
        for cut in cuts[bisect_right(cuts, start) : bisect_left(cuts, end)]:
            split.append((start, cut))
            start = cut
        split.append((start, end))
    return split


def tokenize_text(text: str) -> Sentence:
    """A sentence of ``text`` tokenised by :func:`tokenize`, with text and offsets set."""
    offsets = tokenize(text)
    return Sentence(tokens=[text[s:e] for s, e in offsets], text=text, offsets=offsets)
