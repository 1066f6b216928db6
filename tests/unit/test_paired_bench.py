"""The side-by-side timing every peer bench uses (bench/paired.py): turns, warm-up, the same rounds for every
side, and medians with ranges against a named baseline."""

from __future__ import annotations

import pytest

from bench.paired import Spread, alternate, on_clocks, pin_threads, rates, table


def test_sides_take_turns_with_the_order_flipping_every_round_after_an_untimed_warm_up():
    calls: list[str] = []
    ticks = iter(range(100))
    sides = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    seconds = alternate(sides, rounds=3, warmup=1, clock=lambda: float(next(ticks)))
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]
    assert seconds == {"a": [1.0, 1.0, 1.0], "b": [1.0, 1.0, 1.0]}, "each timed call reads the clock twice"
    with pytest.raises(ValueError, match="rounds"):
        alternate({"a": lambda: None}, rounds=0)


def test_every_clock_times_the_same_calls_and_none_counts_the_warm_up():
    wall, cpu = iter(range(0, 1000, 10)), iter(range(100))
    sides = {"a": lambda: None, "b": lambda: None}
    by_wall, by_cpu = on_clocks(sides, rounds=2, warmup=2, clocks=(lambda: next(wall), lambda: next(cpu)))
    assert by_wall == {"a": [10, 10], "b": [10, 10]} and by_cpu == {"a": [1, 1], "b": [1, 1]}


def test_rates_are_medians_with_ranges_and_the_ratio_is_against_the_baseline():
    spreads = rates({"slow": [2.0, 4.0, 1.0], "fast": [1.0, 0.5, 0.25]}, {"slow": 100, "fast": 100})
    assert spreads["slow"] == Spread(median=50.0, low=25.0, high=100.0)
    assert spreads["fast"] == Spread(median=200.0, low=100.0, high=400.0)
    printed = table(spreads, "slow", "items/s")
    assert "| fast | 200.0 | 100.0-400.0 | 4.00x |" in printed
    assert "| slow | 50.0 | 25.0-100.0 | 1.00x |" in printed
    with pytest.raises(KeyError, match="nope"):
        table(spreads, "nope", "items/s")


def test_pinned_threads_are_in_force_and_reported(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setenv("RAYON_NUM_THREADS", "0")  # put back as it was after the test
    from threadpoolctl import threadpool_info, threadpool_limits

    before = torch.get_num_threads()
    with threadpool_limits(limits=None):  # puts the BLAS pools back as they were on leaving
        try:
            described = pin_threads(1)
            assert "torch threads 1" in described and torch.get_num_threads() == 1
            assert all(pool["num_threads"] == 1 for pool in threadpool_info())
            assert "tokenizers 1" in described
        finally:
            torch.set_num_threads(before)
