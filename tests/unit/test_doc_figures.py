"""Every figure the docs quote names what produced it, and every bench command they show exists with the options
it shows (``bench/figures.py`` reads the docs; ``python -m bench.all`` re-runs the commands)."""

from __future__ import annotations

import re

import pytest

from bench.all import selected, waiting_for_a_directory
from bench.figures import (
    DOCS,
    REPO,
    FigureCommand,
    bench_commands,
    bench_options,
    blocks,
    figures,
    harness_commands,
    unattributed,
)


@pytest.mark.parametrize("doc", DOCS, ids=[doc.name for doc in DOCS])
def test_every_figure_in_a_doc_names_its_bench(doc):
    missing = unattributed(doc.name, doc.read_text(encoding="utf-8"))
    assert not missing, "figures with no bench, command or test named beside them:\n" + "\n".join(
        f"{block.doc}:{block.line}: {figures(block)[:3]}" for block in missing
    )


COMMANDS = bench_commands()


@pytest.mark.parametrize("command", COMMANDS, ids=[command.line for command in COMMANDS])
def test_a_bench_command_in_the_docs_exists_with_its_options(command):
    script = REPO / "bench" / f"{command.name}.py"
    package = REPO / "bench" / command.name / "__main__.py"
    assert script.is_file() or package.is_file(), f"{command.doc} shows `{command.line}`: no such bench"
    shown = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", command.args))
    declared = bench_options(command.name if script.is_file() else f"{command.name}/__main__")
    assert shown <= declared, f"{command.doc}: `{command.line}` shows {sorted(shown - declared)}"


def test_the_checker_flags_a_figure_without_its_bench():
    doc = "# Speed\n\nThe kernel runs at 1,234.5 sent/s, 3.2x the reference.\n"
    assert [block.line for block in unattributed("x.md", doc)] == [3]
    named = doc.replace("reference.", "reference (`python -m bench.speed`).")
    assert unattributed("x.md", named) == []
    table = "Measured with `python -m bench.load`:\n\n| | value |\n|---|---|\n| latency | p50 8.4 ms |\n"
    assert unattributed("x.md", table) == []
    assert [block.line for block in unattributed("x.md", table.replace("`python -m bench.load`", "a bench"))] == [3]
    settings = "| variable | default |\n|---|---|\n| `XNER_MAX_BODY_BYTES` | 64 MiB |\n"
    assert unattributed("x.md", settings) == []


def test_blocks_keep_code_fences_and_continuations_apart():
    doc = "- item with 2.5 F1\n  continued\n\n```\n1,000 sent/s\n```\ntext\n| a |\n"
    found = blocks("x.md", doc)
    assert [(block.kind, block.line) for block in found] == [("item", 1), ("text", 7), ("table", 8)]
    assert figures(found[0]) == ["2.5 F1"]


def test_bench_all_runs_the_docs_commands_and_not_their_usage_lines():
    lines = [command.line for _, command in selected([])]
    assert lines and all("[" not in line and "bench.all" not in line for line in lines)
    usage = [command for command in COMMANDS if command.is_usage]
    assert usage, "the docs show usage lines for the benches"
    assert all(command.line not in lines for command in usage)
    assert [command.line for _, command in selected(["bench.europarl"])] == [
        line for line in lines if "bench.europarl" in line
    ]
    numbers = {command.line: number for number, command in selected([])}
    assert all(numbers[command.line] == number for number, command in selected(["bench.speed"]))  # stable folders


def test_bench_all_skips_what_it_is_told_and_runs_model_directories_the_environment_names(tmp_path):
    assert not [command for _, command in selected([], ["--sizes 1000000"], {}) if "--sizes 1000000" in command.line]
    waiting = [command for command in COMMANDS if command.model_dirs and not command.is_usage]
    assert waiting, "the docs show a bench run on a converted model directory"
    assert not any(command.model_dirs for _, command in selected([], [], {}))
    assert any("encoder_real" in line for line in waiting_for_a_directory(environ={}))
    assert waiting_for_a_directory(skip=["E5_DIR"], environ={}) == []
    model = str(tmp_path / "MODELS DIR" / "N" / "e5")  # placeholder words and a space in the path itself
    runs = [command for _, command in selected(["encoder_real"], [], {"E5_DIR": model})]
    assert {command.line for command in runs} == {command.line for command in waiting if "encoder_real" in command.line}
    for command in runs:
        assert command.argv("python", tmp_path, {"E5_DIR": model})[:4] == ["python", "-m", "bench.encoder_real", model]
    assert waiting_for_a_directory(environ={"E5_DIR": model}) == []


def test_bench_all_reruns_the_harness_runs_the_docs_quote_from_scratch_into_its_own_folder(tmp_path):
    data = tmp_path / "SHARED DIR"  # a placeholder word and a space in the path itself
    environ = {"XNER_SHARED_DATA": str(data)}
    runs = [command for _, command in selected([], [], environ) if command.program == "xner"]
    shown = {command.args.split(" --out")[0] for command in runs}
    assert {"examples/experiment-europarl.yaml", "--released", "--data $XNER_SHARED_DATA/europarl-ner"} <= shown
    out = tmp_path / "74-typology"
    for command in runs:
        argv = command.argv("python", out, environ)
        assert argv[:4] == ["python", "-m", "xner", command.name]
        assert argv[argv.index("--out") + 1] == str(out), "a harness run writes into bench.all's folder only"
        assert command.name != "experiment" or "--no-resume" in argv, "an experiment reruns, not re-renders"
        if "--data" in argv:
            assert argv[argv.index("--data") + 1] == f"{data}/europarl-ner"
    assert not FigureCommand("x.md", "xner", "experiment", "").runnable({})  # a mention in prose
    assert FigureCommand("x.md", "xner", "experiment", "CONFIG.yaml --out DIR").is_usage
    assert FigureCommand("x.md", "xner", "experiment", "CONFIG.yaml [--out DIR]").is_usage
    doc = tmp_path / "x.md"
    doc.write_text(
        "`xner typology --data D --out a` and `xner typology --data D --out b`, `xner experimental`\n"
        "```\nxner experiment c.yaml --out o   # a comment\n```\n",
        encoding="utf-8",
    )
    assert [command.line for command in harness_commands((doc,))] == [
        "xner experiment c.yaml --out o",  # without the shell comment
        "xner typology --data D --out a",  # once whatever its --out
    ]


HARNESS = harness_commands()


@pytest.mark.parametrize("command", HARNESS, ids=[command.line for command in HARNESS])
def test_a_harness_run_in_the_docs_shows_options_the_command_line_takes(command):
    import typer

    from xner.cli.app import app

    click_command = typer.main.get_command(app).commands[command.name]  # type: ignore[attr-defined]
    declared = {option for param in click_command.params for option in (*param.opts, *param.secondary_opts)}
    shown = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", command.args))
    assert shown <= declared, f"{command.doc}: `{command.line}` shows {sorted(shown - declared)}"
