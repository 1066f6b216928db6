"""Entity x candidate score matrices, and their weighted fusion.

Every function returns a float matrix of shape ``(len(entities), len(candidates))``; 0 means "no evidence".

* :func:`alignment_scores`: ``2 * |links from the entity into the candidate| / (|entity| + |candidate|)``
  (the paper's Dice-like score; it counts links, so many-to-many links can push it above 1).
* :func:`ner_scores`: the tagger's confidence for a candidate it predicted (labels ignored unless asked).
* :func:`translation_scores`: NMTScore-style "direct, normalised, both directions" similarity of the entity's
  words and the candidate's words, from a :class:`~xner.project.protocols.TranslationScorer`.
* :func:`surface_scores`: shared spelling (a choice, not in the paper): Dice over tokens, a token pair
  counting when the lower-cased words share a prefix of most of their length (names, numbers, acronyms).
* :func:`fuse`: the weighted sum of the scores that clear their thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

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


def _similar(a: str, b: str) -> bool:
    """Lower-cased words that are equal, or share a prefix of at least 4 characters and 75% of the longer."""
    if a == b:
        return True
    prefix = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += 1
    return prefix >= 4 and prefix >= 0.75 * max(len(a), len(b))


def surface_scores(
    entities: Sequence[Span], candidates: Sequence[Candidate], source: Sequence[str], target: Sequence[str]
) -> Matrix:
    """Dice over tokens with similar spelling (see the module doc); punctuation and 1-letter words ignored."""
    scores = np.zeros((len(entities), len(candidates)))
    src = [w.lower() for w in source]
    tgt = [w.lower() for w in target]
    usable_t = [len(w) > 1 and not is_punct(w) for w in tgt]
    for k, entity in enumerate(entities):
        words = [src[i] for i in range(entity.start, entity.end) if len(src[i]) > 1 and not is_punct(src[i])]
        if not words:
            continue
        hit_t = np.array([usable_t[j] and any(_similar(w, tgt[j]) for w in words) for j in range(len(tgt))])
        cumulative = np.concatenate([[0], np.cumsum(hit_t)])
        for n, (a, b) in enumerate(candidates):
            inside = cumulative[b] - cumulative[a]
            if inside:
                matched_e = sum(1 for w in words if any(_similar(w, tgt[j]) for j in range(a, b)))
                scores[k, n] = (inside + matched_e) / (len(entity) + (b - a))
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
