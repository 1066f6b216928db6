"""The translate service's step: translate sentences; return the translations and their tokens."""

from __future__ import annotations

from typing import Any

from xner.pipeline import translate_sentences
from xner.service import backends
from xner.service.refs import resolve
from xner.service.steps import StepFunction


def translate_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"sentences": [[tokens]] | "texts": [str], "src_lang", "tgt_lang", "translator"}`` ->
    ``{"texts": [translation], "tokens": [[tokens of the translation]]}``."""
    translator = backends.get("translator", payload["translator"])
    if "texts" in payload:
        sentences = [text.split() for text in resolve(payload["texts"], upstream)]
    else:
        sentences = resolve(payload["sentences"], upstream)
    texts, tokens = translate_sentences(translator, sentences, payload["src_lang"], payload["tgt_lang"])
    return {"texts": texts, "tokens": tokens}


STEPS: dict[str, StepFunction] = {"translate": translate_step}
"""The steps of this service by name (the queue each runs on is named like it); :mod:`xner.suite` registers them."""
