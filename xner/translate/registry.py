"""Translators by spec: ``nllb[:MODEL]``, ``ctranslate2:DIR`` (alias ``ct2``), ``apertium``, ``identity``.

Backend modules are imported only when a spec names them, so ``apertium`` and ``identity`` never import torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xner.registry import LazyRegistry, parse_spec
from xner.translate.base import Translator
from xner.translate.cache import CachedTranslator, TranslationCache

TRANSLATORS = LazyRegistry(
    "translator",
    {
        "nllb": "xner.translate.nllb:NllbTranslator",
        "ctranslate2": "xner.translate.ct2:Ct2Translator",
        "apertium": "xner.translate.apertium:ApertiumTranslator",
        "identity": "xner.translate.identity:IdentityTranslator",
    },
    aliases={"ct2": "ctranslate2", "m2m100": "nllb"},
)


def load_translator(
    spec: str,
    *,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    **options: Any,
) -> Translator:
    """Build the translator a spec names. With ``cache`` (the default) translations are cached in memory and,
    when ``cache_dir`` is given, on disk. ``options`` go to the backend (e.g. ``num_beams``, ``device``)."""
    parsed = parse_spec(spec)
    factory = TRANSLATORS.load(parsed.name)
    translator: Translator = factory(parsed.model, **options)
    if cache:
        return CachedTranslator(translator, TranslationCache(cache_dir))
    return translator
