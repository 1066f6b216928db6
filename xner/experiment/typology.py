"""A controlled typology experiment: one side of a parallel corpus made typologically distant, one axis at a time.

The target side of a sentence-parallel corpus with gold on every side (Europarl-NER) is transformed along one axis
with a dial ``strength`` in [0, 1], its gold spans carried along, and the other sides' gold is projected onto it
again (:mod:`xner.experiment.typology_run`). Every transform is deterministic: a unit (a clause, one occurrence of a
function word, a word type) is changed when a hash of its key and the seed falls below ``strength``, so the units
changed at one strength are also changed at every higher one and the dial moves smoothly.

* ``order`` (word order): each chosen clause (words up to and including a clause break ``, ; : . ! ?``) is
  mirrored: its words in reverse order, each entity kept whole in its own order, the break kept last. For a
  head-initial language such as Spanish this is the far end of head-final reordering (verb-final clauses,
  postposed articles): the alignment can no longer follow the diagonal.
* ``fusion`` (agglutination): the corpus's function words (its :data:`~xner.experiment.defaults.FUNCTION_WORDS`
  most frequent short lower-case words, :func:`function_words`) are fused, each chosen occurrence as a prefix of
  the next word (``de la Comisión`` -> ``delaComisión``): fewer, rarer words, as in an agglutinative language. A
  function word fused into the first word of an entity becomes part of it; no word is fused across the end of an
  entity.
* ``script``: each chosen word type is transliterated into Cyrillic (accents dropped, one letter map), the same
  way in every sentence: names and numbers keep their identity for the aligner but lose their shared spelling.
* ``all``: fusion, then order, then script, at the same strength.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from xner.corpus import Sentence, Span
from xner.errors import InputError
from xner.experiment import defaults

AXES = ("order", "fusion", "script", "all")
"""The axes, in the order they are reported."""

CLAUSE_BREAKS = frozenset({",", ";", ":", ".", "!", "?"})
"""Tokens that end a clause for the ``order`` axis."""

CYRILLIC = {
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "й",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т",
    "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з", "ß": "сс",
}  # fmt: skip
"""Latin -> Cyrillic, letter by letter (after the accents are dropped); other characters are kept."""


def chosen(key: str, strength: float, seed: int) -> bool:
    """Whether the unit ``key`` is changed at ``strength``: its hash with ``seed``, as a number in [0, 1), is below
    ``strength`` (so 0 changes nothing, 1 everything, and a unit changed at one strength is at every higher one)."""
    digest = hashlib.blake2b(f"{seed}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < strength


def function_words(
    sentences: Sequence[Sentence],
    top: int = defaults.FUNCTION_WORDS,
    longest: int = defaults.FUNCTION_WORD_MAX_LEN,
) -> frozenset[str]:
    """The ``top`` most frequent lower-case alphabetic words of at most ``longest`` letters in the corpus (ties by
    the word, for determinism): articles, prepositions, conjunctions, clitics, auxiliaries."""
    counts = Counter(w for s in sentences for w in s.tokens if w.isalpha() and w.islower() and len(w) <= longest)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return frozenset(word for word, _ in ranked[:top])


def _groups_to_sentence(sentence: Sentence, groups: list[list[int]]) -> Sentence:
    """A sentence whose word ``k`` is the concatenation of the old words ``groups[k]`` (in that order); each span is
    mapped to the words that hold its first and last old word."""
    where = {old: new for new, group in enumerate(groups) for old in group}
    tokens = ["".join(sentence.tokens[old] for old in group) for group in groups]
    spans = []
    for span in sentence.spans:
        first, last = where[span.start], where[span.end - 1]
        if last < first:
            raise InputError(f"a transform reversed the span {span}")  # the transforms keep entities whole
        spans.append(Span(first, last + 1, span.label, span.score))
    return replace(
        sentence, tokens=tokens, spans=sorted(spans, key=lambda s: s.start), tags=None, text=None, offsets=None
    )


def _units(sentence: Sentence, lo: int, hi: int) -> list[list[int]]:
    """Words ``lo..hi-1`` as units: each entity whole, every other word alone."""
    starts = {s.start: s.end for s in sentence.spans}
    units, k = [], lo
    while k < hi:
        end = min(starts.get(k, k + 1), hi)
        units.append(list(range(k, end)))
        k = end
    return units


def reorder(sentence: Sentence, index: int, strength: float, seed: int) -> Sentence:
    """The ``order`` axis: every chosen clause mirrored (see the module doc)."""
    groups: list[list[int]] = []
    start = 0
    clause = 0
    n = len(sentence.tokens)
    inside = {k for s in sentence.spans for k in range(s.start, s.end - 1)}  # a break inside an entity is no break
    for k in range(n + 1):
        if k < n and not (sentence.tokens[k] in CLAUSE_BREAKS and k not in inside):
            continue
        end = k  # words start..end-1, then the break (if any)
        units = _units(sentence, start, end)
        if chosen(f"order\0{index}\0{clause}", strength, seed):
            units.reverse()
        groups += [[w] for unit in units for w in unit]
        if k < n:
            groups.append([k])
        start, clause = k + 1, clause + 1
    return _groups_to_sentence(sentence, groups)


def fuse(sentence: Sentence, index: int, strength: float, seed: int, words: frozenset[str]) -> Sentence:
    """The ``fusion`` axis: chosen function-word occurrences fused into the next word (see the module doc)."""
    ends = {s.end - 1 for s in sentence.spans}
    groups: list[list[int]] = []
    pending: list[int] = []
    tokens = sentence.tokens
    for k, word in enumerate(tokens):
        pending.append(k)
        fusable = (
            word in words
            and k + 1 < len(tokens)
            and k not in ends
            and any(c.isalnum() for c in tokens[k + 1])
            and chosen(f"fusion\0{index}\0{k}", strength, seed)
        )
        if not fusable:
            groups.append(pending)
            pending = []
    if pending:
        groups.append(pending)
    return _groups_to_sentence(sentence, groups)


def transliterate(word: str) -> str:
    """``word`` in Cyrillic letters (accents dropped first; capitals kept; other characters as they are)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    out = []
    for c in plain:
        mapped = CYRILLIC.get(c.lower())
        out.append(c if mapped is None else (mapped.upper() if c.isupper() else mapped))
    return "".join(out)


