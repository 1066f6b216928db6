"""Word-level windows over subword tokens: how long sentences are fed to a token classifier with a length limit.

A sentence whose subwords fit the limit is one window. A longer one is cut between words into windows that fit,
consecutive windows sharing up to ``overlap`` subwords; every word is in at least one window. A single word
longer than the limit gets a window of its own (truncated: only its first subword is labelled anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Window:
    """Words ``[start, end)`` of sentence ``sentence``."""

    sentence: int
    start: int
    end: int


def piece_counts(tokenizer: Any, sentences: Sequence[Sequence[str]]) -> list[list[int]]:
    """The number of subword tokens of each word (a fast tokenizer's ``word_ids``)."""
    counts: list[list[int]] = [[0] * len(words) for words in sentences]
    nonempty = [i for i, words in enumerate(sentences) if words]
    if not nonempty:
        return counts
    encoding = tokenizer(
        [list(sentences[i]) for i in nonempty], is_split_into_words=True, add_special_tokens=False, verbose=False
    )
    for row, index in enumerate(nonempty):
        for word in encoding.word_ids(row):
            if word is not None:
                counts[index][word] += 1
    return counts


def plan_windows(counts: Sequence[int], budget: int, overlap: int) -> list[tuple[int, int]]:
    """Word ranges covering ``counts`` (subwords per word), each within ``budget`` subwords where possible."""
    n = len(counts)
    if n == 0:
        return []
    if sum(counts) <= budget:
        return [(0, n)]
    windows: list[tuple[int, int]] = []
    start = 0
    while start < n:
        end, total = start, 0
        while end < n and total + counts[end] <= budget:
            total += counts[end]
            end += 1
        end = max(end, start + 1)
        windows.append((start, end))
        if end >= n:
            break
        back, shared = end, 0
        while back - 1 > start and shared + counts[back - 1] <= overlap:
            back -= 1
            shared += counts[back]
        start = back
    return windows


def make_windows(
    counts: Sequence[Sequence[int]], budget: int, overlap: int
) -> tuple[list[Window], list[list[tuple[int, int]]]]:
    """All windows of all sentences, and for each word of each sentence ``(window index, margin)`` of the
    window that should label it: the one where the word's margin (subwords to the nearer window edge) is largest."""
    windows: list[Window] = []
    owner: list[list[tuple[int, int]]] = []
    for sentence, word_counts in enumerate(counts):
        best: list[tuple[int, int]] = [(-1, -1)] * len(word_counts)
        for start, end in plan_windows(word_counts, budget, overlap):
            index = len(windows)
            windows.append(Window(sentence, start, end))
            before = 0
            total = sum(word_counts[start:end])
            for word in range(start, end):
                margin = min(before, total - before - word_counts[word])
                if margin > best[word][1]:
                    best[word] = (index, margin)
                before += word_counts[word]
        owner.append(best)
    return windows, owner
