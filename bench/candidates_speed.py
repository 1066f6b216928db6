"""Speed of the default projection method (``candidates``, exact matching) against the heuristic, links given.

    python -m bench.candidates_speed [--lang es] [--repeat 10 50] [--rounds 3] [--cache DIR] [--per-sentence]

Europarl-NER English -> ``--lang`` (799 sentence pairs), aligned once with ``--aligner`` (eflomal; ``--cache DIR``
keeps the links as Pharaoh files), then repeated ``--repeat`` times. At each size both methods run through
``project_corpus`` -- the user path: what the CLI, the REST project step and the experiment harness call, objects
out -- in alternating rounds (``--rounds`` each, the order flipping every round):

* heuristic: ``project_corpus(..., method="heuristic")`` (the columnar kernel, ``xner.project.fast``);
* candidates: ``project_corpus(...)`` with the default ``CandidateOptions`` (exact matching, align + surface +
  consistency, two passes; the corpus path, ``xner.project.candidates_fast``).

It prints the median and range of sentences/s of each and the ratio of the medians. ``--per-sentence`` adds, at
the first size, the method called one sentence at a time (``project_candidates``, one pass, no consistency
memory): the path before the corpus one. That the corpus path gives exactly what the per-sentence one gives is
tested in ``tests/unit/project/test_candidates_fast.py``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.paired import alternate, pin_threads, rates, table
from xner.corpus import Sentence
from xner.project import CandidateOptions, project_corpus
from xner.project.candidate_projection import project_candidates
from xner.project.links import Link


def sides(
    sources: Sequence[Sentence], targets: Sequence[Sentence], alignments: Sequence[Sequence[Link]], per_sentence: bool
) -> dict[str, Callable[[], object]]:
    """The timed calls at one size."""
    timed: dict[str, Callable[[], object]] = {
        "heuristic (`project_corpus`)": lambda: project_corpus(sources, targets, alignments, method="heuristic"),
        "candidates (`project_corpus`, default)": lambda: project_corpus(sources, targets, alignments),
    }
    if per_sentence:
        options = CandidateOptions()
        timed["candidates, one sentence at a time"] = lambda: [
            project_candidates(s.spans, s.tokens, t.tokens, links, options)
            for s, t, links in zip(sources, targets, alignments, strict=True)
        ]
    return timed


def compare(
    english: list[Sentence],
    target: list[Sentence],
    links: list[list[Link]],
    repeats: Sequence[int],
    rounds: int = 3,
    per_sentence: bool = False,
) -> None:
    """Time both methods at each size and print a table per size."""
    for number, repeat in enumerate(repeats):
        sources, targets, alignments = english * repeat, target * repeat, links * repeat
        seconds = alternate(sides(sources, targets, alignments, per_sentence and number == 0), rounds)
        print(f"\n{len(sources):,} sentences")
        print(table(rates(seconds, len(sources)), "heuristic (`project_corpus`)", "sentences/s"))


def main() -> None:
    from bench.europarl_data import alignments, load

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", default="es", choices=["de", "es", "it"])
    parser.add_argument("--aligner", default="eflomal")
    parser.add_argument("--cache", type=Path, default=None, help="directory for cached alignments")
    parser.add_argument("--repeat", type=int, nargs="+", default=[10, 50], help="times the corpus is repeated")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each method per size, alternating")
    parser.add_argument("--per-sentence", action="store_true", help="also time project_candidates per sentence")
    args = parser.parse_args()
    english = load("en")
    target = load(args.lang)
    links = alignments(args.aligner, english, target, args.lang, args.cache)
    print(f"Europarl-NER en->{args.lang}, {len(english)} sentence pairs, {args.aligner} links given; {pin_threads(1)}")
    compare(english, target, links, args.repeat, args.rounds, args.per_sentence)


if __name__ == "__main__":
    main()
