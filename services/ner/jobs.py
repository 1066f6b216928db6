"""The ner service's step: tag tokenised sentences."""

from __future__ import annotations

from typing import Any

from xner.corpus import Sentence
from xner.formats.jsonl import parse_record, sentence_record
from xner.pipeline import pivot_tokenizer_for
from xner.progress import in_chunks
from xner.service import backends
from xner.service.refs import resolve
from xner.service.steps import StepFunction


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
    spans = in_chunks(tagger.tag, sentences, "tagging")
    records = [sentence_record(Sentence(tokens=t, spans=list(s))) for t, s in zip(sentences, spans, strict=True)]
    return {"tokens": sentences, "records": records}


def train_step(payload: dict[str, Any], _upstream: list[Any]) -> dict[str, Any]:
    """``{"train": [JSONL records], "dev": [...], "base": SPEC, "output_dir", "epochs", "lang"}`` -> fine-tune
    ``base`` on the records (:func:`xner.ner.train.train_tagger`) -> ``{"output_dir", "dev_f1", "steps",
    "best_step"}``. The model is written to ``output_dir`` (load it as ``hf:<output_dir>``)."""
    from xner.ner.train import train_tagger
    from xner.ner.train_config import TrainingConfig

    train, dev = (
        [parse_record(r, source=name, line=k + 1) for k, r in enumerate(payload[name])] for name in ("train", "dev")
    )
    result = train_tagger(
        train,
        dev,
        payload["base"],
        payload["output_dir"],
        config=TrainingConfig(epochs=int(payload["epochs"])),
        languages=[payload["lang"]] if payload.get("lang") else [],
        train_name="annotations",
        dev_name="held-out annotations",
    )
    return {
        "output_dir": str(result.output_dir),
        "dev_f1": result.dev_scores.overall.f1,
        "steps": result.steps,
        "best_step": result.best_step,
    }


STEPS: dict[str, StepFunction] = {"ner": ner_step, "train": train_step}
"""The steps of this service by name (the queue each runs on is named like it); :mod:`xner.suite` registers them."""
