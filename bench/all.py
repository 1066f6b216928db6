"""Regenerate every figure the docs quote: run each bench command and harness run README.md and docs/*.md show.

    python -m bench.all [--list] [--only SUBSTRING ...] [--skip SUBSTRING ...] [--out DIR]

The command lines come from the docs themselves (:func:`bench.figures.figure_commands`), so a figure added to a
doc with its command is regenerated from then on, and ``tests/unit/test_doc_figures.py`` fails where a doc quotes
a figure without naming what produced it:

- every ``python -m bench.NAME ...`` line, except usage lines such as ``[--sizes N ...]``;
- every harness run whose tables a doc quotes (``xner experiment ... --out DIR``, ``xner typology ... --out DIR``),
  written from scratch into its own folder ``DIR/NN-NAME/`` whatever folder the doc names (an experiment with
  ``--no-resume``), and ``$XNER_SHARED_DATA`` filled in where the line names it (the example experiment
  configurations name their data folder themselves);
- a line naming a converted model directory (``E5_DIR``, :data:`bench.figures.MODEL_DIRS`) only where the
  environment variable of that name gives the directory; the others are listed as left out.

Each command runs in its own process from the repository root; its output goes to ``DIR/NN-NAME.txt`` (default
``bench-output/``, not committed) and a summary table (command, exit status, seconds) ends the run. All of them
together take hours on two cores (each million-sentence alignment about 100 minutes); ``--only`` picks some and
``--skip`` leaves some out (``--skip="--sizes 1000000 --method"`` leaves out the two million-sentence alignments;
the ``=`` keeps a value that starts with ``--``). ``NN`` is the line's number among all the docs' lines, whatever
``--only`` and ``--skip`` pick.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.common import REPO
from bench.figures import MODEL_DIRS, FigureCommand, figure_commands


def chosen(command: FigureCommand, only: Sequence[str], skip: Sequence[str]) -> bool:
    """Whether the line contains one of ``only`` (where given) and none of ``skip``."""
    return (not only or any(part in command.line for part in only)) and not any(part in command.line for part in skip)


def selected(
    only: Sequence[str], skip: Sequence[str] = (), environ: Mapping[str, str] = os.environ
) -> list[tuple[int, FigureCommand]]:
    """The figure-producing commands :meth:`~bench.figures.FigureCommand.runnable` with ``environ`` and
    :func:`chosen`, each with its number among all the docs' lines (the same whatever ``only`` and ``skip`` pick,
    so an output folder always holds the same line's output)."""
    lines = [command for command in figure_commands() if command.name != "all"]
    return [
        (number, command)
        for number, command in enumerate(lines, 1)
        if command.runnable(environ) and chosen(command, only, skip)
    ]


def waiting_for_a_directory(
    only: Sequence[str] = (), skip: Sequence[str] = (), environ: Mapping[str, str] = os.environ
) -> list[str]:
    """The chosen lines left out because a model-directory variable is unset, with what that variable names."""
    return [
        f"{command.line}    # set {name}: {MODEL_DIRS[name]}"
        for command in figure_commands()
        if not command.is_usage and chosen(command, only, skip)
        for name in command.model_dirs
        if not environ.get(name)
    ]


def run(commands: list[tuple[int, FigureCommand]], out: Path, console: Console) -> int:
    """Run each command, its output into ``out`` (a harness run's folder emptied first); the number that failed."""
    out.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    summary = Table("command", "status", "seconds", "output")
    failed = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("benches", total=len(commands))
        for number, command in commands:
            progress.update(task, description=command.line[:70])
            stem = out / f"{number:02d}-{command.name}"
            log = stem.with_suffix(".txt")
            if command.program == "xner":
                shutil.rmtree(stem, ignore_errors=True)
            start = time.perf_counter()
            with open(log, "w", encoding="utf-8") as handle:
                handle.write(f"$ {command.line}\n")
                handle.flush()
                status = subprocess.call(
                    command.argv(sys.executable, stem, os.environ),
                    cwd=REPO,
                    env=env,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
            failed += status != 0
            summary.add_row(command.line, str(status), f"{time.perf_counter() - start:,.0f}", log.name)
            progress.advance(task)
    console.print(summary)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="print the command lines and stop")
    parser.add_argument("--only", nargs="+", default=[], metavar="SUBSTRING", help="run the lines containing one")
    parser.add_argument("--skip", nargs="+", default=[], metavar="SUBSTRING", help="leave out the lines containing one")
    parser.add_argument("--out", type=Path, default=REPO / "bench-output", help="folder for the outputs")
    args = parser.parse_args()
    commands = selected(args.only, args.skip)
    console = Console(stderr=True)
    for line in waiting_for_a_directory(args.only, args.skip):
        print(f"left out: {line}", file=sys.stderr)
    if args.list:
        for number, command in commands:
            print(f"{number:02d} {command.line}    # {command.doc}")
        return
    if not commands:
        sys.exit("no command of the docs is left to run with these --only / --skip choices")
    sys.exit(1 if run(commands, args.out.resolve(), console) else 0)


if __name__ == "__main__":
    main()
