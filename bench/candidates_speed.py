"""Speed of the default projection method (``candidates``, exact matching) against the heuristic, links given.

    python -m bench.candidates_speed [--lang es] [--repeat 10 50] [--runs 3] [--cache DIR] [--driver]

Europarl-NER English -> ``--lang`` (799 sentence pairs), aligned once with ``--aligner`` (eflomal; ``--cache DIR``
keeps the links as Pharaoh files), then repeated ``--repeat`` times. At each size, in the same run and alternating
(best of ``--runs``):

* heuristic: ``project_corpus(..., method="heuristic")`` (the columnar kernel, ``xner.project.fast``);
* candidates: the corpus path of the default method with default ``CandidateOptions`` (exact matching, align +
  surface + consistency, two passes): ``project_candidates_corpus`` plus the same per-sentence output objects as
  ``project_corpus`` (``with_projection``).

Before timing it checks, on the unrepeated corpus, that the corpus path gives exactly what ``project_corpus``
gives (spans with scores, losses, reasons, statuses). ``--driver`` also times ``project_corpus(...,
method="candidates")`` itself.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from xner.corpus import Sentence
from xner.project import CandidateOptions, project_corpus
from xner.project.candidates_fast import project_candidates_corpus
from xner.project.links import Link
from xner.project.parallel import describe, with_projection
from xner.project.status import ProjectionResult


def candidates_corpus(
    sources: Sequence[Sentence], targets: Sequence[Sentence], alignments: Sequence[Sequence[Link]]
) -> ProjectionResult:
    """The candidates method through the corpus path, with ``project_corpus``'s output objects."""
    projections = project_candidates_corpus(
        [s.spans for s in sources],
        [s.tokens for s in sources],
        [t.tokens for t in targets],
        alignments,
        CandidateOptions(),
        name=lambda k: describe(k, sources[k], targets[k]),
    )
    out = [with_projection(target, p) for target, p in zip(targets, projections, strict=True)]
    return ProjectionResult(sentences=out, projections=projections)


def _seconds(work: Callable[..., object], *args: object, **kwargs: object) -> float:
    start = time.perf_counter()
    work(*args, **kwargs)
    return time.perf_counter() - start


def compare(
    english: list[Sentence],
    target: list[Sentence],
    links: list[list[Link]],
    repeats: Sequence[int],
    runs: int = 3,
    driver: bool = False,
) -> list[tuple[int, float, float]]:
    """Check the corpus path against ``project_corpus`` once, then time both methods at each size; print a table and
    return ``(sentences, heuristic sentences/s, candidates sentences/s)`` per size."""
    reference = project_corpus(english, target, links, method="candidates")
    ours = candidates_corpus(english, target, links)
    same = sum(
        a == b and x.meta == y.meta
        for a, b, x, y in zip(reference.projections, ours.projections, reference.sentences, ours.sentences, strict=True)
    )
    print(f"corpus path = project_corpus(method='candidates') on {same} of {len(english)} sentence pairs")
    header = f"{'sentences':>10}{'heuristic /s':>15}{'candidates /s':>15}{'candidates / heuristic':>24}"
    if driver:
        header += f"{'project_corpus(candidates) /s':>31}"
    print(header)
    rows = []
    for repeat in repeats:
        sources, targets, alignments = english * repeat, target * repeat, links * repeat
        n = len(sources)
        heuristic, candidates = float("inf"), float("inf")
        for _ in range(runs):
            heuristic = min(heuristic, _seconds(project_corpus, sources, targets, alignments, method="heuristic"))
            candidates = min(candidates, _seconds(candidates_corpus, sources, targets, alignments))
        line = f"{n:>10,}{n / heuristic:>15,.0f}{n / candidates:>15,.0f}{candidates / heuristic:>23.1f}x"
        if driver:
            through = _seconds(project_corpus, sources, targets, alignments, method="candidates")
            line += f"{n / through:>31,.0f}"
        print(line)
        rows.append((n, n / heuristic, n / candidates))
    return rows


def main() -> None:
    from bench.europarl_data import alignments, load

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", default="es", choices=["de", "es", "it"])
    parser.add_argument("--aligner", default="eflomal")
    parser.add_argument("--cache", type=Path, default=None, help="directory for cached alignments")
    parser.add_argument("--repeat", type=int, nargs="+", default=[10, 50], help="times the corpus is repeated")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per size (the best is printed)")
    parser.add_argument("--driver", action="store_true", help="also time project_corpus(method='candidates')")
    args = parser.parse_args()
    english = load("en")
    target = load(args.lang)
    links = alignments(args.aligner, english, target, args.lang, args.cache)
    print(f"Europarl-NER en->{args.lang}, {len(english)} sentence pairs, {args.aligner} links given")
    compare(english, target, links, args.repeat, args.runs, args.driver)


if __name__ == "__main__":
    main()
