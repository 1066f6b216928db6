"""bench/gpu.py keeps working without a GPU: its CPU mode runs every step on tiny shapes through xner's backends,
and batching changes no output (the property its GPU figures rest on)."""

from __future__ import annotations

import argparse

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from bench.gpu import CAPACITY_STEP, report, run, shape_of


def test_real_shapes_are_the_published_ones_and_tiny_ones_keep_the_architecture():
    assert [shape.name for shape in shape_of("translate", "real")] == [
        "facebook/nllb-200-distilled-600M",
        "facebook/nllb-200-3.3B",
    ]
    (tiny,) = shape_of("tag", "tiny")
    (real,) = shape_of("tag", "real")
    assert tiny.config == real.config and tiny.values["hidden_size"] < real.values["hidden_size"]
    assert tiny.values["num_labels"] == real.values["num_labels"] == 9


def test_every_step_runs_on_tiny_shapes_and_batching_changes_no_output(tmp_path, capsys):
    args = argparse.Namespace(
        device="cpu", shapes="tiny", sentences=10, per_sentence=4, steps=["translate", "align", "tag"],
        dtypes=["float32", "float16"], rounds=1,
    )  # fmt: skip
    rows = run(args, tmp_path)
    own = [row for row in rows if "CTranslate2" not in row.model]
    assert [row.step for row in own] == ["translate", "align", "tag"]
    assert all(row.dtype == "float32" for row in own), "CPU mode measures float32 only"
    assert all(row.same == "4/4" for row in own), [(row.step, row.same) for row in own]
    assert all(row.batched > 0 and row.per_sentence > 0 and row.peak_gib is None for row in rows)
    report(rows, "cpu")
    printed = capsys.readouterr().out
    for step in CAPACITY_STEP.values():
        assert f"--rate {step}=" in printed
