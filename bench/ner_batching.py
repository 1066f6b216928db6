"""The hf tagger (batched, word level) against the transformers token-classification pipeline, same tiny model.

The pipeline gets each sentence as text (words joined by spaces) with ``aggregation_strategy="first"``, as
users call it: one sentence at a time (its default) and with ``batch_size=32``. The three sides run in
alternating rounds (``--rounds`` each, after an untimed warm-up) on ``--threads`` torch/BLAS threads; the script
prints the median and range of the sentences/second of each, the ratio of medians against the one-per-call
pipeline, and in how many sentences both find exactly the same entities (compared by character offsets).

Usage: ``python -m bench.ner_batching [--sentences 2000] [--rounds 3] [--threads 1]``
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path
from typing import Any

from transformers import pipeline

from bench._tiny import WARMUP, tiny_tagger, word_sentences
from bench.paired import alternate, pin_threads, rates, table
from xner.corpus import Span, join_tokens
from xner.ner.hf import HfTagger


def pipeline_spans(result: list[dict[str, Any]]) -> set[tuple[int, int, str]]:
    """The pipeline's entities as character offsets (its ``word`` strings lose the spaces between words)."""
    return {(int(r["start"]), int(r["end"]), str(r["entity_group"])) for r in result}


def our_spans(words: list[str], spans: list[Span]) -> set[tuple[int, int, str]]:
    _, offsets = join_tokens(words)
    return {(offsets[s.start][0], offsets[s.end - 1][1], s.label) for s in spans}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of every side, alternating")
    parser.add_argument("--threads", type=int, default=1, help="torch and BLAS threads (pinned)")
    args = parser.parse_args()
    sentences = word_sentences(args.sentences, longest=30)
    texts = [" ".join(words) for words in sentences]
    print(f"{args.sentences} sentences of 3-30 words, {args.rounds} alternating rounds; {pin_threads(args.threads)}")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = tiny_tagger(Path(tmp))
        tagger = HfTagger(str(model_dir), device="cpu")
        classifier = pipeline(
            "token-classification", model=tagger.model, tokenizer=tagger.tokenizer,
            aggregation_strategy="first", device="cpu",
        )  # fmt: skip
        sides = {
            "pipeline, one sentence per call": lambda: results.__setitem__(
                "single", [classifier(text) for text in texts]
            ),
            "pipeline, batch_size=32": lambda: classifier(texts, batch_size=32),
            "xner hf tagger (sorted, token-budget batches)": lambda: results.__setitem__("ours", tagger.tag(sentences)),
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tagger.tag(sentences[:WARMUP])
            classifier(texts[:WARMUP])
            classifier(texts[:WARMUP], batch_size=32)
            seconds = alternate(sides, args.rounds, warmup=0)
    print(table(rates(seconds, len(texts)), "pipeline, one sentence per call", "sentences/s"))
    agree = sum(
        our_spans(words, spans) == pipeline_spans(result)
        for words, spans, result in zip(sentences, results["ours"], results["single"], strict=True)
    )
    print(f"same entities as the pipeline: {agree}/{len(texts)}")


if __name__ == "__main__":
    main()
