"""``GET /v1/languages`` and ``GET /v1/models``: what this deployment can do."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from gateway.schemas import LanguageInfo, ModelsInfo
from xner.languages import FLORES200_CODES, language_name
from xner.service.auth import get_owner
from xner.service.deps import SettingsDep

router = APIRouter(prefix="/v1", tags=["info"], dependencies=[Depends(get_owner)])
"""Like every ``/v1`` route, these need an API key when keys are configured (the model list is private)."""


@router.get("/languages", response_model=list[LanguageInfo], summary="Languages (FLORES-200) and native taggers.")
def languages(settings: SettingsDep) -> list[LanguageInfo]:
    natives = {"eng_Latn": settings.tagger, **settings.native_taggers}
    return [
        LanguageInfo(code=code, name=language_name(code), native_tagger=natives.get(code)) for code in FLORES200_CODES
    ]


@router.get("/models", response_model=ModelsInfo, summary="The default backends of this deployment.")
def models(settings: SettingsDep) -> ModelsInfo:
    return ModelsInfo(
        translator=settings.translator,
        aligner=settings.aligner,
        tagger=settings.tagger,
        native_taggers=settings.native_taggers,
    )
