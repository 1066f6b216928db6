"""Multi-source projection: one target sentence projected from several sources, merged by weighted vote.

Each source (a language, a translation, an aligner) projects its own entities onto the *same* target
sentence with its own alignment. :func:`vote` merges the proposals of one sentence:

1. a proposal is a target span ``(start, end, label)``; its *votes* are the summed weights of the sources
   that proposed exactly it;
2. a proposal survives only if ``votes / total weight >= threshold`` (default 0.5: at least half the weight);
3. survivors are taken in order of votes (descending) and kept unless they overlap a span already kept.
   **Tie rule**: equal votes are broken by the earliest source that proposed the span (source order = the
   order given, so put the most trusted source first), then by the longer span, then the leftmost.

The merged :class:`~xner.project.status.Projection` counts distinct proposals as its input entities and
lists outvoted proposals (as target spans) with reason ``outvoted``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xner.corpus import Sentence, Span
from xner.errors import InputError, MismatchError
from xner.project import defaults
from xner.project.candidate_options import CandidateOptions
from xner.project.candidate_projection import TranslationContext
from xner.project.parallel import project_corpus, with_projection
from xner.project.protocols import SpanTagger
from xner.project.status import Lost, Projection, ProjectionResult, Reason


@dataclass(frozen=True, slots=True)
class _Proposal:
    start: int
    end: int
    label: str
    votes: float
    first_source: int


def vote(
    proposals: Sequence[Sequence[Span]],
    weights: Sequence[float] | None = None,
    *,
    threshold: float = defaults.VOTE_THRESHOLD,
) -> Projection:
    """Merge the spans each source proposed for one target sentence (see the module doc)."""
    weights = list(weights) if weights is not None else [1.0] * len(proposals)
    if len(weights) != len(proposals):
        raise MismatchError(f"{len(weights)} weights for {len(proposals)} sources")
    if any(w < 0 for w in weights) or (proposals and sum(weights) <= 0):
        raise InputError("source weights must be non-negative and not all zero")
    total = sum(weights)
    tally: dict[tuple[int, int, str], _Proposal] = {}
    for source, spans in enumerate(proposals):
        for key in {s.key for s in spans}:
            seen = tally.get(key)
            votes = weights[source] + (seen.votes if seen else 0.0)
            tally[key] = _Proposal(*key, votes=votes, first_source=seen.first_source if seen else source)
    ranked = sorted(tally.values(), key=lambda p: (-p.votes, p.first_source, -(p.end - p.start), p.start))
    kept: list[Span] = []
    lost: list[Lost] = []
    for p in ranked:
        span = Span(p.start, p.end, p.label, score=p.votes / total if total else 0.0)
        if p.votes / total + 1e-12 < threshold or any(span.overlaps(k) for k in kept):
            lost.append(Lost(span, Reason.OUTVOTED))
        else:
            kept.append(span)
    kept.sort(key=lambda s: s.start)
    return Projection(spans=kept, lost=lost, n_source=len(tally))


def project_multisource(
    sources: Sequence[Sequence[Sentence]],
    targets: Sequence[Sentence],
    alignments: Sequence[Sequence[Sequence[tuple[int, int]]]],
    *,
    weights: Sequence[float] | None = None,
    threshold: float = defaults.VOTE_THRESHOLD,
    method: str = "candidates",
    options: CandidateOptions | None = None,
    tagger: SpanTagger | None = None,
    translation: TranslationContext | None = None,
) -> ProjectionResult:
    """Project each source corpus onto ``targets`` with its own alignments, then :func:`vote` per sentence.

    ``method``, ``options``, ``tagger`` and ``translation`` are those of
    :func:`~xner.project.parallel.project_corpus`.
    """
    if len(sources) != len(alignments):
        raise MismatchError(f"{len(sources)} source corpora but {len(alignments)} alignment sets")
    if not sources:
        raise InputError("multi-source projection needs at least one source")
    per_source = [
        project_corpus(src, targets, links, method=method, options=options, tagger=tagger, translation=translation)
        for src, links in zip(sources, alignments, strict=True)
    ]
    out: list[Sentence] = []
    projections: list[Projection] = []
    for index, target in enumerate(targets):
        merged = vote([r.projections[index].spans for r in per_source], weights, threshold=threshold)
        had_entities = any(r.projections[index].n_source for r in per_source)
        if had_entities and merged.n_source == 0:
            merged.sentence_reason = "no source projected any entity"
            merged.n_source = max(r.projections[index].n_source for r in per_source)
        projections.append(merged)
        out.append(with_projection(target, merged))
    return ProjectionResult(sentences=out, projections=projections)
