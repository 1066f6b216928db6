"""The translate service's step: translate sentences; return the translations and their tokens."""

from __future__ import annotations

from typing import Any

from xner.formats.jsonl import parse_record, sentence_record
from xner.pipeline import translate_sentences
from xner.project.markers import project_markers
from xner.service import backends
from xner.service.refs import resolve
from xner.service.steps import StepFunction
from xner.translate.base import Translator


def translate_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"sentences": [[tokens]] | "texts": [str], "src_lang", "tgt_lang", "translator"}`` ->
    ``{"texts": [translation], "tokens": [[tokens of the translation]]}``.

    With ``"markers": true`` the input is ``"sources": [labelled records]`` instead, translated with markers
    (EasyProject, :func:`xner.project.markers.project_markers`): the result adds ``"records"`` (the labelled
    translations, ``meta.projection`` telling which could not be read back), ``"sentences"`` (the same, with their
    corpus ``index`` from ``"offset"``) and ``"counts"``, so a marker job can be a corpus job's output."""
    translator = backends.get("translator", payload["translator"])
    if payload.get("markers"):
        return _with_markers(translator, payload, upstream)
    if "texts" in payload:
        sentences = [text.split() for text in resolve(payload["texts"], upstream)]
    else:
        sentences = resolve(payload["sentences"], upstream)
    texts, tokens = translate_sentences(translator, sentences, payload["src_lang"], payload["tgt_lang"])
    return {"texts": texts, "tokens": tokens}


def _with_markers(translator: Translator, payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    offset = int(payload.get("offset", 0))
    sources = [
        parse_record(record, source="sources", line=offset + k + 1)
        for k, record in enumerate(resolve(payload["sources"], upstream))
    ]
    result = project_markers(sources, translator, payload["src_lang"], payload["tgt_lang"])
    records = [sentence_record(sentence) for sentence in result.sentences]
    sentences = [{**record, "index": offset + k} for k, record in enumerate(records)]
    return {
        "texts": [sentence.text or " ".join(sentence.tokens) for sentence in result.sentences],
        "tokens": [sentence.tokens for sentence in result.sentences],
        "records": records,
        "sentences": sentences,
        "counts": {**result.counts.to_dict(), "failed": 0},
    }


STEPS: dict[str, StepFunction] = {"translate": translate_step}
"""The steps of this service by name (the queue each runs on is named like it); :mod:`xner.suite` registers them."""
