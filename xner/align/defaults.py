"""Tunables of the aligners, one named constant each (as rq keeps its own in ``rq/defaults.py``)."""

from __future__ import annotations

# --- backend selection -------------------------------------------------------------------------------------

DEFAULT_ALIGNER = "eflomal"
"""The aligner every surface uses when none is named (weight-free, runs everywhere)."""

# --- SimAlign / awesome-align extraction ---------------------------------------------------------------------

ITERMAX_MAX_COUNT = 2
"""IterMax: number of ArgMax rounds (SimAlign's ``max_count``; 1 = plain ArgMax)."""

ITERMAX_ALPHA = 0.9
"""IterMax: weight of a cell whose row or column is still free (SimAlign's ``alpha_ratio``)."""

DISTORTION = 0.0
"""SimAlign distortion ``kappa``: similarities far from the diagonal are scaled by ``1 - kappa * d**2`` (0 = off)."""

SOFTMAX_THRESHOLD = 0.001
"""awesome-align softmax extraction: a link needs both directional probabilities above this."""

MATCH_TIE_TOLERANCE = 1e-9
"""Match: relative gap under which the optimal assignment counts as tied (then networkx decides, as SimAlign)."""

# --- encoder backend -----------------------------------------------------------------------------------------

ENCODER_MODEL = "bert-base-multilingual-cased"
"""Encoder used when the spec names none (``encoder``); a hub id or a local directory."""

ENCODER_LAYER = 8
"""Hidden-state index the vectors come from; 0 is the embedding layer (SimAlign's convention)."""

ENCODER_METHOD = "itermax"
"""Extraction method of the encoder backend when none is given."""

ENCODER_TOKEN_TYPE = "bpe"
"""``bpe``: align subwords, union to words; ``word``: align mean subword vectors."""

ENCODER_BATCH_SENTENCES = 64
"""Most sentences (or windows) in one forward pass."""

ENCODER_BATCH_TOKENS = 8192
"""Most padded subword positions (sentences x longest) in one forward pass."""

ENCODER_CHUNK_PAIRS = 512
"""Sentence pairs encoded and aligned together; bounds the memory the hidden states take."""

ENCODER_WINDOW_OVERLAP = 0.25
"""Long sentences are split into windows that overlap by this fraction of the window length."""

ENCODER_MAX_LENGTH = 512
"""Window length (with special tokens) when neither tokenizer nor config states a usable limit."""

# --- eflomal backend -----------------------------------------------------------------------------------------

EFLOMAL_SYMMETRISE = "majority"
"""How eflomal's runs and directions are merged by default: links in more than half of all 2 x runs alignments."""

EFLOMAL_RUNS = 5
"""Independent eflomal runs per batch, merged by a fixed vote (eflomal cannot be seeded)."""

EFLOMAL_SAMPLERS = 2
"""Samplers per eflomal run (eflomal averages their distributions before taking the argmax)."""

EFLOMAL_MODEL = 3
"""eflomal model: 1 = IBM1, 2 = HMM, 3 = HMM + fertility."""

EFLOMAL_NULL_PRIOR = 0.2
"""eflomal's prior probability of a NULL alignment."""

EFLOMAL_MAX_TOKENS = 1023
"""Longest sentence eflomal can align (its fixed buffer); longer ones are an error, never skipped silently."""

EFLOMAL_ORTHO_PRIORS = True
"""Feed each near-identical word pair of the batch to eflomal as a lexical prior."""

EFLOMAL_ORTHO_LINKS = False
"""Force near-identical word pairs into the result, replacing their other links (helps only without priors)."""

EFLOMAL_SELF_PRIORS = False
"""Run a first pass on the batch itself and feed its links back to eflomal as priors (doubles the time)."""

EFLOMAL_PRIOR_WEIGHT = 1.0
"""Pseudo-count of every lexical prior xner derives itself (orthographic and self priors)."""

# --- orthographic links --------------------------------------------------------------------------------------

ORTHO_MIN_SIMILARITY = 0.8
"""Near-identical: normalised similarity (difflib ratio of the case/accent-folded forms) at least this."""

ORTHO_MIN_LENGTH = 3
"""Shortest word (in characters) linked because it is near-identical; identical numbers link at any length."""

ALIGNMENT_CACHE_BATCHES = 64
"""Aligned batches kept in memory per process."""

ORTHOGRAPHIC_POSITION_WEIGHT = 1e-3
"""Tie-breaker only: far smaller than any similarity difference that matters."""
