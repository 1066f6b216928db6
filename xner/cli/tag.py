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
from xner.corpus import Sentence
from xner.languages import normalise_language
from xner.project.protocols import SpanTagger


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
    via: Annotated[
        str | None, typer.Option(help="Translate-test through this language (e.g. eng_Latn): the tagger runs there.")
    ] = None,
    translator: Annotated[str, typer.Option(help="Translator spec for --via.")] = DEFAULT_SPECS["translator"],
    aligner: Annotated[str, typer.Option(help="Aligner spec for --via.")] = DEFAULT_SPECS["aligner"],
    method: Annotated[str, typer.Option(help="Projection method for --via: heuristic | candidates.")] = "heuristic",
) -> None:
    """Tag every sentence of IN and write it, with the predicted spans, to OUT.

    With --via, translate-test: translate IN into the --via language, tag the translation, align it with IN and
    project the spans back onto the original words (the whole input is aligned at once).
    """

    code = normalise_language(lang)
    options: dict[str, object] = {"keep": keep, "drop": drop, "label_map": label_map}
    if device is not None:
        options["device"] = device
    backend = backends.load("tagger", tagger, **options)
    out_format = formats.check_format(to or formats.detect_format(out))
    if via is not None:
        _translate_test(
            source, from_, out, out_format, code, normalise_language(via), backend, translator, aligner, method
        )
        return

    def tagged() -> Iterator[Sentence]:
        for chunk in chunks(progress(read_unlabelled(source, from_, code), "tagging", total=count_lines(source))):
            for sentence, spans in zip(chunk, backend.tag([s.tokens for s in chunk]), strict=True):
                yield replace(sentence, spans=spans, tags=None, lang=code)

    count = formats.write(tagged(), out, out_format)
    stderr.print(f"tagged {count} sentences into {out} ({out_format})")


def _translate_test(
    source: Path,
    fmt: str | None,
    out: Path,
    out_format: str,
    lang: str,
    via: str,
    tagger: SpanTagger,
    translator: str,
    aligner: str,
    method: str,
) -> None:
    from xner.cli.project import summary_table
    from xner.pipeline import translate_test

    sentences = list(progress(read_unlabelled(source, fmt, lang), "reading", total=count_lines(source)))
    stderr.print(f"translate-test: {len(sentences)} sentences {lang} -> {via} ({translator}), tag, align ({aligner})")
    result = translate_test(
        sentences,
        lang=lang,
        via=via,
        translator=backends.load("translator", translator),
        tagger=tagger,
        aligner=backends.load("aligner", aligner),
        method=method,
    )
    count = formats.write(result.sentences, out, out_format)
    stderr.print(summary_table(result.counts, count))
    stderr.print(f"tagged {count} sentences into {out} ({out_format})")
