"""``POST /v1/ner/{lang}``: NER for a few sentences, natively or by translate-test through the service queues."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gateway.deps import BrokerDep, OwnerDep, SettingsDep
from gateway.projections import check_limits
from gateway.schemas import NerRequest, NerResponse, NerSentence, NerSpan
from xner.corpus import Sentence
from xner.errors import InputError
from xner.formats.jsonl import parse_record
from xner.languages import normalise_language
from xner.service.broker import Broker, Status
from xner.service.errors import Timeout, error_from_result
from xner.service.refs import ref
from xner.service.settings import Settings
from xner.text import tokenize_text

router = APIRouter(prefix="/v1", tags=["ner"])

PIVOT = "eng_Latn"
"""The language translate-test goes through."""


@router.post(
    "/ner/{lang}",
    response_model=NerResponse,
    summary="Tag a few sentences in any language (native model, else translate-test via English).",
    responses={413: {"description": "Too many sentences for a synchronous call"}, 504: {"description": "Timed out"}},
)
def ner(lang: str, body: NerRequest, settings: SettingsDep, broker: BrokerDep, _: OwnerDep) -> NerResponse:
    code = normalise_language(lang)
    sentences = _sentences(body, settings)
    native = settings.native_taggers.get(code) or (settings.tagger if code == PIVOT else None)
    if native is not None:
        job = broker.enqueue("ner", "ner", {"sentences": [s.tokens for s in sentences], "tagger": native})
        final, key, model, via = job, "records", native, None
    else:
        final = _translate_test(broker, settings, sentences, code)
        key, model, via = "sentences", f"{settings.translator} + {settings.tagger} + {settings.aligner}", PIVOT
    info = broker.wait(final, settings.sync_timeout)
    if info is None or not info.status.done:
        raise Timeout(f"NER did not finish within {settings.sync_timeout} s (sync_timeout); try fewer sentences")
    if info.status != Status.FINISHED:
        raise error_from_result(broker.result(final), info.error or "NER failed")
    records = broker.result(final)[key]
    return NerResponse(
        lang=code, via=via, model=model, results=[_result(r, s) for r, s in zip(records, sentences, strict=True)]
    )


def _sentences(body: NerRequest, settings: Settings) -> list[Sentence]:
    if body.sentences is not None:
        sentences = [Sentence(tokens=list(tokens)) for tokens in body.sentences]
    else:
        sentences = [tokenize_text(text) for text in body.texts or []]
    check_limits(sentences, settings, "sentences", max_sentences=settings.sync_max_sentences)
    for index, sentence in enumerate(sentences):
        if any(not token or token != token.strip() for token in sentence.tokens):
            raise InputError(f"sentence {index}: tokens must be non-empty and contain no surrounding whitespace")
    return sentences


def _translate_test(broker: Broker, settings: Settings, sentences: list[Sentence], lang: str) -> str:
    """translate (lang -> English) -> tag English (split by the tagger's tokenizer) -> align English <-> original
    -> project the English spans back; four jobs chained across the four queues, as ``xner tag --via`` does."""
    tokens = [s.tokens for s in sentences]
    translate = broker.enqueue(
        "translate",
        "translate",
        {"sentences": tokens, "src_lang": lang, "tgt_lang": PIVOT, "translator": settings.translator},
    )
    tag = broker.enqueue("ner", "ner", {"texts": ref(0, "texts"), "tagger": settings.tagger}, depends_on=[translate])
    align = broker.enqueue(
        "align", "align", {"src": ref(0, "tokens"), "tgt": tokens, "aligner": settings.aligner}, depends_on=[tag]
    )
    return broker.enqueue(
        "project",
        "project",
        {
            "sources": ref(0, "records"),
            "targets": tokens,
            "alignments": ref(1, "alignments"),
            "offset": 0,
            "method": "heuristic",
            "source_lang": PIVOT,
            "target_lang": lang,
        },
        depends_on=[tag, align],
    )


def _result(record: dict[str, Any], original: Sentence) -> NerSentence:
    """The spans of a result record on the original sentence (with code-point offsets when text was given)."""
    spans = parse_record(record, source="ner", line=1).spans
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
