"""Document texts in, entities out: the platform endpoints' one way to tag, through :mod:`gateway.tagging`."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.platforms.segment import Entity, Piece, entities, segment
from gateway.tagging import tag_sentences
from xner.errors import LimitError, UnknownNameError
from xner.languages import normalise_language
from xner.offsets import OFFSET_UNITS, utf16_positions
from xner.project.config import ProjectionConfig
from xner.service.broker import Broker
from xner.service.errors import PayloadTooLarge
from xner.service.limits import check_document
from xner.service.settings import Settings


@dataclass(frozen=True, slots=True)
class Prediction:
    """Code-point entities per document and the model that found them."""

    entities: list[list[Entity]]
    model: str
    lang: str


def resolve_lang(settings: Settings, *candidates: str | None) -> str:
    """The first language given (request, then project), else ``platform_lang``, as a FLORES-200 code."""
    for code in candidates:
        if code:
            return normalise_language(code)
    return normalise_language(settings.platform_lang)


def predict_texts(
    broker: Broker,
    settings: Settings,
    texts: list[str],
    lang: str,
    *,
    owner: str,
    tagger: str | None = None,
    projection: ProjectionConfig | None = None,
) -> Prediction:
    """Tag whole documents, split into lines and sentences (:mod:`gateway.platforms.segment`)."""
    pieces = segment(texts, settings.max_tokens_per_sentence)
    return predict_pieces(broker, settings, pieces, len(texts), lang, owner=owner, tagger=tagger, projection=projection)


def predict_pieces(
    broker: Broker,
    settings: Settings,
    pieces: list[Piece],
    documents: int,
    lang: str,
    *,
    owner: str,
    tagger: str | None = None,
    projection: ProjectionConfig | None = None,
) -> Prediction:
    """Tag the sentences of ``documents`` documents within ``platform_timeout`` (504 past it); more than
    ``platform_max_sentences`` sentences is a 413. ``projection``: the project's translate-test configuration."""
    if len(pieces) > settings.platform_max_sentences:
        raise PayloadTooLarge(
            f"the request has {len(pieces)} sentences (lines); the limit (platform_max_sentences) is "
            f"{settings.platform_max_sentences}: send fewer or shorter documents per request"
        )
    check_pieces(pieces, settings)
    if not pieces:
        return Prediction([[] for _ in range(documents)], tagger or "none", lang)
    tagged = tag_sentences(
        broker,
        settings,
        [p.sentence for p in pieces],
        lang,
        owner=owner,
        timeout=settings.platform_timeout,
        timeout_setting="platform_timeout",
        tagger=tagger,
        projection=projection,
    )
    return Prediction(entities(pieces, tagged.spans, documents), tagged.model, lang)


def check_pieces(pieces: list[Piece], settings: Settings) -> None:
    """422 for a document holding a control character (naming its line and column) or a word longer than
    ``max_token_chars``: the platforms' documents are checked like every other input."""
    checked: set[int] = set()
    for piece in pieces:
        name = f"document {piece.document + 1}"
        if piece.document not in checked:
            checked.add(piece.document)
            check_document(piece.sentence.text or "", name)
        for token in piece.sentence.tokens:
            if len(token) > settings.max_token_chars:
                raise LimitError(
                    f"{name}: a word of {len(token)} characters; the limit (max_token_chars) is "
                    f"{settings.max_token_chars}"
                )


def offset_table(text: str, unit: str) -> list[int]:
    """Code-point offset -> offset in ``unit`` (``utf16`` or ``codepoint``) for every position of ``text``."""
    if unit not in OFFSET_UNITS:
        raise UnknownNameError("offset unit", unit, OFFSET_UNITS)
    return utf16_positions(text) if unit == "utf16" else list(range(len(text) + 1))
