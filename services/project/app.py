"""The project service API: ``POST /v1/project`` projects spans through given alignments (CPU-bound)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from xner.formats.jsonl import parse_record
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
    method: Literal["heuristic", "heuristic-paper", "candidates"] = "candidates"
    matching: Literal["greedy", "exact"] = "exact"


def to_payload(body: ProjectRequest, settings: Settings) -> tuple[dict[str, Any], int]:
    sources = [parse_record(record, source="sources", line=k + 1) for k, record in enumerate(body.sources)]
    check_token_lists([s.tokens for s in sources], settings, "sources")
    check_token_lists(body.targets, settings, "targets")
    payload = body.model_dump()
    payload["alignments"] = [[list(pair) for pair in pairs] for pairs in body.alignments]
    payload["tagger"] = settings.tagger
    return payload, len(body.sources)


ROUTER = service_router("project")
"""The routes of this service (mounted by its own app and by the all-in-one server, see :mod:`xner.suite`)."""


@ROUTER.post("/project", **step_route("Project entity spans through alignments."))
def project(body: ProjectRequest, runner: StepRunnerDep) -> StepJob:
    return runner.run("project", *to_payload(body, runner.settings))
