"""deploy/kubernetes: rendered by kustomize, validated offline against the Kubernetes and KEDA schemas, checked for
what each overlay claims, and held to the same images, commands, ports and settings as docker-compose.yml. The
KEDA triggers count the Redis list the code really fills."""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.service.clients import embedded_settings
from tests.service.test_deploy_files import compose_config
from xner.backends import DEFAULT_SPECS
from xner.service import defaults
from xner.service.settings import Settings
from xner.suite import build_app

REPO = Path(__file__).resolve().parents[2]
KUBE = REPO / "deploy" / "kubernetes"
KEDA_CRDS = {
    kind: REPO / "tests" / "data" / "keda" / f"keda.sh_{kind.lower()}s.yaml" for kind in ("ScaledObject", "ScaledJob")
}
REDIS_TRIGGER_KEYS = {"address", "databaseIndex", "listName", "listLength", "activationListLength"}
"""The metadata keys of KEDA's redis scaler that the triggers use (pkg/scalers/redis_scaler.go): the CRD types
trigger metadata as a free map of strings, so a misspelt key would pass its schema."""
KUBERNETES_VERSION = "1.31"
"""The oldest Kubernetes release the manifests target (kubernetes-validate's bundled schemas)."""
OVERLAYS = ("cpu", "gpu")
GPU_POOLS = ("translate-worker", "align-worker", "ner-worker")
"""The GPU worker Deployments of the gpu overlay (fine-tuning, the ScaledJob ``train-worker``, takes a GPU too)."""
WEIGHT_FREE = {"XNER_TRANSLATOR": "translator", "XNER_ALIGNER": "aligner", "XNER_TAGGER": "tagger"}
IMAGE_USER = 10001
"""The Dockerfile's numeric USER (runAsNonRoot can only verify a number)."""


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip("kubectl is not installed (its built-in kustomize renders deploy/kubernetes)")
    return found


@cache
def _render(folder: str) -> tuple[dict[str, Any], ...]:
    rendered = subprocess.run([kubectl(), "kustomize", folder], capture_output=True, text=True, check=False)
    assert rendered.returncode == 0, rendered.stderr
    return tuple(doc for doc in yaml.safe_load_all(rendered.stdout) if doc)


def render(folder: Path) -> list[dict[str, Any]]:
    """The resources kustomize builds from ``folder`` (each a fresh copy)."""
    return copy.deepcopy(list(_render(str(folder))))


