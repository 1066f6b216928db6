"""Entity x candidate score matrices, and their weighted fusion.

Every function returns a float matrix of shape ``(len(entities), len(candidates))``; 0 means "no evidence".

* :func:`alignment_scores`: ``2 * |links from the entity into the candidate| / (|entity| + |candidate|)``
  (the paper's Dice-like score; it counts links, so many-to-many links can push it above 1).
* :func:`ner_scores`: the tagger's confidence for a candidate it predicted (labels ignored unless asked).
* :func:`translation_scores`: NMTScore-style "direct, normalised, both directions" similarity of the entity's
  words and the candidate's words, from a :class:`~xner.project.protocols.TranslationScorer`.
* :func:`surface_scores`: shared spelling (a choice, not in the paper): a Dice over words where identical
  words count 1 and similar ones 0.5 (names, numbers, acronyms, cognates survive bad alignments).
* :func:`consistency_scores`: corpus consistency (a choice, not in the paper): how often a first pass over
  the corpus projected the same entity text onto the candidate's text.
* :func:`fuse`: the weighted sum of the scores that clear their thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from xner.corpus import Span
from xner.project import defaults
from xner.project._tokens import is_punct
from xner.project.candidates import Candidate
from xner.project.links import Link
from xner.project.protocols import TranslationScorer

Matrix = NDArray[np.float64]


def alignment_scores(
    entities: Sequence[Span], candidates: Sequence[Candidate], links: Iterable[Link], n_target: int
) -> Matrix:
    """The Dice-like alignment score of every entity x candidate pair (see the module doc)."""
    scores = np.zeros((len(entities), len(candidates)))
    if not entities or not candidates:
        return scores
    # counts[k, j]: links from entity k to target word j; cumulative along j gives any range in O(1).
    counts = np.zeros((len(entities), n_target + 1))
    owner = {i: k for k, e in enumerate(entities) for i in range(e.start, e.end)}
    for i, j in links:
        k = owner.get(i)
        if k is not None:
            counts[k, j + 1] += 1
    cumulative = np.cumsum(counts, axis=1)
    starts = np.fromiter((c[0] for c in candidates), dtype=np.int64, count=len(candidates))
    ends = np.fromiter((c[1] for c in candidates), dtype=np.int64, count=len(candidates))
    inside = cumulative[:, ends] - cumulative[:, starts]
    lengths = np.fromiter((len(e) for e in entities), dtype=np.float64, count=len(entities))
    scores = 2.0 * inside / (lengths[:, None] + (ends - starts)[None, :])
    return scores


def ner_scores(
    entities: Sequence[Span],
    candidates: Sequence[Candidate],
    predicted: Sequence[Span],
    *,
    match_label: bool = False,
) -> Matrix:
    """The tagger's confidence for each candidate it predicted (1.0 when it gave none); with ``match_label``
    only for entities of the predicted label."""
    scores = np.zeros((len(entities), len(candidates)))
    index = {c: n for n, c in enumerate(candidates)}
    for span in predicted:
        n = index.get((span.start, span.end))
        if n is None:
            continue
        confidence = 1.0 if span.score is None else span.score
        for k, entity in enumerate(entities):
            if not match_label or entity.label == span.label:
                scores[k, n] = max(scores[k, n], confidence)
    return scores


def translation_scores(
    entities: Sequence[Span],
    candidates: Sequence[Candidate],
    source: Sequence[str],
    target: Sequence[str],
    scorer: TranslationScorer,
    src_lang: str,
    tgt_lang: str,
    *,
    pairs: NDArray[np.bool_] | None = None,
) -> Matrix:
    """NMTScore-style similarity: ``(p(c|e)/p(c|c) + p(e|c)/p(e|e)) / 2`` with length-normalised
    probabilities (``exp`` of the scorer's normalised log-probabilities), each ratio clipped to [0, 1].

    Only the pairs where ``pairs`` is true are scored (all when ``None``); the scorer is called once per
    direction and once per self-translation, with every text of the sentence in one batch.
    """
    scores = np.zeros((len(entities), len(candidates)))
    mask = np.ones(scores.shape, dtype=bool) if pairs is None else pairs
    wanted = list(zip(*np.nonzero(mask), strict=True))
    if not wanted:
        return scores
    ent_text = [" ".join(source[e.start : e.end]) for e in entities]
    cand_text = [" ".join(target[a:b]) for a, b in candidates]
    e_idx = sorted({int(k) for k, _ in wanted})
    c_idx = sorted({int(n) for _, n in wanted})
    self_e = dict(
        zip(
            e_idx,
            scorer.score([ent_text[k] for k in e_idx], [ent_text[k] for k in e_idx], src_lang, src_lang),
            strict=True,
        )
    )
    self_c = dict(
        zip(
            c_idx,
            scorer.score([cand_text[n] for n in c_idx], [cand_text[n] for n in c_idx], tgt_lang, tgt_lang),
            strict=True,
        )
    )
    forward = scorer.score([ent_text[k] for k, _ in wanted], [cand_text[n] for _, n in wanted], src_lang, tgt_lang)
    backward = scorer.score([cand_text[n] for _, n in wanted], [ent_text[k] for k, _ in wanted], tgt_lang, src_lang)
    for (k, n), fwd, bwd in zip(wanted, forward, backward, strict=True):
        there = min(1.0, math.exp(fwd - self_c[int(n)]))
        back = min(1.0, math.exp(bwd - self_e[int(k)]))
        scores[k, n] = (there + back) / 2
    return scores


@lru_cache(maxsize=1 << 18)
def word_similarity(a: str, b: str) -> float:
    """How alike two lower-cased words are spelt: 1 if equal, ``SURFACE_PARTIAL`` if their difflib ratio is
    at least ``SURFACE_SIMILARITY``, else 0."""
    if a == b:
        return 1.0
    if SequenceMatcher(None, a, b).ratio() >= defaults.SURFACE_SIMILARITY:
        return defaults.SURFACE_PARTIAL
    return 0.0


def _usable(word: str) -> bool:
    return len(word) > 1 and not is_punct(word)


def surface_scores(
    entities: Sequence[Span], candidates: Sequence[Candidate], source: Sequence[str], target: Sequence[str]
) -> Matrix:
    """``2 * sum(best similarity of each candidate word to an entity word) / (|entity| + |candidate|)``.

    Similarity is :func:`word_similarity`; punctuation and one-character words count 0.
    """
    scores = np.zeros((len(entities), len(candidates)))
    if not entities or not candidates:
        return scores
    tgt = [w.lower() for w in target]
    starts = np.fromiter((c[0] for c in candidates), dtype=np.int64, count=len(candidates))
    ends = np.fromiter((c[1] for c in candidates), dtype=np.int64, count=len(candidates))
    for k, entity in enumerate(entities):
        words = [source[i].lower() for i in range(entity.start, entity.end) if _usable(source[i])]
        if not words:
            continue
        values = [max(word_similarity(w, t) for w in words) if _usable(t) else 0.0 for t in tgt]
        cumulative = np.concatenate([[0.0], np.cumsum(values)])
        scores[k] = 2.0 * (cumulative[ends] - cumulative[starts]) / (len(entity) + (ends - starts))
    return scores


def entity_key(words: Sequence[str]) -> str:
    """The key of an entity or candidate text in a consistency memory: lower-cased words joined by spaces."""
    return " ".join(words).lower()


def consistency_scores(
    entities: Sequence[Span],
    candidates: Sequence[Candidate],
    source: Sequence[str],
    target: Sequence[str],
    memory: Mapping[str, Mapping[str, int]],
    *,
    min_count: int = defaults.CONSISTENCY_MIN_COUNT,
) -> Matrix:
    """The share of the first-pass projections of the entity's text that went to the candidate's text.

    ``memory`` maps an entity text (:func:`entity_key`) to the counts of the target texts it was projected
    to; entity texts seen fewer than ``min_count`` times score 0.
    """
    scores = np.zeros((len(entities), len(candidates)))
    for k, entity in enumerate(entities):
        seen = memory.get(entity_key(source[entity.start : entity.end]))
        total = sum(seen.values()) if seen else 0
        if not seen or total < min_count:
            continue
        for n, (a, b) in enumerate(candidates):
            count = seen.get(entity_key(target[a:b]))
            if count:
                scores[k, n] = count / total
    return scores


def fuse(
    parts: Mapping[str, Matrix],
    weights: Mapping[str, float],
    thresholds: Mapping[str, float],
    *,
    threshold: float = defaults.THRESHOLD_FUSED,
) -> Matrix:
    """``sum(weights[k] * parts[k] where parts[k] > thresholds[k])``; results ``<= threshold`` become 0."""
    fused: Matrix | None = None
    for name, matrix in parts.items():
        weight = weights.get(name, 0.0)
        if weight == 0.0:
            continue
        term = np.where(matrix > thresholds.get(name, 0.0), matrix, 0.0) * weight
        fused = term if fused is None else fused + term
    if fused is None:
        shape = next(iter(parts.values())).shape if parts else (0, 0)
        return np.zeros(shape)
    return np.where(fused > threshold, fused, 0.0)
