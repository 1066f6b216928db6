"""Load and soak test of the gateway: N concurrent clients for a bounded time, on 127.0.0.1 only.

Each client submits a small corpus job (distinct content, so nothing is deduplicated), polls it until it is done,
fetches the result and checks it has exactly one record per input sentence. At the end it prints throughput,
job latency p50/p95/p99, requests by status, error counts, and the resident memory (RSS) of the server processes
sampled over the run (flat memory = no leak).

Without ``--url`` it starts its own stack: redis-server, one worker per service (weight-free backends: identity
translator, eflomal) and the gateway. With ``--url`` it drives a running gateway, which must be on loopback.

    python -m bench.load [--clients 4] [--duration 60] [--max-jobs 0] [--sentences 8] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

from bench.common import rss_mib
from bench.gateway import percentile, process, redis, serve

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
POLL_SECONDS = 0.1
"""Seconds between a client's status polls."""
JOB_TIMEOUT = 300.0
"""Seconds a client waits for one job before counting it as an error."""


@dataclass
class Tally:
    """What every client saw, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    sentences: int = 0

    def request(self, response: httpx.Response) -> httpx.Response:
        with self.lock:
            self.statuses[response.status_code] += 1
        return response

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1


def corpus(client: int, job: int, sentences: int) -> str:
    return "".join(
        f"Kofi\tB-PER\nAnnan\tI-PER\nvisited\tO\nAccra\tB-LOC\nwith\tO\nc{client}j{job}s{k}\tO\n.\tO\n\n"
        for k in range(sentences)
    )


def client_loop(url: str, number: int, args: argparse.Namespace, deadline: float, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {args.key}"} if args.key else {}
    with httpx.Client(base_url=url, timeout=60, headers=headers) as http:
        job = 0
        while time.monotonic() < deadline and (not args.max_jobs or job < args.max_jobs):
            job += 1
            body = {
                "source_lang": "en",
                "target_lang": "es",
                "corpus": {"format": "conll", "data": corpus(number, job, args.sentences)},
            }
            started = time.perf_counter()
            try:
                submitted = tally.request(http.post("/v1/projections", json=body))
                if submitted.status_code == 429:
                    time.sleep(float(submitted.headers.get("Retry-After", "1")))
                    continue
                if submitted.status_code not in (200, 202):
                    tally.error(f"submit {submitted.status_code}")
                    continue
                job_id = submitted.json()["job_id"]
                state = wait(http, job_id, tally)
                if state != "finished":
                    tally.error(f"job {state}")
                    continue
                result = tally.request(http.get(f"/v1/jobs/{job_id}/result"))
                records = [json.loads(line) for line in result.text.splitlines()]
                if result.status_code != 200 or len(records) != args.sentences:
                    tally.error("result incomplete")
                    continue
                if any(r["meta"]["projection"]["status"] != "projected" for r in records):
                    tally.error("sentence not projected")
                    continue
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                tally.error(type(exc).__name__)
                continue
            with tally.lock:
                tally.latencies.append((time.perf_counter() - started) * 1000)
                tally.sentences += args.sentences


def wait(http: httpx.Client, job_id: str, tally: Tally) -> str:
    give_up = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < give_up:
        response = tally.request(http.get(f"/v1/jobs/{job_id}"))
        if response.status_code != 200:
            return f"status {response.status_code}"
        state = str(response.json()["status"])
        if state not in ("queued", "running"):
            return state
        time.sleep(POLL_SECONDS)
    return "timed out"


def start_stack(stack: ExitStack, directory: str) -> tuple[str, dict[str, int]]:
    """redis-server, one worker per service and the gateway on loopback; returns the URL and the pids."""
    base = {
        **os.environ,
        "XNER_TRANSLATOR": "identity",
        "XNER_ALIGNER": "eflomal",
        "XNER_LOG_LEVEL": "WARNING",
        "XNER_RESULT_TTL": "120",  # finished jobs expire during the soak, so Redis memory can level off
        "XNER_FAILURE_TTL": "120",
    }
    env = {**base, "XNER_REDIS_URL": redis(stack, directory)}
    pids = {"redis": 0}
    for queue in ("translate", "align", "project"):
        worker = stack.enter_context(process([sys.executable, "-m", "xner", "worker", queue], env))
        pids[f"{queue} worker"] = worker.pid
    url = serve(stack, "gateway", env)
    pids["gateway"] = _listener_pid(url)
    pids["redis"] = _listener_pid(env["XNER_REDIS_URL"])
    with httpx.Client(base_url=url, timeout=10) as http:
        deadline = time.monotonic() + 120
        while http.get("/ready").status_code != 200:
            if time.monotonic() > deadline:
                raise SystemExit("the gateway never became ready")
            time.sleep(0.2)
    return url, pids


def _listener_pid(url: str) -> int:
    """The pid of the process listening on the URL's port (from /proc/net/tcp), 0 if unknown."""
    port = urlparse(url).port
    inodes = set()
    try:
        with open("/proc/net/tcp") as table:
            for line in list(table)[1:]:
                parts = line.split()
                if int(parts[1].split(":")[1], 16) == port and parts[3] == "0A":  # LISTEN
                    inodes.add(parts[9])
    except OSError:
        return 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(pid)
        except OSError:
            continue
    return 0


