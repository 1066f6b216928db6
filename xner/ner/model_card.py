"""The model card written beside a fine-tuned model: ``README.md`` (Hugging Face card with YAML front matter)
and ``xner-training.json`` (the same facts, machine-readable)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xner.corpus import Sentence
from xner.evaluate import Report
from xner.languages import iso639_1, normalise_language

CARD_FILE = "README.md"
"""The model card's file name (what the Hugging Face hub shows)."""

INFO_FILE = "xner-training.json"
"""Machine-readable training facts beside the model."""


@dataclass(frozen=True, slots=True)
class DataSummary:
    """What a data set contributed: its name, sentence count and entity count per type."""

    name: str
    sentences: int
    entities: Mapping[str, int]

    @classmethod
    def of(cls, name: str, sentences: Sequence[Sentence]) -> DataSummary:
        counts = Counter(span.label for sentence in sentences for span in sentence.spans)
        return cls(name, len(sentences), dict(sorted(counts.items())))


@dataclass(slots=True)
class CardFacts:
    """Everything the card states."""

    base_model: str
    labels: list[str]
    train: DataSummary
    dev: DataSummary
    languages: list[str]
    dev_scores: Report
    best_step: int
    steps: int
    stopped_early: bool
    settings: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)


def write_model_card(output_dir: str | Path, facts: CardFacts) -> None:
    """Write ``README.md`` and ``xner-training.json`` into ``output_dir``."""
    out = Path(output_dir)
    languages = [normalise_language(lang) for lang in facts.languages]
    info = {
        "base_model": facts.base_model,
        "labels": facts.labels,
        "languages": languages,
        "train": _summary(facts.train),
        "dev": _summary(facts.dev),
        "dev_scores": facts.dev_scores.to_dict(),
        "best_step": facts.best_step,
        "steps": facts.steps,
        "stopped_early": facts.stopped_early,
        "settings": facts.settings,
        "history": facts.history,
    }
    (out / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    (out / CARD_FILE).write_text(_card(facts, languages), encoding="utf-8")


def _summary(data: DataSummary) -> dict[str, Any]:
    return {"name": data.name, "sentences": data.sentences, "entities": dict(data.entities)}


def _yaml_list(items: Iterable[str]) -> str:
    return "".join(f"\n- {json.dumps(item)}" for item in items) or " []"


def _card(facts: CardFacts, languages: list[str]) -> str:
    hub_languages = [iso639_1(lang) or lang for lang in languages]
    overall = facts.dev_scores.overall
    lines = [
        "---",
        f"language:{_yaml_list(hub_languages)}",
        "library_name: transformers",
        "pipeline_tag: token-classification",
        f"base_model: {json.dumps(facts.base_model)}",
        f"tags:{_yaml_list(['xner', 'ner', 'token-classification', 'cross-lingual'])}",
        "---",
        "",
        "# NER model fine-tuned with xner",
        "",
        f"Fine-tuned from `{facts.base_model}` for token classification (IOB2 labels: {', '.join(facts.labels)}).",
        f"Languages: {', '.join(languages) or 'not stated'}.",
        "",
        "## Data",
        "",
        "| split | source | sentences | entities |",
        "|---|---|---|---|",
    ]
    for split, data in (("train", facts.train), ("dev", facts.dev)):
        entities = ", ".join(f"{k} {v}" for k, v in data.entities.items()) or "none"
        lines.append(f"| {split} | `{data.name}` | {data.sentences} | {entities} |")
    lines += [
        "",
        f"## Dev scores (span level, seqeval default mode; best at step {facts.best_step} of {facts.steps}"
        f"{', stopped early' if facts.stopped_early else ''})",
        "",
        "| type | precision | recall | f1 | support |",
        "|---|---|---|---|---|",
    ]
    rows = [*facts.dev_scores.per_type.items(), ("overall", overall)]
    for label, s in rows:
        lines.append(f"| {label} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} | {s.support} |")
    lines += ["", "## Training settings", "", "| setting | value |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in facts.settings.items()]
    lines += ["", "Use it with xner: `xner tag --tagger hf:THIS_DIR --lang L IN --out OUT`.", ""]
    return "\n".join(lines)
