"""What aligning in chunks costs eflomal: projection F1 on Europarl-NER when the corpus is aligned a chunk at a time.

    python -m bench.eflomal_chunks [--langs de,es,it] [--chunks 100,200,400,799]

``xner project`` aligns ``--chunk-size`` sentence pairs at a time (memory stays flat), so eflomal learns from one
chunk, not from the whole corpus. This bench aligns English -> LANG in consecutive chunks of each size (the last
chunk is what is left) with the default aligner (seeded eflomal, orthographic priors, 5 runs voted and filled),
projects the English gold with the default method (candidates + exact matching) and scores it against the
language's gold (F1 x 100). The whole side in one piece (799 pairs) is the baseline, printed in the same run; the
columns are F1, its difference from the baseline, and sentences/s (eflomal's iterations fall with the square root
of the chunk's size, so small chunks cost more time per sentence).
"""

from __future__ import annotations

import argparse
import time

from bench.eflomal_seeded import f1
from bench.europarl_data import load
from xner import backends
from xner.corpus import Sentence
from xner.project.links import Link, align_links


def chunked_links(src: list[Sentence], tgt: list[Sentence], size: int) -> tuple[list[list[Link]], float]:
    """Links from the default aligner over consecutive chunks of ``size`` pairs, and the seconds it took."""
    aligner = backends.load("aligner", None)
    links: list[list[Link]] = []
    start = time.perf_counter()
    for first in range(0, len(src), size):
        chunk = slice(first, first + size)
        links += align_links(aligner, [s.tokens for s in src[chunk]], [t.tokens for t in tgt[chunk]])
    return links, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--langs", default="de,es,it")
    parser.add_argument("--chunks", default="100,200,400,799", help="chunk sizes (the largest is the baseline)")
    args = parser.parse_args()
    sizes = sorted(int(x) for x in args.chunks.split(","))
    english = load("en")
    print("| target | chunk (pairs) | F1 | vs one piece | sentences/s |")
    print("|---|---:|---:|---:|---:|")
    for lang in args.langs.split(","):
        gold = load(lang)
        whole, seconds = chunked_links(english, gold, len(gold))
        baseline = f1(english, gold, whole)
        rows = [(len(gold), baseline, seconds)]
        for size in sizes:
            if size < len(gold):
                links, seconds = chunked_links(english, gold, size)
                rows.append((size, f1(english, gold, links), seconds))
        for size, score, seconds in sorted(rows):
            print(
                f"| {lang} | {size:,} | {score:.1f} | {score - baseline:+.1f} | {len(gold) / seconds:.0f} |", flush=True
            )


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s)")
