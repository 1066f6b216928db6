"""Backend specs (``NAME[:MODEL]``) and a registry that imports a backend's module only when it is used.

Every pluggable step (translators, taggers, aligners) names its backends in a :class:`LazyRegistry`:
a mapping from a short name to ``"module:attribute"``. Nothing is imported until :meth:`LazyRegistry.load`
is called, so the CLI's light commands, the gateway and CPU-only workers never import torch.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from xner.errors import BackendUnavailable, InputError, UnknownNameError
from xner.extras import missing_package_message


@dataclass(frozen=True, slots=True)
class BackendSpec:
    """A parsed ``NAME[:MODEL]``: the backend name and, optionally, a model (hub id or local directory)."""

    name: str
    model: str | None = None

    def __str__(self) -> str:
        return self.name if self.model is None else f"{self.name}:{self.model}"


def parse_spec(spec: str) -> BackendSpec:
    """Split ``NAME[:MODEL]`` at the first colon (a model may itself contain colons, e.g. a path)."""
    text = spec.strip()
    name, sep, model = text.partition(":")
    name = name.strip().lower()
    if not name:
        raise InputError(f"backend spec {spec!r} has no name (expected NAME or NAME:MODEL)")
    if sep and not model.strip():
        raise InputError(f"backend spec {spec!r} has an empty model after ':'")
    return BackendSpec(name, model.strip() if sep else None)


class LazyRegistry(Mapping[str, str]):
    """Backend name -> ``"module:attribute"`` of its factory; the module is imported by :meth:`load` only."""

    def __init__(self, kind: str, entries: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> None:
        self.kind = kind
        self._entries = dict(entries)
        self._aliases = dict(aliases or {})

    def __getitem__(self, name: str) -> str:
        return self._entries[self._aliases.get(name, name)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def canonical(self, name: str) -> str:
        """The registered name for ``name`` (resolving aliases); raise listing the valid names if unknown."""
        resolved = self._aliases.get(name, name)
        if resolved not in self._entries:
            raise UnknownNameError(self.kind, name, self._entries)
        return resolved

    def load(self, name: str) -> Any:
        """Import and return the factory registered under ``name``."""
        target = self._entries[self.canonical(name)]
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            fix = missing_package_message(exc.name) or (
                f"the {exc.name or exc} package is not installed; install the matching extra, e.g. "
                "pip install 'xner[translate]' or 'xner[ner]'"
            )
            raise BackendUnavailable(f"{self.kind} {name!r}: {fix}") from exc
        return getattr(module, attribute)
