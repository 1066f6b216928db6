"""The project service's step: project labelled source sentences onto their targets through given alignments."""

from __future__ import annotations

from typing import Any

from xner.corpus import Sentence
from xner.errors import InputError
from xner.formats.jsonl import parse_record, sentence_record
from xner.project import CandidateOptions, project_corpus
from xner.project.trace import explain
from xner.service import backends
from xner.service.failures import failed_record, failure_of
from xner.service.refs import resolve
from xner.service.steps import StepFunction


def project_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"sources": [records], "targets": [[tokens]], "alignments": [[[i, j]]], "offset", "method", "matching",
    "candidates", "tagger"?, "gold"?: [[{start, end, label}]]}`` -> ``{"sentences": [records], "counts": {...}}``.

    Each record's ``meta`` carries ``projection`` (status, reason, scores), ``source`` (tokens and spans) and
    ``links`` (:func:`xner.project.trace.explain`), and ``gold`` (the target's own spans) when given. A target that
    is a failure placeholder (its translation failed) gives the input sentence back as it came, with status
    ``failed`` and the reason (:func:`xner.service.failures.failed_record`)."""
    raw_sources = resolve(payload["sources"], upstream)
    raw_targets = resolve(payload["targets"], upstream)
    raw_links = resolve(payload["alignments"], upstream)
    offset = int(payload.get("offset", 0))
    if not (len(raw_sources) == len(raw_targets) == len(raw_links)):
        raise InputError(
            f"{len(raw_sources)} sources, {len(raw_targets)} targets and {len(raw_links)} alignments do not match"
        )
    present = [k for k, target in enumerate(raw_targets) if failure_of(target) is None]
    sources = [parse_record(raw_sources[k], source="sources", line=offset + k + 1) for k in present]
    targets = [
        Sentence(tokens=list(raw_targets[k]), id=source.id, lang=payload.get("target_lang"))
        for k, source in zip(present, sources, strict=True)
    ]
    links = [[(int(pair[0]), int(pair[1])) for pair in raw_links[k] or []] for k in present]
    method = payload.get("method", "candidates")
    options = CandidateOptions(candidates=payload.get("candidates", "ngram"), matching=payload.get("matching", "exact"))
    tagger = None
    if method == "candidates" and options.candidates in ("ner", "both"):
        tagger = backends.get("tagger", payload["tagger"])
    result = project_corpus(sources, targets, links, method=method, options=options, tagger=tagger)
    gold = payload.get("gold")
    position = {k: j for j, k in enumerate(present)}  # corpus index -> index among the projected sentences
    records = []
    for k, raw in enumerate(raw_sources):
        reason = failure_of(raw_targets[k])
        if reason is not None:
            records.append(failed_record(raw, offset + k, reason))
            continue
        j = position[k]
        record = sentence_record(result.sentences[j])
        record["index"] = offset + k
        record["meta"] = explain(record.get("meta", {}), sources[j], links[j], result.projections[j])
        if gold is not None:
            record["meta"]["gold"] = gold[k]
        records.append(record)
    counts = result.counts.to_dict()
    counts["failed"] = len(raw_sources) - len(present)
    return {"sentences": records, "counts": counts}


STEPS: dict[str, StepFunction] = {"project": project_step}
"""The steps of this service by name (the queue each runs on is named like it); :mod:`xner.suite` registers them."""
