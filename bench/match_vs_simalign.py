"""SimAlign's Match extraction alone: xner's ``match`` against the ``simalign`` 0.4 package's
``get_max_weight_match`` on the same similarity matrices, identical output required.

    python -m bench.match_vs_simalign [--matrices 300] [--rounds 5] [--seed 0]

The matrices have the shapes of sentence pairs (10 to 60 subwords a side) and cosine-like values in (0, 1], so
the best assignment is unique and xner proves it with one assignment solve (``xner/align/simalign.py``); a tie
would send both sides to networkx. The two sides run in alternating blocks (:mod:`bench.paired`: a warm-up,
then ``--rounds`` each), on one thread; the script prints the median and range of the matrices/s of each side,
the ratio of the medians, and how many outputs are identical.
The forward pass of the encoder is not timed here: ``bench.align_vs_simalign`` times whole aligners.
"""

from __future__ import annotations

import argparse

import numpy as np

from bench.paired import alternate, pin_threads, rates, table
from xner.align.simalign import match

BASELINE = "simalign 0.4 `get_max_weight_match`"


def matrices(count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.05, 1.0, size=tuple(rng.integers(10, 61, size=2))) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matrices", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from simalign.simalign import SentenceAligner

    threads = pin_threads(1)
    reference = SentenceAligner.get_max_weight_match
    inputs = matrices(args.matrices, args.seed)
    same = sum(bool(np.array_equal(match(sim), reference(sim) > 0)) for sim in inputs)
    sides = {
        BASELINE: lambda: [reference(sim) for sim in inputs],
        "xner `match`": lambda: [match(sim) for sim in inputs],
    }
    seconds = alternate(sides, args.rounds)
    print(f"{args.matrices} matrices of 10..60 x 10..60, {args.rounds} alternating rounds; {threads}")
    print(table(rates(seconds, len(inputs)), BASELINE, "matrices/s"))
    print(f"identical: {same}/{len(inputs)}")


if __name__ == "__main__":
    main()
