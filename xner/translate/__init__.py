"""Translation: the :class:`Translator` protocol and its backends, chosen by spec (``NAME[:MODEL]``).

>>> translator = load_translator("apertium")                       # doctest: +SKIP
>>> translator.translate(["The dog sleeps."], "eng_Latn", "spa_Latn")  # doctest: +SKIP
['El perro duerme.']

Backends (imported lazily, on first use): ``nllb`` (transformers), ``ctranslate2``/``ct2`` (converted models),
``apertium`` (Debian, weight-free), ``identity`` (copies; for tests). See ``docs/backends.md``.
"""

from __future__ import annotations

from xner.translate.base import Translator
from xner.translate.cache import CachedTranslator, TranslationCache
from xner.translate.registry import TRANSLATORS, load_translator

__all__ = ["TRANSLATORS", "CachedTranslator", "TranslationCache", "Translator", "load_translator"]
