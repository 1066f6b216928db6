"""The named steps jobs run, and the entry point RQ workers call.

Each service's ``jobs.py`` holds its step functions ``fn(payload, upstream) -> result``: ``payload`` is the job's
JSON payload and ``upstream`` the results of the jobs it depends on, in the order given at enqueue time. Steps are
imported by name only when run, so the gateway never imports a model library.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from xner.errors import BackendUnavailable, InputError, UnknownNameError
from xner.service.broker import step_error
from xner.service.errors import error_body
from xner.service.redact import public_details, public_message

StepFunction = Callable[[dict[str, Any], list[Any]], Any]

STEPS: dict[str, str] = {
    "translate": "services.translate.jobs:translate_step",
    "align": "services.align.jobs:align_step",
    "project": "services.project.jobs:project_step",
    "ner": "services.ner.jobs:ner_step",
    "train": "services.ner.jobs:train_step",
}
"""Step name -> ``module:function``."""


def resolve(step: str) -> StepFunction:
    """Import the function of a step: a name in :data:`STEPS`, or a ``module:function`` path."""
    target = STEPS.get(step) or (step if ":" in step else None)
    if target is None:
        raise UnknownNameError("step", step, STEPS)
    module, _, name = target.partition(":")
    function: StepFunction = getattr(importlib.import_module(module), name)
    return function


def execute(step: str, payload: dict[str, Any], upstream: list[Any]) -> Any:
    """Run a step. Bad input and a missing backend become an ``{"error": ...}`` result (the job fails at once,
    keeping the reason, with paths and addresses redacted: see :mod:`xner.service.redact`); other errors
    propagate, so the broker retries them with backoff."""
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
        return resolve(step)(payload, upstream)
    except (InputError, BackendUnavailable) as exc:  # permanent: retrying cannot help
        return error_body(exc.type_name, public_message(exc.message), public_details(exc.details))


def run_step(step: str, payload: dict[str, Any]) -> Any:
    """The function RQ jobs call: fetch the results of the jobs this one depends on, then :func:`execute`."""
    from rq import get_current_job

    from xner.service.broker_rq import upstream_results

    job = get_current_job()
    upstream = upstream_results(job, payload.get("upstream", [])) if job is not None else []
    result = execute(step, payload, upstream)
    reason = step_error(result)
    if job is not None and reason is not None:
        job.meta[ERROR_META] = reason  # so the job's state is known without reading its (large) result
        job.save_meta()  # type: ignore[no-untyped-call]
    return result


TOLERATE = "tolerate"
"""Payload key listing the upstream indices whose failure the step tolerates (it gets their ``{"error": ...}``
results and marks the sentences they should have produced as failed); see :func:`xner.service.refs.ref`."""

ERROR_META = "xner_error"
"""Job meta key holding the reason a step rejected its input."""


def dependency_failed(parent: str, parent_result: Any) -> dict[str, Any]:
    """The error result of a job whose dependency ``parent`` failed: the parent's error type, with its reason."""
    error = parent_result.get("error", {}) if isinstance(parent_result, dict) else {}
    reason = step_error(parent_result) or "failed"
    return error_body(str(error.get("type", "backend_error")), public_message(f"dependency {parent} failed: {reason}"))
