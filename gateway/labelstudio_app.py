"""The standalone Label Studio ML backend (``xner serve --service labelstudio``, port 9090): the Label Studio
routes at the root, as Label Studio expects them, plus ``/ready`` and Prometheus ``/metrics``."""

from __future__ import annotations

from fastapi import FastAPI

from gateway.routes.labelstudio import labelstudio_router
from xner.service.app import Readiness, create_app
from xner.service.broker import Broker
from xner.service.defaults import QUEUES, TRAIN_QUEUE
from xner.service.settings import Settings

DESCRIPTION = """
Label Studio ML backend for cross-lingual NER: connect it in a project's Model settings. `POST /predict`
pre-annotates tasks (UTF-16 offsets), `POST /setup` registers the project's label config and `extra_params`
(`{"lang": "swh_Latn", "label_map": {...}}`), `POST /webhook` with `START_TRAINING` fine-tunes on the project's
annotations, `GET /health` answers without touching a model.
"""


def create_labelstudio_backend(settings: Settings, broker: Broker, readiness: Readiness | None = None) -> FastAPI:
    app = create_app(
        service="labelstudio",
        settings=settings,
        broker=broker,
        readiness=readiness,
        queues=(*QUEUES, TRAIN_QUEUE),
        description=DESCRIPTION,
    )
    # Label Studio's /health answer ({"status": "UP", "model_class"}) replaces the generic one.
    app.router.routes[:] = [route for route in app.router.routes if getattr(route, "path", None) != "/health"]
    app.include_router(labelstudio_router("", metrics=False))
    return app
