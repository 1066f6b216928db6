"""A non-default value for every field of the projection configuration, and the fields each one needs, shared by the
tests that round-trip the configuration through the surfaces (tests/service/test_projection_surfaces.py) and the
experiment grid's cells (tests/unit/experiment/test_methods.py)."""

from __future__ import annotations

from typing import Any

from xner.project.config import CANDIDATE_FIELDS, ProjectionConfig

SAMPLES: dict[str, Any] = {
    "translator": "identity",
    "aligner": "encoder:tiny-encoder",
    "extraction": "softmax",
    "layer": 1,
    "symmetrise": "grow-diag-final-and",
    "method": "heuristic-paper",
    "candidates": "both",
    "matching": "greedy",
    "preset": "paper",
    "weights": {"align": 2.0, "surface": 0.25},
    "candidate_tagger": "spacy:es_core_news_sm",
    "scorer": "nllb:tiny-nllb",
    "case_repair": "drop",
    "backtranslation": True,
    "via": "fra_Latn",
}
"""A value other than the default for every field."""

REQUIRES: dict[str, dict[str, Any]] = {
    **{field: {"method": "candidates"} for field in CANDIDATE_FIELDS},
    "extraction": {"aligner": "encoder:tiny-encoder"},
    "layer": {"aligner": "encoder:tiny-encoder"},
}
"""Fields a sample needs besides its own: the candidates method reads the candidate fields, an encoder extracts."""


def sent(field: str) -> dict[str, Any]:
    """What a client sends to set ``field``: its sample, and the fields it needs."""
    return {**REQUIRES.get(field, {}), field: SAMPLES[field]}


def sample(field: str) -> ProjectionConfig:
    """The configuration :func:`sent` stands for."""
    return ProjectionConfig.model_validate(sent(field))
