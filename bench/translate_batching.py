"""Our batched nllb backend against one ``generate()`` call per sentence, on the same tiny NLLB model.

Both sides decode with the same beam size and the same per-sentence length limit
(``max_length_a * source_tokens + max_length_b``), so they produce the same translations; the script checks
that and prints sentences/second of each and the ratio (goal: >= 4x). The speed-up comes from length-sorted,
token-budget batches. The model is a tiny random M2M100 (NLLB architecture) built offline; its random decoder
rarely emits ``</s>``, so every sentence runs to its length limit on both sides (a real model stops earlier,
on both sides alike).

Usage: ``python -m bench.translate_batching [--sentences 2000] [--beams 4] [--max-length-a 0.5 --max-length-b 3]``
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch

from bench._tiny import WARMUP, report, timed, tiny_nllb, translation_parser, word_sentences
from xner.translate.nllb import NllbTranslator


def per_sentence(translator: NllbTranslator, sentences: list[str], src: str, tgt: str) -> list[str]:
    """The baseline: the tokenizer's own special tokens and one ``generate()`` per sentence."""
    tokenizer, model = translator.tokenizer, translator.model
    tokenizer.src_lang = src
    forced = tokenizer.convert_tokens_to_ids(tgt)
    out: list[str] = []
    with torch.inference_mode():
        for sentence in sentences:
            inputs = tokenizer(sentence, return_tensors="pt")
            limit = translator.settings.max_new_tokens(inputs["input_ids"].shape[1], translator.output_limit)
            generated = model.generate(
                **inputs, forced_bos_token_id=forced, num_beams=translator.settings.num_beams, max_new_tokens=limit
            )
            out.append(tokenizer.decode(generated[0], skip_special_tokens=True).strip())
    return out


def main() -> None:
    parser = translation_parser(__doc__)
    args = parser.parse_args()
    sentences = [" ".join(words) for words in word_sentences(args.sentences)]
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = tiny_nllb(Path(tmp))
        translator = NllbTranslator(
            str(model_dir), device="cpu", num_beams=args.beams,
            max_length_a=args.max_length_a, max_length_b=args.max_length_b,
        )  # fmt: skip
        print(f"{args.sentences} sentences, beams {args.beams}, torch threads {torch.get_num_threads()}")
        translator.translate(sentences[:WARMUP], "eng_Latn", "spa_Latn")
        per_sentence(translator, sentences[:WARMUP], "eng_Latn", "spa_Latn")
        ours, ours_s = timed(lambda: translator.translate(sentences, "eng_Latn", "spa_Latn"))
        base, base_s = timed(lambda: per_sentence(translator, sentences, "eng_Latn", "spa_Latn"))
    fast = report("xner nllb (sorted, token-budget batches)", len(sentences), ours_s)
    slow = report("one generate() per sentence", len(sentences), base_s)
    same = sum(a == b for a, b in zip(ours, base, strict=True))
    print(f"  identical translations: {same}/{len(sentences)}")
    print(f"  ratio: {fast / slow:.1f}x (goal >= 4x)")


if __name__ == "__main__":
    main()
