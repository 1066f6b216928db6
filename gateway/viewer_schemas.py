"""Response models of the viewer's endpoints (``/v1/jobs/{id}/sentences`` and ``/summary``). Token indices are
0-based and spans half-open ``[start, end)``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TokenSpan(BaseModel):
    start: int = Field(..., description="First token")
    end: int = Field(..., description="Token after the last")
    label: str


class TargetSpan(TokenSpan):
    score: float | None = Field(None, description="Fused candidate score (candidates method)")
    source: int | None = Field(None, description="Index of the source entity it projects, when tracked")
    correct: bool | None = Field(None, description="With gold: true if a gold span has the same bounds and label")


class Side(BaseModel):
    tokens: list[str]
    spans: list[TokenSpan]


class TargetSide(BaseModel):
    tokens: list[str]
    spans: list[TargetSpan]


class Gold(BaseModel):
    spans: list[TokenSpan]
    misses: list[TokenSpan] = Field(..., description="Gold spans no projected span matches")


class SentenceView(BaseModel):
    index: int = Field(..., description="Position of the sentence in the corpus")
    status: str = Field(..., description="projected | partial | dropped | failed")
    reason: str | None
    lost: list[dict[str, Any]] = Field(..., description="Source entities without a projection, with reasons")
    target: TargetSide
    source: Side | None
    links: list[list[int]] | None = Field(None, description="Word links [source_i, target_j]")
    gold: Gold | None


class SentencePage(BaseModel):
    job_id: str
    lang: str
    total: int = Field(..., description="Sentences in the job")
    matched: int = Field(..., description="Sentences matching the status filter")
    offset: int
    limit: int
    status: list[str] | None = Field(None, description="The statuses selected (null: all)")
    sentences: list[SentenceView]


class TypeCounts(BaseModel):
    source: int = Field(..., description="Source entities of this type")
    projected: int = Field(..., description="Projected target spans of this type")
    gold: int | None = Field(None, description="Gold target spans of this type (null without gold)")


class Summary(BaseModel):
    job_id: str
    lang: str
    sentences: int
    status_counts: dict[str, int]
    per_type: dict[str, TypeCounts]
    evaluation: dict[str, Any] | None = Field(
        None, description="xner.evaluate report (overall, per_type, averages) against the gold target labels"
    )
    evaluated_sentences: int | None = Field(None, description="Sentences with gold labels in the evaluation")
