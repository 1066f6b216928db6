"""Giving freed memory back to the operating system.

glibc keeps memory a program frees in its arenas, one per thread that allocated it, and returns to the system only
what lies at the top of an arena. After a large batch (eflomal's cell arrays and marginals, allocated on worker
threads) the freed pages in the middle stay resident, and a long run's resident memory creeps up batch after
batch; ``malloc_trim(0)`` hands every arena's free pages back (measured on a 1,000,000-sentence ``xner project``
run: 944 -> 845 MiB at 260,000 sentences). Elsewhere than glibc it does nothing.

glibc also moves its mmap threshold: once a block it had mapped on its own is freed, blocks up to that size (up to
32 MiB) grow the arenas from then on, where a batch's arrays of a few MiB leave holes the next batch, on other
threads, does not refill. :func:`map_large_blocks` fixes the threshold, so a large block that free space in an
arena cannot hold is mapped on its own, and unmapped the moment it is freed, instead of growing the arena (free
space an arena already has is still used first). It is process-wide and set once, by the first large alignment
batch; blocks of 256 KiB and more then cost a ``mmap``/``munmap`` each.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any

from xner import defaults


@cache
def _libc() -> Any:
    """glibc, or ``None`` where there is no ``malloc_trim`` (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        library = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return library if library is not None and hasattr(library, "malloc_trim") else None


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


@cache
def map_large_blocks() -> bool:
    """Fix glibc's mmap threshold at :data:`~xner.defaults.MMAP_THRESHOLD_BYTES` and its trim threshold at twice
    that (the ratio glibc keeps when it moves them itself) for the rest of the process (once); whether both were
    set. Fixed, they no longer rise, so large arrays stop growing the arenas and freed space at an arena's top goes
    back."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, defaults.MMAP_THRESHOLD_BYTES)) and bool(
        libc.mallopt(_M_TRIM_THRESHOLD, 2 * defaults.MMAP_THRESHOLD_BYTES)
    )


def release_free_memory() -> bool:
    """Return the free pages of every malloc arena to the system; whether anything was released."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
