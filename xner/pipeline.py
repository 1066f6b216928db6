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
from typing import Any

from xner.corpus import Sentence
from xner.errors import MismatchError
from xner.project import CandidateOptions, ProjectionResult, project_corpus
from xner.project.links import Link
from xner.project.protocols import SpanTagger
from xner.text import tokenize

PIVOT = "eng_Latn"
"""The pivot language of translate-test."""

_NO_SPACE_BEFORE = frozenset(".,;:!?)]}%»”’…")
_NO_SPACE_AFTER = frozenset("([{¿¡«“")


def detokenize(tokens: Sequence[str]) -> str:
    """Join tokens into text for a translator: no space before closing punctuation or after opening brackets."""
    out: list[str] = []
    for token in tokens:
        if out and not (token[:1] in _NO_SPACE_BEFORE and len(token) == 1) and out[-1][-1:] not in _NO_SPACE_AFTER:
            out.append(" ")
        out.append(token)
    return "".join(out)


def translate_sentences(
    translator: Any, sentences: Sequence[Sequence[str]], src_lang: str, tgt_lang: str
) -> tuple[list[str], list[list[str]]]:
    """Translate tokenised sentences; return the translations and their tokens (xner's tokeniser).

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
    return out, [[text[s:e] for s, e in tokenize(text)] for text in out]


def align_links(aligner: Any, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[list[Link]]:
    """Align sentence pairs; return ``(i, j)`` links per pair."""
    alignments = aligner.align([list(s) for s in src], [list(t) for t in tgt])
    if len(alignments) != len(src):
        raise MismatchError(f"the aligner returned {len(alignments)} alignments for {len(src)} sentence pairs")
    return [[(int(i), int(j)) for i, j in alignment] for alignment in alignments]


def translate_train(
    sources: Sequence[Sentence],
    *,
    src_lang: str,
    tgt_lang: str,
    translator: Any,
    aligner: Any,
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


def translate_test(
    targets: Sequence[Sentence],
    *,
    lang: str,
    translator: Any,
    tagger: SpanTagger,
    aligner: Any,
    via: str = PIVOT,
    method: str = "heuristic",
    options: CandidateOptions | None = None,
) -> ProjectionResult:
    """Tag ``targets`` (in ``lang``) through ``via``: translate, tag the translation, align, project back."""
    _, pivot_tokens = translate_sentences(translator, [t.tokens for t in targets], lang, via)
    pivot_spans = tagger.tag(pivot_tokens)
    pivots = [
        Sentence(tokens=tokens, spans=list(spans)) for tokens, spans in zip(pivot_tokens, pivot_spans, strict=True)
    ]
    links = align_links(aligner, pivot_tokens, [t.tokens for t in targets])
    plain = [replace(t, spans=[], tags=None) for t in targets]
    return project_corpus(pivots, plain, links, method=method, options=options)
