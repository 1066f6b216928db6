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

#: Seconds to wait for a process to come up: an upper bound only (a loaded machine running the tests in parallel
#: workers can take tens of seconds to import a server's packages), never waited out when the process is up.
STARTUP_TIMEOUT = 60.0

#: Seconds a worker gets to stop before it is killed.
STOP_TIMEOUT = 15.0

#: Seconds after its first SIGTERM that a worker gets RQ's second one (RQ ignores a repeat within a second).
COLD_SHUTDOWN_AFTER = 1.1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = STARTUP_TIMEOUT, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll until something listens on ``port``; with ``process``, fail at once if that process exits first (it
    could not bind: the port was taken meanwhile, e.g. by another test worker), not after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with code {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


PORT_ATTEMPTS = 3
"""Free ports a redis-server tries before giving up (another worker may take one between pick and bind)."""


class PortTaken(RuntimeError):
    """A child server could not bind its port, or something else answers there."""


class RedisServer:
    """A redis-server child process on a loopback port, optionally with AOF persistence."""

    def __init__(self, directory: Path, *, appendonly: bool = False) -> None:
        self.directory = directory
        self.port = free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen[bytes] | None = None
        self.started = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start on :attr:`port`; on the first start, a port taken meanwhile (by another test worker: the free port
        is picked before redis-server binds it) is replaced by a new free one. A restart keeps its port."""
        for attempt in range(PORT_ATTEMPTS):
            try:
                return self._start()
            except PortTaken:
                if self.started or attempt == PORT_ATTEMPTS - 1:
                    raise
                self.port = free_port()
        raise AssertionError("unreachable")

    def _start(self) -> RedisServer:
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
        try:
            wait_for_port(self.port, process=self.process)
            self._check_listener()
        except (RuntimeError, PortTaken) as exc:
            self.stop()
            raise PortTaken(str(exc)) from exc
        self.started = True
        return self

    def _check_listener(self) -> None:
        """The server on :attr:`port` is this child, not someone else's Redis (tests flush what they connect to)."""
        from redis import Redis

        with Redis(host="127.0.0.1", port=self.port, socket_timeout=5) as client:
            pid = int(client.info("server")["process_id"])
        if self.process is None or pid != self.process.pid:
            raise PortTaken(f"127.0.0.1:{self.port} is another process's Redis (pid {pid})")

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
        """RQ's warm shutdown (SIGTERM: a running job finishes, the scheduler child stops, the worker deregisters from
        Redis), waited for as that condition, not as a time. A worker that has deregistered can still linger for up
        to a minute: RQ 3 then joins its pubsub thread, which sleeps up to 60 s between polls and, with redis-py 8,
        is joined without a timeout. Such a worker, its shutdown done, gets RQ's second signal (cold shutdown);
        one still alive after :data:`STOP_TIMEOUT` is killed."""
        alive = [process for process in self.processes if process.poll() is None]
        for process in alive:
            process.terminate()
        signalled = time.monotonic()
        deadline = signalled + STOP_TIMEOUT
        lingering: list[subprocess.Popen[bytes]] = []
        for process in alive:
            while time.monotonic() < deadline and process.poll() is None:
                if self._deregistered(process.pid):
                    lingering.append(process)
                    break
                time.sleep(0.05)
        lingering = [process for process in lingering if process.poll() is None]
        if lingering:
            time.sleep(max(0.0, signalled + COLD_SHUTDOWN_AFTER - time.monotonic()))  # RQ ignores a repeat within 1 s
        for process in lingering:
            if process.poll() is None:
                process.terminate()
        for process in alive:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _deregistered(self, pid: int) -> bool:
        """Whether the worker with ``pid`` has registered its death in Redis (False when that cannot be told)."""
        from redis.backoff import NoBackoff
        from redis.exceptions import RedisError
        from redis.retry import Retry

        from xner.service.broker_rq import redis_client

        try:
            with redis_client(self.redis_url, socket_timeout=2, retry=Retry(NoBackoff(), 0)) as redis:
                for key in redis.scan_iter("rq:worker:*"):
                    if redis.type(key) == b"hash" and redis.hget(key, "pid") == str(pid).encode():
                        return bool(redis.hexists(key, "death"))
        except RedisError:
            return False
        return False


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
        wait_for_port(self.port, process=self.process)
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


UNTIL_TIMEOUT = 60.0
"""Seconds :func:`until` waits by default: an upper bound for a loaded machine running tests in parallel workers;
polling returns as soon as the condition holds."""


def until(condition: Callable[[], bool], timeout: float = UNTIL_TIMEOUT, what: str = "condition") -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not true after {timeout}s")
        time.sleep(0.05)