def memory_line(pids: dict[str, int]) -> str:
    parts = []
    for name, pid in pids.items():
        rss = rss_mib(pid) if pid else None
        parts.append(f"{name} {rss:.1f}" if rss is not None else f"{name} n/a")
    return ", ".join(parts)


def run(url: str, pids: dict[str, int], args: argparse.Namespace) -> int:
    tally = Tally()
    start_rss = {name: rss_mib(pid) if pid else None for name, pid in pids.items()}
    print(f"RSS at start (MiB): {memory_line(pids)}", flush=True)
    started = time.monotonic()
    deadline = started + args.duration
    threads = [
        threading.Thread(target=client_loop, args=(url, n, args, deadline, tally), daemon=True)
        for n in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    next_sample = started + args.sample
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.5)
        if time.monotonic() >= next_sample:
            next_sample += args.sample
            with tally.lock:
                done = len(tally.latencies)
            print(f"  t={time.monotonic() - started:6.0f}s jobs={done} RSS (MiB): {memory_line(pids)}", flush=True)
    for thread in threads:
        thread.join(timeout=JOB_TIMEOUT)
    elapsed = time.monotonic() - started
    end_rss = {name: rss_mib(pid) if pid else None for name, pid in pids.items()}

    latencies = tally.latencies
    print(f"\n{args.clients} clients, {elapsed:.0f} s, {args.sentences} sentences per job")
    print(f"jobs completed: {len(latencies)}  ({len(latencies) / elapsed:.2f} jobs/s, {tally.sentences / elapsed:.1f} "
          "sentences/s)")  # fmt: skip
    if latencies:
        print(
            f"job latency ms: p50 {statistics.median(latencies):.0f}  p95 {percentile(latencies, 0.95):.0f}  "
            f"p99 {percentile(latencies, 0.99):.0f}"
        )
    print("requests by status: " + ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items())))
    errors = sum(tally.errors.values())
    print(f"errors: {errors}" + (f" ({dict(tally.errors)})" if errors else ""))
    print("RSS start -> end (MiB): " + ", ".join(
        f"{name} {start_rss[name] or 0:.1f} -> {end_rss[name] or 0:.1f}" for name in pids
    ))  # fmt: skip
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds to run (bounded)")
    parser.add_argument("--max-jobs", type=int, default=0, help="jobs per client at most (0 = until --duration)")
    parser.add_argument("--sentences", type=int, default=8, help="sentences per job")
    parser.add_argument("--sample", type=float, default=60.0, help="seconds between memory samples")
    parser.add_argument("--url", help="a running gateway on loopback (default: start a local stack)")
    parser.add_argument("--key", default=os.environ.get("XNER_LOAD_KEY", ""), help="API key, if the gateway needs one")
    args = parser.parse_args()
    if args.url:
        host = urlparse(args.url).hostname or ""
        if host not in LOOPBACK:
            raise SystemExit(f"--url must be on loopback ({', '.join(sorted(LOOPBACK))}), not {host!r}")
        sys.exit(run(args.url.rstrip("/"), {"gateway": _listener_pid(args.url)}, args))
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed")
    with ExitStack() as stack, tempfile.TemporaryDirectory() as directory:
        url, pids = start_stack(stack, directory)
        code = run(url, pids, args)
    sys.exit(code)


if __name__ == "__main__":
    main()
