"""Side-by-side timing that cannot flatter one side: the sides run in alternating blocks (the order flips every
round, so neither always runs first on a warm cache), each side the same number of rounds, and the report gives
the median and the range of every side and the ratio of the medians against a named baseline.

Thread counts are pinned and printed with the figures (:func:`pin_threads`): torch's intra-op pool and every
BLAS/OpenMP pool threadpoolctl sees, so a ratio always says on how many threads it was taken.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    """Median and range of one side's rates over its rounds."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))


def alternate(
    sides: Mapping[str, Callable[[], object]],
    rounds: int,
    warmup: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, list[float]]:
    """Seconds of every call of every side by ``clock`` (:func:`on_clocks` with one clock)."""
    return on_clocks(sides, rounds, warmup, (clock,))[0]


def on_clocks(
    sides: Mapping[str, Callable[[], object]],
    rounds: int,
    warmup: int = 1,
    clocks: Sequence[Callable[[], float]] = (time.perf_counter, time.process_time),
) -> list[dict[str, list[float]]]:
    """Seconds of every call of every side, by each of ``clocks`` (wall time and CPU seconds of all threads, the
    steadier of the two on a shared machine): ``warmup`` untimed calls of each side first (imports, compilation,
    thread pools, caches), then ``rounds`` timed calls each, the sides taking turns, the order reversed on every
    other round."""
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    names = list(sides)
    for _ in range(warmup):
        for name in names:
            sides[name]()
    seconds: list[dict[str, list[float]]] = [{name: [] for name in names} for _ in clocks]
    for round_number in range(rounds):
        for name in names if round_number % 2 == 0 else reversed(names):
            starts = [clock() for clock in clocks]
            sides[name]()
            for times, clock, start in zip(seconds, clocks, starts, strict=True):
                times[name].append(clock() - start)
    return seconds


def rates(seconds: Mapping[str, list[float]], items: Mapping[str, int] | int) -> dict[str, Spread]:
    """Items per second of every side (``items`` per call, one count for all sides or one per side)."""
    count = items if isinstance(items, Mapping) else dict.fromkeys(seconds, items)
    return {name: Spread.of([count[name] / s for s in times]) for name, times in seconds.items()}


def table(spreads: Mapping[str, Spread], baseline: str, unit: str) -> str:
    """A markdown table: every side's median and range of ``unit``, and its ratio of medians to ``baseline``."""
    if baseline not in spreads:
        raise KeyError(f"no side named {baseline!r}")
    base = spreads[baseline].median
    lines = [f"| | {unit} (median) | range | vs {baseline} |", "|---|---:|---:|---:|"]
    for name, spread in spreads.items():
        lines.append(
            f"| {name} | {spread.median:,.1f} | {spread.low:,.1f}-{spread.high:,.1f} | {spread.median / base:.2f}x |"
        )
    return "\n".join(lines)


def pin_threads(threads: int | None) -> str:
    """Pin torch's, every BLAS/OpenMP pool's and the Rust tokenizers' thread count (None: leave them) and describe
    what is in force. Call it before the first tokenizer runs: its pool (``RAYON_NUM_THREADS``) starts once."""
    from threadpoolctl import threadpool_info, threadpool_limits  # type: ignore[import-untyped]

    if threads is not None:
        threadpool_limits(threads)
        os.environ["RAYON_NUM_THREADS"] = str(threads)
    parts = [f"{os.cpu_count()} CPUs"]
    try:
        import torch
    except ImportError:
        pass
    else:
        if threads is not None:
            torch.set_num_threads(threads)
        parts.append(f"torch threads {torch.get_num_threads()}")
    pools = sorted({f"{pool['internal_api']} {pool['num_threads']}" for pool in threadpool_info()})
    if pools:
        parts.append("BLAS/OpenMP " + ", ".join(pools))
    if "RAYON_NUM_THREADS" in os.environ:
        parts.append(f"tokenizers {os.environ['RAYON_NUM_THREADS']}")
    return "; ".join(parts)
