"""doccano auto-labelling: ``POST /doccano/predict`` answers in doccano's own sequence-labelling format,
``[{"label", "start_offset", "end_offset"}]``, with offsets in UTF-16 code units by default (doccano annotates in
the browser). See docs/platforms.md for the request and mapping templates to paste into doccano."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from gateway.platforms.auth import PlatformOwnerDep
from gateway.platforms.labels import LabelMapper
from gateway.platforms.predict import offset_table, predict_texts, resolve_lang
from xner.project.config import ProjectionConfig
from xner.service.deps import BrokerDep, SettingsDep

router = APIRouter(prefix="/doccano", tags=["doccano"])


class DoccanoRequest(BaseModel):
    """The body of doccano's custom REST request: ``{"text": "{{ text }}"}``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"text": "Angela Merkel visitó París."}]})
    text: str
    projection: ProjectionConfig | None = Field(
        None, description="Translate-test configuration (write it into doccano's request body template)"
    )


class DoccanoSpan(BaseModel):
    label: str
    start_offset: int
    end_offset: int
    score: float | None = Field(None, description="Model confidence (doccano ignores it)")


@router.post(
    "/predict",
    response_model_exclude_none=True,
    summary="Auto-label one text for doccano (offsets in UTF-16 code units by default).",
)
def predict(
    body: DoccanoRequest,
    settings: SettingsDep,
    broker: BrokerDep,
    owner: PlatformOwnerDep,
    lang: str | None = Query(None, description="Language of the text (default: XNER_PLATFORM_LANG)"),
    offset_unit: str = Query("utf16", description="utf16 (doccano, browsers) or codepoint"),
    labels: str | None = Query(None, description="Comma-separated project labels: map onto them, drop the rest"),
) -> list[DoccanoSpan]:
    positions = offset_table(body.text, offset_unit)
    code = resolve_lang(settings, lang)
    found = predict_texts(broker, settings, [body.text], code, owner=owner, projection=body.projection).entities[0]
    mapper = LabelMapper([name.strip() for name in labels.split(",") if name.strip()] if labels else None)
    spans = []
    for entity in found:
        label = mapper(entity.label)
        if label is not None:
            spans.append(
                DoccanoSpan(
                    label=label,
                    start_offset=positions[entity.start],
                    end_offset=positions[entity.end],
                    score=entity.score,
                )
            )
    mapper.log_dropped("doccano")
    return spans
