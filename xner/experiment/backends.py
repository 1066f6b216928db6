"""Backends of a run, loaded lazily by spec and at most once each (a cache hit never loads a model)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xner import backends
from xner.align.base import Aligner
from xner.ner.base import Tagger
from xner.translate.base import Translator

if TYPE_CHECKING:
    from xner.corpus import Sentence
    from xner.ner.train_config import TrainingConfig


class Backends:
    """Translator, aligner and tagger instances by spec (and options: an aligner's link extraction, layer and
    symmetrisation). Tests subclass it to wrap or count backend calls."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[str, str, tuple[tuple[str, Any], ...]], Any] = {}

    def _get(self, kind: str, spec: str, options: dict[str, Any]) -> Any:
        key = (kind, spec, tuple(sorted(options.items())))
        if key not in self._loaded:
            self._loaded[key] = self.load(kind, spec, **options)
        return self._loaded[key]

    def load(self, kind: str, spec: str, **options: Any) -> Any:
        """Build the backend ``kind`` (translator, aligner, tagger) named ``spec`` with the library's loader
        (:func:`xner.backends.load`); translations are not cached twice (the step cache already keeps them)."""
        settings: dict[str, Any] = {"cache": False} if kind == "translator" else {}
        return backends.load(kind, spec, **settings, **options)

    def translator(self, spec: str) -> Translator:
        translator: Translator = self._get("translator", spec, {})
        return translator

    def aligner(self, spec: str, **options: Any) -> Aligner:
        """The aligner ``spec`` with ``options`` (``method``: link extraction, ``layer``, ``symmetrise``)."""
        aligner: Aligner = self._get("aligner", spec, options)
        return aligner

    def tagger(self, spec: str) -> Tagger:
        tagger: Tagger = self._get("tagger", spec, {})
        return tagger

    def train(
        self, base: str, train: Sequence[Sentence], dev: Sequence[Sentence], out: Path, config: TrainingConfig
    ) -> None:
        """Fine-tune the tagger ``base`` on ``train`` (early stopping on ``dev``) into the folder ``out``
        (:func:`xner.ner.train.train_tagger`)."""
        from xner.ner.train import train_tagger

        train_tagger(train, dev, base, out, config=config)
