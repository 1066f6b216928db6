"""Alignment quality proxy on Europarl-NER: project the English gold onto de/es/it, score against their gold.

For every weight-free aligner setting (eflomal with each symmetrisation, with priors, with orthographic links,
voted runs; and the xner default), the English gold spans are projected through the alignment with a simple
heuristic (kept private to this script; the real projection lives in ``xner.project``) and scored with
``xner.evaluate.evaluate``. Prints a table of F1 x 100 per language.

The heuristic: a source span's projection is the longest run of consecutive target words aligned to any of its
words (one unaligned word inside a run is bridged); projected spans that overlap an earlier (longer) one are
dropped.

Usage: ``python -m bench.align_quality [--langs de es it] [--repeat N] [--only NAME ...]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from bench.common import europarl_dir
from xner import formats
from xner.align.base import Alignment
from xner.align.eflomal import EflomalAligner
from xner.align.priors import lexical_priors
from xner.corpus import Sentence, Span
from xner.evaluate import evaluate

PUBLISHED = {  # from issue 3: plain eflomal 2.0.0 + heuristic projection, F1 x 100, mean of 5 runs
    "issue: eflomal gdfa": {"de": 79.4, "es": 82.3, "it": 76.8},
    "issue: eflomal intersection": {"de": 84.8, "es": 76.4, "it": 71.3},
    "issue: eflomal + identical-spelling priors": {"de": 81.1, "es": 83.9, "it": 79.3},
    "published neural (mBERT SimAlign/AWESoME)": {"de": 81.9, "es": 90.7, "it": 87.3},
}


def project(source: Sentence, target_tokens: list[str], alignment: Alignment) -> Sentence:
    """Project ``source``'s spans onto the target words through ``alignment`` (see the module docstring)."""
    by_source: dict[int, set[int]] = {}
    for i, j in alignment:
        by_source.setdefault(i, set()).add(j)
    candidates: list[Span] = []
    for span in source.spans:
        aligned = sorted({j for i in range(span.start, span.end) for j in by_source.get(i, ())})
        if not aligned:
            continue
        runs: list[list[int]] = [[aligned[0]]]
        for j in aligned[1:]:
            if j - runs[-1][-1] <= 2:  # bridge one unaligned word
                runs[-1].append(j)
            else:
                runs.append([j])
        best = max(runs, key=lambda run: (run[-1] - run[0], -run[0]))
        candidates.append(Span(best[0], best[-1] + 1, span.label))
    chosen: list[Span] = []
    for span in sorted(candidates, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(span.overlaps(other) for other in chosen):
            chosen.append(span)
    return Sentence(tokens=target_tokens, spans=sorted(chosen, key=lambda s: s.start))


def f1(english: Sequence[Sentence], gold: Sequence[Sentence], alignments: Sequence[Alignment]) -> float:
    """F1 x 100 of projecting ``english`` onto ``gold``'s tokens."""
    predicted = [project(e, g.tokens, a) for e, g, a in zip(english, gold, alignments, strict=True)]
    return 100.0 * evaluate(gold, predicted).overall.f1


def identical_spelling_priors(src: Sequence[list[str]], tgt: Sequence[list[str]]) -> EflomalAligner:
    """The issue's "priors" row: plain eflomal, identical spellings fed as lexical priors."""
    pairs = [(w, w) for s, t in zip(src, tgt, strict=True) for w in set(s) & set(t)]
    return EflomalAligner(
        symmetrise="grow-diag-final-and",
        runs=1,
        self_priors=False,
        ortho_priors=False,
        ortho_links=False,
        priors=lexical_priors(pairs),
    )


Factory = Callable[[Sequence[list[str]], Sequence[list[str]]], EflomalAligner]


def plain(symmetrise: str, runs: int = 1, **options: bool) -> Factory:
    """eflomal with one symmetrisation, no priors, no orthographic help (unless ``options`` say so)."""
    settings: dict[str, bool] = {"ortho_priors": False, "ortho_links": False, "self_priors": False}
    settings.update(options)
    return lambda s, t: EflomalAligner(symmetrise=symmetrise, runs=runs, **settings)


def settings() -> dict[str, Factory]:
    """Name -> factory of the aligner to measure (a factory, since some use the batch)."""
    table: dict[str, Factory] = {
        f"eflomal {sym} (1 run)": plain(sym) for sym in ("intersection", "union", "grow-diag-final-and")
    }
    table["eflomal gdfa + identical-spelling priors (1 run)"] = identical_spelling_priors
    table["eflomal gdfa + orthographic priors (1 run)"] = plain("gdfa", ortho_priors=True)
    table["eflomal gdfa + orthographic links (1 run)"] = plain("gdfa", ortho_links=True)
    table["eflomal gdfa + self priors (1 run, 2 passes)"] = plain("gdfa", self_priors=True)
    table["eflomal majority of 5 runs x 2 directions"] = plain("majority", runs=5)
    table["xner default: majority of 5 runs + ortho priors"] = lambda s, t: EflomalAligner()
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", nargs="+", default=["de", "es", "it"])
    parser.add_argument("--repeat", type=int, default=1, help="runs per setting (mean and spread are printed)")
    parser.add_argument("--only", nargs="*", help="substrings of the settings to measure")
    args = parser.parse_args(argv)
    folder = europarl_dir()
    english = list(formats.read(folder / "en-europarl.test.conll02", "conll"))
    golds = {lang: list(formats.read(folder / f"{lang}-europarl.test.conll02", "conll")) for lang in args.langs}
    src = [s.tokens for s in english]
    print(f"Europarl-NER: {len(english)} sentence pairs, en -> {'/'.join(args.langs)}; F1 x 100", file=sys.stderr)
    header = f"{'setting':52s}" + "".join(f"{lang:>12s}" for lang in args.langs) + f"{'s/lang':>9s}"
    print(header)
    print("-" * len(header))
    for name, factory in settings().items():
        if args.only and not any(part in name for part in args.only):
            continue
        cells, seconds, notes = [], 0.0, []
        for lang in args.langs:
            tgt = [s.tokens for s in golds[lang]]
            scores, outputs = [], []
            for _ in range(args.repeat):
                start = time.perf_counter()
                alignments = factory(src, tgt).align(src, tgt)
                seconds += time.perf_counter() - start
                scores.append(f1(english, golds[lang], alignments))
                outputs.append(alignments)
            spread = f"±{max(scores) - min(scores):.1f}" if len(scores) > 1 else ""
            cells.append(f"{statistics.mean(scores):.1f}{spread}")
            if len(outputs) > 1:
                differ = sum(len({tuple(o[k].links) for o in outputs}) > 1 for k in range(len(src)))
                first = {(k, link) for k in range(len(src)) for link in outputs[0][k].links}
                second = {(k, link) for k in range(len(src)) for link in outputs[1][k].links}
                agree = 100.0 * len(first & second) / max(1, len(first | second))
                notes.append(
                    f"{lang}: F1 {', '.join(f'{x:.1f}' for x in scores)}; {differ}/{len(src)} pairs differ somewhere; "
                    f"links shared by repeats 1 and 2: {agree:.1f}%"
                )
        print(f"{name:52s}" + "".join(f"{c:>12s}" for c in cells) + f"{seconds / len(args.langs) / args.repeat:9.1f}")
        for note in notes:
            print(f"    repeats: {note}")
        sys.stdout.flush()
    for name, row in PUBLISHED.items():
        print(f"{name:52s}" + "".join(f"{row.get(lang, float('nan')):12.1f}" for lang in args.langs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
