"""The neural steps on a GPU: random weights of the real shapes, sentences/s and peak GPU memory per worker.

    python -m bench.gpu [--device cuda|cpu] [--shapes real|tiny] [--sentences 512] [--per-sentence 64]
                        [--steps translate align tag] [--dtypes float32 float16 bfloat16] [--rounds 2] [--json FILE]

Each step runs through xner's own backend, batched as a worker runs it, beside the per-sentence path (one
``generate()`` / forward pass per sentence or pair) on the first ``--per-sentence`` inputs:

* translate: NLLB-200-distilled-600M and NLLB-200-3.3B (``xner.translate.nllb.NllbTranslator``, 4 beams), in each
  of ``--dtypes``, and CTranslate2 (``xner.translate.ct2``, float16 on CUDA) where it is installed;
* align: mBERT-base (``xner.align.encoder.EncoderAligner``, layer 8, itermax; fp16 on CUDA, its default);
* tag: XLM-R-large token classification (``xner.ner.hf.HfTagger``), in each of ``--dtypes``.

The shapes are the published architectures of ``bench.model_shapes`` (vocabulary sizes included: NLLB's output
layer over 256,206 entries is a large part of decoding), built with random weights (nothing is downloaded) and
a small tokenizer trained on the tiny models' text. Random decoders rarely emit end-of-sentence, so every
translation runs to its length limit (``max_length_a * source_tokens + max_length_b``) on both sides alike: the
longest outputs a real model would give for these inputs. ``--shapes tiny`` (the default without CUDA) runs the
same code on tiny shapes, so CI keeps the script working (``tests/unit/test_gpu_bench.py``); its figures say
nothing about a GPU. The batched and per-sentence sides alternate for ``--rounds`` rounds after a warm-up; the
table gives medians, the peak GPU memory of the batched side (``torch.cuda.max_memory_allocated``), and the
``--rate`` arguments of ``python -m bench.capacity`` for one GPU worker of each step.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from bench._tiny import word_sentences
from bench.model_shapes import SHAPES, Shape
from bench.paired import alternate, pin_threads, rates

T = TypeVar("T")

DTYPES = ("float32", "float16", "bfloat16")
STEPS = ("translate", "align", "tag")
CAPACITY_STEP = {"translate": "translate", "align": "align", "tag": "ner"}
"""The step names of ``bench.capacity`` for this script's steps."""

TINY = {
    "M2M100Config": {
        "d_model": 64,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "encoder_ffn_dim": 128,
        "decoder_ffn_dim": 128,
        "encoder_attention_heads": 4,
        "decoder_attention_heads": 4,
        "vocab_size": 1000,
    },
    "BertConfig": {
        "hidden_size": 64,
        "num_hidden_layers": 9,
        "num_attention_heads": 4,
        "intermediate_size": 128,
        "vocab_size": 1000,
    },
    "XLMRobertaConfig": {
        "hidden_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "intermediate_size": 128,
        "vocab_size": 1000,
    },
}
"""What ``--shapes tiny`` changes in each architecture."""


@dataclass(frozen=True)
class Row:
    """One measured configuration."""

    step: str
    model: str
    dtype: str
    batched: float
    per_sentence: float
    peak_gib: float | None
    same: str


def shape_of(step: str, size: str) -> list[Shape]:
    """The shapes a step runs (both NLLB sizes for translate), real or tiny."""
    head = {"translate": "AutoModelForSeq2SeqLM", "align": "AutoModel", "tag": "AutoModelForTokenClassification"}
    shapes = [shape for shape in SHAPES if shape.head == head[step]]
    if size == "tiny":
        shapes = [Shape(f"{s.name} (tiny)", s.config, s.head, s.values | TINY[s.config]) for s in shapes[:1]]
    return shapes


def build(step: str, shape: Shape, root: Path, device: str) -> Path:
    """A model directory: the tiny builders' tokenizer, and a random model of ``shape`` over it (initialised on
    ``device``, saved in 16-bit where it is a GPU, which halves the disk and the loading time)."""
    import torch
    import transformers

    from xner.testing.tiny_models import build_tiny_nllb, build_tiny_token_classifier

    out = root / shape.name.replace("/", "--").replace(" ", "")
    if step == "translate":
        build_tiny_nllb(out, max_positions=shape.values.get("max_position_embeddings", 1024))
    elif step == "tag":
        build_tiny_token_classifier(out, max_length=512)
    else:
        from tests.fixtures.tiny_bert import build_tiny_bert
        from xner.testing.tiny_models import TINY_CORPUS

        build_tiny_bert(out, " ".join(TINY_CORPUS).split())
    previous = transformers.AutoConfig.from_pretrained(out)
    values = dict(shape.values)
    if step == "tag":  # the tokenizer's labels and special ids
        values |= {"id2label": previous.id2label, "label2id": previous.label2id}
    config = getattr(transformers, shape.config)(**values)
    with torch.device(device):
        model = getattr(transformers, shape.head).from_config(config)
    if device != "cpu":
        model = model.half()
    model.save_pretrained(out)
    return out


