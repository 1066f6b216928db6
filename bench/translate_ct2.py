"""CTranslate2 against transformers on the same tiny NLLB model (converted offline), both through xner.

Both backends use the same batching, beam size and length limits. The sentences are random words whose lengths
follow Europarl's English side (as in ``bench.translate_batching``), and ``--lengths`` picks the model:
``natural`` (default) is the tiny NLLB trained to end its outputs with ``</s>`` at natural lengths
(:func:`bench._tiny.natural_nllb`, kept under ``--cache``); ``cap`` the untrained random one, whose every output
runs to its length limit (there ``--d-model`` and ``--layers`` set its size). The sides (transformers, CTranslate2
float32 and, with ``--int8``, CTranslate2 int8) run in alternating rounds after an untimed warm-up, on
``--threads`` threads each (torch and BLAS pinned, CTranslate2's intra-op threads the same), and the script prints
the median and range of sentences/second of each, the ratio of medians against transformers (goal: >= 2x), in wall
time and in CPU time of the process, the mean output length of each side, and how many translations are identical
to transformers' (and how many are shorter: with a beam, CTranslate2 and transformers may end a hypothesis at
different steps, and a side that stops earlier does less work).

Usage: ``python -m bench.translate_ct2 [--sentences 2000] [--beams 4] [--lengths natural|cap] [--rounds 3]
[--threads 1] [--int8] [--d-model 128 --layers 2] [--cache DIR]``
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench._tiny import NLLB_SIZE, WARMUP, europarl_like, natural_nllb, tiny_nllb, translation_parser
from bench.paired import on_clocks, pin_threads, rates, table
from xner.translate import defaults
from xner.translate.ct2 import Ct2Translator, convert_to_ctranslate2
from xner.translate.nllb import NllbTranslator

SRC, TGT = "eng_Latn", "spa_Latn"
BASELINE = "transformers (xner nllb)"


def main() -> None:
    parser = translation_parser(__doc__)
    parser.set_defaults(max_length_a=defaults.MAX_LENGTH_A, max_length_b=defaults.MAX_LENGTH_B)
    parser.add_argument("--lengths", choices=("natural", "cap"), default="natural", help="the model (see above)")
    parser.add_argument("--int8", action="store_true", help="also measure an int8-quantised conversion")
    parser.add_argument("--d-model", type=int, default=NLLB_SIZE["d_model"], help="model width (ffn = 4x), cap only")
    parser.add_argument("--layers", type=int, default=NLLB_SIZE["layers"], help="encoder and decoder layers, cap only")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of every side, alternating")
    parser.add_argument("--threads", type=int, default=1, help="threads of every side (pinned)")
    parser.add_argument("--cache", type=Path, help="folder keeping the trained model between runs")
    args = parser.parse_args()
    if args.lengths == "natural" and (args.d_model, args.layers) != (NLLB_SIZE["d_model"], NLLB_SIZE["layers"]):
        parser.error("--d-model and --layers size the random model: use them with --lengths cap")
    print(pin_threads(args.threads))
    settings = {"num_beams": args.beams, "max_length_a": args.max_length_a, "max_length_b": args.max_length_b}
    sentences, pairs, origin = europarl_like(args.sentences)
    print(f"{len(sentences)} sentences of random words, lengths from {origin}; beams {args.beams}, limit "
          f"{args.max_length_a} x source + {args.max_length_b} tokens; {args.lengths} lengths, d_model "
          f"{args.d_model}, {args.layers} layers")  # fmt: skip
    outputs: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        if args.lengths == "natural":
            model_dir = natural_nllb(cache, pairs)
        else:
            model_dir = tiny_nllb(cache, d_model=args.d_model, ffn=4 * args.d_model, layers=args.layers)
        translators = {BASELINE: NllbTranslator(str(model_dir), device="cpu", **settings)}  # type: ignore[arg-type]
        for name, quantization in [("float32", None)] + ([("int8", "int8")] if args.int8 else []):
            ct2_dir = convert_to_ctranslate2(str(model_dir), Path(tmp) / f"ct2-{name}", quantization=quantization)
            translators[f"ctranslate2 {name} (xner ct2)"] = Ct2Translator(
                str(ct2_dir),
                device="cpu",
                intra_threads=args.threads,
                **settings,  # type: ignore[arg-type]
            )
        for translator in translators.values():
            translator.translate(sentences[:WARMUP], SRC, TGT)

        def side(name: str) -> Callable[[], None]:
            def run() -> None:
                outputs[name] = translators[name].translate(sentences, SRC, TGT)

            return run

        seconds, cpu = on_clocks({name: side(name) for name in translators}, args.rounds, warmup=0)
    print(table(rates(seconds, len(sentences)), BASELINE, "sentences/s"))
    print("the same rounds in CPU time of this process (all its threads; other jobs' load does not count):")
    print(table(rates(cpu, len(sentences)), BASELINE, "sentences/CPU-s"))
    for name, out in outputs.items():
        words = statistics.mean(len(text.split()) for text in out)
        if name == BASELINE:
            print(f"{name}: {words:.1f} words per output")
            continue
        same = sum(a == b for a, b in zip(out, outputs[BASELINE], strict=True))
        shorter = sum(len(a) < len(b) for a, b in zip(out, outputs[BASELINE], strict=True))
        print(f"{name}: {words:.1f} words per output; identical to transformers {same}/{len(sentences)}, "
              f"shorter {shorter}")  # fmt: skip


if __name__ == "__main__":
    main()
