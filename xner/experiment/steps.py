"""The cached steps of a run: translate, align, tag, project. Each is keyed by its inputs, spec and settings.

The keys use the backend *spec* (not a loaded backend's fingerprint), so a cache hit never loads a model; after
replacing a model at the same path, run with ``--no-resume``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from xner.corpus import Sentence, Span
from xner.experiment.backends import Backends
from xner.experiment.cache import StepCache
from xner.experiment.config import MethodConfig
from xner.hashing import content_hash
from xner.languages import normalise_language
from xner.pipeline import translate_sentences
from xner.project import CandidateOptions, project_corpus
from xner.project.links import Link, align_links

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


def filter_labels(spans: SpanLists, labels: Sequence[str] | None) -> SpanLists:
    """Keep only spans of ``labels`` (all when ``None``)."""
    if labels is None:
        return spans
    wanted = set(labels)
    return [[s for s in sentence if s.label in wanted] for sentence in spans]


def candidate_options(method: MethodConfig) -> CandidateOptions:
    """The projection options a method configuration stands for."""
    if method.preset == "paper":
        return CandidateOptions.paper(candidates=method.candidates)
    return CandidateOptions(candidates=method.candidates, matching=method.matching)


@dataclass
class Steps:
    """The steps over one cache and one set of backends."""

    cache: StepCache
    backends: Backends

    def translate(self, spec: str, sentences: Tokens, src: str, tgt: str) -> Tokens:
        """Translate tokenised sentences; return the translations' tokens."""

        def compute() -> Tokens:
            translator = self.backends.translator(spec)
            _, tokens = translate_sentences(translator, sentences, normalise_language(src), normalise_language(tgt))
            return tokens

        key = {"spec": spec, "src": src, "tgt": tgt, "inputs": tokens_hash(sentences)}
        return self.cache.get_or_compute("translate", key, compute, encode=lambda t: t, decode=lambda d: d)

    def align(self, spec: str, src: Tokens, tgt: Tokens) -> list[list[Link]]:
        """Align sentence pairs; return ``(i, j)`` links per pair."""

        def compute() -> list[list[Link]]:
            return align_links(self.backends.aligner(spec), src, tgt)

        key = {"spec": spec, "src": tokens_hash(src), "tgt": tokens_hash(tgt)}
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

    def project(
        self,
        method: MethodConfig,
        sources: Sequence[Sentence],
        targets: Sequence[Sentence],
        links: list[list[Link]],
        *,
        tagger: str | None = None,
    ) -> SpanLists:
        """Project the sources' spans onto the targets; ``tagger`` gives NER candidates on the targets."""
        needs_tagger = method.name == "candidates" and method.candidates != "ngram"

        def compute() -> SpanLists:
            span_tagger = _StepTagger(self, tagger) if needs_tagger and tagger is not None else None
            plain = [replace(t, spans=[], tags=None) for t in targets]
            result = project_corpus(
                list(sources), plain, links, method=method.name, options=candidate_options(method), tagger=span_tagger
            )
            return [list(s.spans) for s in result.sentences]

        key = {
            "method": method.model_dump(),
            "sources": tokens_hash([s.tokens for s in sources]),
            "spans": spans_hash([s.spans for s in sources]),
            "targets": tokens_hash([t.tokens for t in targets]),
            "links": content_hash(links),
            "tagger": tagger if needs_tagger else None,
        }
        return self.cache.get_or_compute("project", key, compute, encode=encode_spans, decode=decode_spans)


class _StepTagger:
    """A span tagger whose calls go through the cached tag step."""

    def __init__(self, steps: Steps, spec: str) -> None:
        self._steps = steps
        self._spec = spec

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        return self._steps.tag(self._spec, [list(s) for s in sentences])
