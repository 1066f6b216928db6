"""Content hashes: the one way xner names a value by what it holds (job ids, cache keys)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_hash(value: Any) -> str:
    """SHA-256 hex digest of ``value``'s canonical JSON (sorted keys, compact, UTF-8; lone surrogates kept)."""
    payload = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8", errors="surrogatepass")).hexdigest()
