"""Our encoder aligner against the ``simalign`` package (0.4): same model, same sentence pairs, same alignments?

The model is a tiny random BERT (mBERT's architecture) built offline from the corpus vocabulary, or a real
encoder with ``--model`` (a hub id or a local directory). Sentence pairs come from Europarl-NER (en-de, en-es,
en-it in turn) when the shared data is present, else from random word sequences. For every pair both
aligners run the same method; the script prints how many alignments are identical and the pairs/second of
each, with the ratio. The speed-up comes from batched, length-sorted forward passes that stop at the needed
layer, one tokenizer call per chunk, and vectorised extraction; SimAlign runs one pair per forward pass.

Usage: ``python -m bench.align_vs_simalign [--pairs 2000] [--method itermax] [--model DIR] [--check-pairs 200]
[--threads N]``
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from bench.common import shared_data_dir
from xner import formats
from xner.align.encoder import EncoderAligner
from xner.align.vectors import Extraction

SIMALIGN_CODES = {"argmax": "a", "itermax": "i", "match": "m"}
SIMALIGN_KEYS = {"argmax": "inter", "itermax": "itermax", "match": "mwmf"}


def sentence_pairs(n: int, seed: int = 0) -> tuple[list[list[str]], list[list[str]], str]:
    """``n`` parallel pairs from Europarl-NER (cycling en-de, en-es, en-it), else random word sequences."""
    folder = shared_data_dir() / "europarl-ner"
    if (folder / "en-europarl.test.conll02").is_file():
        english = [s.tokens for s in formats.read(folder / "en-europarl.test.conll02", "conll")]
        src: list[list[str]] = []
        tgt: list[list[str]] = []
        for lang in ("de", "es", "it"):
            other = [s.tokens for s in formats.read(folder / f"{lang}-europarl.test.conll02", "conll")]
            src.extend(english)
            tgt.extend(other)
        return src[:n], tgt[:n], "Europarl-NER en-de/es/it"
    rng = random.Random(seed)
    words = [f"w{k}" for k in range(500)]
    src = [[rng.choice(words) for _ in range(rng.randint(1, 40))] for _ in range(n)]
    tgt = [[rng.choice(words) for _ in range(rng.randint(1, 40))] for _ in range(n)]
    return src, tgt, "random word sequences (Europarl-NER not found)"


Links = list[set[tuple[int, int]]]


class Contest:
    """Both aligners on one model, timed block by block in turn so that load changes hit both alike."""

    def __init__(self, model: str, method: str) -> None:
        from simalign import SentenceAligner

        self.key = SIMALIGN_KEYS[method]
        self.theirs = SentenceAligner(model=model, token_type="bpe", matching_methods=SIMALIGN_CODES[method])
        self.ours = EncoderAligner(model, extraction=Extraction(method=method), device="cpu")
        self.ours.align(BLOCK_WARMUP[0], BLOCK_WARMUP[1])  # one-off costs, as SimAlign pays them in __init__
        self.their_seconds = self.our_seconds = 0.0

    def run(self, src: list[list[str]], tgt: list[list[str]], block: int) -> tuple[Links, Links]:
        ours: Links = []
        theirs: Links = []
        for start in range(0, len(src), block):
            s, t = src[start : start + block], tgt[start : start + block]
            begin = time.perf_counter()
            ours.extend(set(a.links) for a in self.ours.align(s, t))
            middle = time.perf_counter()
            theirs.extend(set(self.theirs.get_word_aligns(a, b)[self.key]) for a, b in zip(s, t, strict=True))
            self.our_seconds += middle - begin
            self.their_seconds += time.perf_counter() - middle
        return ours, theirs


BLOCK_WARMUP = ([["a", "b"]] * 4, [["c"]] * 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--method", choices=sorted(SIMALIGN_CODES), default="itermax")
    parser.add_argument("--model", help="hub id or directory of a real encoder (default: tiny random BERT)")
    parser.add_argument("--check-pairs", type=int, default=200, help="pairs checked for the other two methods")
    parser.add_argument("--block", type=int, default=250, help="pairs per timed block (the two alternate)")
    parser.add_argument("--threads", type=int, help="torch threads for both aligners (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    src, tgt, origin = sentence_pairs(args.pairs)
    with tempfile.TemporaryDirectory(prefix="xner-tiny-bert-") as tmp:
        model = args.model
        if model is None:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from tests.fixtures.tiny_bert import build_tiny_bert

            model = str(build_tiny_bert(Path(tmp), [w for s in src + tgt for w in s], layers=9))
            label = "tiny random BERT (hidden 32, 9 layers, corpus WordPiece vocabulary)"
        else:
            label = model
        print(f"model: {label}\npairs: {len(src)} from {origin}\nmethod: {args.method} (bpe, layer 8)")
        if args.threads:
            print(f"torch threads: {args.threads}")
        contest = Contest(model, args.method)
        ours, theirs = contest.run(src, tgt, args.block)
        same = sum(a == b for a, b in zip(ours, theirs, strict=True))
        print(f"identical alignments: {same}/{len(src)}")
        print(f"simalign: {len(src) / contest.their_seconds:8.1f} pairs/s ({contest.their_seconds:.1f} s)")
        print(f"xner:     {len(src) / contest.our_seconds:8.1f} pairs/s ({contest.our_seconds:.1f} s)")
        print(f"speed-up: {contest.their_seconds / contest.our_seconds:.1f}x")
        for method in sorted(set(SIMALIGN_CODES) - {args.method}):
            n = min(args.check_pairs, len(src))
            ours_m, theirs_m = Contest(model, method).run(src[:n], tgt[:n], args.block)
            same = sum(a == b for a, b in zip(ours_m, theirs_m, strict=True))
            print(f"{method}: identical alignments {same}/{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
