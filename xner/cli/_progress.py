"""Progress on the command line: the work reports (:mod:`xner.progress`), and while a command runs, every step
that reports gets a rich progress bar on stderr -- only when stderr is a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from xner.progress import reporting, tracked

T = TypeVar("T")

stderr = Console(stderr=True)


class Bars:
    """One live display with a bar per reported step (``aligning``, ``translating``, ...), started at the first
    report: a spinner and a counter while the total is unknown."""

    def __init__(self, console: Console = stderr) -> None:
        self.console = console
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, what: str, done: float, total: float | None) -> None:
        if self._progress is None:
            columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
            self._progress = Progress(*columns, TimeElapsedColumn(), console=self.console, transient=True)
            self._progress.start()
        task = self._tasks.get(what)
        if task is None:
            task = self._tasks[what] = self._progress.add_task(what, total=total)
        self._progress.update(task, completed=done, total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._tasks.clear()


@contextmanager
def showing_progress(console: Console = stderr) -> Iterator[None]:
    """Draw what the work inside the block reports as progress bars on ``console``, when it is a terminal."""
    if not console.is_terminal:
        yield
        return
    bars = Bars(console)
    try:
        with reporting(bars):
            yield
    finally:
        bars.close()


def progress(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items``, reporting ``description`` after each (a bar, or a counter when ``total`` is unknown)."""
    return tracked(items, description, total)
