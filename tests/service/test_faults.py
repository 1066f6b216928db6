"""Faults with real processes on 127.0.0.1: a worker SIGKILLed mid-chunk, redis-server crashed and restarted (AOF,
appendfsync always), the gateway crashed and restarted mid-job, a translate chunk that fails for good. In each case
the job completes and its output has exactly one record per input sentence, with status and reason."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.service.conftest import Api, RedisServer, Workers, assert_nothing_lost
from tests.service.fake_steps import FAIL_TOKEN

FAULT_WORKER = "tests.service.fault_worker"
SETTINGS = {
    "XNER_TRANSLATOR": "identity",
    "XNER_ALIGNER": "eflomal",
    "XNER_CHUNK_SIZE": "2",
    "XNER_RETRY_MAX": "2",
    "XNER_RETRY_INTERVALS": "[0]",
    "XNER_HEARTBEAT_INTERVAL": "0.5",  # a dead worker's job is abandoned 2 s after its last heartbeat
    "XNER_MAINTENANCE_INTERVAL": "1",  # and re-enqueued by the next registry cleanup, within a second or so
    "XNER_LOG_LEVEL": "WARNING",
}
WAIT = 45.0
"""Longest a test waits for a job (it stops by itself)."""


def sentences(n: int, *, fail_at: int | None = None) -> list[list[str]]:
    return [
        ["Kofi", "Annan", "visited", FAIL_TOKEN if i == fail_at else f"Accra{i}", "."] if i % 2 else ["Hello", str(i)]
        for i in range(n)
    ]


def conll(corpus: list[list[str]]) -> str:
    tags = {"Kofi": "B-PER", "Annan": "I-PER"}
    return "".join(
        "".join(f"{t}\t{tags.get(t, 'B-LOC' if t.startswith('Accra') else 'O')}\n" for t in s) + "\n" for s in corpus
    )


def body(corpus: list[list[str]]) -> dict:
    return {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": conll(corpus)}}


@pytest.fixture
def aof_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path, appendonly=True).start()
    yield server
    server.stop()


@pytest.fixture
def pool(aof_redis: RedisServer) -> Iterator[Workers]:
    workers = Workers(aof_redis.url)
    yield workers
    workers.stop()


@pytest.fixture
def started(tmp_path: Path) -> Path:
    """Where the fault worker leaves a marker per translate attempt."""
    path = tmp_path / "started"
    path.mkdir()
    return path


@contextmanager
def running_gateway(redis: RedisServer, port: int | None = None, url: str | None = None) -> Iterator[Api]:
    """A gateway on ``redis`` (or on ``url``: a Sentinel URL)."""
    api = Api("gateway", url or redis.url, SETTINGS, port=port)
    try:
        yield api
    finally:
        api.stop()


def start_suite(pool: Workers, started: Path, *, translate_workers: int = 1, delay: str = "0") -> None:
    faults = {**SETTINGS, "XNER_TEST_STARTED_DIR": str(started), "XNER_TEST_STEP_DELAY": delay}
    for _ in range(translate_workers):
        pool.start("translate", module=FAULT_WORKER, **faults)
    pool.start("align", **SETTINGS)
    pool.start("project", **SETTINGS)


def attempts(started: Path) -> list[tuple[int, list[list[str]]]]:
    """(worker pid, chunk sentences) of every translate attempt so far."""
    found = []
    for marker in started.glob("*.json"):
        try:
            found.append((int(marker.name.split("-")[0]), json.loads(marker.read_text())))
        except ValueError:  # being written
            continue
    return found


def wait_until(condition, what: str, timeout: float = WAIT) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def finish(client: httpx.Client, job_id: str) -> tuple[dict, list[dict]]:
    """Poll until the job is done (riding out 503s while Redis restarts); return its state and records."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            response = client.get(f"/v1/jobs/{job_id}")
        except httpx.TransportError:
            time.sleep(0.1)
            continue
        assert response.status_code in (200, 503), response.text  # never a 500
        if response.status_code == 200 and response.json()["status"] not in ("queued", "running"):
            result = client.get(f"/v1/jobs/{job_id}/result")
            assert result.status_code == 200, result.text
            return response.json(), [json.loads(line) for line in result.text.splitlines()]
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not done after {WAIT}s")


