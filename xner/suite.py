"""The suite: which apps and steps exist, composed from the gateway and the services (the composition root).

The service kit (:mod:`xner.service`) knows nothing of the apps built on it; this module, above the gateway and
the services, puts them together:

* :data:`SERVICES`: each service's routes and steps, imported plainly, so a reader can follow a worker to a step;
* :func:`register_steps`: makes every step runnable in this process (a worker, or the embedded broker);
* :func:`build_app`: the app ``xner serve`` runs --

  * ``all`` (the embedded default without ``XNER_REDIS_URL``): the gateway and every service's routes in one
    app, steps run on threads of this process; the default backends load in the background and ``/ready`` says
    when;
  * ``labelstudio``: the standalone Label Studio ML backend (its routes at the root; embedded or against Redis);
  * one service or the gateway against Redis: the API enqueues; ``/ready`` also requires a live worker on the
    service's queue (workers register only after loading their models).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI

from gateway.app import create_gateway
from gateway.labelstudio_app import create_labelstudio_backend
from services.align import app as align_app
from services.align import jobs as align_jobs
from services.ner import app as ner_app
from services.ner import jobs as ner_jobs
from services.project import app as project_app
from services.project import jobs as project_jobs
from services.translate import app as translate_app
from services.translate import jobs as translate_jobs
from xner.errors import UnknownNameError
from xner.service import backends, steps
from xner.service.app import Readiness, create_app
from xner.service.broker import Broker
from xner.service.brokers import make_broker
from xner.service.settings import Settings, get_settings

log = logging.getLogger("xner.serve")


@dataclass(frozen=True, slots=True)
class Service:
    """One service: its API routes and the steps its workers run."""

    router: APIRouter
    steps: dict[str, steps.StepFunction]


SERVICES: dict[str, Service] = {
    "translate": Service(translate_app.ROUTER, translate_jobs.STEPS),
    "align": Service(align_app.ROUTER, align_jobs.STEPS),
    "project": Service(project_app.ROUTER, project_jobs.STEPS),
    "ner": Service(ner_app.ROUTER, ner_jobs.STEPS),
}
"""Service name (also its queue's name) -> its routes and steps."""

APPS = ("all", "gateway", *SERVICES, "labelstudio")
"""What ``xner serve --service`` can run."""


def register_steps() -> None:
    """Make every service's steps runnable in this process; once per process (a later call leaves the registry as
    it is, so a test may have replaced a step meanwhile)."""
    if _registered.is_set():
        return
    for service in SERVICES.values():
        steps.register(service.steps)
    _registered.set()


_registered = threading.Event()


def build_app(service: str, settings: Settings | None = None, broker: Broker | None = None) -> FastAPI:
    """The app for ``service`` (one of :data:`APPS`). An embedded broker runs the steps in this process, so they
    are registered first."""
    if service not in APPS:
        raise UnknownNameError("service", service, APPS)
    settings = settings or get_settings()
    if settings.embedded:
        register_steps()
    broker = broker or make_broker(settings)
    if service == "gateway":
        return create_gateway(settings, broker)
    if service == "labelstudio":
        preload = _preload_in_background(list(SERVICES), settings) if settings.embedded else None
        return create_labelstudio_backend(settings, broker, preload)
    if service == "all":
        readiness = _preload_in_background(list(SERVICES), settings) if settings.embedded else None
        routers = [part.router for part in SERVICES.values()]
        return create_gateway(settings, broker, readiness=readiness, extra_routers=routers)
    readiness = _preload_in_background([service], settings) if settings.embedded else _workers_ready(broker, service)
    return create_app(
        service=service,
        settings=settings,
        broker=broker,
        routers=[SERVICES[service].router],
        queues=[service],
        readiness=readiness,
    )


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
