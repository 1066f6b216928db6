"""Lazy access to the aligner and tagger backends of the sibling packages, by SPEC name.

Projection itself needs no backend; the CLI does when no alignments are given (``xner.align``) or NER
candidates are asked for (``xner.ner``). Those packages are imported only here and only when needed, and a
missing piece is reported by name instead of failing with an ``ImportError`` deep inside.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import Any

from xner.corpus import Span
from xner.errors import BackendUnavailable, MismatchError
from xner.project.links import Link

#: Function names looked up, in order, to build a backend from a SPEC.
_ALIGNER_FACTORIES = ("load_aligner", "get_aligner", "make_aligner")
_TAGGER_FACTORIES = ("load_tagger", "get_tagger", "make_tagger")


def _module(name: str, what: str, hint: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        message = f"{what} needs the {name} package, which cannot be imported here ({exc}); {hint}"
        raise BackendUnavailable(message) from None


def _factory(module: ModuleType, names: Sequence[str], what: str) -> Callable[[str], Any]:
    for name in names:
        factory = getattr(module, name, None)
        if callable(factory):
            return factory  # type: ignore[no-any-return]
    raise BackendUnavailable(f"{module.__name__} provides none of {', '.join(names)}, so {what} cannot be built")


def as_links(alignment: Any) -> list[Link]:
    """An aligner's result for one pair as ``(i, j)`` links: an object with ``pairs``/``links``, or an
    iterable of ``(i, j)`` or ``(i, j, score)``."""
    items: Iterable[Any] = getattr(alignment, "pairs", None) or getattr(alignment, "links", None) or alignment
    return [(int(item[0]), int(item[1])) for item in items]


def align_with(spec: str, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[list[Link]]:
    """Align sentence pairs with the ``xner.align`` backend named ``spec``."""
    module = _module("xner.align", f"aligning with {spec!r}", "pass --alignments LINKS (Pharaoh i-j) instead")
    aligner = _factory(module, _ALIGNER_FACTORIES, f"aligner {spec!r}")(spec)
    results = aligner.align([list(s) for s in src], [list(t) for t in tgt])
    if len(results) != len(src):
        raise MismatchError(f"aligner {spec!r} returned {len(results)} alignments for {len(src)} sentence pairs")
    return [as_links(result) for result in results]


class TaggerAdapter:
    """A :class:`~xner.project.protocols.SpanTagger` over the ``xner.ner`` backend named ``spec``."""

    def __init__(self, spec: str) -> None:
        module = _module("xner.ner", f"NER candidates with {spec!r}", "use --candidates ngram instead")
        self._tagger = _factory(module, _TAGGER_FACTORIES, f"tagger {spec!r}")(spec)

    @classmethod
    def from_tagger(cls, tagger: Any) -> TaggerAdapter:
        """Wrap an already loaded tagger (a worker's, loaded once per process)."""
        adapter = cls.__new__(cls)
        adapter._tagger = tagger
        return adapter

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        return list(self._tagger.tag([list(s) for s in sentences]))
