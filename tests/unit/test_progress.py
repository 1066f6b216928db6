"""Progress: the work reports, the command line draws bars on a terminal (and nothing elsewhere), and what a
translator or tagger gets in chunks comes back the same."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from xner import progress
from xner.cli import main
from xner.cli._progress import Bars, showing_progress
from xner.progress import in_chunks, report, reporting, tracked

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Recorder:
    def __init__(self) -> None:
        self.reports: list[tuple[str, float, float | None]] = []

    def __call__(self, what: str, done: float, total: float | None) -> None:
        self.reports.append((what, done, total))

    def of(self, what: str) -> list[tuple[float, float | None]]:
        return [(done, total) for name, done, total in self.reports if name == what]


def test_in_chunks_calls_in_chunks_while_reporting_and_keeps_the_order():
    calls: list[list[int]] = []

    def double(items: list[int]) -> list[int]:
        calls.append(items)
        return [2 * item for item in items]

    recorder = Recorder()
    with reporting(recorder):
        assert in_chunks(double, list(range(7)), "doubling", size=3) == [2 * k for k in range(7)]
    assert calls == [[0, 1, 2], [3, 4, 5], [6]]
    assert recorder.of("doubling") == [(0, 7), (3, 7), (6, 7), (7, 7)]
    calls.clear()
    assert in_chunks(double, list(range(7)), "doubling", size=3) == [2 * k for k in range(7)]
    assert calls == [list(range(7))]  # nobody watching: one call


def test_tracked_counts_items_or_their_weights():
    recorder = Recorder()
    with reporting(recorder):
        assert list(tracked([[1, 2], [3]], "batches", weight=len)) == [[1, 2], [3]]
    assert recorder.of("batches") == [(0, 3), (2, 3), (3, 3)]


def test_reports_outside_a_reporting_block_go_nowhere():
    report("anything", 1, 2)  # no reporter: nothing to call, nothing raised
    with reporting(Recorder()):
        pass
    assert progress._reporter.get() is None


def test_bars_draw_each_reported_step_on_a_terminal():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    with showing_progress(console):
        report("aligning", 0, 10)
        report("aligning", 10, 10)
        report("projecting", 5, None)
    assert "aligning" in screen.getvalue() and "projecting" in screen.getvalue()


def test_no_bars_when_stderr_is_not_a_terminal():
    console = Console(file=io.StringIO(), force_terminal=False)
    with showing_progress(console):
        assert progress._reporter.get() is None


def test_bars_can_close_before_any_report_and_draw_nothing():
    screen = io.StringIO()
    Bars(Console(file=screen, force_terminal=True)).close()
    assert screen.getvalue() == ""


def test_xner_project_reports_alignment_and_projection(tmp_path: Path):
    recorder = Recorder()
    args = ["project", "--source", str(EXAMPLES / "en.conll"), "--target", str(EXAMPLES / "es.txt")]
    with reporting(recorder):
        assert main([*args, "--out", str(tmp_path / "es.conll")]) == 0
    assert recorder.of("aligning")[0] == (0, 10) and recorder.of("aligning")[-1] == (10, 10)
    assert recorder.of("projecting")[-1] == (10, 10)
