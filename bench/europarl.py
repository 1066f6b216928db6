"""Project the English gold of Europarl-NER onto de, es and it with every method; print P/R/F1.

    python -m bench.europarl [--aligner eflomal] [--cache DIR] [--langs de,es,it] [--speed]

Alignments come from ``xner.align`` (``--aligner SPEC``; the default eflomal votes over 5 runs with
orthographic priors; the issue's plain rows used one run with grow-diag-final-and). eflomal is seeded by default,
so runs give the same links; ``--cache DIR`` stores the alignments as Pharaoh files on the first run and reuses
them afterwards. ``--speed`` also times projection with
given alignments against a faithful re-implementation of the reference ``sentence_projection``
(``reference_sentence_projection`` in ``bench/speed.py``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from bench.europarl_data import alignments, load
from xner.corpus import Sentence
from xner.evaluate import evaluate
from xner.project import CandidateOptions, project_corpus
from xner.project.links import Link

#: Published/measured reference F1 (x100) per method and language, printed beside ours.
REFERENCE: dict[str, dict[str, float]] = {
    "heuristic": {"de": 79.4, "es": 82.3, "it": 76.8},
    "candidates+greedy": {"de": 80.0, "es": 82.4, "it": 78.2},
}
#: Goals for candidates + exact (F1 x100).
GOALS = {"de": 82.0, "es": 85.0, "it": 82.0}

Method = Callable[[list[Sentence], list[Sentence], list[list[Link]]], list[Sentence]]


def methods() -> dict[str, Method]:
    """Every projection method measured, by row name."""
    return {
        "heuristic": lambda s, t, a: project_corpus(s, t, a, method="heuristic").sentences,
        "heuristic-paper": lambda s, t, a: project_corpus(s, t, a, method="heuristic-paper").sentences,
        "candidates+greedy": lambda s, t, a: (
            project_corpus(s, t, a, method="candidates", options=CandidateOptions.paper()).sentences
        ),
        "candidates+exact": lambda s, t, a: (
            project_corpus(s, t, a, method="candidates", options=CandidateOptions(matching="exact")).sentences
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aligner", default="eflomal")
    parser.add_argument("--cache", type=Path, default=None, help="directory for cached alignments")
    parser.add_argument("--langs", default="de,es,it")
    parser.add_argument("--speed", action="store_true", help="also run the speed comparison")
    args = parser.parse_args()
    langs = args.langs.split(",")
    english = load("en")
    rows: dict[str, dict[str, tuple[float, float, float]]] = {}
    links_by_lang: dict[str, list[list[Link]]] = {}
    targets: dict[str, list[Sentence]] = {}
    for lang in langs:
        gold = load(lang)
        targets[lang] = gold
        links = alignments(args.aligner, english, gold, lang, args.cache)
        links_by_lang[lang] = links
        for name, run in methods().items():
            pred = run(english, gold, links)
            overall = evaluate(gold, pred).overall
            rows.setdefault(name, {})[lang] = (overall.precision, overall.recall, overall.f1)
    print(f"Europarl-NER, English gold projected with {args.aligner}; P / R / F1 x100")
    header = f"{'method':<20}" + "".join(f"{lang:>22}" for lang in langs) + "   reference F1"
    print(header)
    print("-" * len(header))
    for name, by_lang in rows.items():
        cells = "".join(f"{p * 100:7.1f}{r * 100:7.1f}{f * 100:8.1f}" for p, r, f in (by_lang[x] for x in langs))
        ref = REFERENCE.get(name)
        note = " / ".join(f"{ref[x]:.1f}" for x in langs if x in ref) if ref else ""
        print(f"{name:<20}{cells}   {note}")
    exact, heuristic = rows["candidates+exact"], rows["heuristic"]
    for lang in langs:
        f1 = exact[lang][2] * 100
        verdict = "met" if f1 >= GOALS.get(lang, 0) and exact[lang][2] >= heuristic[lang][2] else "NOT met"
        print(f"goal {lang}: candidates+exact {f1:.1f} >= {GOALS.get(lang, 0):.1f} and >= heuristic: {verdict}")
    if args.speed:
        from bench.speed import compare

        compare(english, targets, links_by_lang)


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s)")
