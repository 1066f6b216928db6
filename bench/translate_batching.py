"""Our batched nllb backend against one ``generate()`` call per sentence, on the same tiny NLLB model.

Both sides decode with the same beam size and the same per-sentence length limit
(``max_length_a * source_tokens + max_length_b``, by default the production 1.2 and 10), so they produce the same
translations; the script counts the identical ones. The sentences are random words whose lengths follow
Europarl's English side (Europarl-NER's 799 sentences where the shared data is present, else a fit of them,
:data:`bench._tiny.EUROPARL_FIT`). The speed-up comes from length-sorted, token-budget batches.

``--lengths`` picks the model (NLLB architecture, M2M100, built offline):

* ``natural`` (default): trained for 200 seeded CPU steps (:func:`bench._tiny.natural_nllb`, about 45 seconds on
  one core) to end each output with ``</s>`` after about as many tokens as Europarl's Spanish/English length ratio
  gives for its source, as a real model does; outputs have varied lengths, and a batch runs until its longest
  output ends. Kept under ``--cache DIR`` and reused (default: a temporary folder, so trained on every run).
* ``cap``: the untrained random model, whose decoder never emits ``</s>``: every output runs to its length limit
  (the case this bench measured before; every row of a batch finishes at its own limit).

The script prints the output lengths of the per-sentence side (mean, median, range, how they follow the source
and how many hit the limit), then times the two sides in alternating rounds (``--rounds`` each, the order flipping
every round, after an untimed warm-up of a few sentences) on ``--threads`` torch/BLAS threads (pinned and
printed), and prints the median and range of sentences/second of each side and the ratio of the medians against
the per-sentence baseline (goal: >= 4x), in wall-clock time and in the CPU time of the process (which the load
of other jobs on a shared machine does not inflate).

Usage: ``python -m bench.translate_batching [--sentences 2000] [--beams 4] [--max-length-a 1.2] [--max-length-b 10]
[--lengths natural|cap] [--rounds 3] [--threads 1] [--cache DIR]``
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from bench._tiny import WARMUP, europarl_like, natural_nllb, tiny_nllb, translation_parser
from bench.paired import on_clocks, pin_threads, rates, table
from xner.translate import defaults
from xner.translate.nllb import NllbTranslator

SRC, TGT = "eng_Latn", "spa_Latn"
OURS = "xner nllb (sorted, token-budget batches)"
BASELINE = "one generate() per sentence"


@dataclass(frozen=True)
class Output:
    """One per-sentence translation and how its decoding ended."""

    text: str
    source_tokens: int
    """Tokens of the source, its language token and ``</s>`` included (what the length limit is taken of)."""
    tokens: int
    """Tokens generated, the forced language token and ``</s>`` not counted."""
    capped: bool
    """Whether the decoder was stopped by the length limit rather than by emitting ``</s>``."""


def per_sentence(translator: NllbTranslator, sentences: list[str]) -> list[Output]:
    """The baseline: the tokenizer's own special tokens and one ``generate()`` per sentence."""
    tokenizer, model = translator.tokenizer, translator.model
    tokenizer.src_lang = SRC
    forced = tokenizer.convert_tokens_to_ids(TGT)
    eos = tokenizer.eos_token_id
    out: list[Output] = []
    with torch.inference_mode():
        for sentence in sentences:
            inputs = tokenizer(sentence, return_tensors="pt")
            source = int(inputs["input_ids"].shape[1])
            limit = translator.settings.max_new_tokens(source, translator.output_limit)
            generated = model.generate(
                **inputs, forced_bos_token_id=forced, num_beams=translator.settings.num_beams, max_new_tokens=limit
            )[0].tolist()
            ended = generated[-1] == eos
            text = tokenizer.decode(generated, skip_special_tokens=True).strip()
            # generated: decoder start, forced language token, the output, </s> where it ended by itself
            out.append(Output(text, source, len(generated) - 2 - ended, not ended))
    return out


def length_summary(outputs: Sequence[Output]) -> str:
    """Mean, median and range of the output lengths, how they follow the source's, and how many hit the limit."""
    tokens = [o.tokens for o in outputs]
    capped = sum(o.capped for o in outputs)
    sources = [o.source_tokens for o in outputs]
    spread = f"{statistics.correlation(sources, tokens):.2f}" if len(set(tokens)) > 1 < len(set(sources)) else "-"
    return (
        f"output tokens: mean {statistics.mean(tokens):.1f}, median {statistics.median(tokens):g}, "
        f"range {min(tokens)}-{max(tokens)}, {sum(tokens) / sum(sources):.2f} per source token, "
        f"correlation with the source length {spread}; "
        f"hit the length limit: {capped}/{len(outputs)} ({100 * capped / len(outputs):.0f}%)"
    )


def main() -> None:
    parser = translation_parser(__doc__)
    parser.set_defaults(max_length_a=defaults.MAX_LENGTH_A, max_length_b=defaults.MAX_LENGTH_B)
    parser.add_argument(
        "--lengths",
        choices=("natural", "cap"),
        default="natural",
        help="natural: a model trained to stop at </s>; cap: a random one that never stops",
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of every side, alternating")
    parser.add_argument("--threads", type=int, default=1, help="torch and BLAS threads (pinned)")
    parser.add_argument("--cache", type=Path, help="folder keeping the trained model between runs")
    args = parser.parse_args()
    print(pin_threads(args.threads))
    sentences, pairs, origin = europarl_like(args.sentences)
    print(f"{len(sentences)} sentences of random words, lengths from {origin}; beams {args.beams}, "
          f"limit {args.max_length_a} x source + {args.max_length_b} tokens; {args.lengths} lengths")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        model_dir = natural_nllb(cache, pairs) if args.lengths == "natural" else tiny_nllb(cache)
        translator = NllbTranslator(
            str(model_dir), device="cpu", num_beams=args.beams,
            max_length_a=args.max_length_a, max_length_b=args.max_length_b,
        )  # fmt: skip
        translator.translate(sentences[:WARMUP], SRC, TGT)
        per_sentence(translator, sentences[:WARMUP])
        ours: list[list[str]] = []  # every round's outputs, kept to compare the sides
        base: list[list[Output]] = []
        sides = {
            OURS: lambda: ours.append(translator.translate(sentences, SRC, TGT)),
            BASELINE: lambda: base.append(per_sentence(translator, sentences)),
        }
        seconds, cpu = on_clocks(sides, args.rounds, warmup=0)
    print(length_summary(base[-1]))
    print(table(rates(seconds, len(sentences)), BASELINE, "sentences/s"))
    print("the same rounds in CPU time of this process (all its threads; other jobs' load does not count):")
    print(table(rates(cpu, len(sentences)), BASELINE, "sentences/CPU-s"))
    same = sum(a == b.text for a, b in zip(ours[-1], base[-1], strict=True))
    print(f"identical translations: {same}/{len(sentences)}")


if __name__ == "__main__":
    main()
