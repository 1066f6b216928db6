"""Fixtures shared by every test: where the shared (read-only, never copied) data sets live."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


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
