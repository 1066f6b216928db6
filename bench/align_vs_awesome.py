"""xner's softmax extraction against awesome-align 0.1.7 itself: same weights, same pairs, same links, and how fast?

Both sides load one random BERT of BERT-base shape (hidden 768, 12 layers, 12 heads, FFN 3072; ``--size tiny`` for
a small one) with a WordPiece vocabulary of the corpus, written once as ``pytorch_model.bin`` into ``--cache``
(default: a temporary directory). Sentence pairs come from Europarl-NER (en-de, en-es, en-it interleaved) when the
shared data is present, else from random word sequences.

* **awesome-align** (the baseline) is the real package (``pip install --no-deps awesome-align==0.1.7``), imported
  with the download modules its ``file_utils`` imports (boto3, botocore, requests) stubbed for the import only.
  Each batch is what ``awesome_align/run_align.py`` does per batch with ``--num_workers 0``: its own
  ``BertTokenizer`` word by word, ``prepare_for_model``, ``pad_sequence`` of the source and of the target
  sentences, then ``BertForMaskedLM.get_aligned_word(extraction='softmax', test=True)`` at its default
  ``softmax_threshold``. Pairs are taken in input order.
* **awesome-align, model only** times the same batches tokenised beforehand: the most run_align's data-loader
  workers (``--num_workers 4`` by default) could hide.
* **xner** is :class:`~xner.align.encoder.EncoderAligner` with softmax extraction at the same layer and threshold,
  at most ``--batch`` sentences per forward pass (length-sorted).

Both sides are warmed up untimed, then timed over all pairs in alternating rounds (:mod:`bench.paired`), the same
number of rounds each; the script prints the threads in force, how many pairs got identical links (as sets of
``(source word, target word)``), and every side's median and range of pairs/s with its ratio to awesome-align.

Usage: ``python -m bench.align_vs_awesome [--pairs 256] [--batch 32] [--rounds 5] [--threads N] [--size base|tiny]
[--layer 8] [--cache DIR]``
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import inspect
import itertools
import json
import shutil
import sys
import tempfile
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._tiny import word_sentences
from bench.common import shared_data_dir
from bench.paired import on_clocks, pin_threads, rates, table
from tests.fixtures.tiny_bert import wordpiece_vocabulary
from xner.align.encoder import EncoderAligner
from xner.align.vectors import Extraction
from xner.testing.tiny_models import TINY_CORPUS

Links = list[set[tuple[int, int]]]
Words = Sequence[Sequence[str]]


@dataclass(frozen=True)
class Shape:
    """A BERT shape: hidden size, transformer layers, attention heads, feed-forward size."""

    hidden: int
    layers: int
    heads: int
    ffn: int

    def __str__(self) -> str:
        return f"hidden {self.hidden}, {self.layers} layers, {self.heads} heads, FFN {self.ffn}"


SHAPES = {"base": Shape(768, 12, 12, 3072), "tiny": Shape(64, 9, 4, 128)}
"""``base`` is BERT-base (mBERT's shape, a smaller vocabulary); ``tiny`` keeps layer 8 for the tests."""

VOCAB_WORDS = 8000
"""Whole words in the WordPiece vocabulary (most frequent first, every character besides): on Europarl-NER every
word seen twice or more and some seen once; a word then takes 1.4 subwords on average (the bench prints it)."""

STUBBED = ("boto3", "botocore", "botocore.config", "botocore.exceptions", "requests")
"""What ``awesome_align.file_utils`` imports to download models: replaced by empty modules while it is imported."""

AWESOME = "awesome-align"
AWESOME_MODEL_ONLY = "awesome-align, model only"
XNER = "xner"

WARMUP_PAIRS = 4
"""Pairs each side aligns once, untimed, before the timed rounds (thread pools, lazy initialisation)."""


@dataclass(frozen=True)
class Pairs:
    """Parallel sentences (lists of words) and where they come from."""

    src: list[list[str]]
    tgt: list[list[str]]
    origin: str
    words: list[str]
    """Every word of the corpus the pairs come from (the vocabulary is built from it, whatever ``--pairs``)."""


def sentence_pairs(n: int, seed: int = 0) -> Pairs:
    """``n`` pairs of Europarl-NER, en-de, en-es and en-it in turn, else of random words; no side empty."""
    folder = shared_data_dir() / "europarl-ner"
    if (folder / "en-europarl.test.conll02").is_file():
        from bench.europarl_data import load

        english = [s.tokens for s in load("en")]
        others = [[s.tokens for s in load(lang)] for lang in ("de", "es", "it")]
        pairs = [(english[k], side[k]) for k in range(len(english)) for side in others if english[k] and side[k]]
        words = [w for sentence in english + [s for side in others for s in side] for w in sentence]
        origin = "Europarl-NER en-de/en-es/en-it, interleaved"
    else:
        src, tgt = word_sentences(n, seed), word_sentences(n, seed + 1)
        pairs = list(zip(src, tgt, strict=True))
        words = " ".join(TINY_CORPUS).split()
        origin = "random word sequences (Europarl-NER not found)"
    pairs = pairs[:n]
    return Pairs([list(s) for s, _ in pairs], [list(t) for _, t in pairs], origin, words)


def build_model(cache: Path, shape: Shape, words: Sequence[str], seed: int = 0) -> Path:
    """A random ``BertModel`` of ``shape`` and a cased WordPiece vocabulary of ``words`` under ``cache`` (reused when
    already there): ``config.json`` and ``pytorch_model.bin``, ``vocab.txt`` and ``tokenizer_config.json``, which
    both sides read (xner's fast tokenizer is converted from the same ``vocab.txt``)."""
    import torch
    from transformers import BertConfig, BertModel

    vocab = wordpiece_vocabulary(words, VOCAB_WORDS)
    key = json.dumps([vocab, str(shape), seed]).encode()
    folder = cache / f"random-bert-{shape.hidden}x{shape.layers}-{hashlib.sha256(key).hexdigest()[:12]}"
    if (folder / "pytorch_model.bin").is_file():
        return folder
    building = Path(tempfile.mkdtemp(prefix=f"{folder.name}.", dir=cache))
    (building / "vocab.txt").write_text("".join(f"{token}\n" for token in vocab), encoding="utf-8")
    tokenizer_config = {"tokenizer_class": "BertTokenizer", "do_lower_case": False, "model_max_length": 512}
    (building / "tokenizer_config.json").write_text(json.dumps(tokenizer_config), encoding="utf-8")
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=shape.hidden,
        num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads,
        intermediate_size=shape.ffn,
        max_position_embeddings=512,
    )
    config.save_pretrained(building)
    torch.manual_seed(seed)
    torch.save(BertModel(config).state_dict(), building / "pytorch_model.bin")
    try:
        building.rename(folder)
    except OSError:  # another run built it meanwhile
        shutil.rmtree(building)
    return folder


