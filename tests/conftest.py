"""Fixtures shared by every test: where the shared (read-only, never copied) data sets live, and files built once
per test run for every parallel worker (:func:`built_once`).

The tests run in pytest-xdist workers (``-n``/``--dist`` in pyproject's addopts), a test file at a time
(``--dist loadfile``: a module's tests share its module-scoped fixtures, e.g. a server or a browser, on one worker).
Each worker is a process with its own session fixtures, temp dirs, redis-server and loopback ports (the OS picks
them); ``-n 0`` runs everything in this process."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent

# Property tests have no per-example deadline: on a loaded machine running the tests in parallel workers, one example
# can exceed Hypothesis's 200 ms default while it waits for a CPU, which fails the test as flaky.
settings.register_profile("xner", deadline=None)
settings.load_profile("xner")

BUILD_LOCK_TIMEOUT = 600.0
"""Seconds a worker waits for another's :func:`built_once` build before failing."""


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]) -> Path:
    """``build(folder)`` once per test run, whatever the number of workers; what it returned.

    pytest-xdist's documented pattern: the workers' temp dirs share a parent, where the first worker to get the
    file lock builds ``shared/<name>`` while the others wait, then read it. A build that failed (or skipped) leaves
    no marker, so the next worker tries again. Without workers, or without filelock, it builds in this session's
    own temp dir."""
    root = tmp_path_factory.getbasetemp()
    try:
        from filelock import FileLock
    except ImportError:
        return build(tmp_path_factory.mktemp(name))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    shared = root / "shared"
    shared.mkdir(exist_ok=True)
    folder, marker = shared / name, shared / f"{name}.built"
    with FileLock(str(shared / f"{name}.lock"), timeout=BUILD_LOCK_TIMEOUT):
        if marker.is_file():
            return Path(marker.read_text(encoding="utf-8"))
        if folder.exists():
            shutil.rmtree(folder)  # left by a build that failed part-way
        result = build(folder)
        marker.write_text(str(result), encoding="utf-8")
        return result


def shared_data_dir() -> Path:
    """``$XNER_SHARED_DATA``, else ``../shared/data`` beside the repository."""
    return Path(os.environ.get("XNER_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def europarl_dir() -> Path:
    """The Europarl-NER gold (en/de/es/it); tests using it skip, saying why, when it is absent."""
    path = shared_data_dir() / "europarl-ner"
    if not (path / "en-europarl.test.conll02").is_file():
        pytest.skip(f"Europarl-NER data not found at {path} (set XNER_SHARED_DATA)")
    return path


def require_apertium(mode: str) -> str:
    """The Apertium data directory holding ``mode`` (e.g. ``eng-spa``); skip, saying what to install, if absent."""
    if shutil.which("apertium") is None:
        pytest.skip("apertium is not installed (apt-get install apertium apertium-eng-spa)")
    from xner.translate.defaults import APERTIUM_DATA_DIR

    if not (Path(APERTIUM_DATA_DIR) / "modes" / f"{mode}.mode").is_file():
        pytest.skip(f"the Apertium {mode} mode is not installed (apt-get install apertium-eng-spa)")
    return APERTIUM_DATA_DIR
