"""Runs of named projection configurations on a tiny sentence-parallel fixture, with fake backends (an echoing
translator, a diagonal aligner, a gazetteer tagger): back-translation, markers, weights and a method's own aligner
through every pipeline, notes where a method does not apply, and the step cache."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.unit.experiment.conftest import SENTENCES
from xner.align.base import Alignment
from xner.corpus import Span
from xner.experiment import parse_config, run_experiment
from xner.experiment.backends import Backends
from xner.experiment.config import ExperimentConfig
from xner.experiment.runner import ExperimentRun
from xner.project import defaults as project_defaults

LABELS = ["PER", "ORG", "LOC"]


def gold_spans(sentence: Sequence[tuple[str, str]]) -> list[Span]:
    """The PER/ORG/LOC spans of a fixture sentence."""
    spans: list[Span] = []
    for k, (_, tag) in enumerate(sentence):
        if tag.startswith("B-") and tag[2:] in LABELS:
            end = k + 1
            while end < len(sentence) and sentence[end][1] == f"I-{tag[2:]}":
                end += 1
            spans.append(Span(k, end, tag[2:]))
    return spans


class Echo:
    """A translator that gives every text back unchanged and records what it was asked."""

    fingerprint = "echo"

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, list[str]]] = []

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        self.asked.append((src_lang, tgt_lang, list(sentences)))
        return list(sentences)


class Diagonal:
    """An aligner linking word i to word i (the fixture's sides are identical); keeps the options it was built
    with."""

    def __init__(self, options: dict[str, str]) -> None:
        self.options = options

    def align(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[Alignment]:
        return [Alignment.from_links((i, i) for i in range(min(len(s), len(t)))) for s, t in zip(src, tgt, strict=True)]


class Gazetteer:
    """A tagger that knows the fixture's sentences and finds their gold spans."""

    def __init__(self) -> None:
        self.known = {tuple(token for token, _ in s): gold_spans(s) for s in SENTENCES}

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        return [list(self.known.get(tuple(tokens), [])) for tokens in sentences]


class FakeBackends(Backends):
    """Fake backends by kind; counts loads (by kind, spec and options)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: Counter[str] = Counter()
        self.echo = Echo()

    def load(self, kind: str, spec: str, **options: str) -> Any:
        self.loads[f"{kind} {spec} {sorted(options.items())}"] += 1
        if kind == "translator":
            return self.echo
        if kind == "aligner":
            return Diagonal(options)
        return Gazetteer()


METHODS: list[Any] = [
    "heuristic",
    {"name": "bt", "method": "heuristic", "backtranslation": True},
    {"name": "markers", "method": "markers"},
    {"name": "weighted", "method": "candidates", "weights": {"align": 1, "surface": 0.5}},
    {"name": "own", "method": "heuristic", "aligner": "diagonal:own", "symmetrise": "intersection"},
]


def config_for(root: Path, methods: list[Any] = METHODS) -> ExperimentConfig:
    text = "\n\n".join("\n".join(f"{t}\t{g}" for t, g in s) for s in SENTENCES) + "\n"
    files = {}
    for lang in ("en", "de"):
        files[lang] = str(root / f"{lang}.conll")
        Path(files[lang]).write_text(text, encoding="utf-8")
    return parse_config(
        {
            "targets": ["de"],
            "datasets": [{"name": "par", "layout": "conll", "files": files, "parallel": True}],
            "pipelines": ["translate-train", "parallel", "translate-test", "model-transfer"],
            "methods": methods,
            "aligners": ["diagonal"],
            "translator": "echo",
            "tagger": "gazetteer",
            "labels": LABELS,
        }
    )


@pytest.fixture
def first(tmp_path: Path) -> tuple[ExperimentRun, FakeBackends]:
    backends = FakeBackends()
    return run_experiment(config_for(tmp_path), tmp_path / "out", backends=backends), backends


def by_cell(result: ExperimentRun) -> dict[tuple[str, str], Any]:
    return {(row.pipeline, row.method): row for row in result.rows}


def test_every_method_gets_its_rows_and_scores(first: tuple[ExperimentRun, FakeBackends]) -> None:
    result, _ = first
    rows = by_cell(result)
    assert len(result.rows) == 3 * 5 + 1
    for pipeline in ("translate-train", "parallel", "translate-test"):
        for label in ("heuristic", "bt", "weighted", "own"):
            row = rows[(pipeline, label)]
            assert row.note == "" and row.f1 == pytest.approx(1.0), (pipeline, label, row.note)
            assert row.sentences == len(SENTENCES)
    assert rows[("translate-train", "markers")].f1 == pytest.approx(1.0)
    assert rows[("model-transfer", "-")].f1 == pytest.approx(1.0)


def test_markers_outside_translate_train_is_a_note(first: tuple[ExperimentRun, FakeBackends]) -> None:
    rows = by_cell(first[0])
    for pipeline in ("parallel", "translate-test"):
        row = rows[(pipeline, "markers")]
        assert row.f1 is None and "markers translates the labelled sentences itself" in row.note


def test_a_method_with_its_own_aligner_shows_it_and_uses_its_options(first: tuple[ExperimentRun, FakeBackends]) -> None:
    result, backends = first
    assert {row.aligner for row in result.rows if row.method == "own"} == {"diagonal:own"}
    assert {row.aligner for row in result.rows if row.method == "bt"} == {"diagonal"}
    assert backends.loads["aligner diagonal:own [('symmetrise', 'intersection')]"] == 1


def test_backtranslation_and_markers_translate_marked_sentences(first: tuple[ExperimentRun, FakeBackends]) -> None:
    asked = first[1].echo.asked
    marked = [(src, tgt) for src, tgt, texts in asked if any(project_defaults.MARKER_OPEN in t for t in texts)]
    # translate-train and parallel: English marked into German (shared through the cache); translate-test:
    # the English pivot marked back into German, after the German -> English pivot translation
    assert set(marked) == {("eng_Latn", "deu_Latn")}
    assert ("deu_Latn", "eng_Latn") in {(src, tgt) for src, tgt, _ in asked}


def test_translations_and_alignments_are_shared_and_a_rerun_loads_nothing(
    first: tuple[ExperimentRun, FakeBackends], tmp_path: Path
) -> None:
    result, backends = first
    batches = [(src, tgt, tuple(texts)) for src, tgt, texts in backends.echo.asked]
    assert len(batches) == len(set(batches))  # each batch translated once, whatever the methods that need it
    again = FakeBackends()
    rerun = run_experiment(result.config, tmp_path / "out", backends=again)
    assert again.loads == Counter() and rerun.cache_misses == 0
    assert [(r.method, r.f1, r.note) for r in rerun.rows] == [(r.method, r.f1, r.note) for r in result.rows]


def test_the_project_key_holds_the_whole_configuration(
    first: tuple[ExperimentRun, FakeBackends], tmp_path: Path
) -> None:
    changed = [*METHODS[:3], {"name": "weighted", "method": "candidates", "weights": {"align": 1, "surface": 0.9}}]
    again = FakeBackends()
    rerun = run_experiment(config_for(tmp_path, changed), tmp_path / "out", backends=again)
    # the new weights project again in each pipeline; translation, alignment and tagging come from the cache
    assert rerun.cache_misses == 3
    assert again.loads == Counter()
    assert [r.f1 for r in rerun.rows if r.method == "weighted"] == pytest.approx([1.0, 1.0, 1.0])


def test_a_translation_failure_is_noted_per_cell(tmp_path: Path) -> None:
    class Failing(FakeBackends):
        def load(self, kind: str, spec: str, **options: str) -> Any:
            if kind == "translator":
                from xner.errors import BackendError

                raise BackendError(f"no model for {spec}")
            return super().load(kind, spec, **options)

    result = run_experiment(config_for(tmp_path), tmp_path / "out", backends=Failing())
    rows = by_cell(result)
    assert rows[("parallel", "heuristic")].f1 == pytest.approx(1.0)  # needs no translator
    for cell in (("parallel", "bt"), ("translate-train", "heuristic"), ("translate-test", "weighted")):
        assert rows[cell].f1 is None and "no model for echo" in rows[cell].note
