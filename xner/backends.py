"""The one backend loader: ``load(kind, spec)`` builds a translator, aligner or tagger from a spec ``NAME[:MODEL]``.

The CLI, the service workers and the experiment harness all load backends here, so a backend added to a package's
registry (``xner.translate.registry``, ``xner.align.registry``, ``xner.ner.registry``) is reachable from every
surface. Importing this module imports no model library: each registry imports a backend's module only when it is
loaded. The default spec of each kind lives in its package's ``defaults.py`` (:data:`DEFAULT_SPECS`).
"""

from __future__ import annotations

from typing import Any, Literal, overload

from xner.align import defaults as align_defaults
from xner.align.base import Aligner
from xner.align.registry import BACKENDS as ALIGNERS
from xner.align.registry import load_aligner
from xner.errors import UnknownNameError
from xner.ner import defaults as ner_defaults
from xner.ner.base import Tagger
from xner.ner.registry import TAGGERS, load_tagger
from xner.registry import LazyRegistry
from xner.translate import defaults as translate_defaults
from xner.translate.base import Translator
from xner.translate.registry import TRANSLATORS, load_translator

Kind = Literal["translator", "aligner", "tagger"]
"""What a backend does: translate sentences, word-align sentence pairs, or tag entities."""

KINDS: tuple[Kind, ...] = ("translator", "aligner", "tagger")

REGISTRIES: dict[Kind, LazyRegistry] = {"translator": TRANSLATORS, "aligner": ALIGNERS, "tagger": TAGGERS}
"""Kind -> the registry naming its backends."""

DEFAULT_SPECS: dict[Kind, str] = {
    "translator": translate_defaults.DEFAULT_TRANSLATOR,
    "aligner": align_defaults.DEFAULT_ALIGNER,
    "tagger": ner_defaults.DEFAULT_TAGGER,
}
"""Kind -> the spec used when none is named (every default is weight-free)."""


def registry(kind: str) -> LazyRegistry:
    """The registry of ``kind``; an unknown kind lists the valid ones."""
    if kind not in REGISTRIES:
        raise UnknownNameError("backend kind", kind, KINDS)
    return REGISTRIES[kind]


@overload
def load(kind: Literal["translator"], spec: str | None = None, **options: Any) -> Translator: ...
@overload
def load(kind: Literal["aligner"], spec: str | None = None, **options: Any) -> Aligner: ...
@overload
def load(kind: Literal["tagger"], spec: str | None = None, **options: Any) -> Tagger: ...
@overload
def load(kind: str, spec: str | None = None, **options: Any) -> Translator | Aligner | Tagger: ...
def load(kind: str, spec: str | None = None, **options: Any) -> Translator | Aligner | Tagger:
    """Build the backend of ``kind`` that ``spec`` names (default: :data:`DEFAULT_SPECS`).

    ``options`` go to the package's loader: ``cache`` / ``cache_dir`` for translators and aligners, ``method`` and
    ``symmetrise`` for aligners, backend options (``num_beams``, ``device``, ``label_map``, ...) otherwise.
    """
    registry(kind)  # an unknown kind is an error before anything loads
    chosen = spec or DEFAULT_SPECS[kind]  # type: ignore[index]
    if kind == "translator":
        return load_translator(chosen, **options)
    if kind == "aligner":
        return load_aligner(chosen, **options)
    return load_tagger(chosen, **options)