def by_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def pod(workload: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of a Deployment, a StatefulSet or a KEDA ScaledJob."""
    spec = workload["spec"]
    return (spec["jobTargetRef"] if workload["kind"] == "ScaledJob" else spec)["template"]["spec"]


def container(workload: dict[str, Any]) -> dict[str, Any]:
    [only] = pod(workload)["containers"]
    return only


def workloads(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every Deployment and ScaledJob by name: what runs the suite's processes."""
    return {**by_kind(resources, "Deployment"), **by_kind(resources, "ScaledJob")}


def settings_of(resources: list[dict[str, Any]]) -> dict[str, str]:
    [config] = [r for r in resources if r["kind"] == "ConfigMap" and r["metadata"]["name"].startswith("xner-settings")]
    return config["data"]


def queue_key(queue: str) -> str:
    """The Redis list RQ keeps a queue's waiting jobs in (what the KEDA trigger must count)."""
    from redis import Redis
    from rq import Queue

    return Queue(queue, connection=Redis()).key


def strict(schema: Any) -> Any:
    """An OpenAPI schema that rejects unknown fields (as the API server's strict field validation does)."""
    if isinstance(schema, dict):
        schema = {key: strict(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        schema = [strict(item) for item in schema]
    return schema


@cache
def keda_validator(kind: str) -> Any:
    import jsonschema

    crd = yaml.safe_load(KEDA_CRDS[kind].read_text())
    [version] = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    return jsonschema.Draft7Validator(strict(version["schema"]["openAPIV3Schema"]))


def validate(resource: dict[str, Any]) -> None:
    """Raise if ``resource`` breaks its schema: Kubernetes' own (strict) or KEDA's CRD."""
    if resource["apiVersion"].startswith("keda.sh/"):
        keda_validator(resource["kind"]).validate(resource)
        for trigger in resource["spec"]["triggers"]:
            assert trigger["type"] == "redis" and set(trigger["metadata"]) <= REDIS_TRIGGER_KEYS, trigger
        return
    import kubernetes_validate

    kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_resource_is_valid_against_its_schema(overlay: str):
    pytest.importorskip("kubernetes_validate")
    resources = render(KUBE / "overlays" / overlay)
    assert {r["kind"] for r in resources} >= {"Deployment", "Service", "StatefulSet", "ScaledObject", "ConfigMap"}
    for resource in resources:
        validate(resource)


def test_the_validators_reject_a_broken_resource():
    pytest.importorskip("kubernetes_validate")
    import jsonschema
    import kubernetes_validate

    resources = render(KUBE / "overlays" / "gpu")
    deployment = by_kind(resources, "Deployment")["gateway"]
    container(deployment)["livenessProbe"]["httpGet"]["paht"] = "/health"
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)
    scaled = by_kind(resources, "ScaledObject")["align-worker"]
    scaled["spec"]["minReplicas"] = 0  # KEDA's field is minReplicaCount
    with pytest.raises(jsonschema.ValidationError):
        validate(scaled)
    job = by_kind(resources, "ScaledJob")["train-worker"]
    container(job)["volumeMount"] = []
    with pytest.raises(jsonschema.ValidationError):
        validate(job)
    trigger = by_kind(render(KUBE / "base"), "ScaledObject")["ner-worker"]
    trigger["spec"]["triggers"][0]["metadata"]["listname"] = "rq:queue:ner"  # KEDA would ignore it
    with pytest.raises(AssertionError):
        validate(trigger)


def test_compose_and_kubernetes_run_the_same_images_commands_ports_and_settings():
    services = compose_config("docker-compose.yml")["services"]
    resources = render(KUBE / "base")
    running = workloads(resources)
    assert set(running) == set(services) - {"redis"}
    for name, service in services.items():
        if name == "redis":
            redis = by_kind(resources, "StatefulSet")["redis"]["spec"]["template"]["spec"]["containers"][0]
            assert redis["command"] == service["command"]
            continue
        spec = container(running[name])
        assert spec["image"] == service["image"], name
        if running[name]["kind"] == "ScaledJob":  # one Kubernetes Job per fine-tuning: a worker that ends when done
            assert spec["command"] == [*service["command"], "--burst"], name
        else:
            assert spec["command"] == service["command"], name
        if "--port" in service["command"]:
            port = int(service["command"][service["command"].index("--port") + 1])
            assert [p["containerPort"] for p in spec["ports"]] == [port], name
            assert by_kind(resources, "Service")[name]["spec"]["ports"][0]["port"] == port
    compose_env = {k: v for k, v in services["gateway"]["environment"].items() if k != "XNER_API_KEYS"}
    assert settings_of(resources) == compose_env  # the same settings, the same values (Redis by service name)
    for name, workload in running.items():
        sources = container(workload)["envFrom"]
        assert sources[0]["configMapRef"]["name"].startswith("xner-settings"), name
        assert sources[1]["secretRef"] == {"name": "xner-secrets", "optional": True}, name  # API keys, when set


def test_probes_security_and_disruption_budgets():
    resources = render(KUBE / "overlays" / "gpu")
    budgets = by_kind(resources, "PodDisruptionBudget")
    dockerfile = (REPO / "Dockerfile").read_text()
    assert f"USER {IMAGE_USER}" in dockerfile and f"--uid {IMAGE_USER}" in dockerfile
    for name, workload in workloads(resources).items():
        spec, security = container(workload), pod(workload)["securityContext"]
        assert security["runAsNonRoot"] is True and security["runAsUser"] == IMAGE_USER, name
        assert security["fsGroupChangePolicy"] == "OnRootMismatch", name  # no chown of /models at every start
        assert spec["securityContext"]["allowPrivilegeEscalation"] is False
        assert spec["securityContext"]["readOnlyRootFilesystem"] is True
        assert {"name": "tmp", "mountPath": "/tmp"} in spec["volumeMounts"]  # the one writable place, besides /models
        assert "memory" in spec["resources"]["requests"] and "memory" in spec["resources"]["limits"]
        if workload["kind"] == "Deployment":
            budget = budgets[name]["spec"]
            assert budget["selector"] == workload["spec"]["selector"]
            assert budget["unhealthyPodEvictionPolicy"] == "AlwaysAllow"  # an unready pod never blocks a drain
        if spec.get("ports"):  # the gateway and the service APIs
            assert spec["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
            assert spec["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
        else:  # a worker: RQ finishes its chunk on SIGTERM, within the grace period compose gives it too
            assert pod(workload)["terminationGracePeriodSeconds"] == defaults.WORKER_STOP_GRACE
            assert any(m["mountPath"] == "/models" for m in spec["volumeMounts"]) == (name != "project-worker")
    services = compose_config("docker-compose.yml")["services"]
    for name, service in services.items():
        if name.endswith("-worker"):
            assert service["stop_grace_period"] == _go_duration(defaults.WORKER_STOP_GRACE), name
    settings = settings_of(resources)
    for cache_dir in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME"):  # caches on the writable volume
        assert settings[cache_dir].startswith("/tmp/")
    assert "replicas" not in by_kind(resources, "Deployment")["gateway"]["spec"]  # the HPA owns the count


def test_every_worker_pool_scales_on_the_redis_keys_rq_keeps_its_jobs_in():
    from redis import Redis
    from rq import Queue

    resources = render(KUBE / "base")
    scaled = by_kind(resources, "ScaledObject")
    pools = {n: w for n, w in workloads(resources).items() if n.endswith("-worker")}
    [name_space] = by_kind(resources, "Namespace")
    redis_service = by_kind(resources, "Service")["redis"]
    queues = set()
    for name, workload in pools.items():
        queue = Queue(container(workload)["command"][2], connection=Redis())
        queues.add(queue.name)
        if workload["kind"] == "ScaledJob":  # hours-long jobs: one Kubernetes Job each, never scaled down
            spec = workload["spec"]
            assert container(workload)["command"][-1] == "--burst"
            assert pod(workload)["restartPolicy"] == "Never" and spec["jobTargetRef"]["backoffLimit"] == 0
            assert spec["scalingStrategy"]["strategy"] == "accurate"  # RQ takes a job off the list at its start
            assert [t["metadata"]["listName"] for t in spec["triggers"]] == [queue.key]
        else:
            spec = scaled[name]["spec"]
            assert spec["scaleTargetRef"]["name"] == name
            assert "replicas" not in workload["spec"]  # the ScaledObject owns the count
            keys = [t["metadata"]["listName"] for t in spec["triggers"]]
            # waiting jobs, running jobs (one worker each: no scale-down takes the last worker from a chunk), and
            # retries waiting for their time (a worker's scheduler must be there to move them back)
            assert keys == [queue.key, queue.started_job_registry.key, queue.scheduled_job_registry.key]
            assert spec["triggers"][1]["metadata"]["listLength"] == "1"
            assert spec["minReplicaCount"] >= 1  # the base keeps a worker; only the gpu overlay scales to zero
            scale_down = spec["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleDown"]
            assert scale_down["policies"] == [{"type": "Pods", "value": 1, "periodSeconds": defaults.WORKER_STOP_GRACE}]
            assert spec["cooldownPeriod"] > defaults.WORKER_STOP_GRACE
        for trigger in spec["triggers"]:
            host, port = trigger["metadata"]["address"].split(":")
            assert host == f"redis.{name_space}.svc.cluster.local"
            assert redis_service["metadata"]["namespace"] == name_space
            assert int(port) == redis_service["spec"]["ports"][0]["port"]
            assert int(trigger["metadata"]["listLength"]) >= 1
    assert queues == {*defaults.QUEUES, defaults.TRAIN_QUEUE}


def test_the_gpu_overlay_gives_gpu_pools_a_gpu_and_lets_them_scale_to_zero():
    resources = render(KUBE / "overlays" / "gpu")
    base = workloads(render(KUBE / "base"))
    scaled = by_kind(resources, "ScaledObject")
    toleration = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
    for name, workload in workloads(resources).items():
        spec = pod(workload)
        limits = container(workload)["resources"]["limits"]
        if name in GPU_POOLS or workload["kind"] == "ScaledJob":
            assert limits["nvidia.com/gpu"] == 1, name
            assert toleration in spec["tolerations"], name
        if name in GPU_POOLS:
            assert scaled[name]["spec"]["minReplicaCount"] == 0
            assert workload["spec"]["strategy"]["rollingUpdate"]["maxSurge"] == 0  # no spare GPU needed to roll out
        elif workload["kind"] == "Deployment":
            assert "nvidia.com/gpu" not in limits and "tolerations" not in spec, name
            assert _unhashed(workload) == _unhashed(base[name]), name  # the overlay touches the GPU pools only
    assert scaled["project-worker"]["spec"]["minReplicaCount"] >= 1
    # an API whose workers may be at zero must stay ready, or nothing would enqueue the jobs that wake them
    settings = settings_of(resources)
    assert Settings(ready_requires_workers=settings["XNER_READY_REQUIRES_WORKERS"]).ready_requires_workers is False
    assert settings["XNER_TRANSLATOR"].startswith("nllb:")


def test_the_cpu_overlay_runs_the_weight_free_defaults_without_gpus():
    resources = render(KUBE / "overlays" / "cpu")
    settings = settings_of(resources)
    weight_free = {key: DEFAULT_SPECS[kind] for key, kind in WEIGHT_FREE.items()}
    assert {key: settings[key] for key in WEIGHT_FREE} == weight_free
    assert "XNER_READY_REQUIRES_WORKERS" not in settings  # every pool keeps a worker: readiness waits for one
    for workload in workloads(resources).values():
        assert "nvidia.com/gpu" not in container(workload)["resources"]["limits"]
        assert "tolerations" not in pod(workload)
    assert all(s["spec"]["minReplicaCount"] >= 1 for s in by_kind(resources, "ScaledObject").values())
    base = by_kind(render(KUBE / "base"), "Deployment")
    smaller = by_kind(resources, "Deployment")["translate-worker"]
    assert _mebibytes(container(smaller)["resources"]["requests"]["memory"]) < _mebibytes(
        container(base["translate-worker"])["resources"]["requests"]["memory"]
    )


def test_the_ingress_component_publishes_the_gateway(tmp_path: Path):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": [os.path.relpath(KUBE / "overlays" / "cpu", overlay)],
                "components": [os.path.relpath(KUBE / "components" / "ingress", overlay)],
            }
        )
    )
    resources = render(overlay)
    [ingress] = by_kind(resources, "Ingress").values()
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "gateway", "port": {"name": "http"}}
    limit = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert _mebibytes(limit.upper().replace("M", "Mi")) * 2**20 == defaults.MAX_BODY_BYTES
    pytest.importorskip("kubernetes_validate")
    validate(ingress)


