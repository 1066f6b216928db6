"""The app factory: one error body for every failure, limits, request ids, health / ready / metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel

from xner.errors import BackendUnavailable, FormatError
from xner.service.app import Check, create_app
from xner.service.broker_embedded import EmbeddedBroker
from xner.service.errors import TooManyRequests
from xner.service.settings import Settings

router = APIRouter()


class Body(BaseModel):
    sentences: list[list[str]]


@router.post("/echo")
def echo(body: Body) -> dict[str, int]:
    return {"count": len(body.sentences)}


@router.get("/format")
def format_error() -> None:
    raise FormatError("wrong column count", source="upload", line=3)


@router.get("/busy")
def busy() -> None:
    raise TooManyRequests("queue translate holds 10001 jobs (limit 10000)", retry_after=30)


@router.get("/missing-model")
def missing() -> None:
    raise BackendUnavailable("model xyz is not installed")


@router.get("/bug")
def bug() -> None:
    raise ZeroDivisionError("secret internals")


def client(ready: bool = True, max_body: int = 10_000) -> TestClient:
    settings = Settings(max_body_bytes=max_body)
    app = create_app(
        service="test",
        settings=settings,
        broker=EmbeddedBroker(settings),
        routers=[router],
        readiness=lambda: [Check("model", ready, None if ready else "loading")],
        queues=["translate"],
    )
    return TestClient(app, raise_server_exceptions=False)


def test_typed_errors_map_to_one_status_and_body():
    c = client()
    response = c.get("/format")
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "type": "format_error",
            "message": "upload:line 3: wrong column count",
            "details": {"source": "upload", "line": 3, "field": None, "reason": "wrong column count"},
        }
    }
    busy = c.get("/busy")
    assert busy.status_code == 429 and busy.headers["Retry-After"] == "30"
    assert c.get("/missing-model").status_code == 503


def test_validation_errors_name_the_field():
    response = client().post("/echo", json={"sentences": [["a"], "not-a-list"]})
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["type"] == "validation_error"
    assert body["message"].startswith("sentences[1]: ")


def test_bugs_are_500_without_internals_and_unknown_routes_404():
    c = client()
    response = c.get("/bug")
    assert response.status_code == 500
    assert "secret" not in response.text and response.json()["error"]["type"] == "internal_error"
    assert c.get("/nope").json()["error"]["type"] == "http_error"


def test_body_limit_by_header_and_by_stream():
    c = client(max_body=100)
    big = {"sentences": [["word"] * 50]}
    response = c.post("/echo", json=big)
    assert response.status_code == 413
    assert "the limit (max_body_bytes) is 100 bytes" in response.json()["error"]["message"]

    def chunks():
        yield b'{"sentences": [['
        for _ in range(40):
            yield b'"word",'
        yield b'"x"]]}'

    streamed = c.post("/echo", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert "(max_body_bytes) is 100 bytes" in streamed.json()["error"]["message"]


def test_request_id_is_echoed_or_made():
    c = client()
    assert c.get("/health", headers={"X-Request-ID": "abc"}).headers["X-Request-ID"] == "abc"
    assert len(c.get("/health").headers["X-Request-ID"]) == 32


def test_health_ready_metrics():
    assert client().get("/health").json() == {"status": "ok", "service": "test"}
    assert client(ready=True).get("/ready").status_code == 200
    not_ready = client(ready=False).get("/ready")
    assert not_ready.status_code == 503 and "model" in not_ready.json()["error"]["message"]
    c = client()
    c.post("/echo", json={"sentences": [["a"]]})
    text = c.get("/metrics").text
    assert 'xner_requests_total{method="POST",route="/echo",service="test",status="200"} 1.0' in text
    assert 'xner_queue_length{queue="translate"} 0.0' in text
    assert "xner_request_latency_seconds_bucket" in text


def test_lone_surrogates_are_rejected_naming_the_field_but_pairs_pass():
    c = client()
    bad = c.post("/echo", content=b'{"sentences": [["ok", "\\ud800"]]}', headers={"content-type": "application/json"})
    assert bad.status_code == 422
    assert bad.json()["error"]["message"] == "request:sentences.0.1: not valid Unicode text (a lone surrogate)"
    pair = c.post("/echo", content=b'{"sentences": [["\\ud83d\\ude00"]]}', headers={"content-type": "application/json"})
    assert pair.status_code == 200
