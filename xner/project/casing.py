"""Case repair of candidate projections: what a capital letter says about a projected name.

In a language that writes names with a capital (German, Spanish, Italian, and every other cased script), a LOC,
ORG or PER entity projected onto target words that are all lower-case is one of two things:

* a word derived from the name (``belgischen`` from "Belgium", ``europeo`` from "Europe", ``comunitarias`` from
  "Community"): it resembles the name (:func:`resembles`). A single such word from a one-word LOC or ORG name is
  an adjective, which CoNLL-style gold tags :data:`~xner.project.defaults.ADJECTIVE_LABEL` (MISC). Over a
  corpus, :func:`~xner.project.candidates_fast.restore_names` takes that back where the same entity text was
  matched to the same words with a capital elsewhere: then the target writes the name itself in lower case at
  times (machine translation's ``parlamento`` beside ``Parlamento`` for "Parliament");
* a wrong link (``canale`` for "Dutch", ``puramente`` for "Parliament", a translation that drops the name): it
  resembles none of the name's words, and the projection is dropped (:attr:`~xner.project.status.Reason.LOWER_CASE`).

Words without case (digits, CJK, Arabic, Devanagari) are neither upper nor lower case, so spans of them are never
touched, and MISC entities (adjectives and titles, often lower-case in the target) are left alone.

:class:`~xner.project.candidate_options.CandidateOptions` ``case_repair`` picks the rule: ``misc`` (both, the
default), ``drop`` (only the drop, for label sets without MISC) or ``off``. Measured on Europarl-NER in
docs/projection.md ("Case repair").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache
from typing import Literal, get_args

from xner.project import defaults

CaseRepair = Literal["misc", "drop", "off"]
CASE_REPAIRS: tuple[str, ...] = get_args(CaseRepair)
"""The case repair rules: relabel derived adjectives and drop the rest, only drop, or nothing."""


class Verdict(StrEnum):
    """What case repair does with one projection."""

    KEEP = "keep"
    ADJECTIVE = "adjective"
    DROP = "drop"


def _first_letter(word: str) -> str:
    """The first letter of ``word`` (``R`` in ``«Roma»``, ``M`` in ``3M``), or ``""``."""
    return next((ch for ch in word if ch.isalpha()), "")


def is_lower(word: str) -> bool:
    """True for a word whose first letter is lower-case (``europeo``, ``-el``, ``34jährigen``); False for capitals,
    words without letters and letters without case."""
    return _first_letter(word).islower()


def is_upper(word: str) -> bool:
    """True for a word written with a capital anywhere: its first letter (``«Roma»``, ``3M``), or one after a
    lower-case prefix, since a name behind a prefix (``kwaZulu``, ``eThekwini``, Irish ``mBaile``, a fused
    ``delaComisión``) is written with a capital."""
    return any(ch.isupper() or ch.istitle() for ch in word)


def all_lower(words: Sequence[str]) -> bool:
    """True if some word begins with a lower-case letter and none is written with a capital (:func:`is_upper`;
    punctuation and digits aside)."""
    return any(map(is_lower, words)) and not any(map(is_upper, words))


@lru_cache(maxsize=1 << 16)
def _folded(word: str) -> str:
    """``word`` lower-cased without accents (``Brüssel`` -> ``brussel``)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 18)
def resembles(a: str, b: str) -> bool:
    """Whether two words look like forms of one name: their accent-free lower-cased forms share a prefix of
    ``RESEMBLANCE_PREFIX`` letters, or of one letter fewer with a difflib ratio of ``SURFACE_SIMILARITY``, or have
    a ratio of ``RESEMBLANCE_RATIO``, or one contains the other's first ``RESEMBLANCE_STEM`` letters. Words
    shorter than 3 letters resemble only themselves."""
    x, y = _folded(a), _folded(b)
    if len(x) < 3 or len(y) < 3:
        return x == y
    prefix = next((k for k, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
    if prefix >= defaults.RESEMBLANCE_PREFIX:
        return True
    ratio = SequenceMatcher(None, x, y).ratio()
    if ratio >= defaults.RESEMBLANCE_RATIO:
        return True
    if prefix >= defaults.RESEMBLANCE_PREFIX - 1 and ratio >= defaults.SURFACE_SIMILARITY:
        return True
    stem = defaults.RESEMBLANCE_STEM
    return (len(y) >= stem and y[:stem] in x) or (len(x) >= stem and x[:stem] in y)


def verdict(rule: str, label: str, source: Sequence[str], target: Sequence[str]) -> Verdict:
    """What case repair ``rule`` (:data:`CASE_REPAIRS`) does with an entity of ``label`` whose words are ``source``,
    projected onto the target words ``target``, in a sentence on its own."""
    if rule == "off" or label not in defaults.NAME_LABELS or not all_lower(target):
        return Verdict.KEEP
    words = [w for w in target if _first_letter(w)]
    names = [w for w in source if _first_letter(w)]
    if not any(resembles(t, s) for t in words for s in names):
        return Verdict.DROP
    if rule == "misc" and label != "PER" and len(target) == 1 and len(names) == 1:
        return Verdict.ADJECTIVE
    return Verdict.KEEP
