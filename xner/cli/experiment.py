"""``xner experiment``: run a grid of projection experiments from a YAML configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xner.cli._progress import stderr
from xner.cli.app import app
from xner.errors import InputError
from xner.experiment import defaults
from xner.experiment.config import Distance
from xner.progress import report

DEFAULT_OUT = "experiment-out"
"""Output folder when --out is not given."""


class Cells:
    """Reports the grid's cells as the ``experiment cells`` step (a bar on a terminal)."""

    def __init__(self) -> None:
        self.done = 0
        self.total: int | None = None

    def start(self, total: int) -> None:
        self.total = total
        report("experiment cells", self.done, total)

    def advance(self, _cell: str) -> None:
        self.done += 1
        report("experiment cells", self.done, self.total)


@app.command()
def experiment(
    config: Annotated[
        Path | None,
        typer.Argument(help="The experiment configuration (YAML); not with --released.", show_default=False),
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder: results, plots and the step cache.")] = Path(DEFAULT_OUT),
    resume: Annotated[bool, typer.Option(help="Reuse cached steps from an earlier run in --out.")] = True,
    released: Annotated[
        bool,
        typer.Option(
            help="Analyse the seed paper's released results (bundled) instead of running a grid: no model, no data."
        ),
    ] = False,
    distance: Annotated[
        Distance, typer.Option(help="With --released: the URIEL distance the main analysis uses.")
    ] = defaults.DISTANCE,
) -> None:
    """Run the grid CONFIG describes; write results.csv, results.md, summary.json and PNG plots to --out.

    Every step (translation, alignment, tagging, projection) is cached under OUT/cache, so an interrupted run
    resumes where it stopped and a finished one re-renders its outputs without doing any work. With --released,
    the seed paper's released per-language results are analysed instead (per data set and pooled).
    """
    if released:
        if config is not None:
            raise InputError("give either a configuration or --released, not both")
        from xner.experiment.runner import run_released

        for path in run_released(out, distance):
            stderr.print(f"wrote {path}")
        return
    if config is None:
        raise InputError("give the experiment configuration (a YAML file), or --released")
    from xner.experiment import load_config, run_experiment

    settings = load_config(config)
    cells = Cells()
    result = run_experiment(settings, out, resume=resume, advance=cells.advance, on_start=cells.start)
    scored = sum(row.ok for row in result.rows)
    stderr.print(
        f"{scored} of {len(result.rows)} cells scored; steps: {result.cache_misses} run, {result.cache_hits} cached"
    )
    for path in result.files:
        stderr.print(f"wrote {path}")


def _numbers(text: str, option: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"{option}: give numbers separated by commas, got {text!r}") from None


@app.command()
def typology(
    data: Annotated[
        Path, typer.Option(help="The Europarl-NER folder (<lang>-europarl.test.conll02 per side).", show_default=False)
    ],
    out: Annotated[Path, typer.Option(help="Output folder: results and the plot.")] = Path("typology-out"),
    target: Annotated[str, typer.Option(help="The side that is transformed.")] = defaults.TYPOLOGY_TARGET,
    sources: Annotated[
        str, typer.Option(help="Sides projected onto it, comma-separated; the first is the single source.")
    ] = ",".join(defaults.TYPOLOGY_SOURCES),
    strengths: Annotated[
        str, typer.Option(help="Dial settings in (0, 1], comma-separated (0 is always run).")
    ] = ",".join(str(s) for s in defaults.TYPOLOGY_STRENGTHS),
    axes: Annotated[
        str, typer.Option(help="Axes, comma-separated: order, fusion, script, all.")
    ] = "order,fusion,script,all",
    sentences: Annotated[int | None, typer.Option(help="Use the first N sentences of each side.")] = None,
    aligner: Annotated[str | None, typer.Option(help="Aligner SPEC (default: the library's, eflomal).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the transforms' choices.")] = 0,
) -> None:
    """The controlled typology experiment: transform one side of Europarl-NER along one typological axis at a time
    (word order, fusion of function words, script) with a dial, project the other sides' gold onto it, and score.

    Writes results.csv, results.md, summary.json and typology.png to --out (docs/experiment.md).
    """
    from xner.experiment.typology_run import run_typology

    files = run_typology(
        data,
        out,
        target=target,
        sources=[s.strip() for s in sources.split(",") if s.strip()],
        strengths=_numbers(strengths, "--strengths"),
        axes=[a.strip() for a in axes.split(",") if a.strip()],
        sentences=sentences,
        aligner=aligner,
        seed=seed,
    )
    for path in files:
        stderr.print(f"wrote {path}")
