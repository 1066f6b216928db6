"""Marker translation (EasyProject mode): translate sentences with ``[ ]`` around each entity and read the
entities back from the translation.

:func:`translate_marked` marks every labelled span of a source sentence (``I met [ John ] in [ Paris ] .``),
translates all sentences in one call, and parses the markers out of each translation. A sentence whose markers
did not survive (unbalanced, nested or empty markers, or a different number of marked spans than entities) is
*reported*: its :class:`MarkedTranslation` has ``sentence=None`` and a ``problem`` saying why; nothing is guessed.

Entity types are assigned as EasyProject does (``ner/decode_marker_conll.py``): in order when there is one entity
or all share a type; otherwise each marked span, left to right, takes the remaining entity whose translation
(each entity translated alone, in one batched call) or source text equals it case-insensitively, else the one
with the highest difflib ratio above :data:`~xner.translate.defaults.MARKER_SIMILARITY` (the best one, not the
last one over the threshold as in the reference code); one span left over is filled by elimination, more make
the sentence reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

from xner.corpus import Sentence, Span
from xner.languages import normalise_language
from xner.translate import defaults
from xner.translate.base import Translator


class MarkerError(ValueError):
    """The markers of a translation are ill-formed."""


@dataclass(slots=True)
class MarkedTranslation:
    """The outcome for one source sentence: the target sentence with its spans, or the problem."""

    source: Sentence
    marked: str
    raw: str
    sentence: Sentence | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.sentence is not None


def mark(sentence: Sentence, open_marker: str = defaults.MARKER_OPEN, close_marker: str = defaults.MARKER_CLOSE) -> str:
    """The sentence's tokens joined by spaces, with ``[`` and ``]`` as tokens around each span."""
    ordered = sorted(sentence.spans, key=lambda s: (s.start, s.end))
    for left, right in pairwise(ordered):
        if right.start < left.end:
            raise MarkerError(f"spans [{left.start}, {left.end}) and [{right.start}, {right.end}) overlap")
    starts = {s.start for s in ordered}
    ends = [s.end for s in ordered]
    words: list[str] = []
    for index, token in enumerate(sentence.tokens):
        words.extend([close_marker] * ends.count(index))
        if index in starts:
            words.append(open_marker)
        words.append(token)
    words.extend([close_marker] * ends.count(len(sentence.tokens)))
    return " ".join(words)


def unmark(
    text: str, open_marker: str = defaults.MARKER_OPEN, close_marker: str = defaults.MARKER_CLOSE
) -> tuple[str, list[tuple[int, int]]]:
    """Remove the markers from ``text``; return the text (whitespace normalised) and the code-point
    ``[start, end)`` of each marked span, left to right. Raise :class:`MarkerError` if they are ill-formed."""
    plain: list[str] = []
    raw_spans: list[tuple[int, int]] = []
    opened: int | None = None
    for char in text:
        if char == open_marker:
            if opened is not None:
                raise MarkerError("nested markers")
            opened = len(plain)
        elif char == close_marker:
            if opened is None:
                raise MarkerError(f"{close_marker!r} without {open_marker!r}")
            raw_spans.append((opened, len(plain)))
            opened = None
        else:
            plain.append(char)
    if opened is not None:
        raise MarkerError(f"{open_marker!r} never closed")
    clean: list[str] = []
    position = [0] * (len(plain) + 1)
    for index, char in enumerate(plain):
        position[index] = len(clean)
        if char.isspace():
            if clean and clean[-1] != " ":
                clean.append(" ")
        else:
            clean.append(char)
    position[len(plain)] = len(clean)
    while clean and clean[-1] == " ":
        clean.pop()
    result = "".join(clean)
    spans: list[tuple[int, int]] = []
    for start, end in raw_spans:
        a, b = min(position[start], len(result)), min(position[end], len(result))
        while a < b and result[a] == " ":
            a += 1
        while b > a and result[b - 1] == " ":
            b -= 1
        if a == b:
            raise MarkerError("an empty marked span")
        spans.append((a, b))
    return result, spans


def tokenise_with_spans(text: str, char_spans: Sequence[tuple[int, int]]) -> tuple[list[str], list[tuple[int, int]]]:
    """Whitespace tokens of ``text``, also cut at every span boundary; return the tokens' offsets too."""
    cuts = {a for a, _ in char_spans} | {b for _, b in char_spans}
    tokens: list[str] = []
    offsets: list[tuple[int, int]] = []
    start: int | None = None
    for index in range(len(text) + 1):
        boundary = index == len(text) or text[index].isspace() or index in cuts
        if start is not None and boundary:
            tokens.append(text[start:index])
            offsets.append((start, index))
            start = None
        if index < len(text) and not text[index].isspace() and start is None:
            start = index
    return tokens, offsets


