"""The typer application every command module registers on, and the options they share."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="xner",
    help="Cross-lingual NER by annotation projection: convert, evaluate, align, project, translate, tag.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: one readable column at 80 characters, no <bool> placeholders
)


class State:
    """Process-wide CLI flags set by the top-level callback."""

    debug = False


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    State.debug = debug


FormatOption = Annotated[
    str | None,
    typer.Option(help="conll | jsonl | doccano | labelstudio | text (default: from the file extension)"),
]
