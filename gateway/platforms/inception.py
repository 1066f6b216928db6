"""The INCEpTION side of the external-recommender contract: UIMA CAS XMI in JSON, read and written with
dkpro-cassis.

Offsets: UIMA counts UTF-16 code units (Java strings); cassis converts them to code points on reading and back on
writing, so the returned XMI is in INCEpTION's unit. Sentences are the CAS's ``Sentence`` annotations (else the
document's lines) and words its ``Token`` annotations (else xner's tokenizer), so suggestions fit INCEpTION's token
anchoring. Suggestions are annotations of the requested layer with ``inception_internal_predicted = true``, the
label in the requested feature and, where the type system has them, ``<feature>_score`` and
``<feature>_score_explanation``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem

from gateway.platforms.labels import LabelMapper
from gateway.platforms.segment import Entity, Piece, pieces_of, segment
from xner.corpus import Sentence, Span
from xner.errors import FormatError
from xner.service.errors import PayloadTooLarge
from xner.text import tokenize

SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
TOKEN = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
PREDICTED = "inception_internal_predicted"
"""The feature INCEpTION marks suggestions with."""

ANNOTATION = "uima.tcas.Annotation"
STRING = "uima.cas.String"
"""The types a suggestion layer and its label feature must be (or derive from)."""

UNSPECIFIED_LANGUAGE = "x-unspecified"
"""UIMA's document language when none is set."""


def load_typesystem_xml(xml: str, field: str) -> TypeSystem:
    try:
        return load_typesystem(xml)
    except Exception as exc:  # cassis raises several XML and type errors
        raise FormatError(f"not a UIMA type system: {exc}", source="request", field=field) from None


def load_cas(xmi: str, typesystem: TypeSystem, field: str) -> Cas:
    try:
        return load_cas_from_xmi(xmi, typesystem=typesystem, lenient=True)
    except Exception as exc:
        raise FormatError(f"not a UIMA CAS in XMI: {exc}", source="request", field=field) from None


def check_layer(typesystem: TypeSystem, layer: str, feature: str) -> None:
    """422 naming the metadata field when the layer is not an annotation type of the type system, or ``feature`` is
    not one of its string features (the label is written there: ``begin``, ``end``, ``sofa`` or a score is not a
    place for it)."""
    if not typesystem.contains_type(layer):
        raise FormatError(f"type {layer!r} is not in the type system", source="request", field="metadata.layer")
    layer_type = typesystem.get_type(layer)
    if not typesystem.get_type(ANNOTATION).subsumes(layer_type):
        raise FormatError(f"{layer} is not an annotation type", source="request", field="metadata.layer")
    found = layer_type.get_feature(feature)
    if found is None:
        raise FormatError(f"{layer} has no feature {feature!r}", source="request", field="metadata.feature")
    if not typesystem.get_type(STRING).subsumes(found.rangeType):
        raise FormatError(
            f"{layer}:{feature} holds {found.rangeType.name}, not a label (uima.cas.String)",
            source="request",
            field="metadata.feature",
        )


def document_language(cas: Cas) -> str | None:
    language = cas.document_language
    return None if not language or language == UNSPECIFIED_LANGUAGE else str(language)


def check_size(cas: Cas, max_sentences: int) -> None:
    """413 naming ``platform_max_sentences`` when the CAS has more ``Sentence`` annotations than that, before any
    splitting or token matching (a CAS without sentences is checked once split, by the prediction)."""
    count = len(_select(cas, SENTENCE))
    if count > max_sentences:
        raise PayloadTooLarge(
            f"the document has {count} sentences; the limit (platform_max_sentences) is {max_sentences}: "
            "send shorter documents"
        )


def pieces(cas: Cas, document: int, max_tokens: int) -> list[Piece]:
    """The sentences of a CAS with their tokens' code-point offsets (the CAS's own sentences and tokens where it
    has them; a CAS with neither is split like any platform text). A sentence's tokens are found by bisection
    over the tokens sorted by offset."""
    text = cas.sofa_string or ""
    sentences = _select(cas, SENTENCE)
    tokens = sorted((t.begin, t.end) for t in _select(cas, TOKEN) if t.end > t.begin)
    if not sentences and not tokens:
        return [Piece(document, piece.sentence) for piece in segment([text], max_tokens)]
    token_starts = [start for start, _ in tokens]
    found: list[Piece] = []
    for begin, end in [(s.begin, s.end) for s in sentences] or [(0, len(text))]:
        if tokens:
            within = tokens[bisect_left(token_starts, begin) : bisect_right(token_starts, end)]
            offsets = [(start, stop) for start, stop in within if stop <= end]
        else:
            offsets = [(begin + start, begin + stop) for start, stop in tokenize(text[begin:end])]
        found.extend(pieces_of(document, text, offsets, max_tokens))
    return found


def _select(cas: Cas, type_name: str) -> list[Any]:
    return list(cas.select(type_name)) if cas.typesystem.contains_type(type_name) else []


def add_predictions(cas: Cas, layer: str, feature: str, found: list[Entity], mapper: LabelMapper) -> int:
    """Add one suggestion per entity; return how many were added."""
    annotation_type = cas.typesystem.get_type(layer)
    optional = (PREDICTED, f"{feature}_score", f"{feature}_score_explanation")
    present = {name for name in optional if annotation_type.get_feature(name) is not None}
    added = 0
    for entity in found:
        label = mapper(entity.label)
        if label is None:
            continue
        values: dict[str, Any] = {feature: label}
        if PREDICTED in present:
            values[PREDICTED] = True
        if f"{feature}_score" in present and entity.score is not None:
            values[f"{feature}_score"] = float(entity.score)
        if f"{feature}_score_explanation" in present:
            values[f"{feature}_score_explanation"] = "xner"
        cas.add(annotation_type(begin=entity.start, end=entity.end, **values))
        added += 1
    return added


def gold_sentences(cas: Cas, layer: str, feature: str, max_tokens: int) -> list[Sentence]:
    """The CAS's annotated sentences: those with at least one human annotation of the layer (not a suggestion),
    as token spans; an annotation that does not cover whole tokens of one sentence is left out. A sentence without
    annotations is not training data (it would teach the model that its entities are none)."""
    gold = sorted(
        (
            a
            for a in cas.select(layer)
            if not getattr(a, PREDICTED, False) and isinstance(getattr(a, feature, None), str) and getattr(a, feature)
        ),
        key=lambda a: (a.begin, a.end),
    )
    gold_starts = [a.begin for a in gold]
    sentences = []
    for piece in pieces(cas, 0, max_tokens):
        offsets = piece.sentence.offsets
        assert offsets is not None
        if not offsets:
            continue
        starts = {start: k for k, (start, _) in enumerate(offsets)}
        ends = {end: k for k, (_, end) in enumerate(offsets)}
        candidates = gold[bisect_left(gold_starts, offsets[0][0]) : bisect_right(gold_starts, offsets[-1][0])]
        spans = [
            Span(starts[a.begin], ends[a.end] + 1, str(getattr(a, feature)))
            for a in candidates
            if a.begin in starts and a.end in ends and ends[a.end] >= starts[a.begin]
        ]
        if spans:
            sentences.append(Sentence(tokens=piece.sentence.tokens, spans=_non_overlapping(spans)))
    return sentences


def _non_overlapping(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept
