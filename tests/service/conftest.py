"""Real processes on loopback: a redis-server per test session, RQ workers as subprocesses.

Everything binds 127.0.0.1 only and is stopped at the end. Tests skip, saying why, when redis-server is absent.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, scope="session")
def _registered_steps() -> None:
    """Every service's steps and the test steps (:data:`tests.service.fake_steps.FAKE_STEPS`) run in this process
    (the embedded broker); RQ workers register the same through :mod:`tests.service.fake_worker`."""
    from tests.service.fake_steps import FAKE_STEPS
    from xner.service import steps
    from xner.suite import register_steps

    register_steps()
    steps.register(FAKE_STEPS)


FAKE_WORKER = "tests.service.fake_worker"
"""Module of the workers tests start: ``xner worker`` plus the test steps."""

#: Seconds to wait for a process to come up.
STARTUP_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class RedisServer:
    """A redis-server child process on a loopback port, optionally with AOF persistence."""

    def __init__(self, directory: Path, *, appendonly: bool = False) -> None:
        self.directory = directory
        self.port = free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            "always",
            "--dir",
            str(self.directory),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def crash(self) -> None:
        """SIGKILL: no shutdown, no final save (with AOF and appendfsync always, nothing written is lost)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server); skipping tests that need Redis")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The session's Redis, flushed before each test."""
    from redis import Redis

    Redis.from_url(redis_server.url).flushall()
    yield redis_server.url


def worker_env(redis_url: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "XNER_REDIS_URL": redis_url, "PYTHONPATH": str(REPO), **extra}
    env.setdefault("XNER_RETRY_INTERVALS", "[0]")
    return env


class Workers:
    """Start RQ workers (``xner worker``) as subprocesses; stop them all at the end."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(
        self, queue: str, *, preload: bool = False, module: str | None = None, **env: str
    ) -> subprocess.Popen[bytes]:
        """``xner worker QUEUE`` that can also run the test steps (:mod:`tests.service.fake_worker`), or
        ``python -m MODULE QUEUE`` (a worker with test faults)."""
        command = [sys.executable, "-m", FAKE_WORKER, queue, "--no-preload" if not preload else "--preload"]
        if module is not None:
            command = [sys.executable, "-m", module, queue]
        process = subprocess.Popen(command, cwd=REPO, env=worker_env(self.redis_url, **env))
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(redis_url: str) -> Iterator[Workers]:
    pool = Workers(redis_url)
    yield pool
    pool.stop()


class Api:
    """``xner serve --service NAME`` under uvicorn on a free loopback port (or ``port``)."""

    def __init__(self, service: str, redis_url: str, settings: dict[str, str], port: int | None = None) -> None:
        import httpx

        self.port = port or free_port()
        env = worker_env(redis_url, **settings)
        command = [sys.executable, "-m", "xner", "serve", "--service", service, "--port", str(self.port)]
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60)

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=15)


STATUSES = {"projected", "partial", "dropped", "failed"}
"""Every status a result record may have."""


def assert_nothing_lost(records: list[dict], sentences: list[list[str]]) -> None:
    """Exactly one record per input sentence, in order, each with a status and (unless projected) a reason; a
    failed record carries the input sentence's tokens."""
    assert len(records) == len(sentences), f"{len(records)} records for {len(sentences)} sentences"
    for index, (record, tokens) in enumerate(zip(records, sentences, strict=True)):
        assert record["index"] == index, record
        projection = record["meta"]["projection"]
        assert projection["status"] in STATUSES, record
        if projection["status"] != "projected":
            assert projection.get("reason"), record
        if projection["status"] == "failed":
            assert record["tokens"] == tokens, record
        else:
            assert bool(record["tokens"]) == bool(tokens), record  # an empty sentence stays empty, others do not


UNTIL_TIMEOUT = 20.0
"""Seconds :func:`until` waits by default."""


def until(condition: Callable[[], bool], timeout: float = UNTIL_TIMEOUT, what: str = "condition") -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not true after {timeout}s")
        time.sleep(0.05)
