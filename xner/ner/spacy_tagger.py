"""``spacy``: any installed spaCy pipeline with an ``ner`` component, run on pre-tokenised words.

Spec: ``spacy:PIPELINE`` (a package name such as ``fr_core_news_sm`` or a pipeline directory). Words are given
to spaCy as a ready ``Doc`` (its tokenizer is not used), so spans index the caller's words. Labels go through
:data:`~xner.ner.labels.ONTONOTES_TO_CONLL` by default: PERSON->PER, ORG->ORG, GPE/LOC/FAC->LOC,
NORP/EVENT/WORK_OF_ART/LAW/LANGUAGE/PRODUCT->MISC, the numeric and temporal types are dropped; CoNLL labels pass.
spaCy's NER gives no probabilities, so span scores are ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import spacy
from spacy.tokens import Doc

from xner.corpus import Span
from xner.errors import BackendUnavailable, InputError
from xner.ner import defaults
from xner.ner.labels import ONTONOTES_TO_CONLL, LabelMap


class SpacyTagger:
    """Tag with a spaCy pipeline (see the module docstring)."""

    name = "spacy"

    def __init__(
        self,
        model: str | None = None,
        *,
        label_map: LabelMap | str | Mapping[str, str | None] | None = None,
        keep: Iterable[str] | str | None = None,
        drop: Iterable[str] | str | None = None,
        batch_size: int = defaults.SPACY_BATCH_SIZE,
    ) -> None:
        if not model:
            raise InputError("the spacy tagger needs a pipeline: spacy:NAME, e.g. spacy:en_core_web_sm")
        try:
            self.nlp = spacy.load(model, exclude=list(defaults.SPACY_EXCLUDE))
        except OSError as exc:
            raise BackendUnavailable(
                f"spaCy pipeline {model!r} is not installed; install it as a package (pip install {model}, or "
                f"python -m spacy download {model} where the internet is reachable) or give its directory"
            ) from exc
        if "ner" not in self.nlp.pipe_names:
            raise BackendUnavailable(
                f"spaCy pipeline {model!r} has no ner component ({', '.join(self.nlp.pipe_names)})"
            )
        if isinstance(label_map, LabelMap):
            self.label_map = label_map
        else:
            self.label_map = LabelMap.build(label_map, keep=keep, drop=drop, base=ONTONOTES_TO_CONLL, only_mapped=True)
        self.batch_size = batch_size
        version = self.nlp.meta.get("version", "")
        self.fingerprint = f"spacy:{model}@{version}:{self.label_map}"

    @property
    def labels(self) -> list[str]:
        """The entity types this tagger can output (after the label map)."""
        ner: Any = self.nlp.get_pipe("ner")
        raw: Iterable[str] = ner.labels
        return sorted({mapped for label in raw if (mapped := self.label_map(label)) is not None})

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        docs = [Doc(self.nlp.vocab, words=list(words)) for words in sentences]
        results: list[list[Span]] = []
        for doc in self.nlp.pipe(docs, batch_size=self.batch_size):
            spans = [Span(ent.start, ent.end, ent.label_) for ent in doc.ents]
            results.append(self.label_map.apply(spans))
        return results
