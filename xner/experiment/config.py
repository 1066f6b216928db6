"""The experiment configuration: a YAML file validated by pydantic; every error names its field.

A minimal file::

    source: en
    targets: [de, es, it]
    datasets:
      - {name: europarl, layout: europarl, path: ../data/europarl-ner}
    pipelines: [parallel, model-transfer]
    methods: [heuristic, "candidates:greedy", {name: bt, method: heuristic, backtranslation: true}]
    aligners: [eflomal]

Relative paths are resolved against the configuration file's folder; ``$VARS`` in paths are expanded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from xner.errors import InputError
from xner.experiment import defaults
from xner.project.config import Method, ProjectionConfig, describe_errors

Layout = Literal["europarl", "masakhaner2", "panx", "conll"]
Pipeline = Literal[
    "translate-test", "translate-train", "parallel", "multi-source", "multi-pivot", "extrinsic", "model-transfer"
]
Distance = Literal["syntactic", "phonological", "inventory", "featural", "genetic"]

DEFAULT_PIPELINES: tuple[Pipeline, ...] = ("translate-test", "model-transfer")
"""Pipelines run when the configuration names none."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatasetConfig(_Strict):
    """One evaluation set: where it is and how it is laid out."""

    name: str = Field(min_length=1, description="Name used in the results.")
    layout: Layout
    path: Path | None = Field(default=None, description="Root folder (europarl, masakhaner2, panx).")
    files: dict[str, Path] = Field(default_factory=dict, description="conll layout: language -> CoNLL file.")
    split: str = Field(default=defaults.SPLIT, description="masakhaner2/panx: which split to evaluate on.")
    parallel: bool = Field(default=False, description="conll layout: the files are sentence-parallel.")

    @model_validator(mode="after")
    def _where(self) -> DatasetConfig:
        if self.layout == "conll":
            if not self.files:
                raise ValueError("the conll layout needs 'files' (language -> path)")
        elif self.path is None:
            raise ValueError(f"the {self.layout} layout needs 'path' (its root folder)")
        return self

    @property
    def is_parallel(self) -> bool:
        """True if the data set's languages are sentence-parallel (gold on every side)."""
        return self.layout == "europarl" or (self.layout == "conll" and self.parallel)


class ExtrinsicConfig(_Strict):
    """The ``extrinsic`` pipeline: fine-tune a tagger on each method's projected data, score it on target gold."""

    base: str = Field(min_length=1, description="The tagger to fine-tune, e.g. hf:FacebookAI/xlm-roberta-base.")
    train_share: float = Field(
        default=defaults.EXTRINSIC_TRAIN_SHARE,
        gt=0.0,
        lt=1.0,
        description="The first share of the sentences is projected and trained on; the rest is the gold test.",
    )
    epochs: int = Field(default=defaults.EXTRINSIC_EPOCHS, gt=0)
    max_steps: int | None = Field(default=None, gt=0, description="Stop training after this many steps.")
    seed: int = 0


METHOD_NAMES: tuple[str, ...] = get_args(Method)
"""The projection methods; each is also a string shorthand of ``methods``."""

OLD_FORM_FIELDS = frozenset({"method", "matching", "candidates", "preset"})
"""The fields of the older mapping form ``{name: candidates, matching: greedy, candidates: ngram, preset: library}``
(``name`` a method): such a method keeps its string shorthand's label."""


def shorthand_fields(text: str) -> dict[str, str]:
    """The :class:`ProjectionConfig` fields of a string shorthand: ``heuristic``, ``heuristic-paper``, ``markers``,
    ``candidates`` (library defaults), ``candidates:greedy``, ``candidates:exact``, ``candidates:paper`` (the
    paper's preset, greedy), optionally ``+ner``/``+both`` for the candidate source (``candidates:greedy+ner``)."""
    head, _, source = text.strip().partition("+")
    name, _, variant = head.partition(":")
    if name != "candidates" and (variant or source):
        raise ValueError(f"method {text!r}: only 'candidates' takes ':MATCHING' or '+SOURCE'")
    fields = {"method": name}
    if source:
        fields["candidates"] = source
    if variant == "paper":
        fields["preset"] = "paper"
    elif variant:
        fields["matching"] = variant
    return fields


