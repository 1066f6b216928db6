"""Project the English gold of Europarl-NER onto de, es and it with every method; print F1 on the tuning half, the
held-out half and all sentences, beside the seed paper's published neural numbers.

    python -m bench.europarl [--aligner eflomal] [--cache DIR] [--langs de,es,it] [--speed]

Alignments come from ``xner.align`` (``--aligner SPEC``; the default eflomal votes over 5 runs with orthographic
priors and fills the words its vote leaves unlinked). eflomal is seeded by default, so runs give the same links;
``--cache DIR`` stores the alignments as Pharaoh files on the first run and reuses them afterwards.

Settings are chosen on sentences 0-399 (``TUNE``) and reported on 400-798 (``HELD_OUT``) as well as on all 799 (the
paper's figure). The published row is the seed paper's best overall F1 over its two neural aligners (mBERT
SimAlign and awesome-align), read from the bundled reference (:mod:`xner.experiment.reference`): its heuristic and
n-gram candidates settings, and the better of the two as the goal for the default. ``--speed`` also times
projection with given alignments against a faithful re-implementation of the reference ``sentence_projection``
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
from xner.experiment.reference import PaperReference
from xner.project import CandidateOptions, project_corpus
from xner.project.links import Link

TUNE = slice(0, 400)
"""Sentences where settings are chosen."""
HELD_OUT = slice(400, 799)
"""Sentences reported as held out (never used to choose a setting)."""
WINDOWS = {"tune": TUNE, "held out": HELD_OUT, "all": slice(0, None)}
PUBLISHED = {"heuristic": "heuristic", "candidates + greedy": "candidates-greedy-ngram-paper"}
"""Published settings shown: our row name -> the method label the paper reference maps to its setting."""
DEFAULT = "candidates+exact"

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


def f1_by_window(gold: list[Sentence], pred: list[Sentence]) -> dict[str, float]:
    """F1 x100 on each of :data:`WINDOWS`."""
    return {name: evaluate(gold[w], pred[w]).overall.f1 * 100 for name, w in WINDOWS.items()}


def published() -> dict[str, dict[str, float]]:
    """The paper's F1 x100 per setting row and language, and ``best`` (the goal of the default)."""
    reference = PaperReference()
    rows: dict[str, dict[str, float]] = {name: {} for name in (*PUBLISHED, "best")}
    for lang in ("de", "es", "it"):
        for name, method in PUBLISHED.items():
            found = reference.lookup("europarl", lang, "parallel", method)
            if found is not None:
                rows[name][lang] = found[0] * 100
        if any(lang in rows[name] for name in PUBLISHED):
            rows["best"][lang] = max(rows[name][lang] for name in PUBLISHED if lang in rows[name])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aligner", default="eflomal")
    parser.add_argument("--cache", type=Path, default=None, help="directory for cached alignments")
    parser.add_argument("--langs", default="de,es,it")
    parser.add_argument("--speed", action="store_true", help="also run the speed comparison")
    args = parser.parse_args()
    langs = args.langs.split(",")
    english = load("en")
    rows: dict[str, dict[str, dict[str, float]]] = {}
    links_by_lang: dict[str, list[list[Link]]] = {}
    targets: dict[str, list[Sentence]] = {}
    for lang in langs:
        gold = load(lang)
        targets[lang] = gold
        links = alignments(args.aligner, english, gold, lang, args.cache)
        links_by_lang[lang] = links
        for name, run in methods().items():
            rows.setdefault(name, {})[lang] = f1_by_window(gold, run(english, gold, links))
    print(f"Europarl-NER, English gold projected with {args.aligner}; F1 x100 on sentences 0-399 (tune) / "
          "400-798 (held out) / all 799")  # fmt: skip
    print("| method | " + " | ".join(langs) + " |\n|---|" + "---|" * len(langs))
    for name, by_lang in rows.items():
        cells = (" / ".join(f"{by_lang[x][w]:.1f}" for w in WINDOWS) for x in langs)
        print(f"| {name} | " + " | ".join(cells) + " |")
    paper = published()
    for name, by_lang in paper.items():
        label = "published (neural), goal of the default" if name == "best" else f"published (neural), {name}"
        print(f"| {label} | " + " | ".join(f"{by_lang[x]:.2f} (all)" if x in by_lang else "-" for x in langs) + " |")
    for lang in langs:
        if lang not in paper["best"]:
            continue
        ours, goal = rows[DEFAULT][lang]["all"], paper["best"][lang]
        verdict = "reached" if ours >= goal else f"short by {goal - ours:.1f}"
        print(f"{lang}: the default ({DEFAULT}) {ours:.1f} on all 799 against the published {goal:.2f}: {verdict}")
    if args.speed:
        from bench.speed import compare

        compare(english, targets, links_by_lang)


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s)")
