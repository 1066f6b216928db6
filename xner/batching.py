"""Group sequences into batches by a token budget, longest first (so padding is small and memory peaks early)."""

from __future__ import annotations

from collections.abc import Sequence


def token_budget_batches(lengths: Sequence[int], budget: int, max_size: int) -> list[list[int]]:
    """Indices of ``lengths`` grouped into batches with ``len(batch) * longest <= budget`` and at most
    ``max_size`` items; sorted by decreasing length (ties keep input order). An item longer than the budget
    forms a batch of its own."""
    if budget < 1 or max_size < 1:
        raise ValueError("budget and max_size must be positive")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in order:
        if current and ((len(current) + 1) * longest > budget or len(current) >= max_size):
            batches.append(current)
            current = []
        if not current:
            longest = max(lengths[index], 1)
        current.append(index)
    if current:
        batches.append(current)
    return batches
