"""Progress of long steps, reported by the code that does the work and shown by whoever runs it.

The library reports; it never draws. A long loop (eflomal's runs, a translator's batches, a tagger's batches, a
projection) calls :func:`report` or wraps its items in :func:`tracked`; whoever runs the work installs a
:data:`Report` for the duration with :func:`reporting`: the CLI draws rich progress bars (:mod:`xner.cli._progress`),
a service worker turns the fraction done into the job's progress in sentences (:mod:`xner.service.steps`). With no
reporter installed, reporting costs one context-variable lookup.

The reporter lives in a context variable, so concurrent jobs on different threads each report to their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from xner.defaults import PROGRESS_CHUNK

T = TypeVar("T")
R = TypeVar("R")

Report = Callable[[str, float, float | None], None]
"""``report(what, done, total)``: ``done`` of ``total`` units of the step ``what`` are done (``total`` ``None``:
unknown)."""

_reporter: ContextVar[Report | None] = ContextVar("xner_progress_reporter", default=None)


@contextmanager
def reporting(report: Report) -> Iterator[None]:
    """Send the progress reported inside the block (in this context) to ``report``."""
    token = _reporter.set(report)
    try:
        yield
    finally:
        _reporter.reset(token)


def report(what: str, done: float, total: float | None) -> None:
    """Tell the installed reporter, if any, that ``done`` of ``total`` units of ``what`` are done."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter(what, done, total)


def tracked(
    items: Iterable[T], what: str, total: float | None = None, *, weight: Callable[[T], float] | None = None
) -> Iterator[T]:
    """Yield ``items``, reporting ``what`` after each one: one unit per item, or ``weight(item)`` units (a batch
    of sentences counts its sentences). ``total`` defaults to ``len(items)`` (or the weights' sum) when sized."""
    if total is None and isinstance(items, Sized):
        total = len(items) if weight is None else sum(weight(item) for item in items)
    done = 0.0
    report(what, done, total)
    for item in items:
        yield item
        done += 1 if weight is None else weight(item)
        report(what, done, total)


def in_chunks(
    function: Callable[[list[T]], Sequence[R]], items: Sequence[T], what: str, size: int = PROGRESS_CHUNK
) -> list[R]:
    """``function(items)`` for a function that treats each item on its own (a translator, a tagger), called on
    chunks of ``size`` items so that ``what`` reports progress item by item; the results in order. With no reporter
    installed it is one call."""
    if _reporter.get() is None or len(items) <= size:
        report(what, 0, len(items))
        results = list(function(list(items)))
        report(what, len(items), len(items))
        return results
    results = []
    report(what, 0, len(items))
    for start in range(0, len(items), size):
        results.extend(function(list(items[start : start + size])))
        report(what, min(start + size, len(items)), len(items))
    return results
