"""Regenerate every figure the docs quote: run each bench command line README.md and docs/*.md show.

    python -m bench.all [--list] [--only SUBSTRING ...] [--out DIR]

The command lines come from the docs themselves (:func:`bench.figures.bench_commands`; usage lines such as
``[--sizes N ...]`` are left out), so a figure added to a doc with its command is regenerated from then on, and
``tests/unit/test_doc_figures.py`` fails where a doc quotes a figure without naming what produced it. Each
command runs in its own process from the repository root; its output goes to ``DIR/NN-NAME.txt`` (default
``bench-output/``, not committed) and a summary table (command, exit status, seconds) ends the run. All of them
together take hours on two cores (the million-sentence alignment alone about 90 minutes); ``--only`` picks some.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.common import REPO
from bench.figures import BenchCommand, bench_commands


def selected(only: list[str]) -> list[BenchCommand]:
    """The figure-producing commands (no usage lines), those containing one of ``only`` where it is given."""
    runs = [command for command in bench_commands() if not command.is_usage and command.module != "all"]
    return [command for command in runs if not only or any(part in command.line for part in only)]


def run(commands: list[BenchCommand], out: Path, console: Console) -> int:
    """Run each command, its output into ``out``; the number that failed."""
    out.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    summary = Table("command", "status", "seconds", "output")
    failed = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("benches", total=len(commands))
        for number, command in enumerate(commands, 1):
            progress.update(task, description=command.line[:70])
            log = out / f"{number:02d}-{command.module}.txt"
            start = time.perf_counter()
            with open(log, "w", encoding="utf-8") as handle:
                handle.write(f"$ {command.line}\n")
                handle.flush()
                status = subprocess.call(
                    [sys.executable, "-m", f"bench.{command.module}", *command.args.split()],
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
    parser.add_argument("--out", type=Path, default=REPO / "bench-output", help="folder for the outputs")
    args = parser.parse_args()
    commands = selected(args.only)
    if args.list:
        for command in commands:
            print(f"{command.line}    # {command.doc}")
        return
    if not commands:
        sys.exit(f"no bench command in the docs contains {' or '.join(args.only)}")
    sys.exit(1 if run(commands, args.out, Console(stderr=True)) else 0)


if __name__ == "__main__":
    main()