def shorthand_label(projection: ProjectionConfig) -> str:
    """The label of a shorthand method in results: the method's name, or for candidates
    ``candidates-<matching>-<source>[-paper]`` (the matching the preset actually uses)."""
    method = projection.method or "candidates"
    if method != "candidates":
        return method
    suffix = "-paper" if projection.preset == "paper" else ""
    return f"candidates-{projection.candidate_options().matching}-{projection.candidates}{suffix}"


def _field_error(field: str, message: str, value: Any) -> ValidationError:
    """A validation error located at ``field`` of the method being read (so the path reads ``methods[i].field``)."""
    details = InitErrorDetails(type=PydanticCustomError("value_error", message), loc=(field,), input=value)
    return ValidationError.from_exception_data("MethodConfig", [details])


def _named(value: Mapping[str, Any]) -> dict[str, Any]:
    """A method from its mapping form: ``name`` (the label) and any :class:`ProjectionConfig` field. Without a
    ``method``, a ``name`` that is a method's name is also the method; with only the older form's fields it keeps
    its shorthand's label."""
    fields = dict(value)
    name = fields.pop("name", None)
    if not isinstance(name, str) or not name.strip():
        raise _field_error("name", "each method mapping needs a name (its label in the results)", value)
    label: str | None = name.strip()
    if "method" not in fields and label in METHOD_NAMES:
        fields["method"] = label
        if set(fields) <= OLD_FORM_FIELDS:
            label = None
    return _method(fields, label)


def _method(fields: Mapping[str, Any], label: str | None) -> dict[str, Any]:
    """The validated :class:`MethodConfig` fields (a :class:`ProjectionConfig` error keeps its field's name)."""
    projection = ProjectionConfig.model_validate(dict(fields))
    return {"label": label or shorthand_label(projection), "projection": projection}


class MethodConfig(_Strict):
    """A named projection configuration: the label of its rows, and the :class:`ProjectionConfig` it runs.

    Written as a string shorthand (:func:`shorthand_fields`) or as a mapping ``{name: LABEL, FIELD: VALUE, ...}``
    with any :class:`ProjectionConfig` field (``{name: bt, method: heuristic, backtranslation: true}``). A method
    that sets ``aligner`` runs with that aligner only; one that sets ``translator`` uses it instead of the
    experiment's."""

    label: str = Field(min_length=1, description="The method's name in results.")
    projection: ProjectionConfig = Field(default_factory=ProjectionConfig)

    @model_validator(mode="before")
    @classmethod
    def _read(cls, value: Any) -> Any:
        """A shorthand or a ``name`` mapping as the model's fields; the model's own form passes unchanged."""
        if isinstance(value, str):
            return _method(shorthand_fields(value), None)
        if isinstance(value, Mapping) and not ("projection" in value and "name" not in value):
            return _named(value)
        return value

    @classmethod
    def parse(cls, text: str) -> MethodConfig:
        """Build from the string form (:func:`shorthand_fields`)."""
        return cls.model_validate(text)

    @property
    def aligner(self) -> str | None:
        """The method's own aligner spec (``None``: crossed with the experiment's ``aligners``)."""
        return self.projection.aligner


