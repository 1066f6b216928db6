"""Step functions for testing the queue machinery itself (referenced as ``module:function`` steps)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from xner.errors import InputError


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