@pytest.mark.slow
def test_a_worker_killed_mid_chunk_has_its_chunk_retried_on_another(aof_redis, pool, started):
    start_suite(pool, started, translate_workers=2, delay="1.5")
    with running_gateway(aof_redis) as gateway:
        corpus = sentences(8)
        job = gateway.client.post("/v1/projections", json=body(corpus)).json()["job_id"]
        wait_until(lambda: attempts(started), "a translate chunk to start")
        victim, chunk = attempts(started)[0]
        os.kill(victim, signal.SIGKILL)
        state, records = finish(gateway.client, job)
        assert state["status"] == "finished" and state["errors"] == []
        assert_nothing_lost(records, corpus)
        assert {r["meta"]["projection"]["status"] for r in records} == {"projected"}
        assert any(pid != victim and sents == chunk for pid, sents in attempts(started))  # rerun elsewhere


@pytest.mark.slow
def test_redis_crash_and_restart_loses_no_job(aof_redis, pool, started):
    start_suite(pool, started, delay="0.5")
    with running_gateway(aof_redis) as gateway:
        corpus = sentences(10)
        job = gateway.client.post("/v1/projections", json=body(corpus)).json()["job_id"]
        wait_until(lambda: attempts(started), "a translate chunk to start")
        aof_redis.crash()
        time.sleep(1.0)  # the outage's length (not a wait): the workers and the gateway meet a dead Redis
        aof_redis.start()  # same port, same directory: the AOF is replayed
        state, records = finish(gateway.client, job)
        assert state["status"] == "finished" and state["errors"] == []
        assert_nothing_lost(records, corpus)
        assert {r["meta"]["projection"]["status"] for r in records} == {"projected"}
        again = gateway.client.post("/v1/projections", json=body(corpus))
        assert again.status_code == 200 and again.json()["job_id"] == job  # the corpus record survived


@pytest.mark.slow
def test_a_gateway_crash_mid_job_is_survived_by_retrying_the_same_request(aof_redis, pool, started):
    """The gateway keeps no state of its own: jobs and records live in Redis. A client whose gateway died retries
    its POST; the request's content id deduplicates it to the running job, and polling resumes."""
    start_suite(pool, started, delay="0.3")
    corpus = sentences(8)
    with running_gateway(aof_redis) as first:
        accepted = first.client.post("/v1/projections", json=body(corpus))
        assert accepted.status_code == 202
        job = accepted.json()["job_id"]
        wait_until(lambda: attempts(started), "a translate chunk to start")
        first.process.kill()  # a crash: no shutdown
    with running_gateway(aof_redis, port=first.port) as second:
        retried = second.client.post("/v1/projections", json=body(corpus))
        assert retried.status_code == 200, retried.text
        assert retried.json()["job_id"] == job
        state, records = finish(second.client, job)
        assert state["status"] == "finished"
        assert_nothing_lost(records, corpus)
        assert len(attempts(started)) == 4  # each chunk translated once: the retry enqueued nothing again


@pytest.mark.slow
def test_a_failed_chunk_under_a_corpus_level_aligner_fails_only_its_sentences(aof_redis, pool, started):
    start_suite(pool, started)
    with running_gateway(aof_redis) as gateway:
        corpus = sentences(8, fail_at=5)  # chunk 2 (sentences 4 and 5) fails on every attempt
        job = gateway.client.post("/v1/projections", json=body(corpus)).json()["job_id"]
        state, records = finish(gateway.client, job)
        assert state["status"] == "finished"
        assert [(e["step"], "crashed" in e["reason"]) for e in state["errors"]] == [("translate", True)]
        assert state["progress"]["done"] == state["progress"]["total"]
        assert_nothing_lost(records, corpus)
        statuses = [r["meta"]["projection"]["status"] for r in records]
        assert statuses == ["projected"] * 4 + ["failed"] * 2 + ["projected"] * 2
        assert "crashed" in records[5]["meta"]["projection"]["reason"]
        assert records[5]["spans"] == []  # no source label poses as a projected one
        assert [s["label"] for s in records[5]["meta"]["source"]["spans"]] == ["PER"]  # the input, with its labels
        assert sum(1 for _, chunk in attempts(started) if any(FAIL_TOKEN in s for s in chunk)) == 3  # 1 + 2 retries
