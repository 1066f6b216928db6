"""The :class:`Translator` protocol every translation backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class Translator(Protocol):
    """Translates sentences and scores translations.

    Language codes may be given in any form :func:`xner.languages.normalise_language` accepts; backends
    normalise them to FLORES-200. Both methods return one item per input, in input order.
    """

    #: A string that identifies the backend, its model and every setting that changes its output
    #: (the translation cache keys on it).
    fingerprint: str

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """Translate each sentence from ``src_lang`` into ``tgt_lang``."""
        ...

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        """The length-normalised log-probability of each ``tgt[i]`` given ``src[i]`` under forced decoding
        (the mean log-probability per target token; 0 is the maximum)."""
        ...
