"""Backends of a run, loaded lazily by spec and at most once each (a cache hit never loads a model)."""

from __future__ import annotations

from typing import Any


class Backends:
    """Translator, aligner and tagger instances by spec. Tests subclass it to wrap or count backend calls."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[str, str], Any] = {}

    def _get(self, kind: str, spec: str) -> Any:
        key = (kind, spec)
        if key not in self._loaded:
            self._loaded[key] = self.load(kind, spec)
        return self._loaded[key]

    def load(self, kind: str, spec: str) -> Any:
        """Build the backend ``kind`` (translator, aligner, tagger) named ``spec``."""
        if kind == "translator":
            from xner.translate import load_translator

            return load_translator(spec, cache=False)  # the step cache already keeps translations
        if kind == "aligner":
            from xner.align import load_aligner

            return load_aligner(spec)
        from xner.ner import load_tagger

        return load_tagger(spec)

    def translator(self, spec: str) -> Any:
        return self._get("translator", spec)

    def aligner(self, spec: str) -> Any:
        return self._get("aligner", spec)

    def tagger(self, spec: str) -> Any:
        return self._get("tagger", spec)
