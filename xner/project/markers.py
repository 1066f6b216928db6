"""Marker mode (EasyProject, Chen et al. 2023): mark entities in the source, translate, read the markers back.

1. :func:`insert_markers`: the source words joined by spaces, each entity wrapped as ``[words]``;
2. the injected translator translates the marked sentences, and every entity alone;
3. :func:`parse_markers`: the translation is tokenised (markers removed) and each ``[...]`` becomes a span;
4. :func:`assign_labels`: marked spans get the labels of source entities.

Type assignment (**choices**, fixing the reference's quirks): when every entity has the same label the
spans take it in order; otherwise each span x entity pair is scored by the best of (a) exact lower-cased
match with the entity's translation or the source entity (1.0) and (b) ``difflib`` ratio with either, and a
one-to-one assignment of **maximum total similarity** is chosen (Hungarian method), not the last pair over
the threshold. A pair at or below the similarity threshold is accepted only if it is the single one left
(EasyProject's fill-by-elimination). A sentence is *unresolvable*, and reported with the reason, when the
markers are unbalanced or nested, a marker is empty, the counts differ, or more than one pair is below the
threshold. Unresolvable sentences stay in the output (the unmarked translation, no spans, status
``dropped``), never silently removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from scipy.optimize import linear_sum_assignment

from xner.corpus import Sentence, Span
from xner.errors import MismatchError
from xner.progress import in_chunks
from xner.project import defaults
from xner.project.protocols import TextTranslator
from xner.project.status import Lost, Projection, ProjectionResult, Reason

Tokenizer = Callable[[str], list[str]]

_WORD_RE = re.compile(r"\w+['’]|\w+(?:[-.]\w+)*|[^\w\s]")


def simple_tokenize(text: str) -> list[str]:
    """Words (an elided ``l'``/``dell'`` keeps its apostrophe), hyphenated words, and single symbols."""
    return _WORD_RE.findall(text)


class MarkerError(ValueError):
    """The markers of a translation cannot be read back; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Marked:
    """A sentence read back from a marked translation: its words and the unlabelled marked spans."""

    tokens: list[str]
    spans: list[tuple[int, int]]
    texts: list[str]
    """The text inside each marker pair, as translated."""


def insert_markers(
    tokens: Sequence[str],
    spans: Sequence[Span],
    *,
    open_marker: str = defaults.MARKER_OPEN,
    close_marker: str = defaults.MARKER_CLOSE,
) -> str:
    """The tokens joined by spaces with every span wrapped in markers: ``the [European Parliament] met``."""
    words = list(tokens)
    for span in spans:
        words[span.start] = open_marker + words[span.start]
        words[span.end - 1] = words[span.end - 1] + close_marker
    return " ".join(words)


def parse_markers(
    text: str,
    *,
    tokenize: Tokenizer = simple_tokenize,
    open_marker: str = defaults.MARKER_OPEN,
    close_marker: str = defaults.MARKER_CLOSE,
) -> Marked:
    """Tokenise a marked translation; each marker pair becomes a ``[start, end)`` token span.

    Raises :class:`MarkerError` for a closing marker without an opening one, a nested or unclosed marker,
    or a pair with no word inside.
    """
    pattern = f"({re.escape(open_marker)}|{re.escape(close_marker)})"
    tokens: list[str] = []
    spans: list[tuple[int, int]] = []
    texts: list[str] = []
    opened: int | None = None
    opened_at = 0
    for piece in re.split(pattern, text):
        if piece == open_marker:
            if opened is not None:
                raise MarkerError("nested markers")
            opened, opened_at = len(tokens), len(texts)
            texts.append("")
        elif piece == close_marker:
            if opened is None:
                raise MarkerError("a closing marker without an opening one")
            if len(tokens) == opened:
                raise MarkerError("an empty marker pair")
            spans.append((opened, len(tokens)))
            opened = None
        else:
            words = tokenize(piece)
            tokens.extend(words)
            if opened is not None:
                texts[opened_at] = piece.strip()
    if opened is not None:
        raise MarkerError("an unclosed marker")
    return Marked(tokens=tokens, spans=spans, texts=texts)


