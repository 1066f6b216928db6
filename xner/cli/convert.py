"""``xner convert``: between CoNLL, JSONL, doccano JSONL, Label Studio tasks and plain text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xner import formats
from xner.cli._progress import progress, stderr
from xner.cli.app import FormatOption, app


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="Input file.", show_default=False)],
    out: Annotated[Path, typer.Argument(help="Output file ('-' for stdout).", show_default=False)],
    from_: Annotated[str | None, typer.Option("--from", help="Input format (default: from the extension).")] = None,
    to: FormatOption = None,
    scheme: Annotated[str | None, typer.Option(help="CoNLL input tag scheme (default: detected).")] = None,
    to_scheme: Annotated[str, typer.Option(help="CoNLL output tag scheme.")] = "IOB2",
    token_col: Annotated[int, typer.Option(help="CoNLL token column index.")] = 0,
    tag_col: Annotated[int, typer.Option(help="CoNLL tag column index.")] = -1,
    offsets: Annotated[
        str | None, typer.Option(help="JSONL/doccano offset unit: codepoint | utf16 (default: codepoint/utf16).")
    ] = None,
    text_key: Annotated[str | None, typer.Option(help="Label Studio data field holding the text.")] = None,
    ls_from: Annotated[
        str, typer.Option(help="Label Studio input: take spans from annotations | predictions.")
    ] = "annotations",
) -> None:
    """Convert a labelled corpus between formats (streaming; any size)."""
    in_fmt = formats.check_format(from_ or formats.detect_format(source))
    out_fmt = formats.check_format(to or formats.detect_format(out))
    read_options: dict[str, object] = {}
    if in_fmt == "conll":
        read_options = {"scheme": scheme, "token_col": token_col, "tag_col": tag_col}
    elif in_fmt in ("jsonl", "doccano") and offsets:
        read_options = {"offset_unit": offsets}
    elif in_fmt == "labelstudio":
        read_options = {"text_key": text_key, "result_from": ls_from}
    write_options: dict[str, object] = {}
    if out_fmt == "conll":
        write_options = {"scheme": to_scheme}
    elif out_fmt in ("jsonl", "doccano") and offsets:
        write_options = {"offset_unit": offsets}
    sentences = progress(formats.read(source, in_fmt, **read_options), "converting")
    count = formats.write(sentences, out, out_fmt, **write_options)
    stderr.print(f"wrote {count} sentences to {out} ({out_fmt})")
