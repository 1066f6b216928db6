"""Peak memory of one eflomal alignment block, by phase: what a worker's align job or one ``xner project`` chunk
needs on top of the process.

    python -m bench.eflomal_memory [--pairs 20000]

Europarl-NER en->es repeated to ``--pairs`` sentence pairs (the default is one alignment block,
:data:`~xner.align.defaults.EFLOMAL_BLOCK_SENTENCES`), aligned once by the default aligner in this process while a
thread samples the resident memory every 50 ms. Prints the peak in each phase of the seeded sampler (numbering the
cells, the 2 x runs jobs, the vote) and the process's high-water mark, in MiB.
"""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
from collections.abc import Callable
from typing import Any

from bench.common import rss_mib
from bench.europarl_data import load
from xner import backends
from xner.align import sampler
from xner.align.defaults import EFLOMAL_BLOCK_SENTENCES


class Phases:
    """The peak resident memory seen in each named phase."""

    def __init__(self) -> None:
        self.now = "loaded"
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            here = int(rss_mib(os.getpid()) or 0)
            self.peaks[self.now] = max(self.peaks.get(self.now, 0), here)
            time.sleep(0.05)

    def marking(self, before: str, after: str, call: Callable[..., Any]) -> Callable[..., Any]:
        """``call``, setting the phase to ``before`` while it runs and to ``after`` once it returns."""

        def marked(*args: Any, **kwargs: Any) -> Any:
            self.now = before
            result = call(*args, **kwargs)
            self.now = after
            return result

        return marked

    def __enter__(self) -> Phases:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        time.sleep(0.1)
        self._stop.set()
        self._thread.join()


def run(pairs: int) -> None:
    english, spanish = load("en"), load("es")
    repeat = -(-pairs // len(english))
    src = [s.tokens for s in (english * repeat)[:pairs]]
    tgt = [s.tokens for s in (spanish * repeat)[:pairs]]
    aligner = backends.load("aligner")
    aligner.align(src[:5], tgt[:5])  # kernels compiled or loaded from the cache before measuring
    with Phases() as phases:
        sampler.sample = phases.marking("vocabulary", "vote and links", sampler.sample)
        sampler._cells = phases.marking("cells", "priors", sampler._cells)
        sampler._prior_arrays = phases.marking("priors", "jobs", sampler._prior_arrays)
        aligner.align(src, tgt)
        phases.now = "done"
    high = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{pairs:,} pairs (Europarl-NER en-es repeated), default aligner; resident MiB:")
    print("| phase | peak |")
    print("|---|---:|")
    for phase, peak in phases.peaks.items():
        print(f"| {phase} | {peak:,} |")
    print(f"| high-water mark | {high:,} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=EFLOMAL_BLOCK_SENTENCES, help="sentence pairs in the block")
    run(parser.parse_args().pairs)


if __name__ == "__main__":
    main()
