"""The gateway app: corpus projection jobs, on-demand NER, languages and models (the public REST API)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from gateway.routes import info, ner, projections, viewer
from gateway.routes.platforms import PLATFORM_ROUTERS
from gateway.schemas import ProjectionRequest
from xner.service.app import Readiness, create_app
from xner.service.broker import Broker
from xner.service.defaults import QUEUES, TRAIN_QUEUE
from xner.service.settings import Settings

DESCRIPTION = """
Cross-lingual NER by annotation projection.

* `POST /v1/projections` — project a labelled corpus (JSON body or multipart upload) into target languages;
  returns a job. Follow it with `GET /v1/jobs/{id}`, fetch `GET /v1/jobs/{id}/result`, cancel with `DELETE`.
* `/ui/` — the projection viewer: a finished job sentence by sentence (reads `GET /v1/jobs/{id}/sentences` and
  `GET /v1/jobs/{id}/summary`).
* `POST /v1/ner/{lang}` — NER for a few sentences: a native model if one is registered for the language,
  else translate-test (translate to English, tag, align, project back).

* `/labelstudio/*`, `/doccano/predict`, `/inception/{predict,train}` — annotation-platform backends (Label Studio
  ML backend, doccano auto-labelling, INCEpTION external recommender); offsets in each tool's unit.

Errors: `{"error": {"type", "message", "details"}}`; 4xx for anything the client can fix. Character offsets are
Python code points. With `XNER_API_KEYS` set, send `Authorization: Bearer <key>`.
"""


UI_DIR = Path(__file__).parent / "ui"
"""The projection viewer's static files, served at ``/ui/`` (docs/viewer.md)."""


def create_gateway(
    settings: Settings,
    broker: Broker,
    readiness: Readiness | None = None,
    extra_routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The gateway app; ``extra_routers`` adds the service APIs (the all-in-one server)."""
    app = create_app(
        readiness=readiness,
        service="gateway",
        settings=settings,
        broker=broker,
        routers=[projections.router, viewer.router, ner.router, info.router, *PLATFORM_ROUTERS, *extra_routers],
        queues=(*QUEUES, TRAIN_QUEUE),
        description=DESCRIPTION,
    )
    _document_models(app, [ProjectionRequest])
    app.mount("/ui", StaticFiles(directory=UI_DIR, html=True), name="ui")
    return app


def _document_models(app: FastAPI, models: list[type[BaseModel]]) -> None:
    """Add models that routes parse by hand (JSON or multipart) to the OpenAPI components."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(model_schema.pop("$defs", {}))
            components[model.__name__] = model_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
