"""Freed memory goes back to the system after a large alignment batch (glibc's malloc_trim)."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
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


_MAPPED_BLOCKS = """
import ctypes, ctypes.util, sys
from xner import memory

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]


class Info(ctypes.Structure):  # glibc's struct mallinfo2
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


libc.mallinfo2.restype = Info


def mapped_by(size):
    before = libc.mallinfo2().hblks
    block = libc.malloc(size)
    mapped = libc.mallinfo2().hblks - before
    libc.free(block)
    return mapped


libc.free(libc.malloc(20 << 20))  # a mapped block freed: glibc raises its threshold to 20 MiB
fixed = len(sys.argv) > 1 and memory.map_large_blocks()
print(mapped_by(4 << 20))
"""


def test_large_blocks_stay_mapped_once_the_threshold_is_fixed():
    if not sys.platform.startswith("linux") or not hasattr(memory._libc(), "mallinfo2"):
        pytest.skip("no glibc mallopt and mallinfo2 (2.33+) here")

    # In a process of its own: the threshold is process-wide, and glibc's default must be seen moving first.
    def mapped(*fix: str) -> str:
        command = [sys.executable, "-c", _MAPPED_BLOCKS, *fix]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}  # glibc's own defaults
        return subprocess.run(command, capture_output=True, text=True, check=True, env=environment).stdout.strip()

    assert mapped() == "0"  # glibc's own rule: 4 MiB now comes from the arena
    assert mapped("fixed") == "1"  # mapped on its own


def test_the_sampler_fixes_the_threshold_for_a_large_batch_only(monkeypatch: pytest.MonkeyPatch):
    fixed: list[int] = []
    monkeypatch.setattr(sampler, "map_large_blocks", lambda: fixed.append(1) or True)
    pairs = ([["a", "b", "c"]] * 4, [["x", "y", "z"]] * 4)  # 36 cells
    sampler.sample(*pairs, settings=EflomalSettings(), seed=0)
    assert fixed == []
    monkeypatch.setattr(defaults, "EFLOMAL_TRIM_CELLS", 36)
    sampler.sample(*pairs, settings=EflomalSettings(), seed=0)
    assert fixed == [1]