def _peak_during(device: str, work: Callable[[], T]) -> tuple[T, float | None]:
    """``work()`` and the GiB of GPU memory it peaked at (None off CUDA)."""
    if device != "cuda":
        return work(), None
    import torch

    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    result = work()
    torch.cuda.synchronize()
    return result, torch.cuda.max_memory_allocated() / 2**30


def agreement(many: list[Any], one: list[Any], key: Callable[[Any], Any]) -> str:
    """How many of ``one``'s outputs equal ``many``'s at the same position, compared by ``key``."""
    return f"{sum(key(a) == key(b) for a, b in zip(many, one, strict=False))}/{len(one)}"


def _synced(device: str, work: Callable[[], object]) -> Callable[[], object]:
    """``work`` that waits for the GPU before it returns, so its time is the GPU's too."""

    def call() -> object:
        result = work()
        if device == "cuda":
            import torch

            torch.cuda.synchronize()
        return result

    return call


def _measure(
    step: str,
    model: str,
    dtype: str,
    device: str,
    batched: Callable[[], Any],
    single: Callable[[], Any],
    counts: tuple[int, int],
    rounds: int,
    key: Callable[[Any], Any] = lambda output: output,
) -> Row:
    """Both sides in alternating rounds; the peak GPU memory is the run's, which the batched side sets."""
    outputs: dict[str, Any] = {}
    sides = {
        "per-sentence": _synced(device, lambda: outputs.__setitem__("single", single())),
        "batched": _synced(device, lambda: outputs.__setitem__("batched", batched())),
    }
    seconds, peak = _peak_during(device, lambda: alternate(sides, rounds))
    spreads = rates(seconds, {"batched": counts[0], "per-sentence": counts[1]})
    return Row(
        step,
        model,
        dtype,
        spreads["batched"].median,
        spreads["per-sentence"].median,
        peak,
        agreement(outputs["batched"], outputs["single"], key),
    )


def in_each_dtype(model: Any, dtypes: list[str], measure: Callable[[str], Row]) -> list[Row]:
    """``measure(dtype)`` with ``model`` cast to each of ``dtypes`` in turn."""
    import torch

    rows = []
    for dtype in dtypes:
        model.to(getattr(torch, dtype))
        rows.append(measure(dtype))
    return rows


def translate_rows(
    directory: Path, name: str, device: str, dtypes: list[str], texts: list[str], few: int, rounds: int
) -> list[Row]:
    """NLLB batched (xner's translator) against one ``generate()`` per sentence, per dtype; CTranslate2 too."""
    import torch

    from xner.translate.nllb import NllbTranslator

    settings = {"num_beams": 4, "max_length_a": 0.5, "max_length_b": 3}
    translator = NllbTranslator(str(directory), device=device, **settings)  # type: ignore[arg-type]
    tokenizer = translator.tokenizer

    def one_by_one() -> list[str]:
        tokenizer.src_lang = "eng_Latn"
        forced = tokenizer.convert_tokens_to_ids("spa_Latn")
        out = []
        with torch.inference_mode():
            for text in texts[:few]:
                inputs = tokenizer(text, return_tensors="pt").to(translator.device)
                limit = translator.settings.max_new_tokens(inputs["input_ids"].shape[1], translator.output_limit)
                generated = translator.model.generate(
                    **inputs, forced_bos_token_id=forced, num_beams=translator.settings.num_beams, max_new_tokens=limit
                )
                out.append(tokenizer.decode(generated[0], skip_special_tokens=True).strip())
        return out

    rows = in_each_dtype(
        translator.model,
        dtypes,
        lambda dtype: _measure(
            "translate",
            name,
            dtype,
            device,
            lambda: translator.translate(texts, "eng_Latn", "spa_Latn"),
            one_by_one,
            (len(texts), few),
            rounds,
        ),
    )
    rows.extend(_ct2_rows(directory, name, device, texts, translator, rounds, settings))
    return rows


def _ct2_rows(
    directory: Path, name: str, device: str, texts: list[str], translator: Any, rounds: int, settings: dict[str, Any]
) -> list[Row]:
    """CTranslate2 (float16 on CUDA, float32 on CPU) against xner's transformers translator, batched both."""
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return []
    import torch

    from xner.translate.ct2 import Ct2Translator, convert_to_ctranslate2

    translator.model.to(torch.float32)
    quantization = "float16" if device == "cuda" else None
    converted = convert_to_ctranslate2(
        str(directory), directory.parent / f"{directory.name}.ct2", quantization=quantization
    )
    fast = Ct2Translator(str(converted), device=device, **settings)
    row = _measure(
        "translate",
        f"{name} (CTranslate2 vs transformers)",
        quantization or "float32",
        device,
        lambda: fast.translate(texts, "eng_Latn", "spa_Latn"),
        lambda: translator.translate(texts, "eng_Latn", "spa_Latn"),
        (len(texts), len(texts)),
        rounds,
    )
    return [row]


