"""Taggers by spec: ``hf[:MODEL]`` (alias ``transformers``) and ``spacy:PIPELINE``; imported only when used."""

from __future__ import annotations

from typing import Any

from xner.ner.base import Tagger
from xner.registry import LazyRegistry, parse_spec

TAGGERS = LazyRegistry(
    "tagger",
    {
        "hf": "xner.ner.hf:HfTagger",
        "spacy": "xner.ner.spacy_tagger:SpacyTagger",
    },
    aliases={"transformers": "hf"},
)


def load_tagger(spec: str, **options: Any) -> Tagger:
    """Build the tagger a spec names; ``options`` go to the backend (``keep``, ``drop``, ``label_map``, ...)."""
    parsed = parse_spec(spec)
    tagger: Tagger = TAGGERS.load(parsed.name)(parsed.model, **options)
    return tagger
