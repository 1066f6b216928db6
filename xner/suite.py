"""The suite: which apps and steps exist, composed from the gateway and the services (the composition root).

The service kit (:mod:`xner.service`) knows nothing of the apps built on it; this module, above the gateway and
the services, puts them together:

* :data:`SERVICES`: each service's routes, and the module of its steps (imported where steps run -- a worker, the
  embedded broker -- so the gateway's process never loads a solver or a model library);
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

import importlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI

from gateway.app import create_gateway
from gateway.labelstudio_app import create_labelstudio_backend
from services.align import app as align_app
from services.ner import app as ner_app
from services.project import app as project_app
from services.translate import app as translate_app
from xner.errors import UnknownNameError
from xner.service import backends, steps
from xner.service.app import Check, Readiness, create_app
from xner.service.broker import Broker
from xner.service.brokers import make_broker
from xner.service.settings import Settings, get_settings

log = logging.getLogger("xner.serve")


@dataclass(frozen=True, slots=True)
class Service:
    """One service: its API routes and the module of the steps its workers run."""

    router: APIRouter
    jobs: str
    """The module whose ``STEPS`` the service's workers run."""

    @property
    def steps(self) -> dict[str, steps.StepFunction]:
        """The service's steps (importing them loads what they compute with)."""
        module = importlib.import_module(self.jobs)
        return module.STEPS  # type: ignore[no-any-return]


SERVICES: dict[str, Service] = {
    "translate": Service(translate_app.ROUTER, "services.translate.jobs"),
    "align": Service(align_app.ROUTER, "services.align.jobs"),
    "project": Service(project_app.ROUTER, "services.project.jobs"),
    "ner": Service(ner_app.ROUTER, "services.ner.jobs"),
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
    readiness = (
        _preload_in_background([service], settings) if settings.embedded else _workers_ready(broker, service, settings)
    )
    return create_app(
        service=service,
        settings=settings,
        broker=broker,
        routers=[SERVICES[service].router],
        queues=[service],
        readiness=readiness,
    )


def _preload_in_background(services: list[str], settings: Settings) -> Readiness:
    """Load the default backends of ``services`` on a thread; the readiness check names each one and its state
    (loading, loaded, or failed with the reason and the fix)."""
    wanted = [pair for service in services for pair in backends.defaults_for(service, settings)]

    def load() -> None:
        for service in services:
            backends.preload(service, settings)  # a failure is kept in backends.states() and logged

    threading.Thread(target=load, name="xner-preload", daemon=True).start()

    def check() -> list[Check]:
        known = {(state.kind, state.spec): state.to_json() for state in backends.states()}
        return [_backend_check(known.get(pair, {"state": "loading"}), *pair) for pair in dict.fromkeys(wanted)]

    return check


def _workers_ready(broker: Broker, queue: str, settings: Settings) -> Readiness:
    """A live worker on ``queue`` (unless ``settings.ready_requires_workers`` is off: workers that scale to zero
    start when jobs wait), and no default backend that the queue's workers failed to load (what they published; a
    worker started without preloading publishes nothing until a job loads a backend)."""
    wanted = backends.defaults_for(queue, settings)

    def check() -> list[Check]:
        probe = broker.probe()  # fails fast during an outage instead of retrying
        workers = probe.workers(queue)
        if not workers and not settings.ready_requires_workers:
            return []  # scaled to zero: the queue takes jobs, the autoscaler starts a worker
        checks = [Check(f"{queue} workers", workers > 0, None if workers else "no worker is running on the queue")]
        if workers:
            known = {(str(s.get("kind")), str(s.get("spec"))): s for s in probe.backend_states(queue)}
            checks += [_backend_check(known[pair], *pair) for pair in wanted if pair in known]
        return checks

    return check


def _backend_check(state: dict[str, Any], kind: str, spec: str) -> Check:
    """One default backend's readiness check from its load state."""
    loaded = state.get("state") == "loaded"
    return Check(f"{kind} {spec}", loaded, None if loaded else str(state.get("reason") or state.get("state")))
