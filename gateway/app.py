"""The gateway app: corpus projection jobs, on-demand NER, languages and models (the public REST API)."""

from __future__ import annotations

from fastapi import FastAPI

from gateway.routes import info, ner, projections
from xner.service.app import Readiness, create_app
from xner.service.broker import Broker
from xner.service.defaults import QUEUES
from xner.service.settings import Settings

DESCRIPTION = """
Cross-lingual NER by annotation projection.

* `POST /v1/projections` — project a labelled corpus (JSON body or multipart upload) into target languages;
  returns a job. Follow it with `GET /v1/jobs/{id}`, fetch `GET /v1/jobs/{id}/result`, cancel with `DELETE`.
* `POST /v1/ner/{lang}` — NER for a few sentences: a native model if one is registered for the language,
  else translate-test (translate to English, tag, align, project back).

Errors: `{"error": {"type", "message", "details"}}`; 4xx for anything the client can fix. Character offsets are
Python code points. With `XNER_API_KEYS` set, send `Authorization: Bearer <key>`.
"""


def create_gateway(settings: Settings, broker: Broker, readiness: Readiness | None = None) -> FastAPI:
    return create_app(
        readiness=readiness,
        service="gateway",
        settings=settings,
        broker=broker,
        routers=[projections.router, ner.router, info.router],
        queues=QUEUES,
        description=DESCRIPTION,
    )
