"""Overlapping windows for sentences longer than an encoder accepts (nothing is ever truncated).

A sentence of ``length`` subwords and a window of ``size`` subwords gives windows that start every
``size - overlap`` subwords, the last one ending at the sentence end. Each subword takes its vector from the
window where it sits farthest from an edge, so it sees the most context on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Window:
    """Subwords ``[start, end)`` of a sentence; ``[keep_start, keep_end)`` of them take this window's vectors."""

    start: int
    end: int
    keep_start: int
    keep_end: int


def plan_windows(length: int, size: int, overlap: int) -> list[Window]:
    """Windows covering ``length`` subwords; every subword is kept from exactly one window."""
    if size < 1:
        raise ValueError(f"window size must be positive, got {size}")
    if length <= size:
        return [Window(0, length, 0, length)]
    overlap = min(max(overlap, 0), size - 1)
    step = size - overlap
    starts = [*range(0, length - size, step), length - size]
    if len(starts) > 1 and starts[-1] == starts[-2]:
        starts.pop()
    windows: list[Window] = []
    for k, start in enumerate(starts):
        end = start + size
        # Split each overlap at its middle: the left window keeps the first half, the right one the rest.
        keep_start = 0 if k == 0 else (windows[-1].keep_end)
        keep_end = length if k == len(starts) - 1 else (starts[k + 1] + end) // 2
        windows.append(Window(start, end, keep_start, keep_end))
    return windows
