"""One backend loader: ``xner.backends.load(kind, spec)`` for every surface."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xner import backends
from xner.align.base import Aligner
from xner.errors import UnknownNameError
from xner.experiment.backends import Backends
from xner.service.settings import Settings

REPO = Path(__file__).resolve().parents[3]
PACKAGE_LOADERS = {"load_translator": "xner/translate", "load_aligner": "xner/align", "load_tagger": "xner/ner"}


def test_no_surface_calls_a_package_loader_directly():
    """The CLI, the services, the gateway, the harness and the benches load through ``xner.backends.load``, so a
    backend or option added there reaches every surface."""
    pattern = re.compile(r"\b(" + "|".join(PACKAGE_LOADERS) + r")\b")
    offenders = []
    for root in ("xner", "gateway", "services", "bench"):
        for path in (REPO / root).rglob("*.py"):
            relative = path.relative_to(REPO).as_posix()
            if relative == "xner/backends.py":
                continue
            for name in pattern.findall(path.read_text(encoding="utf-8")):
                if not relative.startswith(PACKAGE_LOADERS[name] + "/"):
                    offenders.append(f"{relative}: {name}")
    assert not offenders, offenders


def test_defaults_are_weight_free_and_shared_by_the_settings():
    assert backends.DEFAULT_SPECS == {"translator": "apertium", "aligner": "eflomal", "tagger": "spacy:en_core_web_sm"}
    settings = Settings(_env_file=None)
    assert (settings.translator, settings.aligner, settings.tagger) == tuple(backends.DEFAULT_SPECS.values())


def test_load_builds_each_kind_and_passes_options():
    translator = backends.load("translator", "identity", cache=False)
    assert translator.translate(["a b"], "eng_Latn", "spa_Latn") == ["a b"]
    aligner = backends.load("aligner")  # the default: eflomal
    assert isinstance(aligner, Aligner)
    with pytest.raises(UnknownNameError, match="itermax"):
        backends.load("aligner", "eflomal", method="no-such-method")


def test_an_unknown_kind_or_backend_lists_the_valid_names():
    with pytest.raises(UnknownNameError, match="aligner, tagger, translator"):
        backends.load("parser", "x")
    with pytest.raises(UnknownNameError, match="apertium"):
        backends.load("translator", "no-such-translator")


def test_the_harness_loads_through_the_same_loader(monkeypatch):
    calls = []
    monkeypatch.setattr(backends, "load", lambda kind, spec, **options: calls.append((kind, spec, options)) or kind)
    loaded = Backends()
    assert loaded.translator("apertium") == "translator" and loaded.aligner("eflomal") == "aligner"
    loaded.translator("apertium")  # loaded once
    assert calls == [("translator", "apertium", {"cache": False}), ("aligner", "eflomal", {})]