def align_rows(
    directory: Path, name: str, device: str, pairs: list[tuple[list[str], list[str]]], few: int, rounds: int
) -> list[Row]:
    """The encoder aligner batched against one pair per forward pass (``batch_sentences=1``)."""
    from xner.align.encoder import EncoderAligner

    batched = EncoderAligner(str(directory), layer=8, device=device)
    single = EncoderAligner(str(directory), layer=8, device=device, batch_sentences=1)
    src, tgt = [p[0] for p in pairs], [p[1] for p in pairs]

    def one_by_one() -> list[Any]:
        return [single.align([s], [t])[0] for s, t in zip(src[:few], tgt[:few], strict=True)]

    dtype = "float16" if device == "cuda" else "float32"
    return [
        _measure(
            "align",
            name,
            dtype,
            device,
            lambda: batched.align(src, tgt),
            one_by_one,
            (len(pairs), few),
            rounds,
            key=lambda alignment: alignment.links,  # scores differ in the last bits with padding
        )
    ]


def tag_rows(
    directory: Path, name: str, device: str, dtypes: list[str], sentences: list[list[str]], few: int, rounds: int
) -> list[Row]:
    """The hf tagger batched against one sentence per call, per dtype."""

    from xner.ner.hf import HfTagger

    tagger = HfTagger(str(directory), device=device)

    return in_each_dtype(
        tagger.model,
        dtypes,
        lambda dtype: _measure(
            "tag",
            name,
            dtype,
            device,
            lambda: tagger.tag(sentences),
            lambda: [tagger.tag([s])[0] for s in sentences[:few]],
            (len(sentences), few),
            rounds,
            key=lambda spans: [span.key for span in spans],  # scores differ in the last bits with padding
        ),
    )


def run(args: argparse.Namespace, root: Path) -> list[Row]:
    """Every step and shape asked for."""
    words = word_sentences(args.sentences, seed=0, longest=30)
    texts = [" ".join(w) for w in words]
    rng = random.Random(1)
    pairs = [(w, rng.sample(w, len(w))) for w in words]
    dtypes = [d for d in args.dtypes if args.device == "cuda" or d == "float32"]
    rows: list[Row] = []
    for step in args.steps:
        for shape in shape_of(step, args.shapes):
            directory = build(step, shape, root, args.device)
            if step == "translate":
                rows += translate_rows(
                    directory, shape.name, args.device, dtypes, texts, args.per_sentence, args.rounds
                )
            elif step == "align":
                rows += align_rows(directory, shape.name, args.device, pairs, args.per_sentence, args.rounds)
            else:
                rows += tag_rows(directory, shape.name, args.device, dtypes, words, args.per_sentence, args.rounds)
    return rows


def report(rows: list[Row], device: str) -> None:
    print("| step | model | dtype | batched sent/s | per-sentence sent/s | ratio | peak GPU GiB | same output |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for r in rows:
        peak = "n/a" if r.peak_gib is None else f"{r.peak_gib:.2f}"
        print(
            f"| {r.step} | {r.model} | {r.dtype} | {r.batched:,.1f} | {r.per_sentence:,.1f} | "
            f"{r.batched / r.per_sentence:.1f}x | {peak} | {r.same} |"
        )
    best: dict[str, float] = {}
    for r in rows:
        if "CTranslate2" not in r.model and "3.3B" not in r.model:
            step = CAPACITY_STEP[r.step]
            best[step] = max(best.get(step, 0.0), r.batched)
    given = " ".join(f"--rate {step}={rate:.0f}" for step, rate in best.items())
    print(f"\none {device} worker per step (the default models, best dtype): python -m bench.capacity {given}")


def main() -> None:
    import torch

    cuda = torch.cuda.is_available()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda" if cuda else "cpu")
    parser.add_argument("--shapes", choices=["real", "tiny"], default=None, help="default: real on CUDA, else tiny")
    parser.add_argument("--sentences", type=int, default=512)
    parser.add_argument("--per-sentence", type=int, default=64, help="inputs the per-sentence side runs")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--dtypes", nargs="+", choices=DTYPES, default=list(DTYPES), help="CUDA only; CPU: float32")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    parser.add_argument("--cache", type=Path, default=None, help="folder for the built models (default temporary)")
    args = parser.parse_args()
    if args.device == "cuda" and not cuda:
        parser.error("--device cuda: torch sees no CUDA device")
    args.shapes = args.shapes or ("real" if args.device == "cuda" else "tiny")
    print(
        f"{args.device}"
        + (f" ({torch.cuda.get_device_name()})" if args.device == "cuda" else "")
        + f", {args.shapes} shapes, {args.sentences} sentences; {pin_threads(None)}"
    )
    with tempfile.TemporaryDirectory(prefix="xner-gpu-") as tmp:
        rows = run(args, args.cache or Path(tmp))
    report(rows, args.device)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1))


if __name__ == "__main__":
    main()
