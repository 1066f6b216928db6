"""``xner translate``: translate sentences with a backend spec; ``xner ct2-convert``: convert a model for
the ``ctranslate2`` backend."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from xner import backends
from xner.backends import DEFAULT_SPECS
from xner.cli._inputs import chunks, count_lines, read_unlabelled
from xner.cli._progress import progress, stderr
from xner.cli.app import app
from xner.errors import InputError
from xner.formats import atomic_text_file
from xner.languages import normalise_language


@app.command()
def translate(
    source: Annotated[
        Path | None, typer.Argument(help="Input: text (one sentence per line), CoNLL or JSONL; stdin if absent.")
    ] = None,
    translator: Annotated[
        str, typer.Option(help="Backend spec NAME[:MODEL]: nllb, ct2:DIR, apertium, ...")
    ] = DEFAULT_SPECS["translator"],
    src_lang: Annotated[
        str, typer.Option(help="Source language (FLORES-200 or ISO 639 code).", show_default=False)
    ] = "",
    tgt_lang: Annotated[
        str, typer.Option(help="Target language (FLORES-200 or ISO 639 code).", show_default=False)
    ] = "",
    out: Annotated[Path | None, typer.Option(help="Output file, one translation per line (default stdout).")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Input format (default: from the extension).")] = None,
    beams: Annotated[int | None, typer.Option(help="Beam size (nllb, ctranslate2).")] = None,
    batch_tokens: Annotated[int | None, typer.Option(help="Token budget per batch (nllb, ctranslate2).")] = None,
    device: Annotated[
        str | None, typer.Option(help="cpu | cuda (nllb, ctranslate2; default: cuda if present).")
    ] = None,
    cache_dir: Annotated[Path | None, typer.Option(help="Directory of an on-disk translation cache.")] = None,
) -> None:
    """Translate sentences, one output line per input sentence, in input order."""

    src, tgt = normalise_language(src_lang), normalise_language(tgt_lang)
    options: dict[str, Any] = {}
    for key, value in (("num_beams", beams), ("batch_tokens", batch_tokens), ("device", device)):
        if value is not None:
            options[key] = value
    try:
        backend = backends.load("translator", translator, cache_dir=cache_dir, **options)
    except TypeError as exc:
        raise InputError(f"an option does not apply to the {translator!r} translator: {exc}") from None
    total = count_lines(source)
    sentences = progress(read_unlabelled(source, from_), "translating", total=total)
    written = 0
    if out is None or str(out) == "-":
        for chunk in chunks(sentences):
            for line in backend.translate([_text(s) for s in chunk], src, tgt):
                sys.stdout.write(line + "\n")
                written += 1
        sys.stdout.flush()
    else:
        with atomic_text_file(out) as handle:
            for chunk in chunks(sentences):
                for line in backend.translate([_text(s) for s in chunk], src, tgt):
                    handle.write(line + "\n")
                    written += 1
        stderr.print(f"wrote {written} translations to {out}")


def _text(sentence: Any) -> str:
    return str(sentence.text) if sentence.text is not None else " ".join(sentence.tokens)


@app.command("ct2-convert")
def ct2_convert(
    model: Annotated[str, typer.Argument(help="NLLB/M2M100 model: hub id or directory.", show_default=False)],
    out: Annotated[Path, typer.Argument(help="Output directory for the CTranslate2 model.", show_default=False)],
    quantization: Annotated[
        str | None, typer.Option(help="int8 | int8_float16 | float16 | ... (default: keep float32).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing output directory.")] = False,
) -> None:
    """Convert a transformers translation model for the ctranslate2 backend (tokenizer included)."""
    from xner.translate.ct2 import convert_to_ctranslate2

    path = convert_to_ctranslate2(model, out, quantization=quantization, force=force)
    stderr.print(f"converted {model} to {path}; use --translator ctranslate2:{path}")
