"""The ner service API: ``POST /v1/ner`` tags tokenised sentences with a tagger."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from xner.service.backends import check_spec
from xner.service.limits import check_token_lists
from xner.service.routes import StepJob, StepRunnerDep, service_router, step_route
from xner.service.settings import Settings


class NerServiceRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"sentences": [["Kofi", "Annan", "spoke"]]}]}
    )
    sentences: list[list[str]]
    tagger: str | None = Field(None, description="Tagger SPEC (default: XNER_TAGGER)")


def to_payload(body: NerServiceRequest, settings: Settings) -> tuple[dict[str, Any], int]:
    check_token_lists(body.sentences, settings, "sentences")
    return {"sentences": body.sentences, "tagger": check_spec("tagger", body.tagger or settings.tagger, settings)}, len(
        body.sentences
    )


ROUTER = service_router("ner")
"""The routes of this service (mounted by its own app and by the all-in-one server, see :mod:`xner.suite`)."""


@ROUTER.post("/ner", **step_route("Tag tokenised sentences."))
def ner(body: NerServiceRequest, runner: StepRunnerDep) -> StepJob:
    return runner.run("ner", *to_payload(body, runner.settings))
