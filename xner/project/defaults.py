"""Tunables of the projection step, one named constant each (as rq keeps its own in ``rq/defaults.py``)."""

from __future__ import annotations

GAP = 1
"""Heuristic: runs of aligned target words separated by at most this many unaligned words are merged."""

DROP_PUNCT = True
"""Heuristic: drop aligned target words made only of punctuation before building runs."""

PAPER_LENGTH_RATIO = 0.8
"""Paper-code heuristic: a run is kept only if ``len(run) / len(entity)`` is strictly above this ratio."""

PAPER_MERGE_DISTANCE = 1
"""Paper-code heuristic: runs merge when at most this many words separate them."""

MAX_CANDIDATE_LEN = 10
"""Candidates: the longest target n-gram considered as a candidate span."""

SENTENCE_FINAL = frozenset({".", "!", "?", "…", "。", "！", "？", "؟", "।"})
"""Candidates: tokens an n-gram may not contain (sentence-final punctuation, as the paper's extractor)."""

WEIGHT_ALIGN = 1.0
"""Fusion weight of the alignment (Dice) score."""

WEIGHT_NER = 0.5
"""Fusion weight of the NER-candidate (tagger confidence) score."""

WEIGHT_TRANSLATION = 1.0
"""Fusion weight of the translation (NMTScore-style) score."""

WEIGHT_SURFACE = 0.5
"""Fusion weight of the surface (shared spelling) score; 0 disables it."""

SURFACE_SIMILARITY = 0.6
"""Surface score: a word pair spelt alike (difflib ratio at least this, lower-cased) counts partly."""

SURFACE_PARTIAL = 0.5
"""Surface score: what a similar (not identical) word pair counts; an identical pair counts 1."""

WEIGHT_CONSISTENCY = 1.0
"""Fusion weight of the corpus consistency score (how often an entity's text went to this candidate's text in a first
pass over the corpus); 0 disables the second pass."""

CONSISTENCY_MIN_COUNT = 2
"""Consistency score: an entity text needs at least this many first-pass projections to count."""

CANDIDATE_LEN_FACTOR = 2
"""Candidates: n-grams may be this many times longer than the longest entity of the sentence, even past
``MAX_CANDIDATE_LEN`` (long titles of reports and committees)."""

THRESHOLD_ALIGN = 0.0
"""An alignment score at or below this does not make a pair a match."""

THRESHOLD_NER = 0.05
"""A tagger confidence at or below this is ignored (thesis: 0.05)."""

THRESHOLD_TRANSLATION = 0.1
"""A translation score at or below this is ignored (thesis: 0.1)."""

THRESHOLD_FUSED = 0.0
"""A fused score at or below this is never matched."""

EXACT_DP_MAX_ENTITIES = 8
"""Exact matching: the dynamic program keeps one state per subset of entities; sentences with more entities that
have a candidate go to the integer-program solver (scipy's HiGHS)."""

CANDIDATE_CHUNK_PAIRS = 1 << 20
"""Corpus candidate projection: about how many entity x candidate pairs are scored in one numpy pass (bounds
memory; the results do not depend on it)."""

SURFACE_CHUNK_PAIRS = 1 << 16
"""Corpus candidate projection: how many (entity word, target word) pairs are made distinct in one sort before
their surface similarities are looked up (speed only; the results do not depend on it)."""

MARKER_OPEN = "["

#: Marker mode: the closing marker put after an entity (EasyProject).
MARKER_CLOSE = "]"
"""Marker mode: the opening marker put before an entity (EasyProject)."""

MARKER_SIMILARITY = 0.5
"""Marker mode: a marked span takes an entity's type only if their similarity is strictly above this."""

VOTE_THRESHOLD = 0.5
"""Multi-source: a target span is kept if its share of the total source weight is at least this."""

NAME_LABELS = frozenset({"PER", "LOC", "ORG"})
"""Case repair: the labels of names, which a cased target language writes with a capital (not MISC, whose
adjectives and titles are often lower-case)."""

ADJECTIVE_LABEL = "MISC"
"""Case repair (``misc``): the label of a lower-case target word derived from a one-word LOC or ORG name
(``belgischen`` from "Belgium", ``europeo`` from "Europe"), as CoNLL-style gold tags such adjectives."""

RESEMBLANCE_PREFIX = 4
"""Case repair: two words whose accent-free lower-cased forms share a prefix this long resemble each other."""

RESEMBLANCE_RATIO = 0.8
"""Case repair: two words resemble each other when their difflib ratio is at least this (or at least
``SURFACE_SIMILARITY`` with a common prefix of ``RESEMBLANCE_PREFIX - 1`` letters: ``comitato`` / "committee")."""

RESEMBLANCE_STEM = 5
"""Case repair: a word resembles another that contains its first this many letters (``osteuropäischen`` /
"Europe")."""

DEFAULTS_REVISION = 2
"""Raised whenever a default changes what the same inputs project to (2: case repair ``misc`` by default), so that
results stored under a configuration's non-default fields (the experiment cache's projection steps) are not reused
across the change."""
