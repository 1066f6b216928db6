"""Start-up stays light: the gateway and the command line import no solver, model library or plotting stack until a
command or step needs it (the gateway only enqueues; ``xner --help`` answers at once)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("scipy", "torch", "transformers", "matplotlib", "numba", "spacy")
"""Packages a light import must not pull in."""


@pytest.mark.parametrize(
    "module", ["gateway.app", "xner.suite", "xner.cli", "xner.project.config", "xner.project", "xner.experiment.config"]
)
def test_a_light_import_pulls_in_no_heavy_package(module: str):
    code = f"import sys, {module}; print(' '.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == [], f"importing {module} loaded {loaded}"


def test_the_project_package_still_exports_its_names_on_use():
    import xner.project as project

    assert project.project_corpus.__module__ == "xner.project.parallel"
    assert project.CandidateOptions().matching == "exact"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = project.nope
