"""CTranslate2 against transformers on the same tiny NLLB model (converted offline), both through xner.

Both backends use the same batching, beam size and length limits; the script prints sentences/second of each
and the ratio (goal: >= 2x), for float32 and, with ``--int8``, for CTranslate2's int8 quantisation too.

Usage: ``python -m bench.translate_ct2 [--sentences 2000] [--beams 4] [--int8]``
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch

from bench._tiny import NLLB_SIZE, WARMUP, report, timed, tiny_nllb, translation_parser, word_sentences
from xner.translate.ct2 import Ct2Translator, convert_to_ctranslate2
from xner.translate.nllb import NllbTranslator


def main() -> None:
    parser = translation_parser(__doc__)
    parser.add_argument("--int8", action="store_true", help="also measure an int8-quantised conversion")
    parser.add_argument("--d-model", type=int, default=NLLB_SIZE["d_model"], help="model width (ffn = 4x)")
    parser.add_argument("--layers", type=int, default=NLLB_SIZE["layers"], help="encoder and decoder layers")
    args = parser.parse_args()
    settings = {"num_beams": args.beams, "max_length_a": args.max_length_a, "max_length_b": args.max_length_b}
    sentences = [" ".join(words) for words in word_sentences(args.sentences)]
    threads = torch.get_num_threads()
    print(f"{args.sentences} sentences, beams {args.beams}, d_model {args.d_model}, {args.layers} layers, "
          f"{threads} threads for both")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = tiny_nllb(Path(tmp), d_model=args.d_model, ffn=4 * args.d_model, layers=args.layers)
        hf = NllbTranslator(str(model_dir), device="cpu", **settings)  # type: ignore[arg-type]
        hf.translate(sentences[:WARMUP], "eng_Latn", "spa_Latn")
        reference, hf_s = timed(lambda: hf.translate(sentences, "eng_Latn", "spa_Latn"))
        slow = report("transformers (xner nllb)", len(sentences), hf_s)
        variants = [("float32", None)] + ([("int8", "int8")] if args.int8 else [])
        for name, quantization in variants:
            ct2_dir = convert_to_ctranslate2(str(model_dir), Path(tmp) / f"ct2-{name}", quantization=quantization)
            ct2 = Ct2Translator(str(ct2_dir), device="cpu", intra_threads=threads, **settings)  # type: ignore[arg-type]
            ct2.translate(sentences[:WARMUP], "eng_Latn", "spa_Latn")
            out, ct2_s = timed(lambda ct2=ct2: ct2.translate(sentences, "eng_Latn", "spa_Latn"))
            fast = report(f"ctranslate2 {name} (xner ct2)", len(sentences), ct2_s)
            same = sum(a == b for a, b in zip(out, reference, strict=True))
            print(f"  identical to transformers: {same}/{len(sentences)}; ratio {fast / slow:.1f}x (goal >= 2x)")


if __name__ == "__main__":
    main()
