"""The steps jobs run: a registry the apps fill, and the one way a step runs (:func:`execute`).

A step is a function ``fn(payload, upstream) -> result``: ``payload`` is the job's JSON payload and ``upstream``
the results of the jobs it depends on, in the order given at enqueue time. Each service's ``jobs.py`` defines its
steps and names them in a ``STEPS`` mapping; the suite (:mod:`xner.suite`) registers them here before a worker or
the embedded broker runs a job, so the path from a worker to a step is plain imports. The kit itself imports no
step: the gateway, which only enqueues, never imports a model library.

A step that finds bad input returns ``{"error": {...}}`` (:func:`step_error` reads the reason); the broker then
fails the job at once, without retries.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from xner.errors import BackendUnavailable, InputError, UnknownNameError
from xner.progress import Report, reporting
from xner.service.errors import error_body
from xner.service.redact import public_details, public_message

StepFunction = Callable[[dict[str, Any], list[Any]], Any]

TOLERATE = "tolerate"
"""Payload key listing the upstream indices whose failure the step tolerates (it gets their ``{"error": ...}``
results and marks the sentences they should have produced as failed); see :func:`xner.service.refs.ref`."""

ERROR_META = "xner_error"
"""Job meta key holding the reason a step rejected its input."""

PROGRESS_META = "xner_progress"
"""Job meta key holding the fraction (0 to 1) of its work a running job has done, from what its step reports
(:mod:`xner.progress`); the gateway turns it into sentences."""

REGISTERED: dict[str, StepFunction] = {}
"""The steps this process can run, by name; fill it with :func:`register`."""


def register(steps: Mapping[str, StepFunction], *, replace: bool = False) -> None:
    """Make ``steps`` (name -> function) runnable in this process. Registering the same function twice is harmless;
    a different function under a registered name is an error unless ``replace`` (a test worker's fault injection)."""
    for name, function in steps.items():
        known = REGISTERED.get(name)
        if known is not None and known is not function and not replace:
            raise ValueError(f"step {name!r} is registered already (as {known.__module__}.{known.__qualname__})")
        REGISTERED[name] = function


def registered() -> list[str]:
    """The names of the steps this process can run."""
    return sorted(REGISTERED)


def resolve(step: str) -> StepFunction:
    """The function of a registered step; an unknown name lists the registered ones."""
    function = REGISTERED.get(step)
    if function is None:
        raise UnknownNameError("step", step, REGISTERED)
    return function


def execute(
    step: str, payload: dict[str, Any], upstream: list[Any], *, progress: Callable[[float], None] | None = None
) -> Any:
    """Run a step. Bad input and a missing backend become an ``{"error": ...}`` result (the job fails at once,
    keeping the reason, with paths and addresses redacted: see :mod:`xner.service.redact`); other errors
    propagate, so the broker retries them with backoff. ``progress`` is told the fraction of the work done
    whenever the step reports progress (never decreasing)."""
    upstream_ids = payload.get("upstream", [])
    tolerated = set(payload.get(TOLERATE, []))
    failed = [index for index, result in enumerate(upstream) if step_error(result) is not None]
    fatal = [index for index in failed if index not in tolerated]
    if tolerated and tolerated <= set(failed):
        fatal = failed  # every tolerated dependency failed: nothing is left to work on
    if fatal:  # an upstream step failed: fail with its reason, without retries
        index = fatal[0]
        parent = upstream_ids[index] if index < len(upstream_ids) else f"#{index}"
        return dependency_failed(parent, upstream[index])
    try:
        with reporting(_fractions(progress)) if progress is not None else contextlib.nullcontext():
            return resolve(step)(payload, upstream)
    except (InputError, BackendUnavailable) as exc:  # permanent: retrying cannot help
        return error_body(exc.type_name, public_message(exc.message), public_details(exc.details))


def _fractions(progress: Callable[[float], None]) -> Report:
    """A progress reporter telling ``progress`` the largest fraction reported so far."""
    best = 0.0

    def report(what: str, done: float, total: float | None) -> None:  # noqa: ARG001  (one step, one fraction)
        nonlocal best
        if total and done / total > best:
            best = min(1.0, done / total)
            progress(best)

    return report


def step_error(result: Any) -> str | None:
    """The reason a step reported for bad input (a result of the form ``{"error": {...}}``), else ``None``."""
    if isinstance(result, dict) and isinstance(result.get("error"), dict):
        error = result["error"]
        return f"{error.get('type', 'error')}: {error.get('message', '')}"
    return None


def dependency_failed(parent: str, parent_result: Any) -> dict[str, Any]:
    """The error result of a job whose dependency ``parent`` failed: the parent's error type and its reason as it
    is, the root cause with its fix (no chain of "dependency ... failed" prefixes); the job that failed first is in
    ``details.failed_job``."""
    error = parent_result.get("error", {}) if isinstance(parent_result, dict) else {}
    reason = str(error.get("message") or "failed")
    details = error.get("details")
    first = details.get("failed_job", parent) if isinstance(details, dict) else parent
    return error_body(str(error.get("type", "backend_error")), public_message(reason), {"failed_job": first})
