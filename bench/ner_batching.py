"""The hf tagger (batched, word level) against the transformers token-classification pipeline, same tiny model.

The pipeline gets each sentence as text (words joined by spaces) with ``aggregation_strategy="first"``, as
users call it: one sentence at a time (its default) and with ``batch_size=32``. The script prints
sentences/second of each and the ratios, and in how many sentences both find exactly the same entities
(compared by character offsets).

Usage: ``python -m bench.ner_batching [--sentences 2000]``
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path
from typing import Any

import torch
from transformers import pipeline

from bench._tiny import WARMUP, report, timed, tiny_tagger, word_sentences
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
    args = parser.parse_args()
    sentences = word_sentences(args.sentences, longest=30)
    texts = [" ".join(words) for words in sentences]
    print(f"{args.sentences} sentences, torch threads {torch.get_num_threads()}")
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = tiny_tagger(Path(tmp))
        tagger = HfTagger(str(model_dir), device="cpu")
        tagger.tag(sentences[:WARMUP])
        ours, ours_s = timed(lambda: tagger.tag(sentences))
        classifier = pipeline(
            "token-classification", model=tagger.model, tokenizer=tagger.tokenizer,
            aggregation_strategy="first", device="cpu",
        )  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            classifier(texts[:WARMUP])
            single, single_s = timed(lambda: [classifier(text) for text in texts])
            _, batched_s = timed(lambda: classifier(texts, batch_size=32))
    fast = report("xner hf tagger (sorted, token-budget batches)", len(texts), ours_s)
    one = report("pipeline, one sentence per call", len(texts), single_s)
    many = report("pipeline, batch_size=32", len(texts), batched_s)
    agree = sum(
        our_spans(words, spans) == pipeline_spans(result)
        for words, spans, result in zip(sentences, ours, single, strict=True)
    )
    print(f"  same entities as the pipeline: {agree}/{len(texts)}")
    print(f"  ratio vs one per call: {fast / one:.1f}x; vs batch_size=32: {fast / many:.1f}x")


if __name__ == "__main__":
    main()
