"""The experiment configuration: a YAML file validated by pydantic; every error names its field.

A minimal file::

    source: en
    targets: [de, es, it]
    datasets:
      - {name: europarl, layout: europarl, path: ../data/europarl-ner}
    pipelines: [parallel, model-transfer]
    methods: [heuristic, "candidates:greedy"]
    aligners: [eflomal]

Relative paths are resolved against the configuration file's folder; ``$VARS`` in paths are expanded.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from xner.errors import InputError
from xner.experiment import defaults

Layout = Literal["europarl", "masakhaner2", "panx", "conll"]
Pipeline = Literal["translate-test", "translate-train", "parallel", "model-transfer"]
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


class MethodConfig(_Strict):
    """A projection method with its settings. Written as a string: ``heuristic``, ``heuristic-paper``,
    ``candidates`` (library defaults), ``candidates:greedy``, ``candidates:exact``, ``candidates:paper``
    (the paper's preset, greedy), optionally ``+ner``/``+both`` for the candidate source, e.g.
    ``candidates:greedy+ner``."""

    name: Literal["heuristic", "heuristic-paper", "candidates"]
    matching: Literal["greedy", "exact"] = "exact"
    candidates: Literal["ngram", "ner", "both"] = "ngram"
    preset: Literal["library", "paper"] = "library"

    @property
    def label(self) -> str:
        """The method's name in results: ``heuristic`` or ``candidates-greedy-ngram[-paper]``."""
        if self.name != "candidates":
            return self.name
        suffix = "-paper" if self.preset == "paper" else ""
        return f"candidates-{self.matching}-{self.candidates}{suffix}"

    @classmethod
    def parse(cls, text: str) -> MethodConfig:
        """Build from the string form (see the class docstring)."""
        head, _, source = text.strip().partition("+")
        name, _, variant = head.partition(":")
        fields: dict[str, str] = {"name": name}
        if source:
            fields["candidates"] = source
        if variant == "paper":
            fields.update(preset="paper", matching="greedy")
        elif variant:
            fields["matching"] = variant
        if name != "candidates" and (variant or source):
            raise ValueError(f"method {text!r}: only 'candidates' takes ':MATCHING' or '+SOURCE'")
        return cls.model_validate(fields)


class ExperimentConfig(_Strict):
    """A grid: data sets x target languages x pipelines x methods x aligners, with shared backends."""

    name: str = Field(default="experiment", min_length=1)
    source: str = Field(default=defaults.SOURCE, min_length=1, description="Source (pivot) language.")
    targets: list[str] = Field(min_length=1, description="Target languages (codes as the data set names them).")
    datasets: list[DatasetConfig] = Field(min_length=1)
    pipelines: list[Pipeline] = Field(default_factory=lambda: list(DEFAULT_PIPELINES), min_length=1)
    methods: list[MethodConfig] = Field(default_factory=lambda: [MethodConfig(name="heuristic")], min_length=1)
    aligners: list[str] = Field(default_factory=lambda: [defaults.ALIGNER], min_length=1)
    translator: str = defaults.TRANSLATOR
    tagger: str = defaults.TAGGER
    labels: list[str] | None = Field(default=None, description="Entity types scored; others are dropped.")
    max_sentences: int | None = Field(default=None, gt=0, description="Use only the first N sentences per set.")
    reference: Literal["paper"] | None = Field(default=None, description="Add the paper's published F1.")
    distance: Distance = defaults.DISTANCE
    distances: Path | None = Field(default=None, description="A TSV of distances to use instead of URIEL's.")
    related_threshold: float = Field(default=defaults.RELATED_THRESHOLD, ge=0.0, le=1.0)

    @field_validator("methods", mode="before")
    @classmethod
    def _methods(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [MethodConfig.parse(item) if isinstance(item, str) else item for item in value]
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
        needs_parallel = {"parallel", "translate-train"} & set(self.pipelines)
        if needs_parallel and not any(d.is_parallel for d in self.datasets):
            wanted = ", ".join(sorted(needs_parallel))
            raise ValueError(
                f"pipelines: {wanted} need a parallel data set (layout europarl, or conll with parallel: true)"
            )
        if self.source in self.targets:
            raise ValueError(f"targets: the source language {self.source!r} cannot also be a target")
        return self


def _location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(f".{item}" if parts else item)
    return "".join(parts) or "(top level)"


def describe_errors(error: ValidationError) -> str:
    """One line per problem: ``field.path: message``."""
    return "; ".join(f"{_location(e['loc'])}: {e['msg']}" for e in error.errors())


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