def import_awesome_align() -> tuple[Any, Any]:
    """``awesome_align.modeling`` and ``awesome_align.tokenization_bert``, imported with :data:`STUBBED` standing in
    for the download libraries; ``sys.modules`` is restored afterwards."""
    saved = {name: sys.modules.get(name) for name in STUBBED}
    stubs = {name: types.ModuleType(name) for name in STUBBED}
    vars(stubs["botocore.config"]).update(Config=object)
    vars(stubs["botocore.exceptions"]).update(ClientError=Exception)
    try:
        sys.modules.update(stubs)
        modeling = importlib.import_module("awesome_align.modeling")
        tokenization = importlib.import_module("awesome_align.tokenization_bert")
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return modeling, tokenization


@dataclass
class Batch:
    """One collated awesome-align batch: padded ids of each side and each side's subword-to-word maps."""

    ids_src: Any
    ids_tgt: Any
    bpe2word_src: list[list[int]]
    bpe2word_tgt: list[list[int]]


class Awesome:
    """awesome-align 0.1.7 as ``run_align.py`` drives it, one batch of ``batch`` pairs at a time, on CPU."""

    def __init__(self, model_dir: Path, layer: int, batch: int) -> None:
        import torch

        modeling, tokenization = import_awesome_align()
        self.torch = torch
        self.layer, self.batch = layer, batch
        self.tokenizer = tokenization.BertTokenizer.from_pretrained(str(model_dir))
        if self.tokenizer.basic_tokenizer.do_lower_case:
            raise RuntimeError("awesome-align's tokenizer lower-cases; xner's keeps the case")
        modeling.PAD_ID = self.tokenizer.pad_token_id  # as run_align.main
        modeling.CLS_ID = self.tokenizer.cls_token_id
        modeling.SEP_ID = self.tokenizer.sep_token_id
        self.model = modeling.BertForMaskedLM.from_pretrained(str(model_dir))
        self.device = torch.device("cpu")
        self.model.to(self.device)
        self.model.eval()
        self.threshold = float(default_of(self.model.get_aligned_word, "softmax_threshold"))

    def _example(self, sent_src: Sequence[str], sent_tgt: Sequence[str]) -> tuple[Any, Any, list[int], list[int]]:
        """``LineByLineTextDataset.process_line`` after its ``' ||| '`` split."""
        tokenizer = self.tokenizer
        token_src = [tokenizer.tokenize(word) for word in sent_src]
        token_tgt = [tokenizer.tokenize(word) for word in sent_tgt]
        wid_src = [tokenizer.convert_tokens_to_ids(x) for x in token_src]
        wid_tgt = [tokenizer.convert_tokens_to_ids(x) for x in token_tgt]
        ids_src = tokenizer.prepare_for_model(
            list(itertools.chain(*wid_src)), return_tensors="pt", max_length=tokenizer.max_len
        )["input_ids"]
        ids_tgt = tokenizer.prepare_for_model(
            list(itertools.chain(*wid_tgt)), return_tensors="pt", max_length=tokenizer.max_len
        )["input_ids"]
        if len(ids_src[0]) == 2 or len(ids_tgt[0]) == 2:
            raise ValueError("a side without subwords (run_align writes an empty line for it)")
        bpe2word_src = [i for i, word_list in enumerate(token_src) for _ in word_list]
        bpe2word_tgt = [i for i, word_list in enumerate(token_tgt) for _ in word_list]
        return ids_src[0], ids_tgt[0], bpe2word_src, bpe2word_tgt

    def prepare(self, src: Words, tgt: Words) -> list[Batch]:
        """Tokenised and collated batches of ``batch`` pairs, in input order (run_align's ``collate``)."""
        from torch.nn.utils.rnn import pad_sequence

        batches = []
        pad = self.tokenizer.pad_token_id
        for start in range(0, len(src), self.batch):
            pairs = zip(src[start : start + self.batch], tgt[start : start + self.batch], strict=True)
            ids_src, ids_tgt, maps_src, maps_tgt = zip(*(self._example(s, t) for s, t in pairs), strict=True)
            batches.append(
                Batch(
                    pad_sequence(list(ids_src), batch_first=True, padding_value=pad),
                    pad_sequence(list(ids_tgt), batch_first=True, padding_value=pad),
                    list(maps_src),
                    list(maps_tgt),
                )
            )
        return batches

    def align_batches(self, batches: Sequence[Batch]) -> Links:
        """``get_aligned_word`` on every batch; the word links of each pair."""
        links: Links = []
        for b in batches:
            with self.torch.no_grad():
                word_aligns = self.model.get_aligned_word(
                    b.ids_src,
                    b.ids_tgt,
                    b.bpe2word_src,
                    b.bpe2word_tgt,
                    self.device,
                    0,
                    0,
                    align_layer=self.layer,
                    extraction="softmax",
                    softmax_threshold=self.threshold,
                    test=True,
                    output_prob=False,
                )
            links.extend({(i, j) for i, j in aligns if i != -1} for aligns in word_aligns)
        return links

    def align(self, src: Words, tgt: Words) -> Links:
        """Tokenise, collate and align batch after batch, as run_align does with ``--num_workers 0``."""
        links: Links = []
        for start in range(0, len(src), self.batch):
            end = start + self.batch
            links.extend(self.align_batches(self.prepare(src[start:end], tgt[start:end])))
        return links


