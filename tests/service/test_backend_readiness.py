"""A backend that cannot load is reported where the user looks: ``/ready`` names it with the reason and the fix,
requests that need it fail at once with a 503 naming it (never a 504 blaming the input), offline is detected once,
and the service log stays JSON lines, third-party records included."""

from __future__ import annotations

import io
import json
import logging
import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.service.clients import embedded_settings
from tests.service.conftest import until
from xner import backends as library
from xner import models
from xner.errors import BackendUnavailable
from xner.service import backends
from xner.service.broker_rq import RQBroker, publish_backends
from xner.service.logs import configure_logging
from xner.suite import build_app

MISSING = "hf:acme/missing-ner"


@pytest.fixture(autouse=True)
def _fresh_backends(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with no loaded, loading or failed backends, offline (as this machine is)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("XNER_MODEL_DIR", raising=False)
    models.hub_reachable.cache_clear()
    for table in (backends._cache, backends._states, backends._failures):
        table.clear()
    yield
    for table in (backends._cache, backends._states, backends._failures):
        table.clear()
    models.hub_reachable.cache_clear()


def test_a_missing_model_is_named_by_ready_and_fails_requests_at_once_with_the_fix():
    settings = embedded_settings(tagger=MISSING)
    with TestClient(build_app("ner", settings=settings), raise_server_exceptions=False) as client:
        until(lambda: backends._failures != {}, what="the preload to fail")
        ready = client.get("/ready")
        response = client.post("/v1/ner", json={"sentences": [["Kofi", "Annan", "spoke"]]})
    assert ready.status_code == 503
    error = ready.json()["error"]
    assert error["details"]["checks"][f"tagger {MISSING}"] is False
    reason = error["details"]["reasons"][f"tagger {MISSING}"]
    assert "not on this machine" in reason and "$XNER_MODEL_DIR/missing-ner" in reason
    assert f"tagger {MISSING}" in error["message"]
    assert response.status_code == 503, response.text
    message = response.json()["error"]["message"]
    assert f"tagger {MISSING}" in message and "$XNER_MODEL_DIR/missing-ner" in message


def test_ready_lists_each_default_backend_once_loaded():
    settings = embedded_settings()
    with TestClient(build_app("align", settings=settings), raise_server_exceptions=False) as client:
        until(lambda: client.get("/ready").status_code == 200, what="the aligner to load")
        body = client.get("/ready").json()
    assert body["checks"] == {"broker": True, "aligner eflomal": True} and body["reasons"] == {}


def test_a_failed_load_is_not_retried_until_the_retry_interval_passes(monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []

    def failing_load(kind: str, spec: str, **options: object) -> object:
        calls.append(spec)
        raise BackendUnavailable("cannot load NER model 'x': gone; put a copy under $XNER_MODEL_DIR/x")

    monkeypatch.setattr(library, "load", failing_load)
    for _ in range(3):
        with pytest.raises(BackendUnavailable, match=r"^tagger hf:x: cannot load NER model 'x'"):
            backends.get("tagger", "hf:x")
    assert calls == ["hf:x"]
    assert [(s.kind, s.spec, s.state) for s in backends.states()] == [("tagger", "hf:x", "failed")]
    monkeypatch.setattr(backends, "FAILED_LOAD_RETRY", 0.0)
    with pytest.raises(BackendUnavailable):
        backends.get("tagger", "hf:x")
    assert calls == ["hf:x", "hf:x"]


def test_preload_goes_on_past_a_failing_backend(monkeypatch: pytest.MonkeyPatch):
    def load(kind: str, spec: str, **options: object) -> object:
        if spec == MISSING:
            raise BackendUnavailable("missing")
        return object()

    monkeypatch.setattr(library, "load", load)
    settings = embedded_settings(tagger=MISSING, native_taggers={"deu_Latn": "spacy:other"})
    found = {(s.spec, s.state) for s in backends.preload("ner", settings)}
    assert found == {(MISSING, "failed"), ("spacy:other", "loaded")}


def test_offline_is_decided_once_and_puts_the_hub_libraries_offline(monkeypatch: pytest.MonkeyPatch):
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    for name in models.PROXY_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    attempts: list[tuple[str, int]] = []

    def unreachable(address: tuple[str, int], timeout: float) -> socket.socket:
        attempts.append(address)
        raise OSError("network is unreachable")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    assert models.hub_reachable() is False
    assert models.hub_reachable() is False
    assert len(attempts) == 1
    assert constants.HF_HUB_OFFLINE is True


def test_offline_loads_ask_for_local_files_only_and_say_where_to_put_the_model():
    seen: dict[str, object] = {}

    def loader(path: str, **kwargs: object) -> object:
        seen.update(kwargs, path=path)
        raise OSError("We couldn't connect to the hub")

    with pytest.raises(BackendUnavailable) as caught:
        models.load_pretrained(loader, "acme/missing-ner", "NER model")
    assert seen == {"path": "acme/missing-ner", "local_files_only": True}
    assert "not on this machine" in caught.value.message
    assert caught.value.details["fix"].startswith("put a copy under $XNER_MODEL_DIR/missing-ner")


def test_an_rq_worker_publishes_its_failed_backend_and_the_service_ready_names_it(redis_url: str, workers):
    settings = embedded_settings(redis_url=redis_url, tagger=MISSING)
    workers.start("ner", preload=True, XNER_TAGGER=MISSING, HF_HUB_OFFLINE="1")
    broker = RQBroker(settings)
    until(lambda: broker.backend_states("ner") != [], what="the worker to publish its backends")
    [state] = broker.backend_states("ner")
    assert (state["kind"], state["spec"], state["state"]) == ("tagger", MISSING, "failed")
    with TestClient(build_app("ner", settings=settings), raise_server_exceptions=False) as client:
        ready = client.get("/ready")
    assert ready.status_code == 503
    details = ready.json()["error"]["details"]
    assert details["checks"] == {"broker": True, "ner workers": True, f"tagger {MISSING}": False}
    assert "$XNER_MODEL_DIR/missing-ner" in details["reasons"][f"tagger {MISSING}"]


def test_a_service_api_without_workers_is_unready_unless_its_workers_scale_to_zero(redis_url: str):
    """Under KEDA a GPU worker pool is scaled to zero when idle: the API must stay in its Service to take the jobs
    that start the workers again (docs/deploy.md); by default a missing worker is a failing check."""
    for required, status in ((True, 503), (False, 200)):
        settings = embedded_settings(redis_url=redis_url).model_copy(update={"ready_requires_workers": required})
        with TestClient(build_app("align", settings=settings), raise_server_exceptions=False) as client:
            ready = client.get("/ready")
        assert ready.status_code == status, required
        checks = ready.json()["error"]["details"]["checks"] if status == 503 else ready.json()["checks"]
        assert checks == ({"broker": True, "align workers": False} if required else {"broker": True})


def test_workers_publish_backend_states_and_a_dead_workers_entry_is_ignored(redis_url: str):
    settings = embedded_settings(redis_url=redis_url)
    broker = RQBroker(settings)
    publish_backends(broker.redis, "ner", "nobody", [{"kind": "tagger", "spec": "x", "state": "failed"}], settings)
    assert broker.backend_states("ner") == []  # no live worker of that name


def test_worst_state_over_workers_wins():
    loaded = {"kind": "tagger", "spec": "x", "state": "loaded", "reason": None}
    failed = {"kind": "tagger", "spec": "x", "state": "failed", "reason": "gone"}
    assert backends.worst_states([[loaded], [failed]]) == [failed]
    assert backends.worst_states([[failed], [loaded]]) == [failed]


def test_third_party_records_are_json_lines(monkeypatch: pytest.MonkeyPatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("INFO")
        logging.getLogger("uvicorn.error").warning("address in use")
        logging.getLogger("huggingface_hub.file_download").warning("retrying in 1s")
    finally:
        root.handlers[:], root.level = saved
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("uvicorn.error", "address in use"),
        ("huggingface_hub.file_download", "retrying in 1s"),
    ]


def test_the_hub_libraries_lose_their_plain_handlers():
    import huggingface_hub  # noqa: F401  (adds its own stderr handler on import)

    library = logging.getLogger("huggingface_hub")
    plain = logging.StreamHandler()
    library.addHandler(plain)
    models.route_library_logs()
    assert plain not in library.handlers and library.propagate
