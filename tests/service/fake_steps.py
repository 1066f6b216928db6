"""Step functions for testing the queue machinery itself, registered under :data:`FAKE_STEPS`' names (in the test
process by ``tests/service/conftest.py``, in worker processes by :mod:`tests.service.fake_worker`)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from xner.errors import BackendUnavailable, InputError
from xner.service.steps import StepFunction


def echo(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """Return the payload's value and everything upstream."""
    return {"value": payload.get("value"), "upstream": upstream, "pid": os.getpid()}


def add(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """Sum the upstream values plus the payload's."""
    return {"value": payload.get("value", 0) + sum(u["value"] for u in upstream)}


def bad_input(payload: dict[str, Any], upstream: list[Any]) -> None:
    raise InputError(f"sentence 3 is empty ({payload.get('value')})")


def crash(payload: dict[str, Any], upstream: list[Any]) -> None:
    raise RuntimeError("the model exploded")


def flaky(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """Fail until the marker file has ``payload["fail_times"]`` lines, then succeed."""
    marker = Path(payload["marker"])
    attempts = len(marker.read_text().splitlines()) if marker.exists() else 0
    with marker.open("a") as handle:
        handle.write("x\n")
    if attempts < payload["fail_times"]:
        raise ConnectionError(f"transient failure {attempts + 1}")
    return {"value": attempts}


def sleep(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    time.sleep(payload.get("seconds", 1.0))
    return {"value": "slept"}


FAIL_TOKEN = "FAIL-THIS-CHUNK"
"""A sentence holding this token makes :func:`translate_with_faults` raise for its chunk (every attempt)."""


def translate_with_faults(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """The real translate step with test faults from the environment: ``XNER_TEST_STARTED_DIR`` gets a file per
    attempt (named by the worker's pid, holding the chunk's sentences), ``XNER_TEST_STEP_DELAY`` seconds of
    sleep make the chunk take a while, and a chunk containing :data:`FAIL_TOKEN` raises."""
    from services.translate.jobs import translate_step

    sentences = payload.get("sentences", [])
    started = os.environ.get("XNER_TEST_STARTED_DIR")
    if started:
        marker = Path(started) / f"{os.getpid()}-{time.monotonic_ns()}.json"
        marker.write_text(json.dumps(sentences))
    if any(FAIL_TOKEN in tokens for tokens in sentences):
        raise RuntimeError("the translation backend crashed on this chunk")
    time.sleep(float(os.environ.get("XNER_TEST_STEP_DELAY", "0")))
    return translate_step(payload, upstream)


def crash_naming_a_path(payload: dict[str, Any], upstream: list[Any]) -> None:
    """A step whose exception names a server file and the Redis URL."""
    raise RuntimeError("cannot read /srv/models/secret/config.json via redis://user:pw@10.0.0.5:6379/0")


def reject_naming_a_path(payload: dict[str, Any], upstream: list[Any]) -> None:
    """A step that rejects its input with a message naming a server directory."""
    raise BackendUnavailable("no model in /srv/models/secret; install one")


def reject_with_input_error(payload: dict[str, Any], upstream: list[Any]) -> None:
    """A step that rejects its input with a message naming a server file."""
    raise InputError("cannot parse /var/lib/xner/upload.conll (line 2)")


def echo_upstream(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    return {"upstream": upstream}


def halfway(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """Report half of the work done, then wait (at most a minute) until the file ``payload["release"]`` exists."""
    from xner.progress import report

    report("working", 1, 2)
    release = Path(payload["release"])
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    report("working", 2, 2)
    return {"released": release.exists()}


FAKE_STEP_PREFIX = "fake_"
"""The names of the test steps start with this (``fake_echo``): none is a real service's step."""

FAKE_STEPS: dict[str, StepFunction] = {
    FAKE_STEP_PREFIX + function.__name__: function
    for function in (
        echo,
        add,
        bad_input,
        crash,
        flaky,
        sleep,
        crash_naming_a_path,
        reject_naming_a_path,
        reject_with_input_error,
        echo_upstream,
        halfway,
    )
}
"""Every test step by name."""
