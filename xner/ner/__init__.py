"""Named-entity recognition: the :class:`Tagger` protocol, its backends by spec, and fine-tuning.

>>> tagger = load_tagger("spacy:en_core_web_sm")          # doctest: +SKIP
>>> tagger.tag([["John", "lives", "in", "Madrid", "."]])  # doctest: +SKIP
[[Span(start=0, end=1, label='PER'), Span(start=3, end=4, label='LOC')]]

Backends (imported lazily): ``hf`` (transformers token classification), ``spacy``. Fine-tuning:
:func:`xner.ner.train.train_tagger`. See ``docs/backends.md``.
"""

from __future__ import annotations

from xner.ner.base import Tagger
from xner.ner.labels import ONTONOTES_TO_CONLL, LabelMap
from xner.ner.registry import TAGGERS, load_tagger

__all__ = ["ONTONOTES_TO_CONLL", "TAGGERS", "LabelMap", "Tagger", "load_tagger"]