class ExperimentConfig(_Strict):
    """A grid: data sets x target languages x pipelines x methods x aligners, with shared backends."""

    name: str = Field(default="experiment", min_length=1)
    source: str = Field(default=defaults.SOURCE, min_length=1, description="Source (pivot) language.")
    targets: list[str] = Field(min_length=1, description="Target languages (codes as the data set names them).")
    datasets: list[DatasetConfig] = Field(min_length=1)
    pipelines: list[Pipeline] = Field(default_factory=lambda: list(DEFAULT_PIPELINES), min_length=1)
    methods: list[MethodConfig] = Field(default_factory=lambda: [MethodConfig.parse("heuristic")], min_length=1)
    aligners: list[str] = Field(default_factory=lambda: [defaults.ALIGNER], min_length=1)
    translator: str = defaults.TRANSLATOR
    tagger: str = defaults.TAGGER
    labels: list[str] | None = Field(default=None, description="Entity types scored; others are dropped.")
    max_sentences: int | None = Field(default=None, gt=0, description="Use only the first N sentences per set.")
    reference: Literal["paper"] | None = Field(default=None, description="Add the paper's published F1.")
    distance: Distance = defaults.DISTANCE
    distances: Path | None = Field(default=None, description="A TSV of distances to use instead of URIEL's.")
    related_threshold: Annotated[float, Field(ge=0.0, le=1.0)] | Literal["median"] = Field(
        default=defaults.RELATED_THRESHOLD,
        description="Related targets are at most this distance from the source; 'median': the median distance of "
        "the scored targets, chosen by the run and reported.",
    )
    extrinsic: ExtrinsicConfig | None = Field(
        default=None, description="The extrinsic pipeline's fine-tuning (needed when it is in pipelines)."
    )
    pivots: dict[str, str] = Field(
        default_factory=dict,
        description="multi-pivot: more pivot languages for translate-test, each with the tagger spec of that "
        "language; the source, with `tagger`, is always the first pivot.",
    )
    voters: list[str] | None = Field(
        default=None,
        description="multi-source: the gold sides that vote on each target (default: the source and every target); "
        "the target scored never votes on itself.",
    )

    def other_pivots(self) -> dict[str, str]:
        """The multi-pivot pivots besides the source: language -> tagger spec."""
        return {lang: tagger for lang, tagger in self.pivots.items() if lang != self.source}

    def voters_for(self, target: str) -> list[str]:
        """The sides that vote on ``target`` in multi-source, the source first (it wins ties)."""
        listed = self.voters if self.voters is not None else [self.source, *self.targets]
        return [lang for lang in dict.fromkeys(listed) if lang != target]

    @field_validator("methods")
    @classmethod
    def _labels(cls, value: list[MethodConfig]) -> list[MethodConfig]:
        labels = [method.label for method in value]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        if duplicates:
            raise ValueError(f"every method needs its own name; used more than once: {', '.join(duplicates)}")
        return value

    @field_validator("targets", "aligners", "pipelines")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        duplicates = sorted({item for item in value if value.count(item) > 1})
        if duplicates:
            raise ValueError(f"listed more than once: {', '.join(duplicates)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ExperimentConfig:
        names = [d.name for d in self.datasets]
        if len(set(names)) != len(names):
            raise ValueError("datasets: every data set needs its own name")
        needs_parallel = {"parallel", "translate-train", "multi-source", "extrinsic"} & set(self.pipelines)
        if needs_parallel and not any(d.is_parallel for d in self.datasets):
            wanted = ", ".join(sorted(needs_parallel))
            raise ValueError(
                f"pipelines: {wanted} need a parallel data set (layout europarl, or conll with parallel: true)"
            )
        if self.source in self.targets:
            raise ValueError(f"targets: the source language {self.source!r} cannot also be a target")
        if "extrinsic" in self.pipelines and self.extrinsic is None:
            raise ValueError("extrinsic: the extrinsic pipeline needs 'extrinsic: {base: TAGGER_SPEC}'")
        if "multi-pivot" in self.pipelines and not self.other_pivots():
            raise ValueError(
                "pivots: multi-pivot needs at least one pivot language besides the source, with its tagger "
                "(pivots: {fr: spacy:fr_core_news_sm})"
            )
        if "multi-source" in self.pipelines:
            lonely = [lang for lang in self.targets if len(self.voters_for(lang)) < 2]
            if lonely:
                raise ValueError(
                    f"voters: multi-source needs at least two sides voting on each target; {', '.join(lonely)} "
                    "would have fewer (list more voters, or more targets)"
                )
        return self


def parse_config(data: Any, base: Path | None = None) -> ExperimentConfig:
    """Validate a mapping (as read from YAML); resolve relative paths against ``base``."""
    if not isinstance(data, dict):
        raise InputError("the experiment configuration must be a mapping (key: value lines)")
    try:
        config = ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"invalid experiment configuration: {describe_errors(exc)}") from None
    return resolve_paths(config, base) if base is not None else config


def _resolve(path: Path, base: Path) -> Path:
    expanded = Path(os.path.expandvars(str(path))).expanduser()
    return expanded if expanded.is_absolute() else base / expanded


def resolve_paths(config: ExperimentConfig, base: Path) -> ExperimentConfig:
    """The configuration with every relative path made relative to ``base``."""
    datasets = [
        d.model_copy(
            update={
                "path": None if d.path is None else _resolve(d.path, base),
                "files": {lang: _resolve(p, base) for lang, p in d.files.items()},
            }
        )
        for d in config.datasets
    ]
    distances = None if config.distances is None else _resolve(config.distances, base)
    return config.model_copy(update={"datasets": datasets, "distances": distances})


def load_config(path: str | Path) -> ExperimentConfig:
    """Read and validate a YAML configuration file."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the experiment configuration {file}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{file}: not valid YAML: {exc}") from None
    return parse_config(data, file.resolve().parent)
