"""The cached steps of a run: translate, align, tag, split and project. Each is keyed by its inputs, spec and
settings.

The grid projects through :mod:`xner.pipeline` (the code the CLI and the services run) with a
:class:`~xner.pipeline.Run` whose loader (:meth:`Steps.loader`) answers with stand-ins for the backends: their calls
go through the cached steps, so the methods of one cell share its translations, alignments and taggings, and a
cached step never loads a model. The ``project`` step keeps the whole result of one pipeline call, keyed by the full
projection configuration and the inputs; a re-run answers a cell from it without translating or aligning.

The keys use the backend *spec* (not a loaded backend's fingerprint), so a cache hit never loads a model; after
replacing a model at the same path, run with ``--no-resume``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from xner.align.base import Alignment
from xner.backends import DEFAULT_SPECS
from xner.corpus import Sentence, Span
from xner.errors import InputError, MismatchError
from xner.experiment import defaults
from xner.experiment.backends import Backends
from xner.experiment.cache import StepCache
from xner.hashing import content_hash
from xner.pipeline import BackendLoader, pivot_tokenizer_for
from xner.project import ProjectionResult
from xner.project import defaults as project_defaults
from xner.project.config import ProjectionConfig
from xner.project.links import Link, align_links

FINE_TUNED = "FINE-TUNED"
"""The file a fine-tuned model's folder gets once training finished (a folder without it is trained again)."""

if TYPE_CHECKING:
    from xner.ner.train_config import TrainingConfig

Tokens = list[list[str]]
SpanLists = list[list[Span]]


def encode_spans(spans: SpanLists) -> list[list[list[Any]]]:
    return [[[s.start, s.end, s.label, s.score] for s in sentence] for sentence in spans]


def decode_spans(data: list[list[list[Any]]]) -> SpanLists:
    return [[Span(int(a), int(b), str(label), score) for a, b, label, score in sentence] for sentence in data]


def tokens_hash(sentences: Sequence[Sequence[str]]) -> str:
    return content_hash([list(s) for s in sentences])


def spans_hash(spans: Sequence[Sequence[Span]]) -> str:
    return content_hash([[[s.start, s.end, s.label] for s in sentence] for sentence in spans])


def corpus_key(sentences: Sequence[Sentence]) -> dict[str, str]:
    """The part of a ``project`` key that stands for a corpus: its words and its spans."""
    return {"tokens": tokens_hash([s.tokens for s in sentences]), "spans": spans_hash([s.spans for s in sentences])}


def filter_labels(spans: SpanLists, labels: Sequence[str] | None) -> SpanLists:
    """Keep only spans of ``labels`` (all when ``None``)."""
    if labels is None:
        return spans
    wanted = set(labels)
    return [[s for s in sentence if s.label in wanted] for sentence in spans]


@dataclass(frozen=True)
class Projected:
    """What a ``project`` step keeps of a pipeline's result: each target sentence's words (the machine
    translation's, in translate-train) and its projected spans."""

    tokens: Tokens
    spans: SpanLists

    @classmethod
    def of(cls, result: ProjectionResult) -> Projected:
        return cls([list(s.tokens) for s in result.sentences], [list(s.spans) for s in result.sentences])

    def encode(self) -> list[list[Any]]:
        return [[tokens, spans] for tokens, spans in zip(self.tokens, encode_spans(self.spans), strict=True)]

    @classmethod
    def decode(cls, data: list[list[Any]]) -> Projected:
        return cls([[str(t) for t in tokens] for tokens, _ in data], decode_spans([spans for _, spans in data]))


