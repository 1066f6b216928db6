"""Our encoder aligner against the ``simalign`` package (0.4): same model, same sentence pairs, same alignments?

    python -m bench.align_vs_simalign [--pairs 500] [--match-pairs 50] [--method all | argmax itermax match]
        [--rounds 3] [--threads 1] [--model DIR_OR_HUB_ID]

The model is a tiny random BERT (mBERT's architecture, hidden 32, 9 layers) built offline from the corpus
vocabulary, or a real encoder with ``--model`` (a hub id or a local directory). Sentence pairs come from
Europarl-NER (en-de, en-es, en-it in turn) when the shared data is present, else from random word sequences.

What is timed: for each method (argmax, itermax, match; all three by default), each side's whole aligner on
the ``--pairs`` pairs, in process: ``simalign.SentenceAligner.get_word_aligns`` pair by pair, and
``EncoderAligner.align`` (:mod:`xner.align.encoder`) on the lists, the call ``xner align`` and the pipeline
make per batch. The models are loaded and each side runs once untimed before the clock starts (one-off costs);
files and start-up are not timed. match runs on the first ``--match-pairs`` pairs only: SimAlign's match
(networkx's general max-weight matching) aligns about one pair per second. The match extraction alone (the
kernel, no encoder) is ``python -m bench.match_vs_simalign``.

The two sides run in interleaved rounds (:mod:`bench.paired`: ``--rounds`` calls each, the order reversed every
other round) on ``--threads`` torch and BLAS/OpenMP threads (pinned, default 1, and printed: with a tiny
model the ratio depends on the thread count and the load). For each method the script prints how many
alignments are identical, then the median pairs/s of each side with its range and the ratio of medians against
simalign. The speed-up comes from batched, length-sorted forward passes that stop at the needed layer, one
tokenizer call per chunk, and vectorised extraction; SimAlign runs one pair per forward pass.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.common import shared_data_dir
from bench.paired import Spread, alternate, pin_threads, rates, table
from xner import formats
from xner.align.encoder import EncoderAligner
from xner.align.vectors import Extraction

SIMALIGN_CODES = {"argmax": "a", "itermax": "i", "match": "m"}
SIMALIGN_KEYS = {"argmax": "inter", "itermax": "itermax", "match": "mwmf"}
METHODS = tuple(SIMALIGN_CODES)
BASELINE = "simalign"

Links = list[set[tuple[int, int]]]


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


@dataclass(frozen=True)
class Outcome:
    """One method's contest: identical alignments out of ``pairs``, and pairs/s of each side."""

    method: str
    identical: int
    pairs: int
    speed: dict[str, Spread]

    @property
    def ratio(self) -> float:
        """xner's median pairs/s over simalign's."""
        return self.speed["xner"].median / self.speed[BASELINE].median


def contest(model: str, method: str, src: list[list[str]], tgt: list[list[str]], rounds: int) -> Outcome:
    """Both aligners with ``method`` on ``model`` over the pairs, ``rounds`` interleaved calls each."""
    from simalign import SentenceAligner

    key = SIMALIGN_KEYS[method]
    theirs = SentenceAligner(model=model, token_type="bpe", matching_methods=SIMALIGN_CODES[method])
    ours = EncoderAligner(model, extraction=Extraction(method=method), device="cpu")

    def run_theirs(s: list[list[str]], t: list[list[str]]) -> Links:
        return [set(theirs.get_word_aligns(a, b)[key]) for a, b in zip(s, t, strict=True)]

    def run_ours(s: list[list[str]], t: list[list[str]]) -> Links:
        return [set(a.links) for a in ours.align(s, t)]

    found: dict[str, Links] = {}

    def side(name: str) -> None:
        found[name] = (run_theirs if name == BASELINE else run_ours)(src, tgt)

    seconds = alternate({BASELINE: lambda: side(BASELINE), "xner": lambda: side("xner")}, rounds)  # after a warm-up
    same = sum(a == b for a, b in zip(found["xner"], found[BASELINE], strict=True))
    return Outcome(method, same, len(src), rates(seconds, len(src)))


def methods_of(names: Sequence[str]) -> list[str]:
    """The methods ``--method`` names (``all``: every one), in a fixed order."""
    return list(METHODS) if "all" in names else [m for m in METHODS if m in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--match-pairs", type=int, default=50, help="the first pairs only for match (slow in simalign)")
    parser.add_argument("--method", nargs="+", choices=[*METHODS, "all"], default=["all"])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timed calls of each side")
    parser.add_argument("--threads", type=int, default=1, help="torch and BLAS/OpenMP threads (0: leave them)")
    parser.add_argument("--model", help="hub id or directory of a real encoder (default: tiny random BERT)")
    args = parser.parse_args(argv)
    print(f"threads: {pin_threads(args.threads or None)}")
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
        match = f" (match: the first {min(args.match_pairs, len(src))})" if "match" in methods_of(args.method) else ""
        print(f"model: {label}\npairs: {len(src)}{match} from {origin}; bpe, layer 8")
        print(
            "timed: each aligner's whole call on the pairs (the library path, not a kernel: models loaded and one"
            f" untimed call first), {args.rounds} interleaved rounds per side"
        )
        outcomes = []
        for method in methods_of(args.method):
            n = min(args.match_pairs, len(src)) if method == "match" else len(src)
            outcome = contest(model, method, src[:n], tgt[:n], args.rounds)
            outcomes.append(outcome)
            print(f"\n{method}: identical alignments {outcome.identical}/{outcome.pairs}")
            print(table(outcome.speed, BASELINE, "pairs/s"), flush=True)
        print(
            "\nspeed-up (median xner / median simalign): " + ", ".join(f"{o.method} {o.ratio:.2f}x" for o in outcomes)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
