"""The two pipelines, built from the protocols: translate-train and translate-test.

* **translate-train**: labelled source corpus -> translation -> alignment -> projection -> labelled target corpus.
* **translate-test**: unlabelled target text -> translation into a pivot language (English) -> pivot NER ->
  alignment -> labels projected back onto the original target words (how the seed paper evaluates).

Both align the whole corpus in one call (a corpus-level aligner such as eflomal learns from all of it) and
return a :class:`~xner.project.status.ProjectionResult` whose sentences carry their projection status. Every
choice comes from one :class:`~xner.project.config.ProjectionConfig`, carried with the loader of its backends in a
:class:`Run`: the CLI, the experiment harness and the service steps (``services/*/jobs.py``) read the same
configuration, so the suite and the CLI agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

from xner.align.base import Aligner
from xner.corpus import Sentence
from xner.errors import InputError, MismatchError
from xner.languages import PIVOT
from xner.progress import in_chunks, report
from xner.project import ProjectionResult, TranslationContext, project_corpus
from xner.project.backtranslation import project_backtranslated
from xner.project.config import Pipeline, ProjectionConfig
from xner.project.links import Links, align_links
from xner.project.markers import project_markers
from xner.project.multisource import project_multisource
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
    translated = in_chunks(
        lambda chunk: translator.translate(chunk, src_lang, tgt_lang), [texts[k] for k in todo], "translating"
    )
    if len(translated) != len(todo):
        raise MismatchError(f"the translator returned {len(translated)} translations for {len(todo)} sentences")
    out = [""] * len(texts)
    for k, text in zip(todo, translated, strict=True):
        out[k] = text
    return out, [tokenizer(text) for text in out]


BackendLoader = Callable[..., Any]
"""``load(kind, spec=None, **options)``: builds the backend of ``kind`` (translator, aligner, tagger) that ``spec``
names (``None``: the default): :func:`xner.backends.load` in the CLI, the worker's cache in the services
(:func:`xner.service.backends.load`), the harness's cache in experiments."""


def given(**loaded: object) -> BackendLoader:
    """A loader answering with backends already built (``translator=``, ``aligner=``, ``tagger=``, ``scorer=``),
    whatever the spec: for callers (and tests) that hold the objects."""

    def load(kind: str, spec: str | None = None, /, **options: Any) -> Any:  # noqa: ARG001  (any spec)
        if kind not in loaded:
            raise InputError(f"no {kind} given")
        return loaded[kind]

    return load


@dataclass(frozen=True, slots=True)
class Run:
    """A projection configuration and the loader of the backends it names; every surface projects through one."""

    config: ProjectionConfig
    load: BackendLoader

    def translator(self) -> Translator:
        backend: Translator = self.load("translator", self.config.translator)
        return backend

    def aligner(self) -> Aligner:
        backend: Aligner = self.load("aligner", self.config.aligner, **self.config.aligner_options())
        return backend

    def candidate_tagger(self, method: str) -> SpanTagger | None:
        """The tagger proposing NER candidates, when ``method`` is candidates and the configuration asks for them."""
        if method != "candidates" or not self.config.needs_tagger:
            return None
        tagger: SpanTagger = self.load("tagger", self.config.candidate_tagger)
        return tagger

    def translation(self, src_lang: str, tgt_lang: str) -> TranslationContext | None:
        """The translation scorer of the ``translation`` weight (NMTScore), when a scorer is configured."""
        if self.config.scorer is None:
            return None
        scorer = self.load("translator", self.config.scorer)
        return TranslationContext(scorer=scorer, src_lang=src_lang, tgt_lang=tgt_lang)


def project_onto(
    run: Run,
    sources: Sequence[Sentence],
    targets: Sequence[Sentence],
    *,
    src_lang: str,
    tgt_lang: str,
    pipeline: Pipeline = "parallel",
    links: Sequence[Links] | None = None,
) -> ProjectionResult:
    """Project the spans of labelled ``sources`` (in ``src_lang``) onto the given ``targets`` (in ``tgt_lang``) as
    ``run.config`` says: aligned cross-lingually (or with the given ``links``), or, with ``backtranslation``,
    through the sources translated into ``tgt_lang`` with markers and aligned same-language."""
    config = run.config.check_for(pipeline)
    method = config.method_for(pipeline)
    options = config.candidate_options()
    tagger = run.candidate_tagger(method)
    if config.backtranslation:
        if links is not None:
            raise InputError("backtranslation aligns the back-translations itself: give no alignments")
        return project_backtranslated(
            sources,
            targets,
            run.translator(),
            run.aligner(),
            labelled_lang=src_lang,
            target_lang=tgt_lang,
            method=method,
            options=options,
            tagger=tagger,
        )
    if links is None:
        links = align_links(run.aligner(), [s.tokens for s in sources], [t.tokens for t in targets])
    translation = run.translation(src_lang, tgt_lang) if method == "candidates" else None
    report("projecting", 0, len(sources))
    result = project_corpus(
        sources, targets, links, method=method, options=options, tagger=tagger, translation=translation
    )
    report("projecting", len(sources), len(sources))
    return result


