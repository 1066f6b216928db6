"""Tunables of the readers and writers, one named constant each."""

from __future__ import annotations

READ_CHUNK_CHARS = 1 << 16
"""Bytes read from the file at a time while streaming a JSON array."""
