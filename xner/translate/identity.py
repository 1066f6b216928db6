"""``identity``: returns each sentence unchanged. For testing pipelines end to end without a model; its score is
the log-probability of a copy model (0 for an exact copy, minus infinity otherwise)."""

from __future__ import annotations

from collections.abc import Sequence

from xner.errors import InputError, MismatchError
from xner.languages import normalise_language


class IdentityTranslator:
    """A translator that copies its input (whitespace normalised)."""

    name = "identity"
    fingerprint = "identity"

    def __init__(self, model: str | None = None) -> None:
        if model:
            raise InputError(f"the identity translator takes no model (got {model!r})")

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        normalise_language(src_lang), normalise_language(tgt_lang)
        return [" ".join(s.split()) for s in sentences]

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        if len(src) != len(tgt):
            raise MismatchError(f"{len(src)} sources but {len(tgt)} targets to score")
        normalise_language(src_lang), normalise_language(tgt_lang)
        same = [" ".join(s.split()) == " ".join(t.split()) for s, t in zip(src, tgt, strict=True)]
        return [0.0 if equal else float("-inf") for equal in same]
