"""The small protocols projection needs from other steps, so it never imports a model backend.

The translate and NER packages' ``Translator`` and ``Tagger`` satisfy these structurally (same method
names and shapes); tests pass plain objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from xner.corpus import Span


class SpanTagger(Protocol):
    """Predicts entity spans (with ``score`` = confidence in [0, 1]) on tokenised sentences."""

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]: ...


class TranslationScorer(Protocol):
    """Scores translations: the length-normalised log-probability of each ``tgt[k]`` given ``src[k]``."""

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]: ...


class TextTranslator(Protocol):
    """Translates strings (marker mode and back-translation)."""

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]: ...
