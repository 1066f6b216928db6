"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shared_data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``$XNER_SHARED_DATA``, else ``../shared/data`` beside the repository."""
    return Path(environ.get("XNER_SHARED_DATA", REPO.parent / "shared" / "data"))


def europarl_dir() -> Path:
    """The Europarl-NER directory, or exit with a message saying where it was looked for."""
    path = shared_data_dir() / "europarl-ner"
    if not (path / "en-europarl.test.conll02").is_file():
        sys.exit(f"Europarl-NER data not found at {path} (set XNER_SHARED_DATA); nothing to measure")
    return path


def status_mib(pid: int, field: str) -> float | None:
    """A memory line of a process's ``/proc/PID/status`` (``VmRSS``, ``VmHWM``) in MiB, or None where unavailable."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mib(pid: int) -> float | None:
    """Resident memory of a process in MiB (Linux ``/proc``), or None where unavailable."""
    return status_mib(pid, "VmRSS")