@dataclass
class Steps:
    """The steps over one cache and one set of backends."""

    cache: StepCache
    backends: Backends

    def translate(self, spec: str, texts: Sequence[str], src: str, tgt: str) -> list[str]:
        """Translate ``texts`` from ``src`` into ``tgt`` with the translator ``spec``."""

        def compute() -> list[str]:
            translated = self.backends.translator(spec).translate(list(texts), src, tgt)
            if len(translated) != len(texts):
                raise MismatchError(f"the translator returned {len(translated)} translations for {len(texts)} texts")
            return [str(text) for text in translated]

        key = {"spec": spec, "src": src, "tgt": tgt, "texts": content_hash(list(texts))}
        return self.cache.get_or_compute("translate", key, compute, encode=list, decode=list)

    def align(self, spec: str, src: Tokens, tgt: Tokens, options: Mapping[str, Any] | None = None) -> list[list[Link]]:
        """Align sentence pairs with the aligner ``spec`` and its ``options``; return ``(i, j)`` links per pair."""
        settings = dict(options or {})

        def compute() -> list[list[Link]]:
            return align_links(self.backends.aligner(spec, **settings), src, tgt)

        key: dict[str, Any] = {"spec": spec, "src": tokens_hash(src), "tgt": tokens_hash(tgt)}
        if settings:  # without options the key is the one earlier runs stored
            key["options"] = settings
        return self.cache.get_or_compute(
            "align",
            key,
            compute,
            encode=lambda links: [[list(link) for link in pair] for pair in links],
            decode=lambda data: [[(int(i), int(j)) for i, j in pair] for pair in data],
        )

    def tag(self, spec: str, sentences: Tokens) -> SpanLists:
        """Tag tokenised sentences with the tagger ``spec``."""

        def compute() -> SpanLists:
            return [list(spans) for spans in self.backends.tagger(spec).tag(sentences)]

        key = {"spec": spec, "inputs": tokens_hash(sentences)}
        return self.cache.get_or_compute("tag", key, compute, encode=encode_spans, decode=decode_spans)

    def span_tagger(self, spec: str, labels: Sequence[str] | None = None) -> StepTagger:
        """The tagger ``spec`` through the cached ``tag`` step, keeping only spans of ``labels``."""
        return StepTagger(self, spec, labels)

    def split(self, spec: str, texts: Sequence[str]) -> Tokens:
        """Split ``texts`` into words as the tagger ``spec`` does (its own tokenizer where it has one: the pivot
        words of translate-test, :func:`xner.pipeline.pivot_tokenizer_for`)."""

        def compute() -> Tokens:
            split = pivot_tokenizer_for(self.backends.tagger(spec))
            return [list(split(text)) for text in texts]

        key = {"spec": spec, "texts": content_hash(list(texts))}
        return self.cache.get_or_compute("split", key, compute, encode=list, decode=list)

    def project(
        self, pipeline: str, config: ProjectionConfig, compute: Callable[[], ProjectionResult], **inputs: Any
    ) -> Projected:
        """The result of one pipeline call (``compute``) under ``config``; ``inputs`` are the JSON-ready parts of
        the key that stand for its inputs (:func:`corpus_key`, languages, the tagger)."""
        key = {
            "pipeline": pipeline,
            # only what differs from the defaults: a field added to the configuration keeps every stored key
            "projection": config.model_dump(mode="json", exclude_defaults=True),
            "set": sorted(config.model_fields_set),  # a preset's matching depends on whether matching is set
            "defaults": project_defaults.DEFAULTS_REVISION,  # a changed default changes the results of {}
            **inputs,
        }
        return self.cache.get_or_compute(
            "project", key, lambda: Projected.of(compute()), encode=Projected.encode, decode=Projected.decode
        )

    def fine_tune(self, base: str, train: list[Sentence], dev: list[Sentence], config: TrainingConfig) -> str:
        """The spec (``hf:<folder>``) of a tagger fine-tuned from ``base`` on ``train`` with early stopping on ``dev``;
        the model is kept under the cache (``models/<key>``), keyed by the base, both corpora and the settings, so
        a re-run tags with it without training."""
        key = content_hash(["fine-tune", base, corpus_key(train), corpus_key(dev), asdict(config)])
        folder = self.cache.root / "models" / key[: defaults.HASH_CHARS]
        finished = folder / FINE_TUNED
        if self.cache.resume and finished.is_file():
            self.cache.hits += 1
            return f"hf:{folder}"
        self.cache.misses += 1
        self.backends.train(base, train, dev, folder, config)
        finished.write_text(base + "\n", encoding="utf-8")
        return f"hf:{folder}"

    def loader(self, words: PivotWords | None = None) -> BackendLoader:
        """A :data:`~xner.pipeline.BackendLoader` whose backends go through these steps; ``words`` learns each
        batch of translations (the pivot tokenizer of translate-test)."""

        def load(kind: str, spec: str | None = None, /, **options: Any) -> Any:
            if kind not in DEFAULT_SPECS:
                raise InputError(f"no backend of kind {kind!r} in an experiment")
            chosen = spec or DEFAULT_SPECS[kind]
            if kind == "translator":
                return StepTranslator(self, chosen, words)
            if kind == "aligner":
                return StepAligner(self, chosen, options)
            return StepTagger(self, chosen)

        return load


class StepTranslator:
    """A translator whose translations go through the cached ``translate`` step. Scoring (the ``translation``
    weight) goes to the loaded backend; the ``project`` step keeps its outcome."""

    def __init__(self, steps: Steps, spec: str, words: PivotWords | None = None) -> None:
        self._steps, self._spec, self._words = steps, spec, words
        self.fingerprint = f"experiment:{spec}"

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        translated = self._steps.translate(self._spec, sentences, src_lang, tgt_lang)
        if self._words is not None:
            self._words.expect(translated)
        return translated

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        return self._steps.backends.translator(self._spec).score(src, tgt, src_lang, tgt_lang)


class StepAligner:
    """An aligner whose alignments go through the cached ``align`` step."""

    def __init__(self, steps: Steps, spec: str, options: Mapping[str, Any]) -> None:
        self._steps, self._spec, self._options = steps, spec, dict(options)

    def align(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[Alignment]:
        links = self._steps.align(self._spec, [list(s) for s in src], [list(t) for t in tgt], self._options)
        return [Alignment.from_links(pair) for pair in links]


class StepTagger:
    """A span tagger whose calls go through the cached ``tag`` step; with ``labels``, only spans of those types."""

    def __init__(self, steps: Steps, spec: str, labels: Sequence[str] | None = None) -> None:
        self._steps, self._spec, self._labels = steps, spec, labels

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        return filter_labels(self._steps.tag(self._spec, [list(s) for s in sentences]), self._labels)


class PivotWords:
    """The pivot tokenizer of translate-test through the cache: the words of each translation as the tagger
    ``spec`` splits them (as ``xner tag`` does), one cached ``split`` step per batch of translations.

    :class:`StepTranslator` announces each batch it returns (:meth:`expect`); the first text asked of a batch splits
    all of it, so a cached batch never loads the tagger.
    """

    def __init__(self, steps: Steps, spec: str) -> None:
        self._steps, self._spec = steps, spec
        self._pending: list[str] = []
        self._known: dict[str, list[str]] = {}

    def expect(self, texts: Sequence[str]) -> None:
        """The translations about to be split."""
        self._pending = list(texts)

    def __call__(self, text: str) -> list[str]:
        if not text.strip():
            return []
        if text not in self._known:
            batch = self._pending if text in self._pending else [text]
            self._known.update(zip(batch, self._steps.split(self._spec, batch), strict=True))
            self._pending = []
        return list(self._known[text])
