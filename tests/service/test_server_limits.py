"""The limits of a real server process on 127.0.0.1: header and body deadlines, client disconnects, a Redis outage,
and admission that stays atomic under concurrent requests (Redis mode). Every loop is bounded."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.service.conftest import REPO, Api, free_port, until, wait_for_port, worker_env
from xner.service.admission import Admitted, RedisAdmission
from xner.service.broker_rq import RQBroker
from xner.service.settings import Settings


class Server:
    """``xner serve`` as a child process, its log in a file."""

    def __init__(self, tmp: Path, service: str = "all", **env: str) -> None:
        self.port = free_port()
        self.log = tmp / f"server-{self.port}.log"
        environment = worker_env(env.pop("XNER_REDIS_URL", ""), **env)
        if not environment["XNER_REDIS_URL"]:
            environment.pop("XNER_REDIS_URL")
        command = [sys.executable, "-m", "xner", "serve", "--service", service, "--port", str(self.port)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=environment, stderr=log, stdout=log)
        wait_for_port(self.port, process=self.process)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def post_concurrently(url: str, bodies: list[dict], key: str, threads: int = 24) -> list[int]:
    """POST every body at once from ``threads`` threads; the statuses in order."""

    def post(body: dict) -> int:
        return httpx.post(url, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=60).status_code

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(post, bodies))


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path, XNER_HEADER_TIMEOUT="1", XNER_BODY_TIMEOUT="1", XNER_TRANSLATOR="identity")
    yield server
    server.stop()


def closed_within(sock: socket.socket, seconds: float) -> bytes | None:
    """What the server sent before closing the connection, or ``None`` if it is still open after ``seconds``."""
    sock.settimeout(seconds)
    received = b""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        return received
    return None


def test_connections_that_never_finish_their_headers_are_closed(embedded):
    sockets = [socket.create_connection(("127.0.0.1", embedded.port)) for _ in range(50)]
    try:
        for index, sock in enumerate(sockets):
            if index % 2:
                sock.sendall(b"POST /v1/projections HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # half a header
        started = time.monotonic()
        outcomes = [closed_within(sock, 6.0) for sock in sockets]
        assert all(outcome is not None for outcome in outcomes), "a half-open connection was still held"
        assert time.monotonic() - started < 8
    finally:
        for sock in sockets:
            sock.close()
    assert httpx.get(f"{embedded.url}/health", timeout=5).status_code == 200


def test_a_body_that_does_not_arrive_in_time_is_408(embedded):
    sock = socket.create_connection(("127.0.0.1", embedded.port))
    try:
        sock.sendall(
            b"POST /v1/projections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"source_lang": '
        )
        answer = closed_within(sock, 6.0)
    finally:
        sock.close()
    assert answer is not None and answer.startswith(b"HTTP/1.1 408"), answer
    assert b"body_timeout" in answer and b"x-request-id" in answer.lower()


def test_clients_that_go_away_mid_body_are_not_errors(embedded):
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", embedded.port)) as sock:
            sock.sendall(b'POST /v1/projections HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{"a": ')
    assert httpx.get(f"{embedded.url}/health", timeout=5).status_code == 200
    until(lambda: embedded.log.read_text().count("client disconnected") >= 20, timeout=5, what="20 disconnects logged")
    log = embedded.log.read_text()
    assert log.count("client disconnected") == 20
    assert "Traceback" not in log and '"level": "ERROR"' not in log


def in_flight(futures: list[Future[httpx.Response]]) -> int:
    return sum(1 for future in futures if not future.done())


def test_a_redis_outage_does_not_starve_health_ready_or_metrics(tmp_path):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    server = Server(tmp_path, "gateway", XNER_REDIS_URL=dead, XNER_METRICS_PUBLIC="true")
    body = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "text", "data": "a b\n"}}
    pool = ThreadPoolExecutor(60)
    try:
        with httpx.Client(base_url=server.url, timeout=90) as client:
            stuck = [pool.submit(client.post, "/v1/projections", json=body) for _ in range(60)]
            with httpx.Client(base_url=server.url, timeout=10) as probe:
                for _ in range(5):
                    assert probe.get("/health").status_code == 200
                ready = probe.get("/ready")
                assert ready.status_code == 503 and ready.headers["Retry-After"]
                assert "127.0.0.1" not in ready.text
                metrics = probe.get("/metrics")
                assert metrics.status_code in (200, 503)
                if metrics.status_code == 200:
                    assert "xner_broker_up 0.0" in metrics.text
            # answered while the submissions still wait on the dead Redis (about half a minute of retries), so
            # the probes were not queued behind them: an order, not a timing
            assert in_flight(stuck) > 30
    finally:
        server.stop()
        pool.shutdown(wait=True, cancel_futures=True)
    for future in stuck:
        exception = future.exception()
        if exception is None:
            response = future.result()
            assert response.status_code == 503 and "127.0.0.1" not in response.text


def test_the_per_key_quota_is_atomic_across_concurrent_requests(redis_url):
    api = Api(
        "gateway",
        redis_url,
        {"XNER_API_KEYS": "k1", "XNER_MAX_CONCURRENT_JOBS_PER_KEY": "8", "XNER_TRANSLATOR": "apertium"},
    )
    try:
        bodies = [
            {"source_lang": "en", "target_lang": "es", "corpus": {"format": "text", "data": f"sentence {index}\n"}}
            for index in range(40)
        ]
        statuses = post_concurrently(f"http://127.0.0.1:{api.port}/v1/projections", bodies, "k1")
    finally:
        api.stop()
    assert statuses.count(202) == 8 and statuses.count(429) == 32, statuses


def test_service_apis_push_back_when_their_queue_is_full(redis_url):
    settings = {
        "XNER_MAX_QUEUE_LENGTH": "20",
        "XNER_SYNC_TIMEOUT": "0.05",
        "XNER_MAX_CONCURRENT_JOBS_PER_KEY": "1000",
        "XNER_TRANSLATOR": "apertium",
        "XNER_RETRY_AFTER": "9",
    }
    api = Api("translate", redis_url, settings)
    try:
        body = {"texts": ["a b"], "src_lang": "en", "tgt_lang": "es"}
        responses = [api.client.post("/v1/translate", json=body) for _ in range(30)]
    finally:
        api.stop()
    statuses = [response.status_code for response in responses]
    assert statuses.count(202) == 20 and statuses.count(429) == 10, statuses
    refused = responses[-1]
    assert refused.headers["Retry-After"] == "9"
    assert "queue translate holds 20 jobs and the request adds 1" in refused.json()["error"]["message"]


def test_redis_admission_never_admits_past_the_limits(redis_url):
    broker = RQBroker(Settings(redis_url=redis_url))
    admission = broker.admission
    assert isinstance(admission, RedisAdmission)
    barrier = threading.Barrier(40)

    def quota(index: int) -> bool:
        barrier.wait()
        verdict = admission.admit("owner", f"job:{index}", limit=8, ttl=60, jobs={}, max_backlog=100)
        return isinstance(verdict, Admitted)

    with ThreadPoolExecutor(40) as pool:
        assert sum(pool.map(quota, range(40))) == 8

    def reserve(index: int) -> bool:
        verdict = admission.admit(f"o{index}", None, limit=1, ttl=60, jobs={"translate": 3}, max_backlog=10)
        return isinstance(verdict, Admitted)

    with ThreadPoolExecutor(20) as pool:
        assert sum(pool.map(reserve, range(20))) == 3  # 3 x 3 reserved jobs fit in 10, a fourth would not


def test_the_quota_counts_work_whose_jobs_are_still_being_enqueued(redis_url):
    """Admitted work whose jobs do not exist yet must not be pruned as finished by a concurrent request."""
    settings = {
        "XNER_API_KEYS": "k1",
        "XNER_MAX_CONCURRENT_JOBS_PER_KEY": "8",
        "XNER_SYNC_TIMEOUT": "0.05",
        "XNER_TRANSLATOR": "apertium",
    }
    api = Api("translate", redis_url, settings)
    try:
        bodies = [{"texts": [f"text {index}"], "src_lang": "en", "tgt_lang": "es"} for index in range(48)]
        statuses = post_concurrently(f"http://127.0.0.1:{api.port}/v1/translate", bodies, "k1")
    finally:
        api.stop()
    assert statuses.count(202) == 8 and statuses.count(429) == 40, statuses
