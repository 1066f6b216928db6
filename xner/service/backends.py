"""Backends a process keeps loaded, and the specs a client may choose.

``get(kind, spec)`` returns the backend for a spec, loading it through the library's loader
(:func:`xner.backends.load`) on first use and keeping it for the process's life (the worker's "load the model
once"); :func:`preload` loads the defaults a service's worker needs before its first job; :func:`check_spec` decides
whether a client may name a spec at all.

Every load is tracked (:func:`states`: loading, loaded, or failed with the reason and its fix), so ``/ready`` can
name each backend. A backend that failed to load (a missing model, a missing package) fails every request that
needs it at once with the same :class:`~xner.errors.BackendUnavailable` (a 503 naming it and the fix) for
:data:`~xner.service.defaults.FAILED_LOAD_RETRY` seconds, then the next request tries again (a model copied into
place meanwhile is picked up without a restart).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any, Literal

from xner import backends as library
from xner.errors import BackendUnavailable, InputError, XnerError
from xner.project.config import Pipeline, ProjectionConfig, merged
from xner.registry import LazyRegistry, parse_spec
from xner.service.defaults import FAILED_LOAD_RETRY, MAX_LOADED_BACKENDS, MAX_SHOWN_SPEC
from xner.service.redact import public_message
from xner.service.settings import Settings

log = logging.getLogger("xner.backends")

CacheKey = tuple[str, str, tuple[tuple[str, Any], ...]]
"""(kind, spec, options) of a loaded backend."""

_cache: OrderedDict[CacheKey, Any] = OrderedDict()
_lock = threading.Lock()
_loading: dict[CacheKey, threading.Lock] = {}


@dataclass(slots=True)
class BackendState:
    """How loading one backend went, as ``/ready`` shows it (the reason redacted: no paths or addresses)."""

    kind: str
    spec: str
    state: Literal["loading", "loaded", "failed"]
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_states: dict[tuple[str, str], BackendState] = {}
_failures: dict[CacheKey, tuple[float, XnerError]] = {}
"""Backends whose load failed: when, and the error every request gets until :data:`FAILED_LOAD_RETRY` passes."""


def states() -> list[BackendState]:
    """The backends this process has loaded, is loading or failed to load, in the order first asked for."""
    with _lock:
        return [BackendState(s.kind, s.spec, s.state, s.reason) for s in _states.values()]


QUEUE_KINDS = {"translate": "translator", "align": "aligner", "ner": "tagger"}
"""The backend kind each service's queue loads."""

_SEVERITY = {"loaded": 0, "loading": 1, "failed": 2}


def queue_states(queue: str) -> list[dict[str, Any]]:
    """:func:`states` of the backends ``queue``'s steps load, as JSON."""
    kind = QUEUE_KINDS.get(queue)
    return [state.to_json() for state in states() if state.kind == kind]