def similarity(a: str, b: str) -> float:
    """1.0 for equal lower-cased strings, else the ``difflib.SequenceMatcher`` ratio of the lower-cased strings."""
    a, b = a.lower().strip(), b.lower().strip()
    return 1.0 if a == b else SequenceMatcher(None, a, b).ratio()


def assign_labels(
    marked: Sequence[str],
    entity_texts: Sequence[str],
    translated_texts: Sequence[str],
    labels: Sequence[str],
    *,
    threshold: float = defaults.MARKER_SIMILARITY,
) -> list[int]:
    """For each marked text, the index of the source entity it stands for (see the module doc).

    Raises :class:`MarkerError` with the reason when the sentence is unresolvable.
    """
    if len(marked) != len(labels):
        raise MarkerError(f"{len(marked)} marked spans for {len(labels)} entities")
    if len(set(labels)) <= 1:
        return list(range(len(labels)))
    sim = np.array(
        [
            [max(similarity(m, t), similarity(m, e)) for e, t in zip(entity_texts, translated_texts, strict=True)]
            for m in marked
        ]
    )
    rows, cols = linear_sum_assignment(sim, maximize=True)
    weak = int(np.sum(sim[rows, cols] <= threshold))
    if weak > 1:
        raise MarkerError(f"{weak} marked spans match no entity (similarity <= {threshold})")
    order = [0] * len(marked)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        order[r] = c
    return order


def project_markers(
    sources: Sequence[Sentence],
    translator: TextTranslator,
    src_lang: str,
    tgt_lang: str,
    *,
    tokenize: Tokenizer = simple_tokenize,
    threshold: float = defaults.MARKER_SIMILARITY,
) -> ProjectionResult:
    """Translate labelled ``sources`` with markers and read labelled target sentences back.

    The translator is called twice: once with all marked sentences, once with every entity alone.
    """
    marked_texts = [insert_markers(s.tokens, s.spans) for s in sources]
    entity_texts = [[" ".join(s.tokens[e.start : e.end]) for e in s.spans] for s in sources]
    flat = [text for texts in entity_texts for text in texts]
    translations = in_chunks(lambda chunk: translator.translate(chunk, src_lang, tgt_lang), marked_texts, "translating")
    entity_translations = translator.translate(flat, src_lang, tgt_lang) if flat else []
    if len(translations) != len(sources) or len(entity_translations) != len(flat):
        raise MismatchError(
            f"the translator returned {len(translations)} + {len(entity_translations)} texts "
            f"for {len(sources)} sentences + {len(flat)} entities"
        )
    out: list[Sentence] = []
    projections: list[Projection] = []
    position = 0
    for source, translation, texts in zip(sources, translations, entity_texts, strict=True):
        translated = entity_translations[position : position + len(texts)]
        position += len(texts)
        labels = [e.label for e in source.spans]
        try:
            marked = parse_markers(translation, tokenize=tokenize)
            order = assign_labels(marked.texts, texts, translated, labels, threshold=threshold)
        except MarkerError as exc:
            clean = translation.replace(defaults.MARKER_OPEN, " ").replace(defaults.MARKER_CLOSE, " ")
            projection = Projection(
                spans=[],
                lost=[Lost(e, Reason.MARKERS) for e in source.spans],
                n_source=len(source.spans),
                sentence_reason=f"markers: {exc}",
            )
            tokens = tokenize(clean)
        else:
            spans = [Span(a, b, labels[k]) for (a, b), k in zip(marked.spans, order, strict=True)]
            projection = Projection(spans=spans, n_source=len(source.spans))
            tokens = marked.tokens
        projections.append(projection)
        meta = {**source.meta, "projection": projection.to_meta()}
        out.append(Sentence(tokens=tokens, spans=list(projection.spans), lang=tgt_lang, id=source.id, meta=meta))
    return ProjectionResult(sentences=out, projections=projections)
