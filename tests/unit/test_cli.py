"""The ``xner`` command: convert, evaluate, and the one-line error contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from seqeval.metrics import classification_report

from xner import formats
from xner.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_evaluate_json_matches_seqeval_on_the_shipped_sample(capsys):
    assert (
        main(["evaluate", "--pred", str(EXAMPLES / "en.pred.conll"), "--gold", str(EXAMPLES / "en.conll"), "--json"])
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    gold = [s.tags for s in formats.read(EXAMPLES / "en.conll")]
    pred = [s.tags for s in formats.read(EXAMPLES / "en.pred.conll")]
    expected = classification_report(gold, pred, output_dict=True)
    assert report["overall"]["f1"] == pytest.approx(expected["micro avg"]["f1-score"], abs=1e-9)
    assert report["overall"]["support"] == expected["micro avg"]["support"]
    for label, scores in report["per_type"].items():
        assert scores["precision"] == pytest.approx(expected[label]["precision"], abs=1e-9)
        assert 0.0 <= scores["f1"] <= 1.0


def test_evaluate_prints_a_table(capsys):
    assert main(["evaluate", "--pred", str(EXAMPLES / "en.pred.conll"), "--gold", str(EXAMPLES / "en.conll")]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "PER" in out and "0.8000" in out


def test_convert_between_all_formats_round_trips(tmp_path, capsys):
    jsonl, tasks, conll = tmp_path / "a.jsonl", tmp_path / "b.json", tmp_path / "c.conll"
    assert main(["convert", str(EXAMPLES / "en.conll"), str(jsonl)]) == 0
    assert main(["convert", str(jsonl), str(tasks)]) == 0
    assert main(["convert", str(tasks), str(conll), "--ls-from", "predictions"]) == 0
    assert conll.read_text(encoding="utf-8") == (EXAMPLES / "en.conll").read_text(encoding="utf-8")
    assert "wrote 10 sentences" in capsys.readouterr().err


def test_errors_are_one_line_with_nonzero_exit(tmp_path, capsys):
    bad = tmp_path / "bad.conll"
    bad.write_text("Paris\tB-\n", encoding="utf-8")
    assert main(["evaluate", "--pred", str(bad), "--gold", str(EXAMPLES / "en.conll")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 1" in err and "no entity type" in err and "Traceback" not in err


def test_mismatched_files_are_an_error_not_a_score(tmp_path, capsys):
    short = tmp_path / "short.conll"
    short.write_text("Angela\tB-PER\n", encoding="utf-8")
    assert main(["evaluate", "--pred", str(short), "--gold", str(EXAMPLES / "en.conll")]) == 2
    assert "sentence 1" in capsys.readouterr().err


def test_unknown_format_lists_valid_ones(tmp_path, capsys):
    assert main(["convert", str(EXAMPLES / "en.conll"), str(tmp_path / "x.out"), "--to", "xml"]) == 2
    assert "valid: conll, doccano, jsonl, labelstudio, text" in capsys.readouterr().err


def test_console_entry_point_hides_traceback_unless_debug(tmp_path):
    missing = tmp_path / "missing.conll"
    command = [sys.executable, "-m", "xner", "convert", str(missing), str(tmp_path / "o.jsonl")]
    quiet = subprocess.run(command, capture_output=True, text=True, check=False)
    assert quiet.returncode == 2
    assert quiet.stderr.strip().count("\n") == 0 and "cannot open" in quiet.stderr
    loud = subprocess.run([*command[:3], "--debug", *command[3:]], capture_output=True, text=True, check=False)
    assert loud.returncode != 0 and "Traceback" in loud.stderr


SUBCOMMANDS = ["align", "convert", "evaluate", "experiment", "project", "serve", "tag", "train", "translate", "worker"]


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_reads_at_80_columns(command, capsys, monkeypatch):
    """One help column wide enough to read at 80 characters, and no placeholders a flag does not take."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "<bool>" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    found = (re.match(r"  --\S.*?\s{2,}(\S)", line) for line in text.splitlines())
    columns = {m.start(1) for m in found if m}  # where an option's help starts on its line
    assert columns and max(columns) <= 36, columns  # at least 44 characters of help per line