def translate_marked(
    translator: Translator,
    sentences: Sequence[Sentence],
    src_lang: str,
    tgt_lang: str,
    *,
    similarity: float = defaults.MARKER_SIMILARITY,
) -> list[MarkedTranslation]:
    """Translate ``sentences`` with their entities marked; see the module docstring."""
    src, tgt = normalise_language(src_lang), normalise_language(tgt_lang)
    results: list[MarkedTranslation] = []
    marked: list[str] = []
    for sentence in sentences:
        try:
            marked.append(mark(sentence))
        except MarkerError as exc:
            marked.append(" ".join(sentence.tokens))
            results.append(MarkedTranslation(sentence, "", "", problem=f"source: {exc}"))
            continue
        results.append(MarkedTranslation(sentence, marked[-1], ""))
    raw = translator.translate(marked, src, tgt)
    parsed: list[tuple[str, list[tuple[int, int]]] | None] = []
    for result, text in zip(results, raw, strict=True):
        parsed.append(None)
        if result.problem is not None:
            continue
        result.raw = text
        try:
            clean, spans = unmark(text)
        except MarkerError as exc:
            result.problem = f"markers lost in translation: {exc}"
            continue
        if len(spans) != len(result.source.spans):
            result.problem = f"{len(spans)} marked spans in the translation for {len(result.source.spans)} entities"
            continue
        parsed[-1] = (clean, spans)
    entity_translations = _translate_entities(translator, results, parsed, src, tgt)
    for result, item, translated in zip(results, parsed, entity_translations, strict=True):
        if item is None:
            continue
        clean, spans = item
        labels = _assign_labels(result.source, clean, spans, translated, similarity)
        if labels is None:
            result.problem = "could not tell which marked span is which entity"
            continue
        tokens, offsets = tokenise_with_spans(clean, spans)
        starts = {a: i for i, (a, _) in enumerate(offsets)}
        ends = {b: i + 1 for i, (_, b) in enumerate(offsets)}
        target_spans = [Span(starts[a], ends[b], label) for (a, b), label in zip(spans, labels, strict=True)]
        result.sentence = Sentence(tokens=tokens, spans=target_spans, text=clean, offsets=offsets, lang=tgt)
    return results


def _translate_entities(
    translator: Translator,
    results: Sequence[MarkedTranslation],
    parsed: Sequence[tuple[str, list[tuple[int, int]]] | None],
    src: str,
    tgt: str,
) -> list[list[str]]:
    """Each entity of the sentences that need type matching, translated alone (one batched call)."""
    needed: list[tuple[int, int]] = []
    texts: list[str] = []
    for i, (result, item) in enumerate(zip(results, parsed, strict=True)):
        if item is not None and len({s.label for s in result.source.spans}) > 1:
            for j, span in enumerate(result.source.spans):
                needed.append((i, j))
                texts.append(" ".join(result.source.tokens[span.start : span.end]))
    out: list[list[str]] = [[""] * len(r.source.spans) for r in results]
    if texts:
        for (i, j), text in zip(needed, translator.translate(texts, src, tgt), strict=True):
            out[i][j] = text
    return out


def _assign_labels(
    source: Sentence,
    clean: str,
    spans: Sequence[tuple[int, int]],
    translated: Sequence[str],
    similarity: float,
) -> list[str] | None:
    entities = list(source.spans)
    if len({e.label for e in entities}) <= 1:
        return [e.label for e in sorted(entities, key=lambda e: e.start)]
    originals = [" ".join(source.tokens[e.start : e.end]).lower() for e in entities]
    candidates = [t.lower().strip() for t in translated]
    remaining = set(range(len(entities)))
    assigned: list[int | None] = []
    for a, b in spans:
        target = clean[a:b].lower()
        choice = next((k for k in sorted(remaining) if candidates[k] == target), None)
        if choice is None:
            choice = next((k for k in sorted(remaining) if originals[k] == target), None)
        if choice is None:
            best = 0.0
            for k in sorted(remaining):
                ratio = max(
                    SequenceMatcher(None, target, candidates[k]).ratio(),
                    SequenceMatcher(None, target, originals[k]).ratio(),
                )
                if ratio > similarity and ratio > best:
                    best, choice = ratio, k
        if choice is not None:
            remaining.discard(choice)
        assigned.append(choice)
    unresolved = [i for i, k in enumerate(assigned) if k is None]
    if len(unresolved) > 1:
        return None
    if unresolved:
        assigned[unresolved[0]] = remaining.pop()
    return [entities[k].label for k in assigned if k is not None]
