"""The translate service API: ``POST /v1/translate`` (texts or tokenised sentences, FLORES-200 codes)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xner.languages import normalise_language
from xner.service.backends import check_spec
from xner.service.limits import check_texts, check_token_lists
from xner.service.routes import StepJob, StepRunnerDep, service_router, step_route
from xner.service.settings import Settings


class TranslateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"texts": ["The dog sleeps."], "src_lang": "eng_Latn", "tgt_lang": "spa_Latn"}]
        },
    )
    texts: list[str] | None = None
    sentences: list[list[str]] | None = Field(None, description="Tokenised sentences (joined with spaces)")
    src_lang: str
    tgt_lang: str
    translator: str | None = Field(None, description="Translator SPEC (default: XNER_TRANSLATOR)")

    @model_validator(mode="after")
    def _one_of(self) -> TranslateRequest:
        if (self.texts is None) == (self.sentences is None):
            raise ValueError("give exactly one of texts or sentences")
        return self


def to_payload(body: TranslateRequest, settings: Settings) -> tuple[dict[str, Any], int]:
    payload: dict[str, Any] = {
        "src_lang": normalise_language(body.src_lang),
        "tgt_lang": normalise_language(body.tgt_lang),
        "translator": check_spec("translator", body.translator or settings.translator, settings),
    }
    if body.texts is not None:
        check_texts(body.texts, settings, "texts")
        payload["texts"] = body.texts
    else:
        check_token_lists(body.sentences or [], settings, "sentences")
        payload["sentences"] = body.sentences
    return payload, len(body.texts or body.sentences or [])


ROUTER = service_router("translate")
"""The routes of this service (mounted by its own app and by the all-in-one server, see :mod:`xner.suite`)."""


@ROUTER.post("/translate", **step_route("Translate sentences."))
def translate(body: TranslateRequest, runner: StepRunnerDep) -> StepJob:
    return runner.run("translate", *to_payload(body, runner.settings))
