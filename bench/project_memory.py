"""Memory of a project worker's step over many jobs of new words: do its caches level off?

    python -m bench.project_memory [--jobs 36000] [--every 4000] [--sentences 8]

Runs the project service's step in this process on the corpus jobs ``bench.load`` submits (8 sentences, one new
word per sentence, translate mode with the identity translator, so targets are the sources and the links diagonal)
and prints the process's resident memory every ``--every`` jobs, and its ratio to the memory before the first job.
The memo caches of projection are bounded, so the curve must flatten once they are full.
"""

from __future__ import annotations

import argparse
import os
import time

from bench.common import rss_mib
from bench.load import corpus
from services.project.jobs import project_step
from xner.formats import read_string
from xner.formats.jsonl import sentence_record


def resident_mib() -> float:
    """This process's resident memory in MiB (Linux)."""
    return rss_mib(os.getpid()) or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=36000)
    parser.add_argument("--every", type=int, default=4000)
    parser.add_argument("--sentences", type=int, default=8)
    args = parser.parse_args()
    started = time.perf_counter()
    baseline = resident_mib()  # the process before its first job
    print(f"{'jobs':>8}{'RSS MiB':>10}{'vs start':>10}{'seconds':>10}")
    print(f"{0:>8}{baseline:>10.1f}{1:>9.2f}x{0:>10.0f}")
    for job in range(1, args.jobs + 1):
        sentences = read_string(corpus(0, job, args.sentences), "conll")
        tokens = [s.tokens for s in sentences]
        payload = {
            "sources": [sentence_record(s) for s in sentences],
            "targets": tokens,
            "alignments": [[[i, i] for i in range(len(t))] for t in tokens],
            "offset": 0,
            "method": "candidates",
        }
        project_step(payload, [])
        if job % args.every == 0:
            rss = resident_mib()
            print(f"{job:>8}{rss:>10.1f}{rss / baseline:>9.2f}x{time.perf_counter() - started:>10.0f}", flush=True)


if __name__ == "__main__":
    main()
