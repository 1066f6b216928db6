"""The project service's step: project labelled source sentences onto their targets through given alignments."""

from __future__ import annotations

from typing import Any

from xner.corpus import Sentence, Span
from xner.errors import InputError
from xner.formats.jsonl import parse_record, sentence_record
from xner.pipeline import Run, project_onto
from xner.project.config import parse_projection
from xner.project.parallel import with_projection
from xner.project.status import Lost, Projection, ProjectionResult, Reason, Status
from xner.project.trace import explain, span_dicts
from xner.service import backends
from xner.service.failures import failed_record, failure_of
from xner.service.refs import resolve
from xner.service.steps import StepFunction


def project_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"sources": [records], "targets": [[tokens]], "alignments": [[[i, j]]], "offset", "projection": {a
    ProjectionConfig}, "pipeline", "source_lang", "target_lang", "gold"?: [[{start, end, label}]]}`` ->
    ``{"sentences": [records], "counts": {...}}``.

    The configuration's method, candidates, matching, weights, NER candidate tagger and translation scorer apply as
    in :func:`xner.pipeline.project_onto` (back-translation has happened upstream: its records are the sources).
    A source record that an upstream marker step could not resolve (status ``dropped``) stays dropped, with its
    reason. With ``"backtranslated": true`` the sources are marker back-translations: ``meta.source`` and
    ``meta.links`` show the back-translation the links start from, ``meta.input`` the user's sentence (from
    ``"inputs"``).

    Each record's ``meta`` carries ``projection`` (status, reason, scores), ``source`` (tokens and spans) and
    ``links`` (:func:`xner.project.trace.explain`), and ``gold`` (the target's own spans) when given. A target that
    or source that is a failure placeholder (its translation failed) gives the input sentence back as it came (from
    ``"inputs"`` when the sources are back-translations), with status ``failed`` and the reason
    (:func:`xner.service.failures.failed_record`)."""
    raw_sources = resolve(payload["sources"], upstream)
    raw_targets = resolve(payload["targets"], upstream)
    raw_links = resolve(payload["alignments"], upstream)
    offset = int(payload.get("offset", 0))
    if not (len(raw_sources) == len(raw_targets) == len(raw_links)):
        raise InputError(
            f"{len(raw_sources)} sources, {len(raw_targets)} targets and {len(raw_links)} alignments do not match"
        )
    inputs = resolve(payload["inputs"], upstream) if "inputs" in payload else raw_sources
    failures = [failure_of(raw_targets[k]) or failure_of(raw_sources[k]) for k in range(len(raw_sources))]
    present = [k for k, reason in enumerate(failures) if reason is None]
    sources = [parse_record(raw_sources[k], source="sources", line=offset + k + 1) for k in present]
    targets = [
        Sentence(tokens=list(raw_targets[k]), id=source.id, lang=payload.get("target_lang"))
        for k, source in zip(present, sources, strict=True)
    ]
    links = [[(int(pair[0]), int(pair[1])) for pair in raw_links[k] or []] for k in present]
    config = parse_projection(payload.get("projection"), where="projection").model_copy(
        update={"backtranslation": False}
    )
    result = project_onto(
        Run(config, backends.load),
        sources,
        targets,
        src_lang=str(payload.get("source_lang") or ""),
        tgt_lang=str(payload.get("target_lang") or ""),
        pipeline=payload.get("pipeline", "parallel"),
        links=links,
    )
    if payload.get(
        "backtranslated"
    ):  # the sources are back-translations: those that could not be read back stay dropped
        result = keep_dropped(sources, result)
    gold = payload.get("gold")
    position = {k: j for j, k in enumerate(present)}  # corpus index -> index among the projected sentences
    records = []
    for k, reason in enumerate(failures):
        if reason is not None:
            records.append(failed_record(inputs[k], offset + k, reason))
            continue
        j = position[k]
        record = sentence_record(result.sentences[j])
        record["index"] = offset + k
        record["meta"] = explain(record.get("meta", {}), sources[j], links[j], result.projections[j])
        if gold is not None:
            record["meta"]["gold"] = gold[k]
        if payload.get("backtranslated"):  # meta.source is the back-translation the links start from
            given = parse_record(inputs[k], source="inputs", line=offset + k + 1)
            record["meta"]["input"] = {"tokens": list(given.tokens), "spans": span_dicts(given.spans)}
        records.append(record)
    counts = result.counts.to_dict()
    counts["failed"] = len(raw_sources) - len(present)
    return {"sentences": records, "counts": counts}


def keep_dropped(sources: list[Sentence], result: ProjectionResult) -> ProjectionResult:
    """Sentences whose source came from a marker translation that could not be read back (``meta.projection``
    status ``dropped``) keep that status and reason, as :func:`xner.project.backtranslation.project_backtranslated`
    reports them."""
    projections = list(result.projections)
    sentences = list(result.sentences)
    for k, source in enumerate(sources):
        upstream = source.meta.get("projection")
        if isinstance(upstream, dict) and upstream.get("status") == Status.DROPPED.value and source.spans == []:
            lost = [
                Lost(Span(int(x["start"]), int(x["end"]), str(x["label"])), Reason(x["reason"]))
                for x in upstream.get("lost", [])
            ]
            projections[k] = Projection(
                spans=[],
                lost=lost,
                n_source=int(upstream.get("entities_in", 0)),
                sentence_reason=upstream.get("reason"),
            )
            sentences[k] = with_projection(result.sentences[k], projections[k])
    return ProjectionResult(sentences=sentences, projections=projections)


STEPS: dict[str, StepFunction] = {"project": project_step}
"""The steps of this service by name (the queue each runs on is named like it); :mod:`xner.suite` registers them."""
