"""bench/project_scale.py watches a running ``xner project`` and still reads its own peak memory when it ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.project_scale import Written, waited


def test_a_watched_process_is_reaped_once_with_its_usage():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    ticks: list[int] = []
    status, usage = waited(child, 0.05, lambda: ticks.append(1))
    assert status == 0 and usage.ru_maxrss > 0 and child.returncode == 0
    assert ticks  # progress lines while it ran
    assert child.poll() == 0  # nothing left to wait for, and no error asking again


def test_an_unwatched_process_is_waited_for():
    child = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    status, usage = waited(child, None, lambda: None)
    assert status >> 8 == 3 and usage.ru_maxrss > 0


def test_written_lines_are_counted_on_from_the_last_count(tmp_path: Path):
    part = tmp_path / ".out.jsonl.abc"
    part.write_text("a\nb\n", encoding="utf-8")
    written = Written(tmp_path)
    assert written() == 2
    with open(part, "a", encoding="utf-8") as more:
        more.write("c\n")
    assert written() == 3