def worst_states(lists: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One state per backend over several workers' lists: the worst (failed, then loading, then loaded)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for entries in lists:
        for entry in entries:
            key = (str(entry.get("kind")), str(entry.get("spec")))
            known = merged.get(key)
            if known is None or _SEVERITY.get(entry.get("state", ""), 2) > _SEVERITY.get(known.get("state", ""), 2):
                merged[key] = entry
    return list(merged.values())


def _set_state(kind: str, spec: str, state: Literal["loading", "loaded", "failed"], reason: str | None = None) -> None:
    with _lock:
        _states[(kind, spec)] = BackendState(kind, spec, state, reason)


def check_spec(kind: str, spec: str, settings: Settings) -> str:
    """Validate a client-chosen spec before any job runs and return the operator's spelling of it.

    The backend name must be known (else the error lists the valid names), and the spec one the operator
    configured: a default (:func:`all_defaults`) or one of ``allowed_backends``. Anything else is an
    :class:`InputError` listing the allowed specs of ``kind``, so no client can make a worker load a file or model
    directory of its choosing. Specs match when their backend names (aliases and case resolved) and their models
    (exactly, after stripping spaces) are equal.
    """
    registry = library.registry(kind)
    wanted = parse_spec(spec)
    key = (registry.canonical(wanted.name), wanted.model)
    allowed = allowed_specs(kind, settings)
    for candidate in allowed:
        if _spec_key(registry, candidate) == key:
            return candidate
    raise InputError(
        f"{kind} {_shown(spec)} is not allowed here; allowed {kind}s: {', '.join(allowed)} (the server's defaults "
        "and XNER_ALLOWED_BACKENDS)",
        details={"kind": kind, "allowed": allowed},
    )


def resolve_projection(
    requested: ProjectionConfig, settings: Settings, pipeline: Pipeline, *, where: str = ""
) -> ProjectionConfig:
    """The configuration a job runs with: the server's (``XNER_PROJECTION``) under the request's fields, checked for
    ``pipeline`` (:meth:`~xner.project.config.ProjectionConfig.check_for`), every backend it uses named (the
    server's default where unset) and every backend it names checked by :func:`check_spec`. Errors name the field
    (``where.field: ...``)."""
    config = merged(settings.projection, requested, where=where).check_for(pipeline, where=where)
    name = (where + ".") if where else ""
    chosen = {
        "translator": config.translator or settings.translator,
        "aligner": config.aligner or settings.aligner,
        "candidate_tagger": config.candidate_tagger or (settings.tagger if config.needs_tagger else None),
        "scorer": config.scorer,
    }
    specs: dict[str, str | None] = {}
    for field, spec in chosen.items():
        try:
            specs[field] = None if spec is None else check_spec(FIELD_KINDS[field], spec, settings)
        except InputError as exc:
            raise InputError(f"{name}{field}: {exc}", details=exc.details) from None
    return config.check_aligner(str(specs["aligner"]), where=where).model_copy(update=specs)


FIELD_KINDS = {"translator": "translator", "aligner": "aligner", "candidate_tagger": "tagger", "scorer": "translator"}
"""The backend kind each spec field of the projection configuration names."""


def allowed_specs(kind: str, settings: Settings) -> list[str]:
    """The specs of ``kind`` clients may choose: the defaults of that kind, then the ``allowed_backends`` whose
    backend name is one of that kind (in the order configured, each once)."""
    registry = library.registry(kind)
    configured = [spec for default_kind, spec in all_defaults(settings) if default_kind == kind]
    configured += [spec for spec in settings.allowed_backends if _spec_key(registry, spec) is not None]
    return list(dict.fromkeys(spec.strip() for spec in configured))


def _spec_key(registry: LazyRegistry, spec: str) -> tuple[str, str | None] | None:
    """``(canonical backend name, model)`` of an operator's spec, or ``None`` when it is not one of ``registry``."""
    try:
        parsed = parse_spec(spec)
        return registry.canonical(parsed.name), parsed.model
    except InputError:
        return None


def _shown(spec: str) -> str:
    """A client's spec quoted for an error message, cut to :data:`MAX_SHOWN_SPEC` characters."""
    text = spec.strip()
    return repr(text if len(text) <= MAX_SHOWN_SPEC else text[:MAX_SHOWN_SPEC] + "...")


def get(kind: str, spec: str, **options: Any) -> Any:
    """The backend of ``kind`` (translator, aligner, tagger) for ``spec`` and loader ``options`` (an aligner's
    ``method`` and ``symmetrise``), loaded once per process.

    A model loads under a lock of its own, so other backends stay usable meanwhile.
    """
    key = (kind, spec, tuple(sorted(options.items())))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        _raise_recent_failure(key)
        loading = _loading.setdefault(key, threading.Lock())
    with loading:
        with _lock:
            if key in _cache:
                return _cache[key]
            _raise_recent_failure(key)  # it failed while this request waited for the lock
        log.info("loading %s %s", kind, spec)
        with _lock:
            before = _states.get((kind, spec))
        _set_state(kind, spec, "loading")
        try:
            backend = library.load(kind, spec, **options)
        except InputError as exc:
            if not options:
                raise _failed(kind, spec, key, exc) from exc
            # A request's option does not fit this backend (a layer past the model's): the client's to fix, not a
            # backend that failed, so nothing is recorded against the backend and /ready stays as it was.
            with _lock:
                _loading.pop(key, None)
                if before is None:
                    _states.pop((kind, spec), None)
                else:
                    _states[(kind, spec)] = before
            raise InputError(public_message(exc.message), details=exc.details) from exc
        except XnerError as exc:
            raise _failed(kind, spec, key, exc) from exc
        with _lock:
            _cache[key] = backend
            _failures.pop(key, None)
            while len(_cache) > MAX_LOADED_BACKENDS:
                _cache.popitem(last=False)
            _loading.pop(key, None)
        _set_state(kind, spec, "loaded")
        return backend


def _failed(kind: str, spec: str, key: CacheKey, exc: XnerError) -> BackendUnavailable:
    """The error of a backend that could not load, recorded: requests get it until :data:`FAILED_LOAD_RETRY`
    passes, and /ready names the backend."""
    error = BackendUnavailable(f"{kind} {spec}: {exc.message}", details=exc.details)
    log.error("loading %s %s failed: %s", kind, spec, exc.message)
    with _lock:
        _failures[key] = (time.monotonic(), error)
        _loading.pop(key, None)
    _set_state(kind, spec, "failed", public_message(exc.message))  # /ready names the backend itself
    return error


def _raise_recent_failure(key: CacheKey) -> None:
    """Raise the error of a load of ``key`` that failed less than :data:`FAILED_LOAD_RETRY` seconds ago (hold
    ``_lock``)."""
    failure = _failures.get(key)
    if failure is not None and time.monotonic() - failure[0] < FAILED_LOAD_RETRY:
        error = failure[1]
        raise BackendUnavailable(error.message, details=error.details)


def defaults_for(service: str, settings: Settings) -> list[tuple[str, str]]:
    """The (kind, spec) pairs a service's worker loads before its first job: the default backends, and those the
    server's projection configuration (``XNER_PROJECTION``) names."""
    projection = settings.projection
    chosen = {
        "translate": [settings.translator, projection.translator, projection.scorer],
        "align": [settings.aligner, projection.aligner],
        "ner": [settings.tagger, *settings.native_taggers.values(), projection.candidate_tagger],
    }
    kind = QUEUE_KINDS.get(service)
    if kind is None:
        return []
    return [(kind, spec) for spec in dict.fromkeys(chosen[service]) if spec]


def all_defaults(settings: Settings) -> list[tuple[str, str]]:
    """Every (kind, spec) the settings name as a default."""
    return [pair for service in ("translate", "align", "ner") for pair in defaults_for(service, settings)]


def preload(service: str, settings: Settings) -> list[BackendState]:
    """Load the default backends of ``service``, each one even when another fails (its failure is kept in
    :func:`states` and logged); the states of those backends."""
    wanted = defaults_for(service, settings)
    for kind, spec in wanted:
        _set_state(kind, spec, "loading")
    for kind, spec in wanted:
        try:
            backend = get(kind, spec, **_job_options(kind, spec, settings))
        except InputError as exc:  # the server's own projection does not fit the backend: the operator's to fix
            _set_state(kind, spec, "failed", public_message(exc.message))
            continue
        except XnerError:
            continue  # kept in states(); requests that need it get the same error at once
        warm_up = getattr(backend, "warm_up", None)
        if callable(warm_up):  # e.g. compile eflomal's sampler now rather than in the first job
            warm_up()
    chosen = set(wanted)
    return [state for state in states() if (state.kind, state.spec) in chosen]


def _job_options(kind: str, spec: str, settings: Settings) -> dict[str, Any]:
    """The loader options a job without options of its own loads ``spec`` with: the server projection's aligner
    options (``XNER_PROJECTION``'s extraction, layer, symmetrise) for the aligner it names, none otherwise."""
    projection = settings.projection
    if kind == "aligner" and spec == (projection.aligner or settings.aligner):
        return projection.aligner_options()
    return {}


def load(kind: str, spec: str | None = None, /, **options: Any) -> Any:
    """:func:`get` as a :class:`xner.pipeline.BackendLoader`: the steps' way to build a :class:`xner.pipeline.Run`
    (the gateway resolves every spec before a job is queued, so ``spec`` is always given here)."""
    if spec is None:
        raise InputError(f"no {kind} named in the job's projection configuration")
    return get(kind, spec, **options)