def project_parallel(
    run: Run,
    sources: Sequence[Sequence[Sentence]],
    targets: Sequence[Sentence],
    *,
    src_lang: str,
    tgt_lang: str,
    links: Sequence[Sequence[Links]] | None = None,
) -> ProjectionResult:
    """Parallel mode: one source corpus projected onto ``targets`` (:func:`project_onto`), or several, merged by
    vote (:func:`~xner.project.multisource.project_multisource`)."""
    if len(sources) == 1:
        return project_onto(
            run, sources[0], targets, src_lang=src_lang, tgt_lang=tgt_lang, links=None if links is None else links[0]
        )
    config = run.config.check_for("parallel")
    if config.backtranslation:
        raise InputError("backtranslation: projects from one source; give one source corpus")
    if links is None:
        aligner = run.aligner()
        links = [align_links(aligner, [s.tokens for s in corpus], [t.tokens for t in targets]) for corpus in sources]
    method = config.method_for("parallel")
    return project_multisource(
        sources,
        targets,
        links,
        method=method,
        options=config.candidate_options(),
        tagger=run.candidate_tagger(method),
        translation=run.translation(src_lang, tgt_lang) if method == "candidates" else None,
    )


def translate_train(sources: Sequence[Sentence], *, src_lang: str, tgt_lang: str, run: Run) -> ProjectionResult:
    """Translate labelled ``sources`` into ``tgt_lang`` and project their spans onto the translations (or, with
    method ``markers``, read the spans from a translation with markers: EasyProject)."""
    method = run.config.check_for("translate-train").method_for("translate-train")
    translator = run.translator()
    if method == "markers":
        return project_markers(sources, translator, src_lang, tgt_lang)
    texts, tokens = translate_sentences(translator, [s.tokens for s in sources], src_lang, tgt_lang)
    targets = [
        Sentence(tokens=t, text=text, id=s.id, lang=tgt_lang) for s, t, text in zip(sources, tokens, texts, strict=True)
    ]
    return project_onto(run, sources, targets, src_lang=src_lang, tgt_lang=tgt_lang, pipeline="translate-train")


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
    tagger: SpanTagger,
    run: Run,
    pivot_tokenizer: Tokenizer | None = None,
) -> ProjectionResult:
    """Tag ``targets`` (in ``lang``) through the pivot ``run.config.via`` (English by default): translate, tag the
    translation, project back.

    1. each target sentence is joined by :func:`detokenize` and translated into the pivot;
    2. the translation is split into words by ``pivot_tokenizer`` (default :func:`pivot_tokenizer_for` the
       tagger) and tagged; an English spaCy tagger rewrites its spans into CoNLL conventions
       (:mod:`xner.ner.conventions`);
    3. the pivot spans are projected onto the original target words (:func:`project_onto`: the whole corpus
       aligned in one call, or back-translated with markers and aligned same-language), with the configuration's
       method (``heuristic`` by default: on Europarl-NER it matches ``candidates`` and is faster; see
       ``docs/pipelines.md``).

    Every target sentence comes back, in order, with its original tokens and the projected spans.
    """
    via = run.config.check_for("translate-test").via or PIVOT
    split = pivot_tokenizer or pivot_tokenizer_for(tagger)
    _, pivot_tokens = translate_sentences(run.translator(), [t.tokens for t in targets], lang, via, tokenizer=split)
    pivot_spans = in_chunks(tagger.tag, pivot_tokens, "tagging")
    pivots = [
        Sentence(tokens=tokens, spans=list(spans)) for tokens, spans in zip(pivot_tokens, pivot_spans, strict=True)
    ]
    plain = [replace(t, spans=[], tags=None) for t in targets]
    return project_onto(run, pivots, plain, src_lang=via, tgt_lang=lang, pipeline="translate-test")
