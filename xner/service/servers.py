"""Build the app ``xner serve`` runs: the gateway, one service API, or everything in one process.

* ``all`` (the embedded default without ``XNER_REDIS_URL``): the gateway and every service's routes in one app,
  steps run on threads of this process; the default backends load in the background and ``/ready`` says when.
* ``labelstudio``: the standalone Label Studio ML backend (its routes at the root; embedded or against Redis).
* one service or the gateway against Redis: the API enqueues; ``/ready`` also requires a live worker on the
  service's queue (workers register only after loading their models).
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any

from fastapi import FastAPI

from xner.service import backends
from xner.service.app import Readiness
from xner.service.broker import Broker, make_broker
from xner.service.defaults import QUEUES
from xner.service.settings import Settings, get_settings

log = logging.getLogger("xner.serve")

SERVICE_MODULES = {name: f"services.{name}.app" for name in QUEUES}
"""Service name -> module with ``create(settings, broker, readiness)`` and ``ROUTER``."""


def _service(name: str) -> Any:
    return importlib.import_module(SERVICE_MODULES[name])


def _preload_in_background(services: list[str], settings: Settings) -> Readiness:
    """Load the default backends of ``services`` on a thread; the readiness check reports the progress."""
    state: dict[str, bool] = {"models": False}

    def load() -> None:
        try:
            for service in services:
                backends.preload(service, settings)
            state["models"] = True
        except Exception as exc:  # keep serving; /ready stays 503 and says why in the logs
            log.error("loading the default models failed: %s", exc)

    threading.Thread(target=load, name="xner-preload", daemon=True).start()
    return lambda: dict(state)


def _workers_ready(broker: Broker, queue: str) -> Readiness:
    return lambda: {f"{queue} workers": broker.workers(queue) > 0}


def build_app(service: str, settings: Settings | None = None, broker: Broker | None = None) -> FastAPI:
    """The app for ``service`` (``all``, ``gateway``, ``labelstudio`` or a service name)."""
    from gateway.app import create_gateway

    settings = settings or get_settings()
    broker = broker or make_broker(settings)
    if service == "gateway":
        return create_gateway(settings, broker)
    if service == "labelstudio":
        from gateway.labelstudio_app import create_labelstudio_backend

        preload = _preload_in_background(list(QUEUES), settings) if settings.embedded else None
        return create_labelstudio_backend(settings, broker, preload)
    if service == "all":
        readiness = _preload_in_background(list(QUEUES), settings) if settings.embedded else None
        routers = [_service(name).ROUTER for name in QUEUES]
        return create_gateway(settings, broker, readiness=readiness, extra_routers=routers)
    readiness = _preload_in_background([service], settings) if settings.embedded else _workers_ready(broker, service)
    app: FastAPI = _service(service).create(settings, broker, readiness)
    return app
