"""``xner align``: word alignments of parallel sentences, written as Pharaoh ``i-j`` lines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xner import backends, formats
from xner.backends import DEFAULT_SPECS
from xner.cli._progress import stderr
from xner.cli.app import app
from xner.cli.defaults import SNIFF_BYTES
from xner.errors import InputError


def input_format(path: Path, given: str | None) -> str:
    """The format of an input: as given, else from the extension, else CoNLL if the file has a tab, else text."""
    if given:
        return formats.check_format(given)
    by_extension = formats.detect_format(path, default="")
    if by_extension:
        return by_extension
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return "text"  # the reader reports the error with the file name
    return "conll" if b"\t" in head else "text"


def read_tokens(path: Path, fmt: str | None) -> list[list[str]]:
    """Token lists of a CoNLL (tags ignored) or plain text (one sentence per line) file."""
    chosen = input_format(path, fmt)
    if chosen not in ("conll", "text"):
        raise InputError(f"{path}: xner align reads conll or text, not {chosen}")
    options = {"with_tags": False} if chosen == "conll" else {}
    return [sentence.tokens for sentence in formats.read(path, chosen, **options)]


@app.command("align")
def align_command(
    source: Annotated[Path, typer.Option(help="Source sentences: CoNLL or one tokenised sentence per line.")],
    target: Annotated[Path, typer.Option(help="Target sentences, parallel to the source.")],
    out: Annotated[Path, typer.Option(help="Pharaoh output, one line per pair ('-' for stdout).")],
    aligner: Annotated[
        str, typer.Option(help="Backend spec NAME[:MODEL]: eflomal[:PRIORS], encoder[:MODEL].")
    ] = DEFAULT_SPECS["aligner"],
    method: Annotated[
        str | None, typer.Option(help="Encoder extraction: itermax (default) | argmax | match | softmax.")
    ] = None,
    layer: Annotated[
        int | None,
        typer.Option(
            min=0, help="Encoder hidden layer, 0 = embeddings (default 8; multilingual-e5-small does best at 7)."
        ),
    ] = None,
    symmetrise: Annotated[
        str | None,
        typer.Option(
            help="majority-fill (eflomal default) | majority | intersection | union | grow-diag | grow-diag-final | "
            "grow-diag-final-and | forward | reverse."
        ),
    ] = None,
    source_format: Annotated[str | None, typer.Option(help="conll | text (default: extension, then content).")] = None,
    target_format: Annotated[str | None, typer.Option(help="conll | text (default: extension, then content).")] = None,
    save_priors: Annotated[
        Path | None, typer.Option(help="eflomal: also write priors learnt from this corpus (for eflomal:FILE).")
    ] = None,
) -> None:
    """Align the words of parallel sentences; write one Pharaoh line (i-j pairs) per sentence pair."""
    src = read_tokens(source, source_format)
    tgt = read_tokens(target, target_format)
    options = {} if layer is None else {"layer": layer}
    backend = backends.load("aligner", aligner, method=method, symmetrise=symmetrise, **options)
    if save_priors is not None:
        align_and_learn = getattr(backend, "align_and_learn", None)
        if align_and_learn is None:
            raise InputError(f"--save-priors needs the eflomal aligner, not {aligner!r}")
        alignments, priors = align_and_learn(src, tgt)  # one set of eflomal runs for both
        priors.write(save_priors)
    else:
        alignments = backend.align(src, tgt)
    lines = "".join(a.to_pharaoh() + "\n" for a in alignments)
    if str(out) == "-":
        typer.echo(lines, nl=False)
    else:
        with formats.atomic_text_file(out) as handle:
            handle.write(lines)
    stderr.print(f"aligned {len(alignments)} sentence pairs with {aligner}; wrote {out}")
