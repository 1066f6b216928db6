"""The ner service's step: tag tokenised sentences."""

from __future__ import annotations

from typing import Any

from xner.corpus import Sentence
from xner.formats.jsonl import sentence_record
from xner.service import backends
from xner.service.refs import resolve


def ner_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"sentences": [[tokens]], "tagger"}`` -> ``{"records": [JSONL records with scored spans]}``."""
    tagger = backends.get("tagger", payload["tagger"])
    sentences = [list(tokens) for tokens in resolve(payload["sentences"], upstream)]
    spans = tagger.tag(sentences)
    records = [
        sentence_record(Sentence(tokens=tokens, spans=list(s))) for tokens, s in zip(sentences, spans, strict=True)
    ]
    return {"records": records}
