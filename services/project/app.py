"""The project service API: ``POST /v1/project`` projects spans through given alignments (CPU-bound)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from xner.errors import InputError
from xner.formats.jsonl import parse_record
from xner.languages import normalise_language
from xner.project.config import ProjectionConfig
from xner.service.backends import resolve_projection
from xner.service.limits import check_token_lists
from xner.service.routes import StepJob, StepRunnerDep, service_router, step_route
from xner.service.settings import Settings


class ProjectRequest(BaseModel):
    """Labelled source sentences, their target sentences and the word alignment of each pair."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "sources": [
                        {
                            "tokens": ["Angela", "Merkel", "visited", "Paris"],
                            "spans": [{"start": 0, "end": 13, "label": "PER"}],
                        }
                    ],
                    "targets": [["Angela", "Merkel", "visitó", "París"]],
                    "alignments": [[[0, 0], [1, 1], [2, 2], [3, 3]]],
                }
            ]
        },
    )
    sources: list[dict[str, Any]] = Field(..., description="JSONL records: text/tokens and char-offset spans")
    targets: list[list[str]] = Field(..., description="Tokenised target sentences")
    alignments: list[list[tuple[int, int]]] = Field(..., description="(source word, target word) pairs per pair")
    source_lang: str | None = Field(None, description="Language of the sources (needed by a translation scorer)")
    target_lang: str | None = Field(None, description="Language of the targets (needed by a translation scorer)")
    projection: ProjectionConfig = Field(
        default_factory=ProjectionConfig,
        description="How to project (method, candidates, matching, preset, weights, candidate_tagger, scorer); the "
        "links are given, so nothing is translated or aligned here",
    )


def to_payload(body: ProjectRequest, settings: Settings) -> tuple[dict[str, Any], int]:
    sources = [parse_record(record, source="sources", line=k + 1) for k, record in enumerate(body.sources)]
    check_token_lists([s.tokens for s in sources], settings, "sources")
    check_token_lists(body.targets, settings, "targets")
    aligning = body.projection.aligning_fields()
    if aligning:
        raise InputError(f"projection.{aligning[0]}: the links are given (alignments), so nothing is aligned here")
    config = resolve_projection(body.projection, settings, "parallel", where="projection")
    if config.backtranslation:
        raise InputError("projection.backtranslation: translates and aligns; send the corpus to /v1/projections")
    if config.scorer is not None and not (body.source_lang and body.target_lang):
        raise InputError("projection.scorer: the translation score needs source_lang and target_lang")
    payload = body.model_dump(exclude={"projection", "source_lang", "target_lang"})
    for field in ("source_lang", "target_lang"):
        language = getattr(body, field)
        payload[field] = normalise_language(language) if language else None
    payload["alignments"] = [[list(pair) for pair in pairs] for pairs in body.alignments]
    payload.update(projection=config.payload(), pipeline="parallel")
    return payload, len(body.sources)


ROUTER = service_router("project")
"""The routes of this service (mounted by its own app and by the all-in-one server, see :mod:`xner.suite`)."""


@ROUTER.post("/project", **step_route("Project entity spans through alignments."))
def project(body: ProjectRequest, runner: StepRunnerDep) -> StepJob:
    return runner.run("project", *to_payload(body, runner.settings))
