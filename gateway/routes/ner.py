"""``POST /v1/ner/{lang}``: NER for a few sentences, natively or by translate-test through the service queues."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.projections import check_limits
from gateway.schemas import NerRequest, NerResponse, NerSentence, NerSpan
from gateway.tagging import tag_sentences
from xner.corpus import Sentence, Span
from xner.errors import InputError
from xner.languages import normalise_language
from xner.service.auth import OwnerDep
from xner.service.deps import BrokerDep, SettingsDep
from xner.service.limits import CONTROL_CHARACTERS, check_document
from xner.service.settings import Settings
from xner.text import tokenize_text

router = APIRouter(prefix="/v1", tags=["ner"])


@router.post(
    "/ner/{lang}",
    response_model=NerResponse,
    summary="Tag a few sentences in any language (native model, else translate-test via English).",
    responses={413: {"description": "Too many sentences for a synchronous call"}, 504: {"description": "Timed out"}},
)
def ner(lang: str, body: NerRequest, settings: SettingsDep, broker: BrokerDep, owner: OwnerDep) -> NerResponse:
    code = normalise_language(lang)
    sentences = _sentences(body, settings)
    tagged = tag_sentences(
        broker, settings, sentences, code, owner=owner, timeout=settings.sync_timeout, projection=body.projection
    )
    return NerResponse(
        lang=code,
        via=tagged.via,
        model=tagged.model,
        results=[_result(spans, s) for spans, s in zip(tagged.spans, sentences, strict=True)],
    )


def _sentences(body: NerRequest, settings: Settings) -> list[Sentence]:
    if body.sentences is not None:
        sentences = [Sentence(tokens=list(tokens)) for tokens in body.sentences]
    else:
        for index, text in enumerate(body.texts or []):
            check_document(text, f"texts[{index}]", forbidden=CONTROL_CHARACTERS)
        sentences = [tokenize_text(text) for text in body.texts or []]
    check_limits(sentences, settings, "sentences", max_sentences=settings.sync_max_sentences)
    for index, sentence in enumerate(sentences):
        if any(not token or token != token.strip() for token in sentence.tokens):
            raise InputError(f"sentence {index}: tokens must be non-empty and contain no surrounding whitespace")
    return sentences


def _result(spans: list[Span], original: Sentence) -> NerSentence:
    """The spans on the original sentence (with code-point offsets when text was given)."""
    offsets, text = original.offsets, original.text
    return NerSentence(
        tokens=original.tokens,
        spans=[
            NerSpan(
                start=span.start,
                end=span.end,
                label=span.label,
                score=span.score,
                char_start=offsets[span.start][0] if offsets else None,
                char_end=offsets[span.end - 1][1] if offsets else None,
                text=text[offsets[span.start][0] : offsets[span.end - 1][1]]
                if text is not None and offsets
                else " ".join(original.tokens[span.start : span.end]),
            )
            for span in spans
        ],
    )
