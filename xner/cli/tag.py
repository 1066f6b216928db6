"""``xner tag``: recognise entities in a file with a tagger spec."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from xner import backends, formats
from xner.backends import DEFAULT_SPECS
from xner.cli._inputs import chunks, count_lines, read_unlabelled
from xner.cli._progress import progress, stderr
from xner.cli.app import app
from xner.cli.projection_options import option_name, projection_options
from xner.corpus import Sentence
from xner.errors import InputError
from xner.languages import PIVOT, normalise_language
from xner.project.config import ProjectionConfig
from xner.project.protocols import SpanTagger


@app.command()
@projection_options
def tag(
    source: Annotated[Path, typer.Argument(help="Input: CoNLL (tags ignored), text, JSONL.", show_default=False)],
    projection: ProjectionConfig,
    out: Annotated[Path, typer.Option(help="Output file; the format follows its extension.", show_default=False)],
    lang: Annotated[str, typer.Option(help="Language of the input (FLORES-200 or ISO 639).", show_default=False)],
    tagger: Annotated[
        str,
        typer.Option(
            help="Backend spec: spacy:PIPELINE | hf[:MODEL] (default: the English spaCy pipeline, as everywhere)."
        ),
    ] = DEFAULT_SPECS["tagger"],
    from_: Annotated[str | None, typer.Option("--from", help="Input format (default: from the extension).")] = None,
    to: Annotated[str | None, typer.Option(help="Output format (default: from the extension).")] = None,
    keep: Annotated[str | None, typer.Option(help="Keep only these types, e.g. PER,LOC,ORG.")] = None,
    drop: Annotated[str | None, typer.Option(help="Drop these types, e.g. MISC.")] = None,
    label_map: Annotated[str | None, typer.Option(help="Rename types: PERSON=PER,GPE=LOC (X= drops X).")] = None,
    device: Annotated[str | None, typer.Option(help="cpu | cuda (hf only; default: cuda if present).")] = None,
    translate_test: Annotated[
        bool, typer.Option("--translate-test", help="Tag through a pivot language (--via, default eng_Latn).")
    ] = False,
) -> None:
    """Tag every sentence of IN and write it, with the predicted spans, to OUT.

    With --translate-test (or --via LANG), translate IN into the pivot language, tag the translation, and project
    the spans back onto the original words as the Projection options say (the whole input aligned at once, or
    back-translated with markers and aligned same-language with --backtranslation).
    """

    code = normalise_language(lang)
    pivoting = translate_test or projection.via is not None
    if not pivoting and projection.changed():
        names = ", ".join(option_name(name) for name in projection.changed())
        raise InputError(f"{names}: projection options apply with --translate-test (or --via)")
    if pivoting:  # before any sentence is translated
        projection.check_aligner(projection.aligner or DEFAULT_SPECS["aligner"])
    options: dict[str, object] = {"keep": keep, "drop": drop, "label_map": label_map}
    if device is not None:
        options["device"] = device
    backend = backends.load("tagger", tagger, **options)
    out_format = formats.check_format(to or formats.detect_format(out))
    if pivoting:
        _translate_test(source, from_, out, out_format, code, backend, projection)
        return

    def tagged() -> Iterator[Sentence]:
        for chunk in chunks(progress(read_unlabelled(source, from_, code), "tagging", total=count_lines(source))):
            for sentence, spans in zip(chunk, backend.tag([s.tokens for s in chunk]), strict=True):
                yield replace(sentence, spans=spans, tags=None, lang=code)

    count = formats.write(tagged(), out, out_format)
    stderr.print(f"tagged {count} sentences into {out} ({out_format})")


def _translate_test(
    source: Path, fmt: str | None, out: Path, out_format: str, lang: str, tagger: SpanTagger, config: ProjectionConfig
) -> None:
    from xner.cli.project import summary_table
    from xner.pipeline import Run, translate_test

    sentences = list(progress(read_unlabelled(source, fmt, lang), "reading", total=count_lines(source)))
    translator = config.translator or DEFAULT_SPECS["translator"]
    aligner = config.aligner or DEFAULT_SPECS["aligner"]
    via = config.via or PIVOT
    stderr.print(f"translate-test: {len(sentences)} sentences {lang} -> {via} ({translator}), tag, align ({aligner})")
    result = translate_test(sentences, lang=lang, tagger=tagger, run=Run(config, backends.load))
    count = formats.write(result.sentences, out, out_format)
    stderr.print(summary_table(result.counts, count))
    stderr.print(f"tagged {count} sentences into {out} ({out_format})")
