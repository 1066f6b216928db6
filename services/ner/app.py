"""The ner service API: ``POST /v1/ner`` tags tokenised sentences with a tagger."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from xner.service.app import Readiness, create_app
from xner.service.backends import check_spec
from xner.service.broker import Broker
from xner.service.limits import check_token_lists
from xner.service.routes import service_router
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


ROUTER = service_router("ner", NerServiceRequest, to_payload, summary="Tag tokenised sentences.")
"""The routes of this service (also mounted by the all-in-one server)."""


def create(settings: Settings, broker: Broker, readiness: Readiness | None = None) -> FastAPI:
    return create_app(
        service="ner", settings=settings, broker=broker, routers=[ROUTER], queues=["ner"], readiness=readiness
    )
