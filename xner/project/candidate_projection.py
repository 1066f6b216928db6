"""Method ``candidates``: extract target candidates, score every entity x candidate pair, match.

One sentence at a time (:func:`project_candidates`); the tagger's predictions and the translation scorer
are passed in, so a corpus-level caller batches the tagger once for all sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from xner.corpus import Span
from xner.errors import InputError
from xner.project import defaults
from xner.project.candidates import select_candidates
from xner.project.links import Link, check_links
from xner.project.matching import match
from xner.project.protocols import TranslationScorer
from xner.project.scores import (
    Matrix,
    alignment_scores,
    consistency_scores,
    fuse,
    ner_scores,
    surface_scores,
    translation_scores,
)
from xner.project.status import Lost, Projection, Reason


@dataclass(frozen=True, slots=True)
class CandidateOptions:
    """How candidates are made, scored and matched. The defaults are the library's best setting on
    Europarl-NER with eflomal; :meth:`paper` is the published configuration."""

    candidates: str = "ngram"
    """``ngram``, ``ner`` or ``both``."""
    matching: str = "exact"
    """``greedy`` (the paper) or ``exact``."""
    max_len: int = defaults.MAX_CANDIDATE_LEN
    """Longest n-gram candidate."""
    trim_punct: bool = True
    """Leave out n-grams that begin or end with punctuation."""
    weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "align": defaults.WEIGHT_ALIGN,
            "ner": defaults.WEIGHT_NER,
            "translation": defaults.WEIGHT_TRANSLATION,
            "surface": defaults.WEIGHT_SURFACE,
            "consistency": defaults.WEIGHT_CONSISTENCY,
        }
    )
    """Fusion weight per score (``align``, ``ner``, ``translation``, ``surface``, ``consistency``)."""
    thresholds: Mapping[str, float] = field(
        default_factory=lambda: {
            "align": defaults.THRESHOLD_ALIGN,
            "ner": defaults.THRESHOLD_NER,
            "translation": defaults.THRESHOLD_TRANSLATION,
            "surface": 0.0,
            "consistency": 0.0,
        }
    )
    """A score at or below its threshold contributes nothing."""
    threshold: float = defaults.THRESHOLD_FUSED
    """A fused score at or below this is never matched."""
    match_label: bool = False
    """NER score only for a predicted span of the entity's own label."""
    adaptive_len: bool = True
    """Let n-grams grow to ``CANDIDATE_LEN_FACTOR`` times the sentence's longest entity."""

    @property
    def uses_consistency(self) -> bool:
        """True if the corpus consistency score is on (a corpus-level caller then makes two passes)."""
        return bool(self.weights.get("consistency", 0.0))

    @classmethod
    def paper(cls, candidates: str = "ngram") -> CandidateOptions:
        """The paper's configuration: alignment score only, greedy matching, n-grams of at most
        ``MAX_CANDIDATE_LEN`` words (``CANDIDATE_LEN_FACTOR`` does not apply), no punctuation trimming."""
        return cls(
            candidates=candidates,
            matching="greedy",
            trim_punct=False,
            adaptive_len=False,
            weights={"align": 1.0},
        )


@dataclass(slots=True)
class TranslationContext:
    """A scorer with the language pair it scores (entity language first)."""

    scorer: TranslationScorer
    src_lang: str
    tgt_lang: str


def score_matrix(
    entities: Sequence[Span],
    source: Sequence[str],
    target: Sequence[str],
    links: Iterable[Link],
    candidates: Sequence[tuple[int, int]],
    options: CandidateOptions,
    *,
    ner_spans: Sequence[Span] | None = None,
    translation: TranslationContext | None = None,
    memory: Mapping[str, Mapping[str, int]] | None = None,
) -> Matrix:
    """The fused entity x candidate score matrix (``memory``: see :func:`consistency_scores`)."""
    weights = options.weights
    parts: dict[str, Matrix] = {}
    if weights.get("align", 0.0):
        parts["align"] = alignment_scores(entities, candidates, links, len(target))
    if weights.get("ner", 0.0) and ner_spans is not None:
        parts["ner"] = ner_scores(entities, candidates, ner_spans, match_label=options.match_label)
    if weights.get("surface", 0.0):
        parts["surface"] = surface_scores(entities, candidates, source, target)
    if weights.get("consistency", 0.0) and memory is not None:
        parts["consistency"] = consistency_scores(entities, candidates, source, target, memory)
    if weights.get("translation", 0.0) and translation is not None:
        support = None
        if parts:  # score only pairs some other evidence supports: a model call per pair is expensive
            support = np.zeros((len(entities), len(candidates)), dtype=bool)
            for name, matrix in parts.items():
                support |= matrix > options.thresholds.get(name, 0.0)
        parts["translation"] = translation_scores(
            entities,
            candidates,
            source,
            target,
            translation.scorer,
            translation.src_lang,
            translation.tgt_lang,
            pairs=support,
        )
    if not parts:
        return np.zeros((len(entities), len(candidates)))
    return fuse(parts, weights, options.thresholds, threshold=options.threshold)


def project_candidates(
    entities: Sequence[Span],
    source: Sequence[str],
    target: Sequence[str],
    links: Iterable[Link],
    options: CandidateOptions | None = None,
    *,
    ner_spans: Sequence[Span] | None = None,
    translation: TranslationContext | None = None,
    memory: Mapping[str, Mapping[str, int]] | None = None,
    where: str = "sentence",
) -> Projection:
    """Project ``entities`` of the ``source`` words onto the ``target`` words by candidate matching.

    ``memory`` (entity text -> projected target texts -> count, from a first pass over the corpus) feeds the
    consistency score; :func:`~xner.project.parallel.project_corpus` builds it.
    """
    options = options or CandidateOptions()
    links = check_links(links, len(source), len(target), where=where)
    for entity in entities:
        if entity.end > len(source):
            raise InputError(f"{where}: entity [{entity.start}, {entity.end}) is past the source end")
    longest = max((len(e) for e in entities), default=0) if options.adaptive_len else 0
    candidates = select_candidates(
        options.candidates,
        target,
        ner_spans,
        max_len=options.max_len,
        trim_punct=options.trim_punct,
        longest_entity=longest,
    )
    scores = score_matrix(
        entities,
        source,
        target,
        links,
        candidates,
        options,
        ner_spans=ner_spans,
        translation=translation,
        memory=memory,
    )
    assignment = match(options.matching, scores, candidates)
    spans: list[Span] = []
    origin: list[int] = []
    lost: list[Lost] = []
    for k, (entity, n) in enumerate(zip(entities, assignment, strict=True)):
        if n < 0:
            has_any = scores.shape[1] > 0 and bool(scores[k].max() > 0)
            lost.append(Lost(entity, Reason.OUTMATCHED if has_any else Reason.NO_CANDIDATE))
            continue
        start, end = candidates[n]
        spans.append(Span(start, end, entity.label, score=float(scores[k, n])))
        origin.append(k)
    order = sorted(range(len(spans)), key=lambda x: spans[x].start)
    return Projection(
        spans=[spans[x] for x in order], lost=lost, n_source=len(entities), origin=[origin[x] for x in order]
    )
