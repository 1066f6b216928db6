"""Annotation-platform endpoints against the plain NER route, on 127.0.0.1 only, with bounded request counts.

One ``xner serve`` (embedded queue, spaCy English tagger, identity "translation", eflomal) answers, side by side:
``GET /labelstudio/health`` (Label Studio allows 1 s), ``POST /labelstudio/predict`` with one task and
``POST /doccano/predict`` against ``POST /v1/ner/eng_Latn`` on the same text (the baseline: the adapter's added
milliseconds), and ``/labelstudio/predict?lang=spa_Latn`` (translate-test: four chained jobs).

    python -m bench.platforms [--requests 100]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack

import httpx

from bench.gateway import TAGGER, percentile, serve

TEXT = "😀 Angela Merkel visited Paris on Monday.\r\nBarack Obama lives in Washington."
LABEL_CONFIG = (
    '<View><Labels name="label" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>'
    '<Text name="text" value="$text"/></View>'
)


def timed(call: Callable[[], httpx.Response], requests: int) -> list[float]:
    call()  # warm-up: loads the models
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    env = {**os.environ, "XNER_TRANSLATOR": "identity", "XNER_ALIGNER": "eflomal", "XNER_TAGGER": TAGGER}
    env.pop("XNER_REDIS_URL", None)
    task = {"tasks": [{"id": 1, "data": {"text": TEXT}}], "label_config": LABEL_CONFIG, "project": "1.1"}
    with ExitStack() as stack:
        url = serve(stack, "all", env)
        client = stack.enter_context(httpx.Client(base_url=url, timeout=120))
        rows = {
            "POST /v1/ner/eng_Latn (baseline)": lambda: client.post("/v1/ner/eng_Latn", json={"texts": [TEXT]}),
            "POST /labelstudio/predict": lambda: client.post("/labelstudio/predict", json=task),
            "POST /doccano/predict": lambda: client.post("/doccano/predict", json={"text": TEXT}),
            "POST /labelstudio/predict?lang=spa_Latn": lambda: client.post(
                "/labelstudio/predict?lang=spa_Latn", json=task
            ),
            "GET /labelstudio/health": lambda: client.get("/labelstudio/health"),
        }
        results = {name: timed(call, args.requests) for name, call in rows.items()}
    base = statistics.median(results["POST /v1/ner/eng_Latn (baseline)"])
    print(f"{args.requests} requests each, one task of {len(TEXT)} characters (2 lines)")
    print(f"{'route':42} {'p50 ms':>8} {'p95 ms':>8} {'p50 / baseline':>15}")
    for name, times in results.items():
        p50 = statistics.median(times)
        print(f"{name:42} {p50:8.1f} {percentile(times, 0.95):8.1f} {p50 / base:15.2f}")


if __name__ == "__main__":
    main()
