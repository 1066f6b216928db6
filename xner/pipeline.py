"""The two pipelines, built from the protocols: translate-train and translate-test.

* **translate-train**: labelled source corpus -> translation -> alignment -> projection -> labelled target corpus.
* **translate-test**: unlabelled target text -> translation into a pivot language (English) -> pivot NER ->
  alignment -> labels projected back onto the original target words (how the seed paper evaluates).

Both align the whole corpus in one call (a corpus-level aligner such as eflomal learns from all of it) and
return a :class:`~xner.project.status.ProjectionResult` whose sentences carry their projection status. The
service steps (``services/*/jobs.py``) call the same building blocks, so the suite and the CLI agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol, runtime_checkable

from xner.align.base import Aligner
from xner.corpus import Sentence
from xner.errors import MismatchError
from xner.languages import PIVOT
from xner.project import CandidateOptions, ProjectionResult, project_corpus
from xner.project.links import align_links
from xner.project.protocols import SpanTagger
from xner.text import Tokenizer, default_tokenizer, detokenize
from xner.translate.base import Translator


@runtime_checkable
class WordSplitter(Protocol):
    """A tagger that can split raw text into words the way its model was trained (spaCy's tokenizer)."""

    def split_words(self, text: str) -> list[str]: ...


def translate_sentences(
    translator: Translator,
    sentences: Sequence[Sequence[str]],
    src_lang: str,
    tgt_lang: str,
    *,
    tokenizer: Tokenizer = default_tokenizer,
) -> tuple[list[str], list[list[str]]]:
    """Translate tokenised sentences (each joined by :func:`detokenize` first); return the translations and their words
    split by ``tokenizer`` (xner's tokeniser by default).

    Empty sentences are not sent to the translator and stay empty.
    """
    texts = [detokenize(tokens) for tokens in sentences]
    todo = [k for k, text in enumerate(texts) if text.strip()]
    translated = translator.translate([texts[k] for k in todo], src_lang, tgt_lang) if todo else []
    if len(translated) != len(todo):
        raise MismatchError(f"the translator returned {len(translated)} translations for {len(todo)} sentences")
    out = [""] * len(texts)
    for k, text in zip(todo, translated, strict=True):
        out[k] = text
    return out, [tokenizer(text) for text in out]


def translate_train(
    sources: Sequence[Sentence],
    *,
    src_lang: str,
    tgt_lang: str,
    translator: Translator,
    aligner: Aligner,
    method: str = "candidates",
    options: CandidateOptions | None = None,
    tagger: SpanTagger | None = None,
) -> ProjectionResult:
    """Translate labelled ``sources`` into ``tgt_lang`` and project their spans onto the translations."""
    texts, tokens = translate_sentences(translator, [s.tokens for s in sources], src_lang, tgt_lang)
    targets = [
        Sentence(tokens=t, text=text, id=s.id, lang=tgt_lang) for s, t, text in zip(sources, tokens, texts, strict=True)
    ]
    links = align_links(aligner, [s.tokens for s in sources], tokens)
    return project_corpus(sources, targets, links, method=method, options=options, tagger=tagger)


def pivot_tokenizer_for(tagger: object) -> Tokenizer:
    """How translate-test splits the pivot text: the tagger's own tokenizer when it has one
    (:class:`WordSplitter`, e.g. spaCy: ``Mr.`` one word, ``Parliament's`` two), else xner's tokeniser."""
    if isinstance(tagger, WordSplitter):
        return tagger.split_words
    return default_tokenizer


def translate_test(
    targets: Sequence[Sentence],
    *,
    lang: str,
    translator: Translator,
    tagger: SpanTagger,
    aligner: Aligner,
    via: str = PIVOT,
    method: str = "heuristic",
    options: CandidateOptions | None = None,
    pivot_tokenizer: Tokenizer | None = None,
) -> ProjectionResult:
    """Tag ``targets`` (in ``lang``) through ``via``: translate, tag the translation, align, project back.

    1. each target sentence is joined by :func:`detokenize` and translated into ``via``;
    2. the translation is split into words by ``pivot_tokenizer`` (default :func:`pivot_tokenizer_for` the
       tagger) and tagged; an English spaCy tagger rewrites its spans into CoNLL conventions
       (:mod:`xner.ner.conventions`);
    3. the whole corpus of (pivot, target) pairs is aligned in one call;
    4. the pivot spans are projected onto the original target words with ``method`` (``heuristic`` by default:
       on Europarl-NER it matches ``candidates`` and is faster; see ``docs/pipelines.md``).

    Every target sentence comes back, in order, with its original tokens and the projected spans.
    """
    split = pivot_tokenizer or pivot_tokenizer_for(tagger)
    _, pivot_tokens = translate_sentences(translator, [t.tokens for t in targets], lang, via, tokenizer=split)
    pivot_spans = tagger.tag(pivot_tokens)
    pivots = [
        Sentence(tokens=tokens, spans=list(spans)) for tokens, spans in zip(pivot_tokens, pivot_spans, strict=True)
    ]
    links = align_links(aligner, pivot_tokens, [t.tokens for t in targets])
    plain = [replace(t, spans=[], tags=None) for t in targets]
    return project_corpus(pivots, plain, links, method=method, options=options)
