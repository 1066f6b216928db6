"""What happened to each sentence and entity: statuses, reasons, and corpus-level counts.

Every projected sentence carries a :class:`Status`, so no data is lost silently:

* ``projected``: every source entity has a target span (a sentence without entities is ``projected``);
* ``partial``: some source entities have no target span; each lost one is listed with its reason;
* ``dropped``: no source entity could be projected, or the sentence could not be processed at all
  (``reason`` says why, e.g. unresolvable markers).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from xner.corpus import Sentence, Span


class Status(StrEnum):
    """The outcome of projecting one sentence."""

    PROJECTED = "projected"
    PARTIAL = "partial"
    DROPPED = "dropped"


class Reason(StrEnum):
    """Why a source entity (or a whole sentence) has no projection."""

    UNALIGNED = "unaligned"
    """No target word is aligned to any word of the entity."""
    PUNCTUATION_ONLY = "punctuation-only"
    """Every aligned target word is punctuation."""
    TOO_SHORT = "too-short"
    """Every run was filtered out by the length-ratio rule (paper variant)."""
    COLLISION = "collision"
    """The projection overlapped a longer projection of another type and was removed."""
    MERGED = "merged"
    """The projection overlapped one of the same type and was united with it (not a loss of a label)."""
    NO_CANDIDATE = "no-candidate"
    """No target candidate scored above the thresholds."""
    OUTMATCHED = "outmatched"
    """Its candidates all went to other entities in the matching."""
    LOWER_CASE = "lower-case"
    """A name matched lower-case target words that resemble none of its words, and case repair dropped it
    (:mod:`xner.project.casing`)."""
    OUTVOTED = "outvoted"
    """Multi-source: its span did not get enough of the vote."""
    MARKERS = "markers"
    """Marker mode: the markers of the translation could not be resolved to entities."""


@dataclass(frozen=True, slots=True)
class Lost:
    """A source entity without a projection, and why."""

    entity: Span
    reason: Reason


@dataclass(slots=True)
class Projection:
    """The projection of one sentence: target spans, and what was lost on the way."""

    spans: list[Span]
    lost: list[Lost] = field(default_factory=list)
    n_source: int = 0
    sentence_reason: str | None = None
    origin: list[int] = field(default_factory=list)
    """For each span, the index of the source entity it projects (when the method tracks it)."""

    @property
    def status(self) -> Status:
        if self.sentence_reason is not None:
            return Status.DROPPED
        real_losses = [item for item in self.lost if item.reason is not Reason.MERGED]
        if not real_losses:
            return Status.PROJECTED
        if len(real_losses) >= self.n_source:
            return Status.DROPPED
        return Status.PARTIAL

    @property
    def reason(self) -> str | None:
        """One line: the sentence-level reason, else the reasons of the lost entities (``None`` if complete)."""
        if self.sentence_reason is not None:
            return self.sentence_reason
        counts = Counter(item.reason.value for item in self.lost if item.reason is not Reason.MERGED)
        return ", ".join(f"{reason} x{n}" if n > 1 else reason for reason, n in sorted(counts.items())) or None

    def to_meta(self) -> dict[str, Any]:
        """A JSON-ready summary, stored under ``sentence.meta["projection"]``."""
        return {
            "status": self.status.value,
            "reason": self.reason,
            "entities_in": self.n_source,
            "entities_out": len(self.spans),
            "lost": [
                {"start": x.entity.start, "end": x.entity.end, "label": x.entity.label, "reason": x.reason.value}
                for x in self.lost
            ],
        }


@dataclass(slots=True)
class ProjectionResult:
    """A projected corpus: the target sentences (spans set; ``meta["projection"]`` filled) and their outcomes."""

    sentences: list[Sentence]
    projections: list[Projection]

    @property
    def counts(self) -> Counts:
        return Counts.of(self.projections)


@dataclass(frozen=True, slots=True)
class Counts:
    """Corpus-level counts of a projection run."""

    sentences_in: int
    projected: int
    partial: int
    dropped: int
    entities_in: int
    entities_out: int
    lost_by_reason: dict[str, int]
    dropped_by_reason: dict[str, int]

    @classmethod
    def of(cls, projections: Iterable[Projection]) -> Counts:
        statuses: Counter[Status] = Counter()
        lost: Counter[str] = Counter()
        dropped: Counter[str] = Counter()
        n = entities_in = entities_out = 0
        for p in projections:
            n += 1
            status = p.status
            statuses[status] += 1
            entities_in += p.n_source
            entities_out += len(p.spans)
            lost.update(item.reason.value for item in p.lost)
            if status is Status.DROPPED:
                dropped[p.sentence_reason or "no entity projected"] += 1
        return cls(
            sentences_in=n,
            projected=statuses[Status.PROJECTED],
            partial=statuses[Status.PARTIAL],
            dropped=statuses[Status.DROPPED],
            entities_in=entities_in,
            entities_out=entities_out,
            lost_by_reason=dict(sorted(lost.items())),
            dropped_by_reason=dict(sorted(dropped.items())),
        )

    @classmethod
    def merged(cls, parts: Iterable[Counts]) -> Counts:
        """The counts of a corpus projected in parts."""
        items = list(parts)
        lost: Counter[str] = Counter()
        dropped: Counter[str] = Counter()
        for part in items:
            lost.update(part.lost_by_reason)
            dropped.update(part.dropped_by_reason)
        return cls(
            sentences_in=sum(p.sentences_in for p in items),
            projected=sum(p.projected for p in items),
            partial=sum(p.partial for p in items),
            dropped=sum(p.dropped for p in items),
            entities_in=sum(p.entities_in for p in items),
            entities_out=sum(p.entities_out for p in items),
            lost_by_reason=dict(sorted(lost.items())),
            dropped_by_reason=dict(sorted(dropped.items())),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences_in": self.sentences_in,
            "projected": self.projected,
            "partial": self.partial,
            "dropped": self.dropped,
            "entities_in": self.entities_in,
            "entities_out": self.entities_out,
            "lost_by_reason": self.lost_by_reason,
            "dropped_by_reason": self.dropped_by_reason,
        }
