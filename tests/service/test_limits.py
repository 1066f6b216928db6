"""Every limit of the gateway answers with its status (413/422/429, 503 while the queue store is down) and a
message naming the limit's setting and value; 429s and 503s carry Retry-After. Keys: 401 without, 403 wrong."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from tests.service.clients import embedded_settings
from xner.service.broker_embedded import EmbeddedBroker
from xner.suite import build_app

CONLL = "Kofi\tB-PER\nAnnan\tI-PER\n\nAccra\tB-LOC\n\nHello\tO\n\n"


class PausedBroker(EmbeddedBroker):
    """An embedded broker whose queues never run: submitted jobs stay queued."""

    def _ensure_thread(self, queue: str) -> None:
        return None


class DownBroker(EmbeddedBroker):
    """An embedded broker whose store is unreachable."""

    outage_errors = (ConnectionRefusedError,)

    def load_record(self, key: str) -> dict[str, Any] | None:
        raise ConnectionRefusedError("connection refused")


@contextmanager
def gateway(broker_class: type[EmbeddedBroker] = PausedBroker, **overrides: Any) -> Iterator[TestClient]:
    settings = embedded_settings(**{"chunk_size": 2, **overrides})
    broker = broker_class(settings)
    with TestClient(build_app("gateway", settings, broker), raise_server_exceptions=False) as client:
        yield client
    broker.close()


def body(data: str = CONLL, fmt: str = "conll", **extra: Any) -> dict[str, Any]:
    return {"source_lang": "en", "target_lang": "es", "corpus": {"format": fmt, "data": data}, **extra}


def message(response: Any) -> str:
    return str(response.json()["error"]["message"])


def test_size_limits_name_the_setting_and_value():
    with gateway(max_body_bytes=4000, max_sentences_per_job=2, max_tokens_per_sentence=3) as c:
        big = c.post("/v1/projections", json=body("x " * 3000, "text"))
        assert big.status_code == 413 and "the limit (max_body_bytes) is 4000 bytes" in message(big)
        many = c.post("/v1/projections", json=body("a\nb\nc\n", "text"))
        assert many.status_code == 413
        assert "corpus has more than 2 sentences; the limit (max_sentences_per_job) is 2" in message(many)
        long = c.post("/v1/projections", json=body("a\nb c d e\n", "text"))
        assert long.status_code == 422
        assert "corpus: sentence 2 (line 2) has 4 tokens; the limit (max_tokens_per_sentence) is 3" in message(long)
        long_target = c.post(
            "/v1/projections", json=body("a\nb\n", "text", target={"format": "text", "data": "a\nb c d e\n"})
        )
        assert long_target.status_code == 422 and message(long_target).startswith("target: sentence 2")


def test_concurrent_jobs_per_key_get_429_with_retry_after():
    with gateway(api_keys=["k1", "k2"], max_concurrent_jobs_per_key=1, retry_after=7) as c:
        k1, k2 = {"Authorization": "Bearer k1"}, {"Authorization": "Bearer k2"}
        first = c.post("/v1/projections", json=body(), headers=k1)
        assert first.status_code == 202
        second = c.post("/v1/projections", json=body("Other\tO\n"), headers=k1)
        assert second.status_code == 429 and second.headers["Retry-After"] == "7"
        assert (
            "1 jobs or requests are queued or running for this key; the limit (max_concurrent_jobs_per_key) is 1"
            in (message(second))
        )
        assert c.post("/v1/projections", json=body("Other\tO\n"), headers=k2).status_code == 202  # per key
        assert c.post("/v1/projections", json=body(), headers=k1).status_code == 200  # a re-submission is no new job
        c.delete(f"/v1/jobs/{first.json()['job_id']}", headers=k1)
        assert c.post("/v1/projections", json=body("Other\tO\n"), headers=k1).status_code == 202  # the slot is free


def test_long_queues_push_back_with_429_and_retry_after():
    with gateway(max_queue_length=2, retry_after=11) as c:
        assert c.post("/v1/projections", json=body()).status_code == 202  # two translate chunks now wait
        pushed = c.post("/v1/projections", json=body("Other\tO\n"))
        assert pushed.status_code == 429 and pushed.headers["Retry-After"] == "11"
        assert "queue translate holds 2 jobs and the request adds 1; the limit (max_queue_length) is 2" in message(
            pushed
        )


def test_a_request_fanning_out_past_a_queue_limit_is_413_before_any_job():
    with gateway(max_queue_length=5) as c:  # 3 sentences in chunks of 2, to 3 languages: 6 translate jobs
        response = c.post("/v1/projections", json=body(target_lang=["es", "it", "de"]))
        assert response.status_code == 413
        assert "the request adds 6 jobs to queue translate; the limit (max_queue_length) is 5" in message(response)
        assert c.app.state.broker.queue_length("translate") == 0


def test_an_unreachable_queue_store_is_503_with_retry_after():
    with gateway(DownBroker) as c:
        response = c.post("/v1/projections", json=body())
        assert response.status_code == 503, response.text
        assert response.json()["error"]["type"] == "queue_unavailable" and response.headers["Retry-After"]
        assert c.get("/v1/jobs/abc").status_code == 503
        assert c.get("/health").status_code == 200


def test_keys_guard_every_route_that_does_work_and_leave_operations_open():
    with gateway(api_keys=["k1"]) as c:
        missing = c.post("/v1/projections", json=body())
        assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
        assert "Authorization: Bearer" in message(missing)
        assert c.post("/v1/projections", json=body(), headers={"Authorization": "Bearer k2"}).status_code == 403
        assert c.post("/v1/projections", json=body(), headers={"Authorization": "Basic k1"}).status_code == 401
        for route in ("/v1/jobs/x", "/v1/jobs/x/result", "/v1/languages", "/v1/models"):
            assert c.get(route).status_code == 401, route
        assert c.post("/v1/ner/en", json={"texts": ["a"]}).status_code == 401
        for route in ("/health", "/ready", "/openapi.json"):
            assert c.get(route).status_code == 200, route
        assert c.get("/metrics").status_code == 401  # queue sizes and routes are the operator's business
        assert c.get("/metrics", headers={"Authorization": "Bearer k1"}).status_code == 200


def test_metrics_can_be_made_public_by_the_operator():
    with gateway(api_keys=["k1"], metrics_public=True) as c:
        assert c.get("/metrics").status_code == 200


def test_service_apis_limit_sentences_per_job_too():
    settings = embedded_settings(max_sentences_per_job=2)
    broker = PausedBroker(settings)
    with TestClient(build_app("translate", settings, broker), raise_server_exceptions=False) as c:
        response = c.post("/v1/translate", json={"texts": ["a", "b", "c"], "src_lang": "en", "tgt_lang": "es"})
        assert response.status_code == 413
        assert "the request has 3 sentences; the limit (max_sentences_per_job) is 2" in message(response)
    broker.close()
