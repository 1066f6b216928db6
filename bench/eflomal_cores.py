"""eflomal on every core: the seeded sampler's 2 x runs jobs on one thread against one thread per core.

    python -m bench.eflomal_cores [--lang es] [--pairs 799] [--runs 5] [--rounds 3]

The default aligner runs ``EFLOMAL_RUNS`` independent runs in both directions; the sampler's numba kernels release
the GIL, so the 2 x runs jobs share a pool of threads, one per core (:func:`xner.align.sampler.sample`).
The baseline is the same call on one thread (the single-process path of the eflomal binary: one job after the
other). Both align Europarl-NER English -> LANG (``--pairs`` pairs, the side repeated when more are asked for) in
alternating rounds; the bench prints the median seconds of each, the ratio one thread / all cores, and checks
that both gave the same links (the thread count never changes them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.europarl_data import load
from xner.align._eflomal_run import EflomalSettings
from xner.align.sampler import sample, warm_up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", default="es")
    parser.add_argument("--pairs", type=int, default=799)
    parser.add_argument("--runs", type=int, default=5, help="eflomal runs (2 x runs jobs)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    warm_up()
    english, target = load("en"), load(args.lang)
    repeat = -(-args.pairs // len(english))
    src = [s.tokens for s in english * repeat][: args.pairs]
    tgt = [t.tokens for t in target * repeat][: args.pairs]
    cores = os.cpu_count() or 1
    seconds: dict[int, list[float]] = {1: [], cores: []}
    links = {}
    for _ in range(args.rounds):
        for threads in seconds:
            start = time.perf_counter()
            links[threads] = sample(
                src, tgt, settings=EflomalSettings(), seed=0, runs=args.runs, threads=threads
            ).alignments()
            seconds[threads].append(time.perf_counter() - start)
    one, every = statistics.median(seconds[1]), statistics.median(seconds[cores])
    print(f"en-{args.lang}, {args.pairs:,} pairs, {args.runs} runs x 2 directions, {args.rounds} alternating rounds")
    print("| threads | median seconds | range | pairs/s |\n|---:|---:|---:|---:|")
    for threads, times in seconds.items():
        median = statistics.median(times)
        print(f"| {threads} | {median:.1f} | {min(times):.1f}-{max(times):.1f} | {args.pairs / median:,.0f} |")
    print(f"all {cores} cores / one thread: {one / every:.2f}x faster; same links: {links[1] == links[cores]}")


if __name__ == "__main__":
    main()
