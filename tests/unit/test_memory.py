"""Freed memory goes back to the system after a large alignment batch (glibc's malloc_trim)."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from xner import memory
from xner.align import defaults, sampler
from xner.align._eflomal_run import EflomalSettings


def test_release_free_memory_hands_pages_back_where_glibc_runs():
    if not sys.platform.startswith("linux") or memory._libc() is None:
        pytest.skip("no glibc malloc_trim here")
    chunks = [bytearray(200_000) for _ in range(2_000)]  # heap chunks below the mmap threshold
    del chunks[:-1]  # the last one pins the heap's top, so only a trim can return the freed middle
    assert memory.release_free_memory() is True


def test_no_trim_without_glibc(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    memory._libc.cache_clear()
    try:
        assert memory.release_free_memory() is False
    finally:
        memory._libc.cache_clear()


def test_the_sampler_trims_after_a_large_batch_only(monkeypatch: pytest.MonkeyPatch):
    trims: list[int] = []
    monkeypatch.setattr(sampler, "release_free_memory", lambda: trims.append(1) or True)
    pairs = ([["a", "b", "c"]] * 4, [["x", "y", "z"]] * 4)  # 36 cells
    settings = EflomalSettings()
    sampler.sample(*pairs, settings=settings, seed=0)
    assert trims == []
    monkeypatch.setattr(defaults, "EFLOMAL_TRIM_CELLS", 36)
    first = sampler.sample(*pairs, settings=settings, seed=0)
    assert trims == [1]
    assert first.alignments() == sampler.sample(*pairs, settings=settings, seed=0).alignments()  # links unchanged
