"""``xner tag``: recognise entities in a file with a tagger spec."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from xner import formats
from xner.cli._inputs import chunks, count_lines, read_unlabelled
from xner.cli._progress import progress, stderr
from xner.cli.app import app
from xner.corpus import Sentence
from xner.languages import normalise_language


@app.command()
def tag(
    source: Annotated[Path, typer.Argument(help="Input: CoNLL (tags ignored), text, JSONL.", show_default=False)],
    out: Annotated[Path, typer.Option(help="Output file; the format follows its extension.", show_default=False)],
    lang: Annotated[str, typer.Option(help="Language of the input (FLORES-200 or ISO 639).", show_default=False)],
    tagger: Annotated[str, typer.Option(help="Backend spec: hf[:MODEL] | spacy:PIPELINE.")] = "hf",
    from_: Annotated[str | None, typer.Option("--from", help="Input format (default: from the extension).")] = None,
    to: Annotated[str | None, typer.Option(help="Output format (default: from the extension).")] = None,
    keep: Annotated[str | None, typer.Option(help="Keep only these types, e.g. PER,LOC,ORG.")] = None,
    drop: Annotated[str | None, typer.Option(help="Drop these types, e.g. MISC.")] = None,
    label_map: Annotated[str | None, typer.Option(help="Rename types: PERSON=PER,GPE=LOC (X= drops X).")] = None,
    device: Annotated[str | None, typer.Option(help="cpu | cuda (hf only; default: cuda if present).")] = None,
) -> None:
    """Tag every sentence of IN and write it, with the predicted spans, to OUT."""
    from xner.ner import load_tagger

    code = normalise_language(lang)
    options: dict[str, object] = {"keep": keep, "drop": drop, "label_map": label_map}
    if device is not None:
        options["device"] = device
    backend = load_tagger(tagger, **options)
    out_format = formats.check_format(to or formats.detect_format(out))

    def tagged() -> Iterator[Sentence]:
        for chunk in chunks(progress(read_unlabelled(source, from_, code), "tagging", total=count_lines(source))):
            for sentence, spans in zip(chunk, backend.tag([s.tokens for s in chunk]), strict=True):
                yield replace(sentence, spans=spans, tags=None, lang=code)

    count = formats.write(tagged(), out, out_format)
    stderr.print(f"tagged {count} sentences into {out} ({out_format})")
