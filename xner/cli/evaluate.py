"""``xner evaluate``: span-level P/R/F1 of a prediction file against a gold file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xner import formats
from xner.cli.app import FormatOption, app
from xner.evaluate import Report, evaluate


@app.command("evaluate")
def evaluate_command(
    pred: Annotated[Path, typer.Option(help="Predicted labels.", show_default=False)],
    gold: Annotated[Path, typer.Option(help="Gold labels (same sentences and tokens).", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    mode: Annotated[str, typer.Option(help="default (conlleval) | strict (well-formed chunks only).")] = "default",
    scheme: Annotated[str | None, typer.Option(help="Tag scheme for strict mode (default IOB2).")] = None,
    pred_format: FormatOption = None,
    gold_format: FormatOption = None,
) -> None:
    """Score predictions against gold, exactly as seqeval does."""
    report = evaluate(
        formats.read(gold, gold_format),
        formats.read(pred, pred_format),
        mode=mode,
        scheme=scheme,
        gold_name=str(gold),
        pred_name=str(pred),
    )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        Console().print(report_table(report))


def report_table(report: Report) -> Table:
    """A rich table: one row per type, then the micro average."""
    table = Table(title=f"span-level scores ({report.mode} mode)")
    for column in ("type", "precision", "recall", "f1", "support", "predicted", "correct"):
        table.add_column(column, justify="left" if column == "type" else "right")
    rows = [*report.per_type.items(), ("overall", report.overall)]
    for label, s in rows:
        table.add_row(
            label,
            f"{s.precision:.4f}",
            f"{s.recall:.4f}",
            f"{s.f1:.4f}",
            str(s.support),
            str(s.predicted),
            str(s.correct),
            end_section=label == list(report.per_type)[-1] if report.per_type else False,
        )
    return table
