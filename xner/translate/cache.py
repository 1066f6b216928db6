"""A content-hash cache of translations: in memory (LRU), optionally backed by an SQLite file in a directory.

The key is the SHA-256 of the translator's fingerprint (backend, model, decoding settings), the two FLORES-200
codes and the source text, so a change of model or settings never returns a stale translation. The on-disk file
is safe to share between processes (SQLite with WAL journaling); a directory can be shared by many workers.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from xner.errors import MismatchError
from xner.languages import normalise_language
from xner.translate.base import Translator
from xner.translate.defaults import CACHE_ENTRIES, CACHE_FILE


def cache_key(fingerprint: str, src_lang: str, tgt_lang: str, text: str) -> str:
    """The content hash that identifies one translation."""
    payload = "\x1f".join((fingerprint, src_lang, tgt_lang, text)).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


class TranslationCache:
    """Key -> translation, in memory (at most ``max_entries`` values and, where given, ``max_chars`` characters of
    them; least recently used evicted first, a value longer than ``max_chars`` is never held) and optionally on
    disk."""

    def __init__(
        self,
        directory: str | Path | None = None,
        max_entries: int = CACHE_ENTRIES,
        filename: str = CACHE_FILE,
        max_chars: int | None = None,
    ) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self._memory: OrderedDict[str, str] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.path: Path | None = None
        if directory is not None:
            self.path = Path(directory) / filename
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._db.commit()

    def __len__(self) -> int:
        return len(self._memory)

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """The cached translations among ``keys`` (memory first, then disk)."""
        found: dict[str, str] = {}
        missing: list[str] = []
        with self._lock:
            for key in keys:
                if key in self._memory:
                    self._memory.move_to_end(key)
                    found[key] = self._memory[key]
                else:
                    missing.append(key)
            if self._db is not None and missing:
                for start in range(0, len(missing), 500):
                    chunk = missing[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(f"SELECT key, value FROM translations WHERE key IN ({marks})", chunk)
                    for key, value in rows:
                        found[key] = value
                        self._remember(key, value)
        return found

    def put_many(self, items: Mapping[str, str]) -> None:
        """Store translations in memory and, when a directory was given, on disk."""
        with self._lock:
            for key, value in items.items():
                self._remember(key, value)
            if self._db is not None and items:
                self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?)", list(items.items()))
                self._db.commit()

    def _remember(self, key: str, value: str) -> None:
        self._chars -= len(self._memory.pop(key, ""))
        if self.max_chars is not None and len(value) > self.max_chars:
            return  # too large to hold: it stays on disk only, where there is a disk
        self._memory[key] = value
        self._chars += len(value)
        while len(self._memory) > self.max_entries or (self.max_chars is not None and self._chars > self.max_chars):
            self._chars -= len(self._memory.popitem(last=False)[1])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class CachedTranslator:
    """A :class:`Translator` that answers from a :class:`TranslationCache` and translates only the misses
    (each distinct sentence once). Scores are not cached."""

    def __init__(self, inner: Translator, cache: TranslationCache) -> None:
        self.inner = inner
        self.cache = cache
        self.fingerprint = inner.fingerprint

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        src, tgt = normalise_language(src_lang), normalise_language(tgt_lang)
        keys = [cache_key(self.fingerprint, src, tgt, s) for s in sentences]
        found = self.cache.get_many(set(keys))
        todo: dict[str, str] = {}
        for key, sentence in zip(keys, sentences, strict=True):
            if key not in found:
                todo.setdefault(key, sentence)
        if todo:
            translated = self.inner.translate(list(todo.values()), src, tgt)
            if len(translated) != len(todo):
                raise MismatchError(f"translator returned {len(translated)} translations for {len(todo)} sentences")
            fresh = dict(zip(todo, translated, strict=True))
            self.cache.put_many(fresh)
            found.update(fresh)
        return [found[key] for key in keys]

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        return self.inner.score(src, tgt, src_lang, tgt_lang)
