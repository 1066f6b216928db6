"""Multi-source projection on Europarl-NER: project the gold of several sides onto one target side; P/R/F1.

    python -m bench.multisource [--target es] [--sources en,de,it] [--method candidates] [--cache DIR]
                                [--tune-on de]

Each source side (its gold) is aligned to the target side with eflomal (``xner.align``, parallel mode) and
projected with ``--method``; the projections are merged by :func:`xner.project.multisource.vote`. Printed: one
row per single source, then the vote under several settings (equal weights, threshold 0.5, ties to the first
source; other thresholds; weights = each source's F1 measured on another target, ``--tune-on``, so nothing is
tuned on the target scored). ``--cache DIR`` keeps the alignments as Pharaoh files, so reruns compare on the
same links.

The experimental cluster vote (:func:`cluster_vote`, not in the library) is shown with ties going to the sources
in the order given and in the order of their F1 on the target itself; the second is an oracle order, so that row
is an upper bound, not a result.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bench.europarl_data import cached_links, load
from xner.corpus import Sentence, Span
from xner.evaluate import Scores, evaluate
from xner.project import CandidateOptions, project_corpus
from xner.project.links import Link
from xner.project.multisource import vote
from xner.project.parallel import with_projection

#: Vote thresholds measured besides the default (share of the total source weight a span needs).
THRESHOLDS = (0.3, 0.5, 0.6)


def links_for(src_lang: str, tgt_lang: str, cache: Path | None) -> list[list[Link]]:
    """eflomal links src->tgt over the whole side (from ``cache`` when present; written there otherwise)."""
    path = cache / f"{src_lang}-{tgt_lang}.eflomal.links" if cache else None
    return cached_links("eflomal", load(src_lang), load(tgt_lang), path)


def single_projections(
    sources: Sequence[str], target: str, method: str, cache: Path | None
) -> dict[str, list[Sentence]]:
    """Each source's gold projected alone onto ``target`` (tags ignored), by source language."""
    targets = load(target)
    options = CandidateOptions(matching="exact")
    return {
        lang: project_corpus(
            load(lang), targets, links_for(lang, target, cache), method=method, options=options
        ).sentences
        for lang in sources
    }


def voted(
    singles: dict[str, list[Sentence]],
    order: Sequence[str],
    targets: Sequence[Sentence],
    weights: Sequence[float] | None = None,
    threshold: float = 0.5,
) -> list[Sentence]:
    """The single projections of ``order`` (first = tie winner) merged per sentence by :func:`vote`."""
    out: list[Sentence] = []
    for k, target in enumerate(targets):
        merged = vote([singles[lang][k].spans for lang in order], weights, threshold=threshold)
        out.append(with_projection(target, merged))
    return out


def cluster_vote(proposals: Sequence[Sequence[Span]], threshold: float = 0.5) -> list[Span]:
    """An experimental alternative to :func:`vote` (equal weights): overlapping proposals form a cluster; a
    cluster survives if at least ``threshold`` of the sources proposed something in it, and keeps its
    most-voted proposal, ties to the earliest source. Boundary or type disagreements then cost no entity."""
    items = sorted(
        ((span, source) for source, spans in enumerate(proposals) for span in spans),
        key=lambda item: (item[0].start, item[0].end),
    )
    clusters: list[list[tuple[Span, int]]] = []
    for item in items:
        if clusters and item[0].start < max(span.end for span, _ in clusters[-1]):
            clusters[-1].append(item)
        else:
            clusters.append([item])
    kept: list[Span] = []
    for cluster in clusters:
        if len({source for _, source in cluster}) / len(proposals) + 1e-12 < threshold:
            continue
        tally: dict[tuple[int, int, str], tuple[int, int]] = {}
        for span, source in cluster:
            votes, first = tally.get(span.key, (0, source))
            tally[span.key] = (votes + 1, min(first, source))
        start, end, label = min(tally, key=lambda key: (-tally[key][0], tally[key][1]))
        kept.append(Span(start, end, label))
    return kept


def row(name: str, scores: Scores) -> str:
    return f"{name:<46}{scores.precision * 100:7.1f}{scores.recall * 100:7.1f}{scores.f1 * 100:7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default="es")
    parser.add_argument("--sources", default="en,de,it")
    parser.add_argument("--method", default="candidates", help="heuristic | heuristic-paper | candidates")
    parser.add_argument("--cache", type=Path, default=None, help="directory for cached alignments")
    parser.add_argument("--tune-on", default="de", help="target side whose single-source F1 gives the weights")
    args = parser.parse_args()
    sources = args.sources.split(",")
    gold = load(args.target)
    singles = single_projections(sources, args.target, args.method, args.cache)
    single_f1 = {lang: evaluate(gold, singles[lang]).overall for lang in sources}
    by_f1 = sorted(sources, key=lambda lang: -single_f1[lang].f1)

    print(f"Europarl-NER: gold of {', '.join(sources)} projected onto {args.target} ({args.method}, eflomal)")
    print(f"{'source(s)':<46}{'P':>7}{'R':>7}{'F1':>7}")
    print("-" * 67)
    for lang in sources:
        print(row(f"{lang} alone", single_f1[lang]))
    for threshold in THRESHOLDS:
        scores = evaluate(gold, voted(singles, sources, gold, threshold=threshold)).overall
        print(row(f"vote {'+'.join(sources)}, equal, threshold {threshold}", scores))
    if args.tune_on and args.tune_on != args.target:
        others = [lang for lang in sources if lang != args.tune_on] + [args.target]
        tune_gold = load(args.tune_on)
        tune = single_projections(others, args.tune_on, args.method, args.cache)
        weight = {lang: evaluate(tune_gold, tune[lang]).overall.f1 for lang in others}
        weight.update({args.tune_on: sum(weight[x] for x in others) / len(others)})  # not measurable: the mean
        order = sorted(sources, key=lambda lang: -weight[lang])
        weights = [weight[lang] for lang in order]
        label = ",".join(f"{lang}={weight[lang]:.2f}" for lang in order)
        scores = evaluate(gold, voted(singles, order, gold, weights)).overall
        print(row(f"vote, weights F1 on {args.tune_on} ({label})", scores))
    for order in (sources, by_f1):
        pred = [
            replace(t, spans=cluster_vote([singles[lang][k].spans for lang in order]), tags=None)
            for k, t in enumerate(gold)
        ]
        print(row(f"experimental cluster vote, ties to {','.join(order)}", evaluate(gold, pred).overall))
    best = by_f1[0]
    default = evaluate(gold, voted(singles, sources, gold)).overall
    verdict = "met" if default.f1 >= single_f1[best].f1 else "NOT met"
    print(
        f"goal: vote (default) F1 {default.f1 * 100:.1f} >= best single source ({best}) "
        f"{single_f1[best].f1 * 100:.1f}: {verdict}"
    )


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s)")
