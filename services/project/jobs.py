"""The project service's step: project labelled source sentences onto their targets through given alignments."""

from __future__ import annotations

from typing import Any

from xner.corpus import Sentence
from xner.errors import InputError
from xner.formats.jsonl import parse_record, sentence_record
from xner.project import CandidateOptions, project_corpus
from xner.project.trace import explain
from xner.service import backends
from xner.service.refs import resolve


def project_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"sources": [records], "targets": [[tokens]], "alignments": [[[i, j]]], "offset", "method", "matching",
    "candidates", "tagger"?, "gold"?: [[{start, end, label}]]}`` -> ``{"sentences": [records], "counts": {...}}``.

    Each record's ``meta`` carries ``projection`` (status, reason, scores), ``source`` (tokens and spans) and
    ``links`` (:func:`xner.project.trace.explain`), and ``gold`` (the target's own spans) when given."""
    raw_sources = resolve(payload["sources"], upstream)
    raw_targets = resolve(payload["targets"], upstream)
    raw_links = resolve(payload["alignments"], upstream)
    offset = int(payload.get("offset", 0))
    if not (len(raw_sources) == len(raw_targets) == len(raw_links)):
        raise InputError(
            f"{len(raw_sources)} sources, {len(raw_targets)} targets and {len(raw_links)} alignments do not match"
        )
    sources = [parse_record(r, source="sources", line=offset + k + 1) for k, r in enumerate(raw_sources)]
    targets = [
        Sentence(tokens=list(tokens), id=source.id, lang=payload.get("target_lang"))
        for tokens, source in zip(raw_targets, sources, strict=True)
    ]
    links = [[(int(pair[0]), int(pair[1])) for pair in pairs] for pairs in raw_links]
    method = payload.get("method", "candidates")
    options = CandidateOptions(candidates=payload.get("candidates", "ngram"), matching=payload.get("matching", "exact"))
    tagger = None
    if method == "candidates" and options.candidates in ("ner", "both"):
        tagger = backends.get("tagger", payload["tagger"])
    result = project_corpus(sources, targets, links, method=method, options=options, tagger=tagger)
    gold = payload.get("gold")
    records = []
    for k, (sentence, projection) in enumerate(zip(result.sentences, result.projections, strict=True)):
        record = sentence_record(sentence)
        record["index"] = offset + k
        record["meta"] = explain(record.get("meta", {}), sources[k], links[k], projection)
        if gold is not None:
            record["meta"]["gold"] = gold[k]
        records.append(record)
    return {"sentences": records, "counts": result.counts.to_dict()}
