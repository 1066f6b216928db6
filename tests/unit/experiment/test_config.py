"""Configuration validation: every error names the field that is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xner.errors import InputError
from xner.experiment.config import MethodConfig, load_config, parse_config


def minimal(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "targets": ["hau"],
        "datasets": [{"name": "m", "layout": "masakhaner2", "path": "data"}],
    }
    data.update(changes)
    return data


def error_of(data: Any) -> str:
    with pytest.raises(InputError) as info:
        parse_config(data)
    return str(info.value)


def test_minimal_config_gets_the_documented_defaults() -> None:
    config = parse_config(minimal())
    assert config.source == "en"
    assert config.pipelines == ["translate-test", "model-transfer"]
    assert [m.label for m in config.methods] == ["heuristic"]
    assert config.aligners == ["eflomal"]
    assert config.distance == "syntactic"


def test_missing_targets_is_named() -> None:
    data = minimal()
    del data["targets"]
    assert "targets: Field required" in error_of(data)


def test_unknown_layout_names_the_dataset_field() -> None:
    message = error_of(minimal(datasets=[{"name": "m", "layout": "wikiann", "path": "x"}]))
    assert "datasets[0].layout" in message
    assert "masakhaner2" in message


def test_layout_without_path_is_rejected() -> None:
    assert "needs 'path'" in error_of(minimal(datasets=[{"name": "m", "layout": "panx"}]))


def test_conll_layout_needs_files() -> None:
    assert "needs 'files'" in error_of(minimal(datasets=[{"name": "c", "layout": "conll"}]))


def test_unknown_key_is_rejected_with_its_name() -> None:
    assert "max_sentence" in error_of(minimal(max_sentence=10))


def test_bad_method_string_names_the_method_list() -> None:
    message = error_of(minimal(methods=["candidates:fastest"]))
    assert "methods[0]" in message or "methods" in message
    assert "matching" in message


def test_heuristic_takes_no_variant() -> None:
    assert "only 'candidates'" in error_of(minimal(methods=["heuristic:greedy"]))


def test_parallel_pipeline_needs_a_parallel_dataset() -> None:
    assert "need a parallel data set" in error_of(minimal(pipelines=["parallel"]))


def test_source_cannot_be_a_target_and_duplicates_are_named() -> None:
    assert "cannot also be a target" in error_of(minimal(targets=["en"]))
    assert "listed more than once: hau" in error_of(minimal(targets=["hau", "hau"]))


def test_max_sentences_must_be_positive() -> None:
    assert "max_sentences" in error_of(minimal(max_sentences=0))


def test_method_strings_parse_to_settings() -> None:
    assert MethodConfig.parse("candidates:greedy+ner").label == "candidates-greedy-ner"
    paper = MethodConfig.parse("candidates:paper")
    matching = paper.projection.candidate_options().matching
    assert (paper.projection.preset, matching, paper.label) == ("paper", "greedy", "candidates-greedy-ngram-paper")
    assert MethodConfig.parse("heuristic-paper").label == "heuristic-paper"


def test_yaml_file_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    config_file = tmp_path / "sub" / "exp.yaml"
    config_file.parent.mkdir()
    config_file.write_text("targets: [hau]\ndatasets:\n  - {name: m, layout: masakhaner2, path: ../data}\n")
    config = load_config(config_file)
    assert config.datasets[0].path == tmp_path / "sub" / ".." / "data"


def test_unreadable_and_invalid_yaml_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_config(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("targets: [hau\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_config(bad)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(InputError, match="must be a mapping"):
        load_config(listing)


@pytest.mark.parametrize("path", sorted(Path(__file__).parents[3].joinpath("examples").glob("experiment-*.yaml")))
def test_every_shipped_configuration_is_valid(path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MASAKHANER2_DIR", str(tmp_path / "masakhaner2"))
    monkeypatch.setenv("PANX_DIR", str(tmp_path / "panx"))
    config = load_config(path)
    assert config.datasets and config.methods
    if path.name.endswith("-paper.yaml"):  # the paper's settings: its models, and the published column
        assert config.reference == "paper"
        assert config.translator == "nllb:facebook/nllb-200-3.3B"
        assert {m.projection.extraction for m in config.methods} >= {None, "softmax"}
