"""Tunables of the library's small helpers (language names, JSON bounds), one named constant each."""

from __future__ import annotations

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects accepted by default."""

MAX_NUMBER_DIGITS = 100
"""Longest run of digits accepted by default in a JSON number."""

SUGGESTIONS = 5
"""How many suggestions an unknown code's error offers."""

HUB_PROBE_TIMEOUT = 3.0
"""Seconds the one connection attempt to the model hub may take before the process counts as offline."""

PROGRESS_CHUNK = 256
"""Sentences a translator or tagger gets per call while progress is being shown (results do not depend on it)."""

MMAP_THRESHOLD_BYTES = 256 * 1024
"""Blocks from this size on are mapped on their own once :func:`xner.memory.map_large_blocks` has run (glibc's
default starts at 128 KiB and then rises with the blocks freed)."""
