"""Backends loaded once per process and kept: the worker's "load the model once" and the API's readiness.

``get(kind, spec)`` returns the loaded backend for a spec, loading it on first use; :func:`preload` loads the
defaults a service's worker needs before it takes its first job, and :func:`loaded` tells ``/ready`` whether
they are in memory.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from xner.service.settings import Settings

log = logging.getLogger("xner.backends")

_LOADERS: dict[str, str] = {
    "translator": "xner.translate:load_translator",
    "aligner": "xner.align:load_aligner",
    "tagger": "xner.ner:load_tagger",
}
"""Kind -> ``module:function`` that builds a backend from a spec."""

_cache: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


def _loader(kind: str) -> Callable[[str], Any]:
    import importlib

    module, _, name = _LOADERS[kind].partition(":")
    loader: Callable[[str], Any] = getattr(importlib.import_module(module), name)
    return loader


def get(kind: str, spec: str) -> Any:
    """The backend of ``kind`` (translator, aligner, tagger) for ``spec``, loaded once per process."""
    key = (kind, spec)
    with _lock:
        if key not in _cache:
            log.info("loading %s %s", kind, spec)
            _cache[key] = _loader(kind)(spec)
        return _cache[key]


def defaults_for(service: str, settings: Settings) -> list[tuple[str, str]]:
    """The (kind, spec) pairs a service's worker loads before its first job."""
    wanted = {
        "translate": [("translator", settings.translator)],
        "align": [("aligner", settings.aligner)],
        "ner": [("tagger", settings.tagger), *(("tagger", spec) for spec in settings.native_taggers.values())],
    }
    return wanted.get(service, [])


def preload(service: str, settings: Settings) -> None:
    """Load the default backends of ``service``."""
    for kind, spec in defaults_for(service, settings):
        get(kind, spec)


def loaded(service: str, settings: Settings) -> bool:
    """Whether every default backend of ``service`` is loaded in this process."""
    with _lock:
        return all(key in _cache for key in defaults_for(service, settings))
