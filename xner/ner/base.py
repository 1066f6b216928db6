"""The :class:`Tagger` protocol every NER backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from xner.corpus import Span


@runtime_checkable
class Tagger(Protocol):
    """Recognises entities in pre-tokenised sentences."""

    #: Identifies the backend, its model and the settings that change its output.
    fingerprint: str

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        """For each sentence (a list of words), its entity spans over word indices, non-overlapping, sorted,
        with labels after the tagger's label map and ``score`` in [0, 1] where the backend has one."""
        ...
