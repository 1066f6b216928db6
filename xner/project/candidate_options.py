"""How candidates are made, scored and matched (:class:`CandidateOptions`): a light module, so that parsing a
projection configuration (:mod:`xner.project.config`) does not import the matching solver."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from xner.errors import UnknownNameError
from xner.project import defaults
from xner.project.casing import CASE_REPAIRS


@dataclass(frozen=True, slots=True)
class CandidateOptions:
    """How candidates are made, scored and matched. The defaults are the library's best setting on
    Europarl-NER with eflomal; :meth:`paper` is the published configuration."""

    candidates: str = "ngram"
    """``ngram``, ``ner`` or ``both``."""
    matching: str = "exact"
    """``greedy`` (the paper) or ``exact``."""
    max_len: int = defaults.MAX_CANDIDATE_LEN
    """Longest n-gram candidate."""
    trim_punct: bool = True
    """Leave out n-grams that begin or end with punctuation."""
    weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "align": defaults.WEIGHT_ALIGN,
            "ner": defaults.WEIGHT_NER,
            "translation": defaults.WEIGHT_TRANSLATION,
            "surface": defaults.WEIGHT_SURFACE,
            "consistency": defaults.WEIGHT_CONSISTENCY,
        }
    )
    """Fusion weight per score (``align``, ``ner``, ``translation``, ``surface``, ``consistency``)."""
    thresholds: Mapping[str, float] = field(
        default_factory=lambda: {
            "align": defaults.THRESHOLD_ALIGN,
            "ner": defaults.THRESHOLD_NER,
            "translation": defaults.THRESHOLD_TRANSLATION,
            "surface": 0.0,
            "consistency": 0.0,
        }
    )
    """A score at or below its threshold contributes nothing."""
    threshold: float = defaults.THRESHOLD_FUSED
    """A fused score at or below this is never matched."""
    match_label: bool = False
    """NER score only for a predicted span of the entity's own label."""
    adaptive_len: bool = True
    """Let n-grams grow to ``CANDIDATE_LEN_FACTOR`` times the sentence's longest entity."""
    case_repair: str = "misc"
    """What a name matched to lower-case target words becomes (:mod:`xner.project.casing`): ``misc`` (a derived
    adjective becomes ``ADJECTIVE_LABEL``, a match resembling none of the name's words is dropped), ``drop`` (only
    the drop) or ``off``."""

    def __post_init__(self) -> None:
        if self.case_repair not in CASE_REPAIRS:
            raise UnknownNameError("case repair", self.case_repair, CASE_REPAIRS)

    @property
    def uses_consistency(self) -> bool:
        """True if the corpus consistency score is on (a corpus-level caller then makes two passes)."""
        return bool(self.weights.get("consistency", 0.0))

    @classmethod
    def paper(cls, candidates: str = "ngram") -> CandidateOptions:
        """The paper's configuration: alignment score only, greedy matching, n-grams of at most
        ``MAX_CANDIDATE_LEN`` words (``CANDIDATE_LEN_FACTOR`` does not apply), no punctuation trimming."""
        return cls(
            candidates=candidates,
            matching="greedy",
            trim_punct=False,
            adaptive_len=False,
            weights={"align": 1.0},
            case_repair="off",
        )
