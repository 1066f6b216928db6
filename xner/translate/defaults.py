"""Tunables of the translation backends, one named constant each (override them through constructor options)."""

from __future__ import annotations

DEFAULT_TRANSLATOR = "apertium"
"""The translator every surface uses when none is named (weight-free: Debian's Apertium, no model download)."""

DEFAULT_NLLB_MODEL = "facebook/nllb-200-distilled-600M"
"""The NLLB checkpoint used when a spec names no model (``nllb`` = ``nllb:facebook/nllb-200-distilled-600M``)."""

NUM_BEAMS = 4
"""Beam size of beam search (NLLB's evaluation setting)."""

MAX_LENGTH_A = 1.2
"""Generated tokens may be at most ``MAX_LENGTH_A * source_tokens + MAX_LENGTH_B`` (fairseq's max_len_a)."""

MAX_LENGTH_B = 10
"""The constant term of the generation length limit (fairseq's max_len_b)."""

MAX_INPUT_TOKENS = 512
"""Longest source, in subword tokens with specials, fed to the model (NLLB was trained on <= 512); a longer
input is split at clause boundaries and the translated pieces are re-joined. The model's own limit wins if lower."""

BATCH_TOKENS = 4096
"""Token budget of one batch: sentences x longest source length (padding included) stays under it."""

MAX_BATCH_SENTENCES = 64
"""Upper bound on the sentences of one batch, whatever the budget allows."""

CACHE_ENTRIES = 100_000
"""Translations kept in the in-memory cache (least recently used are dropped first)."""

CACHE_FILE = "translations.sqlite3"
"""File name of the on-disk translation cache inside the cache directory."""

APERTIUM_COMMAND = "apertium"
"""The Apertium executable (Debian package ``apertium``)."""

APERTIUM_DATA_DIR = "/usr/share/apertium"
"""Apertium's data directory (Debian's pair packages install ``modes/*.mode`` under it)."""

APERTIUM_TIMEOUT = 600.0
"""Seconds one Apertium call may take before it is an error."""

CT2_COMPUTE_TYPE = "default"
"""CTranslate2 compute type (``default`` keeps the converted type; ``int8`` quantises at load)."""

CT2_INTER_THREADS = 1
"""CTranslate2 batches run in parallel (one per thread); 1 uses all intra threads on one batch."""
