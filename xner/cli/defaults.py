"""Tunables of the ``xner`` command, one named constant each."""

from __future__ import annotations

CHUNK_SENTENCES = 256
"""Sentences handed to a backend at once by the CLI (the backend batches inside a chunk)."""

SNIFF_BYTES = 65536
"""Bytes of a file read to guess its format (CoNLL or text) when neither its extension nor an option says."""