def test_a_corpus_posted_to_the_gateway_fills_the_list_the_translate_trigger_counts(redis_url: str):
    from redis import Redis

    scaled = by_kind(render(KUBE / "base"), "ScaledObject")["translate-worker"]
    list_name = scaled["spec"]["triggers"][0]["metadata"]["listName"]
    settings = embedded_settings(redis_url=redis_url)
    corpus = "".join(f"Kofi\tB-PER\nAnnan\tI-PER\nspoke\tO\n{i}\tO\n\n" for i in range(3))
    body = {"source_lang": "en", "target_lang": "de", "corpus": {"format": "conll", "data": corpus}}
    with TestClient(build_app("gateway", settings=settings)) as client:
        response = client.post("/v1/projections", json=body)
    assert response.status_code == 202, response.text
    assert Redis.from_url(redis_url).llen(list_name) >= 1  # no worker runs: the job waits where KEDA looks


def _go_duration(seconds: int) -> str:
    """``seconds`` as compose's parser prints a duration (Go's ``time.Duration``: ``45s``, ``5m0s``; under an hour)."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}m{rest}s" if minutes else f"{rest}s"


def _unhashed(workload: dict[str, Any]) -> dict[str, Any]:
    """``workload`` with its settings ConfigMap's content hash left out of the name (it differs per overlay)."""
    copied = copy.deepcopy(workload)
    for source in container(copied)["envFrom"]:
        if "configMapRef" in source:
            source["configMapRef"]["name"] = source["configMapRef"]["name"].rsplit("-", 1)[0]
    return copied


