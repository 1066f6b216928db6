"""Corpus-level projection in parallel mode: labelled source sentences, their target sentences, and the
word alignment of each pair, projected with one method.

Methods: ``heuristic`` (:func:`~xner.project.heuristic.project_heuristic`), ``heuristic-paper``
(:func:`~xner.project.heuristic.project_heuristic_paper`) and ``candidates``
(:func:`~xner.project.candidate_projection.project_candidates`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from xner.corpus import Sentence, Span
from xner.errors import InputError, UnknownNameError
from xner.progress import in_chunks
from xner.project import defaults
from xner.project.candidate_options import CandidateOptions
from xner.project.candidate_projection import TranslationContext, project_candidates
from xner.project.candidates_fast import project_candidates_corpus
from xner.project.fast import project_heuristic_corpus
from xner.project.heuristic import project_heuristic, project_heuristic_paper
from xner.project.links import Links, check_counts
from xner.project.protocols import SpanTagger
from xner.project.status import Projection, ProjectionResult

METHODS = ("heuristic", "heuristic-paper", "candidates")


def describe(index: int, source: Sentence, target: Sentence) -> str:
    """``sentence N`` (its number in the file when the reader kept it in ``meta["number"]``, else ``index + 1``)
    plus the line of each side when known, for error messages."""
    where = f"sentence {source.meta.get('number', index + 1)}"
    lines = [
        f"{side} line {s.meta['line']}" for side, s in (("source", source), ("target", target)) if "line" in s.meta
    ]
    return f"{where} ({', '.join(lines)})" if lines else where


def project_sentence(
    method: str,
    source: Sentence,
    target: Sentence,
    links: Links,
    *,
    where: str = "sentence",
    options: CandidateOptions | None = None,
    ner_spans: Sequence[Span] | None = None,
    translation: TranslationContext | None = None,
    memory: Mapping[str, Mapping[str, int]] | None = None,
    gap: int = defaults.GAP,
) -> Projection:
    """Project one sentence pair with ``method`` (``ner_spans``: the tagger's spans on ``target``)."""
    if method == "heuristic":
        return project_heuristic(source.spans, target.tokens, links, n_source=len(source), gap=gap, where=where)
    if method == "heuristic-paper":
        return project_heuristic_paper(source.spans, target.tokens, links, n_source=len(source), where=where)
    if method == "candidates":
        return project_candidates(
            source.spans,
            source.tokens,
            target.tokens,
            links,
            options,
            ner_spans=ner_spans,
            translation=translation,
            memory=memory,
            where=where,
        )
    raise UnknownNameError("projection method", method, METHODS)


def project_corpus(
    sources: Sequence[Sentence],
    targets: Sequence[Sentence],
    alignments: Sequence[Links],
    *,
    method: str = "candidates",
    options: CandidateOptions | None = None,
    tagger: SpanTagger | None = None,
    translation: TranslationContext | None = None,
    gap: int = defaults.GAP,
) -> ProjectionResult:
    """Project every source sentence's spans onto its target sentence.

    The output sentences are the targets with ``spans`` replaced (input tags discarded) and
    ``meta["projection"]`` holding the status (see :mod:`xner.project.status`). ``tagger`` is required for
    NER candidates (``options.candidates`` ``ner``/``both``) and is called once for the whole corpus. With
    the consistency score on, candidate projection makes two passes: the first builds the memory of which
    target text each entity text went to
    (:func:`~xner.project.candidates_fast.consistency_memory`), the second scores with it.
    """
    if method not in METHODS:
        raise UnknownNameError("projection method", method, METHODS)
    check_counts(len(sources), len(targets), len(alignments))
    options = options or CandidateOptions()
    predicted_spans: list[list[Span]] | None = None
    if method == "candidates" and options.candidates in ("ner", "both"):
        if tagger is None:
            raise InputError(f"candidates {options.candidates!r} need a tagger (an NER model for the target)")
        predicted_spans = in_chunks(tagger.tag, [list(t.tokens) for t in targets], "tagging candidates")
        if len(predicted_spans) != len(targets):
            raise InputError(f"the tagger returned {len(predicted_spans)} results for {len(targets)} sentences")

    def name(k: int) -> str:  # error messages name the sentence
        return describe(k, sources[k], targets[k])

    if method == "heuristic":  # the vectorised corpus path; identical results (tests/unit/project/test_fast.py)
        projections = project_heuristic_corpus(
            [s.spans for s in sources], [len(s) for s in sources], [t.tokens for t in targets], alignments,
            gap=gap, name=name,
        )  # fmt: skip
    elif method == "candidates":  # the corpus path, both passes (tests/unit/project/test_candidates_fast.py)
        projections = project_candidates_corpus(
            [s.spans for s in sources], [s.tokens for s in sources], [t.tokens for t in targets], alignments,
            options, ner_spans=predicted_spans, translation=translation, name=name,
        )  # fmt: skip
    else:  # heuristic-paper, sentence by sentence
        projections = [
            project_sentence(method, source, target, links, where=name(k), gap=gap)
            for k, (source, target, links) in enumerate(zip(sources, targets, alignments, strict=True))
        ]
    out = [with_projection(target, p) for target, p in zip(targets, projections, strict=True)]
    return ProjectionResult(sentences=out, projections=projections)


def with_projection(target: Sentence, projection: Projection) -> Sentence:
    """A copy of ``target`` carrying the projected spans and ``meta["projection"]``."""
    meta = {**target.meta, "projection": projection.to_meta()}
    return replace(target, spans=list(projection.spans), tags=None, meta=meta)
