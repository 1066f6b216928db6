"""The grid: for each data set and target language, every pipeline x method x aligner, scored against gold.

Pipelines (``src`` = the source language, ``tgt`` = the target):

* ``model-transfer``: the source tagger run directly on the target words.
* ``translate-test``: target -> ``src`` translation, tagged by the source tagger, aligned with the target,
  spans projected back onto the target words (how the seed paper evaluates on MasakhaNER2 and PAN-X).
* ``parallel``: the source gold projected onto the human translation through an alignment (Europarl-NER:
  the projection step alone).
* ``translate-train``: the source gold translated into ``tgt`` and projected onto the translation; scored by
  surface form against the parallel target gold (:mod:`xner.experiment.scoring`).

A backend or input error in a step is recorded on the rows it affects (``note``), and the grid goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from xner.corpus import Sentence
from xner.errors import XnerError
from xner.experiment.config import DatasetConfig, ExperimentConfig, MethodConfig
from xner.experiment.layouts import keep_labels, read_gold
from xner.experiment.results import Row
from xner.experiment.scoring import span_report, surface_report
from xner.experiment.steps import Steps, filter_labels

Advance = Callable[[str], None]
"""Called once per finished cell with a short description."""


def cells_per_language(config: ExperimentConfig, dataset: DatasetConfig) -> int:
    """How many rows one target language of ``dataset`` produces."""
    per_projection = len(config.methods) * len(config.aligners)
    total = 0
    for pipeline in config.pipelines:
        if pipeline == "model-transfer":
            total += 1
        elif pipeline == "translate-test" or dataset.is_parallel:
            total += per_projection
    return total


def total_cells(config: ExperimentConfig) -> int:
    """How many rows the whole grid produces."""
    return sum(cells_per_language(config, d) * len(config.targets) for d in config.datasets)


@dataclass
class LanguageRun:
    """The cells of one data set and one target language."""

    config: ExperimentConfig
    dataset: DatasetConfig
    lang: str
    steps: Steps
    advance: Advance

    def rows(self) -> Iterator[Row]:
        try:
            gold = keep_labels(read_gold(self.dataset, self.lang, self.config.max_sentences), self.config.labels)
            source = self._parallel_source(len(gold)) if self.dataset.is_parallel else None
        except XnerError as exc:
            yield from self._failed(self._applicable(), str(exc))
            return
        for pipeline in self._applicable():
            try:
                yield from self._pipeline(pipeline, gold, source)
            except XnerError as exc:
                yield from self._failed([pipeline], str(exc))

    def _applicable(self) -> list[str]:
        """The pipelines this data set supports (parallel and translate-train need a parallel one)."""
        return [
            p for p in self.config.pipelines if p in ("model-transfer", "translate-test") or self.dataset.is_parallel
        ]

    def _parallel_source(self, n: int) -> list[Sentence]:
        source = keep_labels(read_gold(self.dataset, self.config.source, self.config.max_sentences), self.config.labels)
        if len(source) != n:
            raise XnerError(
                f"dataset {self.dataset.name!r}: {len(source)} {self.config.source} sentences but {n} {self.lang}; "
                "a parallel data set needs the same number on every side"
            )
        return source

    def _row(self, pipeline: str, method: MethodConfig | None = None, aligner: str | None = None) -> Row:
        row = Row(self.dataset.name, self.lang, pipeline)
        if method is not None:
            row.method = method.label
        if aligner is not None:
            row.aligner = aligner
        return row

    def _failed(self, pipelines: list[str], note: str) -> Iterator[Row]:
        for pipeline in pipelines:
            if pipeline == "model-transfer":
                combos: list[tuple[MethodConfig | None, str | None]] = [(None, None)]
            else:
                combos = [(m, a) for a in self.config.aligners for m in self.config.methods]
            for method, aligner in combos:
                row = self._row(pipeline, method, aligner)
                row.note = note
                self.advance(f"{self.dataset.name} {self.lang} {pipeline}: failed")
                yield row

    def _pipeline(self, pipeline: str, gold: list[Sentence], source: list[Sentence] | None) -> Iterator[Row]:
        config, steps = self.config, self.steps
        tokens = [g.tokens for g in gold]
        if pipeline == "model-transfer":
            row = self._row(pipeline)
            row.fill(span_report(gold, filter_labels(steps.tag(config.tagger, tokens), config.labels)))
            row.sentences = len(gold)
            self.advance(f"{self.dataset.name} {self.lang} {pipeline}")
            yield row
            return
        if pipeline == "translate-test":
            pivot_tokens = steps.translate(config.translator, tokens, self.lang, config.source)
            pivot_spans = filter_labels(steps.tag(config.tagger, pivot_tokens), config.labels)
            projected_from = [Sentence(tokens=t, spans=s) for t, s in zip(pivot_tokens, pivot_spans, strict=True)]
            onto, scored_tokens = gold, None
        else:
            assert source is not None
            projected_from = source
            if pipeline == "parallel":
                onto, scored_tokens = gold, None
            else:
                mt = steps.translate(config.translator, [s.tokens for s in source], config.source, self.lang)
                onto = [Sentence(tokens=t, lang=self.lang) for t in mt]
                scored_tokens = mt
        for aligner in config.aligners:
            links = steps.align(aligner, [s.tokens for s in projected_from], [t.tokens for t in onto])
            for method in config.methods:
                row = self._row(pipeline, method, aligner)
                plain = [replace(t, spans=[], tags=None) for t in onto]
                spans = steps.project(method, projected_from, plain, links, tagger=config.tagger)
                spans = filter_labels(spans, config.labels)
                report = (
                    span_report(gold, spans) if scored_tokens is None else surface_report(gold, scored_tokens, spans)
                )
                row.fill(report)
                row.sentences = len(gold)
                self.advance(f"{self.dataset.name} {self.lang} {row.series}")
                yield row
