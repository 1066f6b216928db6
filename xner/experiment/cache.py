"""The step cache: each step's result stored as JSON under a key hashed from everything that determines it.

A key is the SHA-256 of the step's name, the backend spec (and its fingerprint when the backend has one), the
settings and a hash of the inputs (the token lists). A result file appears only once complete (written to a
temporary file, then renamed), so a crash loses at most the step in progress and a re-run resumes from there.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from xner.experiment import defaults
from xner.hashing import content_hash

T = TypeVar("T")


class StepCache:
    """JSON results by ``(step, key)`` in ``root/<step>/<key>.json``; counts hits and misses.

    With ``resume=False`` every step is recomputed (and its cached result overwritten).
    """

    def __init__(self, root: str | Path, *, resume: bool = True) -> None:
        self.root = Path(root)
        self.resume = resume
        self.hits = 0
        self.misses = 0

    def path(self, step: str, key: str) -> Path:
        return self.root / step / f"{key[: defaults.HASH_CHARS]}.json"

    def get_or_compute(
        self,
        step: str,
        key_parts: Any,
        compute: Callable[[], T],
        *,
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
    ) -> T:
        """The cached result of ``step`` for ``key_parts``, computing and storing it when absent."""
        path = self.path(step, content_hash([step, key_parts]))
        if self.resume and path.is_file():
            self.hits += 1
            return decode(json.loads(path.read_text(encoding="utf-8")))
        self.misses += 1
        result = compute()
        self._write(path, encode(result))
        return result

    @staticmethod
    def _write(path: Path, value: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(value, out, ensure_ascii=False)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
