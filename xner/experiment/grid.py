"""The grid: for each data set and target language, every pipeline x method x aligner, scored against gold.

Pipelines (``src`` = the source language, ``tgt`` = the target):

* ``model-transfer``: the source tagger run directly on the target words.
* ``translate-test``: target -> ``src`` translation, tagged by the source tagger, aligned with the target,
  spans projected back onto the target words (how the seed paper evaluates on MasakhaNER2 and PAN-X).
* ``parallel``: the source gold projected onto the human translation through an alignment (Europarl-NER:
  the projection step alone).
* ``translate-train``: the source gold translated into ``tgt`` and projected onto the translation; scored by
  surface form against the parallel target gold (:mod:`xner.experiment.scoring`).
* ``extrinsic``: the source gold of the first ``extrinsic.train_share`` of a parallel set projected onto the target
  (as in ``parallel``, each method and aligner), a tagger fine-tuned on that projected data (``extrinsic.base``; a
  tenth held out for early stopping; cached under the cache's ``models/``), and scored on the target gold of the
  remaining sentences: how EasyProject, CODEC and T-Projection report translate-train.
* ``multi-pivot``: translate-test through several pivot languages (the source with ``tagger``, then each of
  ``pivots`` with its own tagger), the pivots' projected spans merged per sentence by
  :func:`xner.project.multisource.vote` (the source first); beside it one row per extra pivot alone
  (``translate-test via <lang>``; the source's own row is ``translate-test``).
* ``multi-source``: the gold of several sides (``voters``; by default the source and every other target) each
  projected onto the target as in ``parallel`` and merged by vote (:func:`xner.pipeline.project_parallel`, the source
  first, so it wins ties); reported beside each voter alone (rows ``parallel from <lang>`` for the voters other than
  the source, whose single row is ``parallel``), on the same cached alignments.

Every projecting cell is a pipeline x a method (a named :class:`~xner.project.config.ProjectionConfig`) x an
aligner, run through :mod:`xner.pipeline` (``project_onto``, ``translate_train``, ``translate_test``) with the
cached steps as its backends (:meth:`~xner.experiment.steps.Steps.loader`). A method that sets its own ``aligner``
runs with it alone instead of with each of ``aligners``; its own ``translator`` replaces the experiment's.

A backend or input error in a step is recorded on the rows it affects (``note``), and the grid goes on; so is a
method that does not apply to a pipeline (``markers`` outside translate-train: the note says why).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from xner.corpus import Sentence
from xner.errors import InputError, XnerError
from xner.experiment.config import DatasetConfig, ExperimentConfig, MethodConfig
from xner.experiment.layouts import keep_labels, read_gold
from xner.experiment.results import Row
from xner.experiment.scoring import span_report, surface_report
from xner.experiment.steps import PivotWords, Projected, SpanLists, Steps, corpus_key, filter_labels
from xner.languages import normalise_language
from xner.ner.train_config import TrainingConfig
from xner.pipeline import Run, project_onto, project_parallel, translate_test, translate_train
from xner.project.config import PIPELINES, Pipeline, ProjectionConfig, merged
from xner.project.multisource import vote


class Scored(NamedTuple):
    """A projecting cell's row, and its projected spans (``None`` when the cell failed: the row's note says why)."""

    row: Row
    spans: SpanLists | None


Advance = Callable[[str], None]
"""Called once per finished cell with a short description."""

Cell = tuple[MethodConfig, str]
"""A method and the aligner spec it runs with."""


def method_cells(config: ExperimentConfig) -> list[Cell]:
    """The (method, aligner) cells of each projecting pipeline: every method without its own aligner with each of
    ``aligners`` (aligners outer, as listed), then each method that sets ``aligner`` with that one alone."""
    crossed = [(method, aligner) for aligner in config.aligners for method in config.methods if method.aligner is None]
    own = [(method, method.aligner) for method in config.methods if method.aligner is not None]
    return crossed + own


def cells_per_language(config: ExperimentConfig, dataset: DatasetConfig, lang: str) -> int:
    """How many rows the target language ``lang`` of ``dataset`` produces."""
    per_projection = len(method_cells(config))
    total = 0
    for pipeline in config.pipelines:
        if pipeline == "model-transfer":
            total += 1
        elif pipeline == "multi-source" and dataset.is_parallel:
            total += per_projection * (1 + len(single_voters(config, lang)))
        elif pipeline == "multi-pivot":
            total += per_projection * (1 + len(config.other_pivots()))
        elif pipeline == "translate-test" or dataset.is_parallel:
            total += per_projection
    return total


def total_cells(config: ExperimentConfig) -> int:
    """How many rows the whole grid produces."""
    return sum(cells_per_language(config, d, lang) for d in config.datasets for lang in config.targets)


def single_voters(config: ExperimentConfig, lang: str) -> list[str]:
    """The multi-source voters on ``lang`` that get a single-source row of their own (all but the source, whose
    single row is the ``parallel`` pipeline's)."""
    return [voter for voter in config.voters_for(lang) if voter != config.source]


def language_code(code: str) -> str:
    """``code`` as the pipelines take it (FLORES-200), or as given when xner does not know it (a translator then
    names it in its own error)."""
    try:
        return normalise_language(code)
    except XnerError:
        return code


def projecting(pipeline: str) -> Pipeline:
    """The projection configuration's name of a projecting pipeline (multi-source projects in parallel mode)."""
    return "parallel" if pipeline == "multi-source" else next(p for p in PIPELINES if p == pipeline)


def plain(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The sentences without their spans and tags (what a projection is given as targets)."""
    return [replace(s, spans=[], tags=None) for s in sentences]


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
            if pipeline == "model-transfer":
                yield self._model_transfer(gold)
            elif pipeline == "multi-source":
                yield from self._multi_source(gold)
            elif pipeline == "multi-pivot":
                for method, aligner in method_cells(self.config):
                    yield from self._multi_pivot(method, aligner, gold)
            elif pipeline == "extrinsic":
                for method, aligner in method_cells(self.config):
                    yield self._extrinsic(method, aligner, gold, source)
            else:
                sources = [source] if source is not None else None
                for method, aligner in method_cells(self.config):
                    yield self._done(self._scored(pipeline, method, aligner, gold, sources).row)

    def _multi_source(self, gold: list[Sentence]) -> Iterator[Row]:
        """Each voter alone (but the source, the ``parallel`` rows), then the vote, for every method and aligner."""
        voters = self.config.voters_for(self.lang)
        try:
            sides = {voter: self._side(voter, len(gold)) for voter in voters}
        except XnerError as exc:
            yield from self._failed(["multi-source"], str(exc))
            return
        for method, aligner in method_cells(self.config):
            for voter in single_voters(self.config, self.lang):
                label = f"parallel from {voter}"
                scored = self._scored("parallel", method, aligner, gold, [sides[voter]], label=label, src=voter)
                yield self._done(scored.row)
            voted = self._scored("multi-source", method, aligner, gold, [sides[voter] for voter in voters])
            yield self._done(voted.row)

    def _applicable(self) -> list[str]:
        """The pipelines this data set supports (parallel, translate-train and multi-source need a parallel one)."""
        everywhere = ("model-transfer", "translate-test", "multi-pivot")
        return [p for p in self.config.pipelines if p in everywhere or self.dataset.is_parallel]

    def _parallel_source(self, n: int) -> list[Sentence]:
        return self._side(self.config.source, n)

    def _side(self, lang: str, n: int) -> list[Sentence]:
        """The gold of side ``lang`` of a parallel data set, which must have ``n`` sentences like the target."""
        side = keep_labels(read_gold(self.dataset, lang, self.config.max_sentences), self.config.labels)
        if len(side) != n:
            raise XnerError(
                f"dataset {self.dataset.name!r}: {len(side)} {lang} sentences but {n} {self.lang}; "
                "a parallel data set needs the same number on every side"
            )
        return side

    def _row(self, pipeline: str, method: MethodConfig | None = None, aligner: str | None = None) -> Row:
        row = Row(self.dataset.name, self.lang, pipeline)
        if method is not None:
            row.method = method.label
        if aligner is not None:
            row.aligner = aligner
        return row

    def _done(self, row: Row) -> Row:
        """``row``, announced to the progress callback."""
        self.advance(f"{self.dataset.name} {self.lang} {row.series}" + (": failed" if row.note else ""))
        return row

    def _failed(self, pipelines: list[str], note: str) -> Iterator[Row]:
        for pipeline in pipelines:
            if pipeline == "model-transfer":
                combos: list[tuple[MethodConfig | None, str | None]] = [(None, None)]
            else:
                combos = list(method_cells(self.config))
            labels = [pipeline]
            if pipeline == "multi-source":
                labels = [f"parallel from {voter}" for voter in single_voters(self.config, self.lang)] + labels
            elif pipeline == "multi-pivot":
                labels = [f"translate-test via {pivot}" for pivot in self.config.other_pivots()] + labels
            for method, aligner in combos:
                for label in labels:
                    row = self._row(label, method, aligner)
                    row.note = note
                    yield self._done(row)

    def _model_transfer(self, gold: list[Sentence]) -> Row:
        """The source tagger on the target words."""
        row = self._row("model-transfer")
        try:
            tagged = self.steps.tag(self.config.tagger, [g.tokens for g in gold])
            row.fill(span_report(gold, filter_labels(tagged, self.config.labels)))
            row.sentences = len(gold)
        except XnerError as exc:
            row.note = str(exc)
        return self._done(row)

    def _multi_pivot(self, method: MethodConfig, aligner: str, gold: list[Sentence]) -> Iterator[Row]:
        """Translate-test through each extra pivot alone, then the vote of every pivot (the source first)."""
        pivots = {self.config.source: self.config.tagger, **self.config.other_pivots()}
        proposals: list[SpanLists] = []
        failed: list[str] = []
        for pivot, tagger in pivots.items():
            label = f"translate-test via {pivot}"
            row, spans = self._scored(
                "translate-test", method, aligner, gold, None, label=label, src=pivot, tagger=tagger
            )
            if spans is None:
                failed.append(f"{pivot}: {row.note}")
            else:
                proposals.append(spans)
            if pivot != self.config.source:  # the source's own row is the translate-test pipeline's
                yield self._done(row)
        vote_row = self._row("multi-pivot", method, aligner)
        if failed:
            vote_row.note = "a pivot failed: " + "; ".join(failed)
        else:
            voted = [vote(list(sentence)).spans for sentence in zip(*proposals, strict=True)]
            vote_row.fill(span_report(gold, voted))
            vote_row.sentences = len(gold)
        yield self._done(vote_row)

    def _extrinsic(
        self, method: MethodConfig, aligner: str, gold: list[Sentence], source: list[Sentence] | None
    ) -> Row:
        """Project the training part, fine-tune on it, tag the test part, score (see the module doc)."""
        row = self._row("extrinsic", method, aligner)
        settings = self.config.extrinsic
        assert settings is not None and source is not None  # checked by the configuration; parallel data sets only
        cut = int(len(gold) * settings.train_share)
        test = gold[cut:]
        try:
            if cut < 2 or not test:
                raise InputError(
                    f"extrinsic: {len(gold)} sentences give {cut} to train on and {len(test)} to test; need 2 and 1"
                )
            config = self.projection("parallel", method, aligner)
            projected = self._project("parallel", config, gold[:cut], [source[:cut]], self.config.source)
            spans = filter_labels(projected.spans, self.config.labels)
            data = [
                Sentence(tokens=list(words), spans=list(found))
                for words, found in zip(projected.tokens, spans, strict=True)
            ]
            dev = max(1, len(data) // 10)
            training = TrainingConfig(epochs=settings.epochs, max_steps=settings.max_steps, seed=settings.seed)
            tagger = self.steps.fine_tune(settings.base, data[dev:], data[:dev], training)
            tagged = self.steps.tag(tagger, [g.tokens for g in test])
            row.fill(span_report(test, filter_labels(tagged, self.config.labels)))
            row.sentences = len(test)
        except XnerError as exc:
            row.note = str(exc)
        return self._done(row)

    def _scored(
        self,
        pipeline: str,
        method: MethodConfig,
        aligner: str,
        gold: list[Sentence],
        sources: list[list[Sentence]] | None,
        *,
        label: str | None = None,
        src: str | None = None,
        tagger: str | None = None,
    ) -> Scored:
        """One projecting cell's row and its projected spans (``None`` on an error, which becomes the row's note, as
        does a method that does not apply). ``label`` names the row's pipeline when it is not ``pipeline``; ``src``
        is the language of ``sources`` (or, in translate-test, the pivot; the source language when ``None``);
        ``tagger`` tags a translate-test pivot (the experiment's when ``None``)."""
        row = self._row(label or pipeline, method, aligner)
        try:
            config = self.projection(pipeline, method, aligner, via=src)
            projected = self._project(pipeline, config, gold, sources, src or self.config.source, tagger=tagger)
            spans = filter_labels(projected.spans, self.config.labels)
            if pipeline == "translate-train":
                row.fill(surface_report(gold, projected.tokens, spans))
            else:
                row.fill(span_report(gold, spans))
            row.sentences = len(gold)
        except XnerError as exc:
            row.note = str(exc)
            return Scored(row, None)
        return Scored(row, spans)

    def projection(
        self, pipeline: str, method: MethodConfig, aligner: str, *, via: str | None = None
    ) -> ProjectionConfig:
        """The configuration a cell runs: the method's, over the experiment's translator, the cell's aligner, the
        tagger (NER candidates) and, in translate-test, ``via`` (the source language when ``None``) as the pivot;
        checked for ``pipeline``."""
        base: dict[str, str] = {"translator": self.config.translator, "aligner": aligner}
        if pipeline == "translate-test":
            base["via"] = language_code(via or self.config.source)
        config = merged(ProjectionConfig.model_validate(base), method.projection)
        wants_tagger = config.method_for(projecting(pipeline)) == "candidates" and config.needs_tagger
        if wants_tagger and config.candidate_tagger is None:
            config = config.model_copy(update={"candidate_tagger": self.config.tagger})
        return config.check_for(projecting(pipeline))

    def _project(
        self,
        pipeline: str,
        config: ProjectionConfig,
        gold: list[Sentence],
        sources: list[list[Sentence]] | None,
        source_lang: str,
        *,
        tagger: str | None = None,
    ) -> Projected:
        """Run ``pipeline`` with ``config`` through the cached ``project`` step (in translate-test, the pivot is
        tagged by ``tagger``, the experiment's when ``None``)."""
        steps, src, tgt = self.steps, language_code(source_lang), language_code(self.lang)
        if pipeline == "translate-test":
            spec = tagger or self.config.tagger
            words = PivotWords(steps, spec)
            run = Run(config, steps.loader(words))
            span_tagger = steps.span_tagger(spec, self.config.labels)
            targets = plain(gold)
            return steps.project(
                pipeline,
                config,
                lambda: translate_test(targets, lang=tgt, tagger=span_tagger, run=run, pivot_tokenizer=words),
                targets=corpus_key(targets),
                lang=tgt,
                tagger=spec,
                labels=self.config.labels,
            )
        assert sources is not None  # parallel, translate-train and multi-source run on parallel data sets only
        run = Run(config, steps.loader())
        if pipeline == "multi-source":
            targets = plain(gold)
            return steps.project(
                pipeline,
                config,
                lambda: project_parallel(run, sources, targets, src_lang=src, tgt_lang=tgt),
                sources=[corpus_key(side) for side in sources],
                targets=corpus_key(targets),
                langs=[src, tgt],
            )
        source = sources[0]
        if pipeline == "translate-train":
            return steps.project(
                pipeline,
                config,
                lambda: translate_train(source, src_lang=src, tgt_lang=tgt, run=run),
                sources=corpus_key(source),
                langs=[src, tgt],
            )
        targets = plain(gold)
        return steps.project(
            pipeline,
            config,
            lambda: project_onto(run, source, targets, src_lang=src, tgt_lang=tgt, pipeline=projecting(pipeline)),
            sources=corpus_key(source),
            targets=corpus_key(targets),
            langs=[src, tgt],
        )
