"""Split an over-long input into pieces that fit a model, at the strongest boundary available; never truncate.

Boundaries, strongest first: sentence ends (``. ! ? …`` followed by a space, ``。！？`` anywhere), clause marks
(``; : ,`` followed by a space, ``、，；：،`` anywhere), then any whitespace; a single word that is still too long
is cut between characters. The pieces concatenate back to the input exactly (whitespace stays with the piece
on its left); consecutive segments are packed greedily so there are as few pieces as possible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

#: Boundary patterns, strongest first; a cut falls at the end of each match.
BOUNDARIES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<=[.!?…؟।])\s+|(?<=[。！？])"),
    re.compile(r"(?<=[;:,])\s+|(?<=[、，；：،])"),
    re.compile(r"\s+"),
)


def split_to_fit(text: str, length: Callable[[str], int], limit: int) -> list[str]:
    """Cut ``text`` into consecutive pieces with ``length(piece) <= limit`` (see the module docstring)."""
    if limit < 1:
        raise ValueError(f"limit must be positive, not {limit}")
    return _split(text, length, limit, 0)


def _split(text: str, length: Callable[[str], int], limit: int, level: int) -> list[str]:
    if length(text) <= limit:
        return [text]
    if level == len(BOUNDARIES):
        return _pack(list(text), length, limit)
    segments = _cut(text, BOUNDARIES[level])
    if len(segments) == 1:
        return _split(text, length, limit, level + 1)
    pieces: list[str] = []
    for packed in _pack(segments, length, limit):
        pieces.extend(_split(packed, length, limit, level + 1))
    return pieces


def _cut(text: str, pattern: re.Pattern[str]) -> list[str]:
    cuts = [m.end() for m in pattern.finditer(text) if 0 < m.end() < len(text)]
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in pairwise(bounds) if b > a]


def _pack(segments: Sequence[str], length: Callable[[str], int], limit: int) -> list[str]:
    """Join consecutive segments greedily while the piece fits; a segment that alone does not fit stays alone."""
    pieces: list[str] = []
    current = ""
    for segment in segments:
        candidate = current + segment
        if current and length(candidate) > limit:
            pieces.append(current)
            current = segment
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def join_pieces(pieces: Sequence[str], with_spaces: bool) -> str:
    """Re-join translated pieces: one space between them, or none for languages written without spaces."""
    stripped = [piece.strip() for piece in pieces if piece.strip()]
    return (" " if with_spaces else "").join(stripped)