def rescript(sentence: Sentence, strength: float, seed: int) -> Sentence:
    """The ``script`` axis: every chosen word type transliterated (see the module doc)."""
    tokens = [transliterate(w) if chosen(f"script\0{w}", strength, seed) else w for w in sentence.tokens]
    return replace(sentence, tokens=tokens, tags=None, text=None, offsets=None)


def transform(sentences: Sequence[Sentence], axis: str, strength: float, *, seed: int = 0) -> list[Sentence]:
    """The corpus transformed along ``axis`` at ``strength`` (see the module doc), gold spans carried along."""
    if axis not in AXES:
        raise InputError(f"unknown typology axis {axis!r}; use one of {', '.join(AXES)}")
    if not 0.0 <= strength <= 1.0:
        raise InputError(f"typology strength must be between 0 and 1, got {strength}")
    words = function_words(sentences) if axis in ("fusion", "all") else frozenset()
    steps: list[Callable[[Sentence, int], Sentence]] = []
    if axis in ("fusion", "all"):
        steps.append(lambda s, k: fuse(s, k, strength, seed, words))
    if axis in ("order", "all"):
        steps.append(lambda s, k: reorder(s, k, strength, seed))
    if axis in ("script", "all"):
        steps.append(lambda s, _: rescript(s, strength, seed))
    out = []
    for index, sentence in enumerate(sentences):
        for step in steps:
            sentence = step(sentence, index)
        out.append(sentence)
    return out
