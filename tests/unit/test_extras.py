"""A missing optional package is one line naming the extra that installs it."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

from xner.cli import main
from xner.extras import MODULE_EXTRAS, missing_package_message

REPO = Path(__file__).resolve().parents[2]


def extras() -> dict[str, set[str]]:
    """Extra -> the distributions it lists (names normalised, versions dropped)."""
    table = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    return {name: {re.split(r"[<>=\[ ;]", spec)[0].lower() for spec in specs} for name, specs in table.items()}


@pytest.mark.parametrize(("module", "entry"), sorted(MODULE_EXTRAS.items()))
def test_each_named_extra_installs_the_package(module, entry):
    distribution, extra = entry
    assert distribution.lower() in extras()[extra], f"{module}: pyproject's [{extra}] does not list {distribution}"


def test_the_message_names_the_extra():
    assert missing_package_message("uvicorn.protocols") == (
        "the uvicorn package is not installed; install it with: pip install 'xner[serve]'"
    )
    assert missing_package_message("no_such_module") is None


def test_the_cli_says_which_extra_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # importing it now raises ModuleNotFoundError
    monkeypatch.setenv("XNER_REDIS_URL", "")
    code = main(["serve", "--service", "gateway", "--port", "1"])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and lines == [
        "xner: error: the uvicorn package is not installed; install it with: pip install 'xner[serve]'"
    ]
