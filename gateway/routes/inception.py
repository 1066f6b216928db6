"""INCEpTION external recommender: ``POST /inception/predict`` and ``/inception/train`` (also under
``/inception/{lang}/...``, since INCEpTION appends ``predict``/``train`` to the configured URL and keeps no query).
See docs/platforms.md."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from gateway.platforms import inception as cas_io
from gateway.platforms.auth import PlatformOwnerDep
from gateway.platforms.configuration import add_projection_route, project_projection
from gateway.platforms.labels import LabelMapper
from gateway.platforms.predict import predict_pieces, resolve_lang
from gateway.platforms.projects import load_project, parse_project_id, project_tagger, save_project, start_training
from gateway.platforms.status import ProjectPathDep, project_status
from xner.service.broker import Broker
from xner.service.deps import BrokerDep, SettingsDep
from xner.service.settings import Settings

TOOL = "inception"

router = APIRouter(prefix="/inception", tags=["inception"])
add_projection_route(router, TOOL)


class Metadata(BaseModel):
    model_config = ConfigDict(extra="allow")
    layer: str = Field(..., examples=["de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"])
    feature: str = Field(..., examples=["value"])
    projectId: Any = Field(
        ...,
        description="INCEpTION's project id, a long (digits in a string are read too; anything else: 422)",
        json_schema_extra={"anyOf": [{"type": "integer"}, {"type": "string"}]},
    )
    anchoringMode: str | None = None
    crossSentence: bool | None = None


class Document(BaseModel):
    model_config = ConfigDict(extra="allow")
    xmi: str = Field(..., description="The document as UIMA CAS XMI")
    documentId: int | str | None = None
    userId: str | None = None


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    metadata: Metadata
    document: Document
    typeSystem: str = Field(..., description="UIMA type system XML")


class TrainRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    metadata: Metadata
    documents: list[Document]
    typeSystem: str


class PredictResponse(BaseModel):
    document: str = Field(..., description="The CAS XMI with the suggestions added")


def _project(meta: Metadata) -> int:
    """``metadata.projectId`` as a project id; a 422 naming it when it is not an integer id."""
    return parse_project_id(meta.projectId, "metadata.projectId")


def _predict(body: PredictRequest, settings: Settings, broker: Broker, owner: str, lang: str | None) -> PredictResponse:
    meta = body.metadata
    project = _project(meta)
    typesystem = cas_io.load_typesystem_xml(body.typeSystem, "typeSystem")
    cas_io.check_layer(typesystem, meta.layer, meta.feature)
    cas = cas_io.load_cas(body.document.xmi, typesystem, "document.xmi")
    cas_io.check_size(cas, settings.platform_max_sentences)
    record = load_project(broker, owner, TOOL, project)
    code = resolve_lang(settings, lang, cas_io.document_language(cas), record.get("lang"))
    tuned = project_tagger(broker, owner, TOOL, project, record, code)
    pieces = cas_io.pieces(cas, 0, settings.max_tokens_per_sentence)
    tuned_spec = tuned.spec if tuned else None
    projection = project_projection(record)
    found = predict_pieces(
        broker, settings, pieces, 1, code, owner=owner, tagger=tuned_spec, projection=projection
    ).entities[0]
    mapper = LabelMapper(record.get("labels"))
    cas_io.add_predictions(cas, meta.layer, meta.feature, found, mapper)
    mapper.log_dropped(f"inception project {project}")
    return PredictResponse(document=str(cas.to_xmi()))


def _train(body: TrainRequest, settings: Settings, broker: Broker, owner: str, lang: str | None) -> Response:
    meta = body.metadata
    project = _project(meta)
    typesystem = cas_io.load_typesystem_xml(body.typeSystem, "typeSystem")
    cas_io.check_layer(typesystem, meta.layer, meta.feature)
    sentences = []
    languages = []
    for index, document in enumerate(body.documents):
        cas = cas_io.load_cas(document.xmi, typesystem, f"documents[{index}].xmi")
        languages.append(cas_io.document_language(cas))
        sentences += cas_io.gold_sentences(cas, meta.layer, meta.feature, settings.max_tokens_per_sentence)
    record = load_project(broker, owner, TOOL, project)
    code = resolve_lang(settings, lang, *languages, record.get("lang"))
    start_training(broker, settings, owner, TOOL, project, sentences, code)
    labels = sorted({span.label for sentence in sentences for span in sentence.spans})
    save_project(broker, owner, TOOL, project, {**load_project(broker, owner, TOOL, project), "labels": labels})
    return Response(status_code=204)


_PREDICT: dict[str, Any] = {
    "response_model": PredictResponse,
    "summary": "Suggest named entities in a CAS (offsets in UTF-16 code units, as UIMA counts).",
}
_TRAIN: dict[str, Any] = {
    "status_code": 204,
    "summary": "Fine-tune a model on the documents' annotations (a job); 429 while one runs for the project.",
    "responses": {429: {"description": "The project is already training"}},
}


@router.post("/predict", **_PREDICT)
@router.post("/{lang}/predict", **_PREDICT)
def predict(
    body: PredictRequest, settings: SettingsDep, broker: BrokerDep, owner: PlatformOwnerDep, lang: str | None = None
) -> PredictResponse:
    return _predict(body, settings, broker, owner, lang)


@router.post("/train", **_TRAIN)
@router.post("/{lang}/train", **_TRAIN)
def train(
    body: TrainRequest, settings: SettingsDep, broker: BrokerDep, owner: PlatformOwnerDep, lang: str | None = None
) -> Response:
    return _train(body, settings, broker, owner, lang)


@router.get("/projects/{project}", summary="A project's language, labels and fine-tuning job.")
def project(project: ProjectPathDep, broker: BrokerDep, owner: PlatformOwnerDep) -> dict[str, Any]:
    return project_status(broker, owner, TOOL, project)
