"""Method ``candidates``: extract target candidates, score every entity x candidate pair, match.

One sentence at a time (:func:`project_candidates`); the tagger's predictions and the translation scorer
are passed in, so a corpus-level caller batches the tagger once for all sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from xner.corpus import Span
from xner.errors import InputError
from xner.project import defaults
from xner.project.candidate_options import CandidateOptions
from xner.project.candidates import select_candidates
from xner.project.casing import Verdict, verdict
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
        repair = verdict(options.case_repair, entity.label, source[entity.start : entity.end], target[start:end])
        if repair is Verdict.DROP:
            lost.append(Lost(entity, Reason.LOWER_CASE))
            continue
        label = defaults.ADJECTIVE_LABEL if repair is Verdict.ADJECTIVE else entity.label
        spans.append(Span(start, end, label, score=float(scores[k, n])))
        origin.append(k)
    order = sorted(range(len(spans)), key=lambda x: spans[x].start)
    return Projection(
        spans=[spans[x] for x in order], lost=lost, n_source=len(entities), origin=[origin[x] for x in order]
    )
