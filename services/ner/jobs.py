"""The ner service's step: tag tokenised sentences."""

from __future__ import annotations

from typing import Any

from xner.corpus import Sentence
from xner.formats.jsonl import sentence_record
from xner.pipeline import pivot_tokenizer_for
from xner.service import backends
from xner.service.refs import resolve


def ner_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"sentences": [[tokens]] | "texts": [str], "tagger"}`` -> ``{"tokens": [[...]], "records": [JSONL records
    with scored spans]}``. Texts are split into words by the tagger's own tokenizer when it has one (as
    :func:`xner.pipeline.translate_test` does for the pivot language)."""
    tagger = backends.get("tagger", payload["tagger"])
    if "texts" in payload:
        split = pivot_tokenizer_for(tagger)
        sentences = [split(text) for text in resolve(payload["texts"], upstream)]
    else:
        sentences = [list(tokens) for tokens in resolve(payload["sentences"], upstream)]
    spans = tagger.tag(sentences)
    records = [sentence_record(Sentence(tokens=t, spans=list(s))) for t, s in zip(sentences, spans, strict=True)]
    return {"tokens": sentences, "records": records}
