"""Same input, same output without recomputing: a content-hash cache of whole aligned batches.

Every default aligner is deterministic on its own (the encoder for a given model, device and precision; eflomal
through its seeded sampler, :mod:`xner.align.sampler`), so the cache saves time rather than making results
reproducible — except for eflomal with ``seed=None``, whose binary seeds itself from the operating system: there
the cache is what returns the same links for the same batch. A :class:`CachedAligner` answers a batch it has
aligned before from its cache, within a process and — with an on-disk cache directory (``XNER_CACHE_DIR``, shared
by the CLI, the workers and the gateway of one deployment) — across processes and runs. The key covers the
backend's settings (a ``seed=`` given to ``load_aligner`` included) and the whole batch, since a corpus-level
aligner's links depend on every sentence it sees.
"""

from __future__ import annotations

import os
from pathlib import Path

from xner.align.base import Aligner, Alignment, Batch
from xner.align.defaults import ALIGNMENT_CACHE_BATCHES, ALIGNMENT_CACHE_CHARS
from xner.hashing import content_hash
from xner.translate.cache import TranslationCache

CACHE_DIR_ENV = "XNER_CACHE_DIR"
"""Environment variable naming the on-disk cache directory (unset: in-memory cache only)."""


ALIGNMENT_CACHE_FILE = "alignments.sqlite3"
"""File name of the on-disk alignment cache."""


class CachedAligner:
    """An :class:`Aligner` that returns the stored alignment of a batch it has seen, and aligns only new ones."""

    def __init__(self, inner: Aligner, fingerprint: str, directory: str | Path | None = None) -> None:
        self.inner = inner
        self.fingerprint = fingerprint
        directory = directory if directory is not None else os.environ.get(CACHE_DIR_ENV) or None
        self.store = TranslationCache(
            directory, ALIGNMENT_CACHE_BATCHES, filename=ALIGNMENT_CACHE_FILE, max_chars=ALIGNMENT_CACHE_CHARS
        )

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def key(self, src: Batch, tgt: Batch) -> str:
        return content_hash([self.fingerprint, src, tgt])

    def align(self, src: Batch, tgt: Batch) -> list[Alignment]:
        key = self.key([list(s) for s in src], [list(t) for t in tgt])
        cached = self.store.get_many([key]).get(key)
        if cached is not None:
            return [Alignment.from_pharaoh(line) for line in cached.split("\n")] if src else []
        alignments = self.inner.align(src, tgt)
        self.store.put_many({key: "\n".join(a.to_pharaoh() for a in alignments)})
        return alignments
