"""bench/translate_ct2.py runs every side in alternating rounds on pinned threads and compares their outputs with
transformers'; its size options apply to the random model only. No timing is asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")
pytest.importorskip("transformers")

REPO = Path(__file__).resolve().parents[2]


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bench.translate_ct2", *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_every_side_is_timed_beside_transformers_and_compared_with_it():
    done = bench("--sentences", "6", "--rounds", "2", "--lengths", "cap", "--int8", "--d-model", "64")
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "torch threads 1" in out and "d_model 64" in out
    rows = re.findall(r"^\| (transformers|ctranslate2 \w+) .*\| ([\d.]+)x \|$", out, flags=re.MULTILINE)
    names = [name for name, _ in rows]
    assert names == ["transformers", "ctranslate2 float32", "ctranslate2 int8"] * 2  # wall and CPU tables
    assert [ratio for name, ratio in rows if name == "transformers"] == ["1.00", "1.00"]
    identical = re.findall(r"identical to transformers (\d+)/6, shorter \d+", out)
    assert len(identical) == 2


def test_the_size_options_belong_to_the_random_model():
    done = bench("--sentences", "2", "--d-model", "64")
    assert done.returncode == 2 and "use them with --lengths cap" in done.stderr
