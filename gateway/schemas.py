"""Request and response models of the gateway's REST API (the OpenAPI docs are generated from them)."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xner.project.config import ProjectionConfig

FormatName = Literal["conll", "jsonl", "labelstudio", "doccano", "text"]
FORMAT_NAMES: tuple[str, ...] = get_args(FormatName)
"""Formats a corpus or target document may come in."""

ResultFormat = Literal["jsonl", "conll", "labelstudio", "doccano"]

EXAMPLE_CONLL = "Angela\tB-PER\nMerkel\tI-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n"


class CorpusData(BaseModel):
    """A document in one of xner's formats, inline."""

    model_config = ConfigDict(extra="forbid")
    format: FormatName = Field("conll", description=" | ".join(FORMAT_NAMES))
    data: str = Field(..., description="The document itself (CoNLL text, JSON Lines, a Label Studio JSON array, ...).")


class ProjectionRequest(BaseModel):
    """A labelled corpus to project into one or more target languages."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "source_lang": "eng_Latn",
                    "target_lang": "spa_Latn",
                    "corpus": {"format": "conll", "data": EXAMPLE_CONLL},
                    "options": {"translator": "apertium", "aligner": "eflomal", "method": "candidates"},
                }
            ]
        },
    )
    source_lang: str = Field(..., description="FLORES-200 code (ISO 639-1/3 accepted), e.g. eng_Latn or en")
    target_lang: str | list[str] = Field(..., description="One language or a list of languages")
    corpus: CorpusData
    target: CorpusData | None = Field(None, description="Parallel mode: the target text (tags ignored); no MT")
    options: ProjectionConfig = Field(
        default_factory=ProjectionConfig,
        description="How to translate, align and project (the server's XNER_PROJECTION and defaults where unset)",
    )

    @property
    def target_langs(self) -> list[str]:
        return [self.target_lang] if isinstance(self.target_lang, str) else list(self.target_lang)

    @model_validator(mode="after")
    def _check(self) -> ProjectionRequest:
        if not self.target_langs:
            raise ValueError("target_lang: give at least one language")
        if self.target is not None and len(self.target_langs) != 1:
            raise ValueError("target: parallel mode takes exactly one target_lang")
        return self


class JobLinks(BaseModel):
    self: str
    result: str


class JobAccepted(BaseModel):
    job_id: str
    status: str
    links: JobLinks


class Progress(BaseModel):
    """Sentences through the steps of the plan: a job over n sentences counts n (a corpus of 100 sentences with a
    translate, an align and a project step has total 300); ``done`` advances while a step runs."""

    done: int = Field(..., description="Sentence-steps done (running steps count the part they have reported)")
    total: int = Field(..., description="Sentence-steps in the plan (each job's sentences, summed over its jobs)")
    jobs_done: int = Field(..., description="Jobs of the plan that are done (finished, failed or canceled)")
    jobs_total: int = Field(..., description="Jobs in the plan")


class JobError(BaseModel):
    language: str
    job_id: str
    step: str
    reason: str


class JobStatus(BaseModel):
    job_id: str
    status: Literal["queued", "running", "finished", "failed", "canceled"]
    progress: Progress
    queue_position: int | None = Field(None, description="Place in its queue of the job's next waiting step")
    sentences: int
    languages: list[str]
    errors: list[JobError]


class NerRequest(BaseModel):
    """Sentences to tag: pre-tokenised, or texts (tokenised by xner)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"texts": ["Angela Merkel visitó París."]}, {"sentences": [["Kofi", "Annan"]]}]
        },
    )
    sentences: list[list[str]] | None = None
    texts: list[str] | None = None
    projection: ProjectionConfig | None = Field(
        None, description="Translate-test: how to translate, align and project back (no effect with a native tagger)"
    )

    @model_validator(mode="after")
    def _one_of(self) -> NerRequest:
        if (self.sentences is None) == (self.texts is None):
            raise ValueError("give exactly one of sentences or texts")
        return self


class NerSpan(BaseModel):
    start: int = Field(..., description="First token")
    end: int = Field(..., description="Token after the last")
    label: str
    score: float | None = None
    char_start: int | None = Field(None, description="Code-point offset in the text (texts input)")
    char_end: int | None = None
    text: str


class NerSentence(BaseModel):
    tokens: list[str]
    spans: list[NerSpan]


class NerResponse(BaseModel):
    lang: str
    via: str | None = Field(None, description="Pivot language when translate-test was used")
    model: str
    results: list[NerSentence]


class LanguageInfo(BaseModel):
    code: str
    name: str
    native_tagger: str | None


class ModelsInfo(BaseModel):
    translator: str
    aligner: str
    tagger: str
    native_taggers: dict[str, str]