class Xner:
    """xner's encoder aligner with softmax extraction, at most ``batch`` sentences per forward pass, on CPU."""

    def __init__(self, model_dir: Path, layer: int, batch: int) -> None:
        self.aligner = EncoderAligner(
            str(model_dir), layer=layer, extraction=Extraction(method="softmax"), device="cpu", batch_sentences=batch
        )
        self.threshold = self.aligner.extraction.threshold

    def align(self, src: Words, tgt: Words) -> Links:
        return [set(a.links) for a in self.aligner.align(src, tgt)]


def default_of(function: Callable[..., object], parameter: str) -> Any:
    """The default value of ``function``'s ``parameter``."""
    return inspect.signature(function).parameters[parameter].default


def identical(ours: Links, theirs: Links) -> int:
    """Pairs whose link sets are equal."""
    return sum(a == b for a, b in zip(ours, theirs, strict=True))


def compare(model_dir: Path, src: Words, tgt: Words, layer: int = 8, batch: int = 32) -> tuple[Links, Links]:
    """The links of xner and of awesome-align for every pair (untimed)."""
    return Xner(model_dir, layer, batch).align(src, tgt), Awesome(model_dir, layer, batch).align(src, tgt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32, help="pairs per awesome-align batch; xner's sentences/pass")
    parser.add_argument("--rounds", type=int, default=5, help="timed calls of each side over all pairs")
    parser.add_argument("--threads", type=int, help="torch, BLAS and tokenizer threads (default: leave them)")
    parser.add_argument("--size", choices=sorted(SHAPES), default="base")
    parser.add_argument("--layer", type=int, default=8)
    parser.add_argument("--cache", type=Path, help="directory that keeps the random model (default: a temporary one)")
    args = parser.parse_args(argv)
    threads = pin_threads(args.threads)
    pairs = sentence_pairs(args.pairs)
    shape = SHAPES[args.size]
    with tempfile.TemporaryDirectory(prefix="xner-awesome-bench-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        model_dir = build_model(cache, shape, pairs.words)
        theirs, ours = Awesome(model_dir, args.layer, args.batch), Xner(model_dir, args.layer, args.batch)
        batches = theirs.prepare(pairs.src, pairs.tgt)
        subwords = sum(len(m) for b in batches for m in b.bpe2word_src + b.bpe2word_tgt)
        words = sum(len(s) for s in pairs.src + pairs.tgt)
        print(
            f"model: random BERT, {args.size} shape ({shape}), WordPiece vocabulary of "
            f"{theirs.tokenizer.vocab_size:,} entries from the corpus; one pytorch_model.bin read by both sides"
        )
        print(f"pairs: {len(pairs.src)} from {pairs.origin}; {subwords / words:.2f} subwords per word")
        print(
            f"softmax extraction at layer {args.layer}, threshold {theirs.threshold:g} (awesome-align's default) / "
            f"{ours.threshold:g} (xner's default); batch {args.batch}; CPU"
        )
        print(f"threads: {threads}")
        print(f"rounds: {args.rounds} per side over all pairs, alternating, after an untimed warm-up of each side")
        warm = slice(0, WARMUP_PAIRS)
        theirs.align_batches(theirs.prepare(pairs.src[warm], pairs.tgt[warm]))
        ours.align(pairs.src[warm], pairs.tgt[warm])
        last: dict[str, Links] = {}
        sides = {
            AWESOME: lambda: last.__setitem__(AWESOME, theirs.align(pairs.src, pairs.tgt)),
            AWESOME_MODEL_ONLY: lambda: last.__setitem__(AWESOME_MODEL_ONLY, theirs.align_batches(batches)),
            XNER: lambda: last.__setitem__(XNER, ours.align(pairs.src, pairs.tgt)),
        }
        seconds, cpu_seconds = on_clocks(sides, args.rounds)
        n = len(pairs.src)
        xner_links, awesome_links = last[XNER], last[AWESOME]
        same = identical(xner_links, awesome_links)
        only_ours = sum(len(a - b) for a, b in zip(xner_links, awesome_links, strict=True))
        only_theirs = sum(len(b - a) for a, b in zip(xner_links, awesome_links, strict=True))
        print(
            f"identical links: {same}/{n} pairs ({sum(map(len, awesome_links)):,} awesome-align links; "
            f"{only_ours} only xner's, {only_theirs} only awesome-align's)"
        )
        if identical(last[AWESOME_MODEL_ONLY], awesome_links) != n:
            print("warning: awesome-align's model-only batches gave other links than its full run")
        print("\nwall clock:\n")
        print(table(rates(seconds, n), AWESOME, "pairs/s"))
        print("\nCPU time (process time, all threads summed; steadier than wall clock on a shared machine):\n")
        print(table(rates(cpu_seconds, n), AWESOME, "pairs per CPU second"))
    return 0 if same == n else 1


if __name__ == "__main__":
    sys.exit(main())
