"""``xner experiment``: run a grid of projection experiments from a YAML configuration."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from xner.cli._progress import stderr
from xner.cli.app import app

DEFAULT_OUT = "experiment-out"
"""Output folder when --out is not given."""


@app.command()
def experiment(
    config: Annotated[Path, typer.Argument(help="The experiment configuration (YAML).", show_default=False)],
    out: Annotated[Path, typer.Option(help="Output folder: results, plots and the step cache.")] = Path(DEFAULT_OUT),
    resume: Annotated[bool, typer.Option(help="Reuse cached steps from an earlier run in --out.")] = True,
) -> None:
    """Run the grid CONFIG describes; write results.csv, results.md, summary.json and PNG plots to --out.

    Every step (translation, alignment, tagging, projection) is cached under OUT/cache, so an interrupted run
    resumes where it stopped and a finished one re-renders its outputs without doing any work.
    """
    from xner.experiment import load_config, run_experiment

    settings = load_config(config)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=stderr, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("experiment", total=None)
        result = run_experiment(
            settings,
            out,
            resume=resume,
            advance=lambda text: bar.update(task, advance=1, description=text),
            on_start=lambda total: bar.update(task, total=total),
        )
    scored = sum(row.ok for row in result.rows)
    stderr.print(
        f"{scored} of {len(result.rows)} cells scored; steps: {result.cache_misses} run, {result.cache_hits} cached"
    )
    for path in result.files:
        stderr.print(f"wrote {path}")
