"""The align service API: ``POST /v1/align`` word-aligns tokenised sentence pairs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xner.project.config import (
    ALIGNING_FIELDS,
    ALIGNMENT_FIELDS,
    ExtractionField,
    LayerField,
    SymmetriseField,
    parse_projection,
)
from xner.service.backends import check_spec
from xner.service.limits import check_token_lists
from xner.service.routes import StepJob, StepRunnerDep, service_router, step_route
from xner.service.settings import Settings


class AlignRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"src": [["the", "dog"]], "tgt": [["el", "perro"]], "aligner": "eflomal"}]},
    )
    src: list[list[str]]
    tgt: list[list[str]]
    aligner: str | None = Field(None, description="Aligner SPEC (default: XNER_ALIGNER)")
    # The alignment fields of the projection configuration, as the corpus jobs take them (one definition each).
    extraction: ExtractionField = None
    layer: LayerField = None
    symmetrise: SymmetriseField = None

    @model_validator(mode="after")
    def _pairs(self) -> AlignRequest:
        if len(self.src) != len(self.tgt):
            raise ValueError(f"src has {len(self.src)} sentences but tgt has {len(self.tgt)}")
        return self


def to_payload(body: AlignRequest, settings: Settings) -> tuple[dict[str, Any], int]:
    check_token_lists(body.src, settings, "src")
    check_token_lists(body.tgt, settings, "tgt")
    fields = set(ALIGNING_FIELDS)
    server = settings.projection.model_dump(include=fields, exclude_none=True)  # XNER_PROJECTION's alignment part
    sent = body.model_dump(include=fields, exclude_unset=True)  # an explicit null clears the server's value
    config = parse_projection({**server, **sent})
    aligner = check_spec("aligner", config.aligner or settings.aligner, settings)
    config.check_aligner(aligner)
    return {
        "src": body.src,
        "tgt": body.tgt,
        "aligner": aligner,
        "projection": config.model_dump(include=set(ALIGNMENT_FIELDS), exclude_none=True),
    }, len(body.src)


ROUTER = service_router("align")
"""The routes of this service (mounted by its own app and by the all-in-one server, see :mod:`xner.suite`)."""


@ROUTER.post("/align", **step_route("Word-align sentence pairs (Pharaoh pairs)."))
def align(body: AlignRequest, runner: StepRunnerDep) -> StepJob:
    return runner.run("align", *to_payload(body, runner.settings))
