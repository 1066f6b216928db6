"""Hostile input in process: JSON bounds on every way JSON comes in, token limits on every service, request ids on
every response (a crash included), metrics behind the key, and the input checks of the service APIs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from tests.service.clients import embedded_client, embedded_settings
from xner.service.app import Check, create_app
from xner.service.broker_embedded import EmbeddedBroker
from xner.service.logs import JsonFormatter

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5_000


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with embedded_client("all", chunk_size=2) as c:
        yield c


def message(response) -> str:
    return str(response.json()["error"]["message"])


def projection(data: str, fmt: str = "conll", **extra: object) -> dict:
    return {"source_lang": "en", "target_lang": "es", "corpus": {"format": fmt, "data": data}, **extra}


@pytest.mark.parametrize(
    ("route", "raw"),
    [
        ("/v1/projections", '{"source_lang": ' + DEEP + "}"),
        ("/v1/projections", '{"source_lang": ' + HUGE + "}"),
        ("/v1/translate", '{"texts": ["a"], "src_lang": "en", "tgt_lang": "es", "x": ' + DEEP + "}"),
        ("/v1/align", '{"src": [["a"]], "tgt": [["b"]], "aligner": ' + HUGE + "}"),
        ("/v1/ner/en", '{"texts": ' + DEEP + "}"),
        ("/v1/ner", '{"sentences": [[' + HUGE + "]]}"),
        ("/labelstudio/webhook", '{"action": "START_TRAINING", "project": ' + DEEP + "}"),
        ("/doccano/predict", '{"text": ' + HUGE + "}"),
        ("/inception/predict", '{"metadata": ' + DEEP + "}"),
    ],
)
def test_deep_or_huge_json_bodies_are_422_naming_the_limit(client, route, raw):
    response = client.post(route, content=raw.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text[:300]
    assert "max_json_depth" in message(response) or "max_number_digits" in message(response)
    assert response.headers["X-Request-ID"]


def test_json_without_content_type_is_checked_too(client):
    response = client.post("/v1/projections", content=DEEP.encode())
    assert response.status_code == 422 and "max_json_depth" in message(response)


def test_moderate_nesting_within_the_limit_is_left_to_the_route(client):
    nested = "[" * 60 + "]" * 60
    response = client.post(
        "/v1/translate", content=f'{{"texts": {nested}}}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and "max_json_depth" not in message(response)


@pytest.mark.parametrize(
    ("fmt", "data", "limit"),
    [
        ("jsonl", '{"text": "a", "x": ' + DEEP + "}\n", "max_json_depth"),
        ("jsonl", '{"text": "a", "x": ' + HUGE + "}\n", "max_number_digits"),
        ("doccano", '{"text": "a", "label": [[0, ' + HUGE + ', "PER"]]}\n', "max_number_digits"),
        ("labelstudio", '[{"data": {"text": "a"}, "x": ' + DEEP + "}]", "max_json_depth"),
        ("labelstudio", '[{"data": {"text": "a"}, "id": ' + HUGE + "}]", "max_number_digits"),
    ],
)
def test_json_inside_a_corpus_is_bounded_and_the_line_named(client, fmt, data, limit):
    response = client.post("/v1/projections", json=projection(data, fmt))
    assert response.status_code == 422, response.text[:300]
    assert limit in message(response) and "corpus:line 1" in message(response)


@pytest.mark.parametrize("options", [DEEP, '{"method": ' + HUGE + "}"])
def test_multipart_options_are_bounded(client, options):
    files = {"corpus": ("x.conll", b"Paris\tB-LOC\n", "text/plain")}
    data = {"source_lang": "en", "target_lang": "es", "options": options}
    response = client.post("/v1/projections", files=files, data=data)
    assert response.status_code == 422, response.text[:300]
    assert "options" in message(response)


def test_a_huge_token_is_422_on_every_route_that_takes_tokens(client):
    token = "x" * 5_000
    cases = [
        ("/v1/projections", projection(f"{token}\tO\n")),
        ("/v1/translate", {"texts": [token], "src_lang": "en", "tgt_lang": "es"}),
        ("/v1/translate", {"sentences": [[token]], "src_lang": "en", "tgt_lang": "es"}),
        ("/v1/align", {"src": [["a"]], "tgt": [[token]]}),
        ("/v1/ner", {"sentences": [[token]]}),
        ("/v1/ner/en", {"sentences": [[token]]}),
        ("/v1/project", {"sources": [{"tokens": [token], "spans": []}], "targets": [["a"]], "alignments": [[]]}),
    ]
    for route, body in cases:
        response = client.post(route, json=body)
        assert response.status_code == 422, (route, response.text[:300])
        assert "5000 characters; the limit (max_token_chars) is 1000" in message(response), route


def test_control_characters_in_service_inputs_are_422_not_dropped(client):
    response = client.post("/v1/translate", json={"texts": ["a\x00b"], "src_lang": "en", "tgt_lang": "es"})
    assert response.status_code == 422 and "U+0000" in message(response)
    response = client.post("/v1/align", json={"src": [["a\x1b"]], "tgt": [["b"]]})
    assert response.status_code == 422 and "U+001B" in message(response)


def test_invalid_utf8_bodies_name_the_byte(client):
    response = client.post("/v1/ner/en", content=b'{"texts": ["\xff"]}', headers={"content-type": "application/json"})
    assert response.status_code == 422 and "not valid UTF-8 (byte 12)" in message(response)


def _crashing_app() -> TestClient:
    router = APIRouter()

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    settings = embedded_settings()
    app = create_app(service="test", settings=settings, broker=EmbeddedBroker(settings), routers=[router])
    return TestClient(app, raise_server_exceptions=False)


def test_a_crash_is_one_json_500_with_the_request_id_on_the_response_and_the_log_line():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("xner.http")
    logger.addHandler(handler)
    try:
        with _crashing_app() as c:
            response = c.get("/boom", headers={"X-Request-ID": "req-42"})
            again = c.get("/health")  # the same connection keeps working
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "req-42"
    assert response.json()["error"]["type"] == "internal_error" and "a bug" not in response.text
    assert again.status_code == 200
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    crash = [line for line in lines if line["message"].startswith("internal error")]
    assert len(crash) == 1 and crash[0]["request_id"] == "req-42" and "RuntimeError" in crash[0]["exception"]
    access = [line for line in lines if line["message"].startswith("GET /boom")]
    assert access and access[0]["request_id"] == "req-42" and access[0]["status"] == 500


@pytest.mark.parametrize("sent", ["a b", "x" * 200, "id\nforged-log-line", ""])
def test_a_client_request_id_that_is_not_a_plain_token_is_replaced(client, sent):
    response = client.get("/health", headers={"X-Request-ID": sent})
    assert response.headers["X-Request-ID"] != sent and len(response.headers["X-Request-ID"]) == 32


def test_every_response_carries_a_request_id(client):
    for response in (
        client.get("/health"),
        client.get("/nowhere"),
        client.post("/v1/projections", content=b"{nope", headers={"content-type": "application/json"}),
        client.post("/v1/projections", content=b"x" * 10, headers={"content-type": "text/plain"}),
    ):
        assert response.headers.get("X-Request-ID"), response.status_code


def test_ready_says_when_to_come_back_while_not_ready():
    settings = embedded_settings()
    broker = EmbeddedBroker(settings)
    app = create_app(
        service="test",
        settings=settings,
        broker=broker,
        readiness=lambda: [Check("tagger hf:x", False, "loading")],
        routers=[],
    )
    with TestClient(app) as c:
        response = c.get("/ready")
    assert response.status_code == 503 and response.headers["Retry-After"]
    error = response.json()["error"]
    assert error["message"] == "not ready: tagger hf:x: loading"
    assert error["details"] == {"checks": {"broker": True, "tagger hf:x": False}, "reasons": {"tagger hf:x": "loading"}}


@pytest.mark.parametrize("route", ["/v1/translate", "/v1/ner/en", "/doccano/predict", "/labelstudio/webhook"])
def test_malformed_json_on_typed_routes_is_422_saying_where(client, route):
    response = client.post(route, content=b'{"text": ', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert message(response).startswith("the body is not valid JSON: Expecting value at character")