def _mebibytes(quantity: str) -> float:
    """A Kubernetes memory quantity (``512Mi``, ``8Gi``) in MiB."""
    found = re.fullmatch(r"(\d+)(Mi|Gi)", quantity)
    assert found, quantity
    return int(found.group(1)) * (1024 if found.group(2) == "Gi" else 1)


def _bytes(size: str) -> int:
    """A Redis (``1gb``) or Kubernetes (``2Gi``) memory size in bytes (both count binary units)."""
    number, unit = re.fullmatch(r"(\d+)([a-zA-Z]*)", size).groups()  # type: ignore[union-attr]
    return int(number) * 1024 ** {"": 0, "kb": 1, "ki": 1, "mb": 2, "mi": 2, "gb": 3, "gi": 3}[unit.lower()]


def test_redis_is_bounded_below_its_memory_limit_and_never_evicts_a_job():
    redis = by_kind(render(KUBE / "base"), "StatefulSet")["redis"]["spec"]["template"]["spec"]["containers"][0]
    command = redis["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"  # a full Redis refuses, never evicts
    bound = _bytes(command[command.index("--maxmemory") + 1])
    assert 0 < bound <= 0.6 * _bytes(redis["resources"]["limits"]["memory"])  # room for an append-only rewrite
    assert compose_config("docker-compose.yml")["services"]["redis"]["command"] == command
