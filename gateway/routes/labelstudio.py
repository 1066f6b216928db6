"""The Label Studio ML backend contract: ``/predict``, ``/setup``, ``/health``, ``/webhook``, ``/metrics``.

Mounted by the gateway under ``/labelstudio`` and served at the root by the standalone server
(``xner serve --service labelstudio``, port 9090). See docs/platforms.md.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field

from gateway.platforms.auth import PlatformOwnerDep
from gateway.platforms.configuration import RECORD_FIELD, add_projection_route, checked, project_projection
from gateway.platforms.labels import LabelMapper
from gateway.platforms.labelstudio import (
    MODEL_CLASS,
    LabelConfig,
    annotated_sentences,
    labelstudio_project,
    parse_label_config,
    prediction,
    task_texts,
)
from gateway.platforms.labelstudio_api import fetch_tasks
from gateway.platforms.predict import predict_texts, resolve_lang
from gateway.platforms.projects import (
    TunedModel,
    load_project,
    parse_project_id,
    project_tagger,
    save_project,
    start_training,
)
from gateway.platforms.status import ProjectPathDep, project_status
from gateway.tagging import native_tagger
from xner import __version__
from xner.errors import FormatError
from xner.project.config import parse_projection
from xner.service.auth import metrics_access
from xner.service.deps import BrokerDep, SettingsDep
from xner.service.settings import Settings

TOOL = "labelstudio"

LangQuery = Query(None, description="Language of the texts (FLORES-200 or ISO 639); default: the project's")

PROJECT_DOC = '"<id>.<created timestamp>" or the integer id (anything else: 422)'
"""How ``project`` of ``/predict`` and ``/setup`` is described (it is parsed by :func:`labelstudio_project`)."""

PROJECT_SCHEMA: dict[str, Any] = {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]}
"""Its JSON schema. The field itself takes any JSON value, so that the parser, not pydantic, answers a wrong one."""


class PredictRequest(BaseModel):
    """What Label Studio posts to ``/predict``."""

    model_config = ConfigDict(extra="allow")
    tasks: list[dict[str, Any]] = Field(..., description="Label Studio tasks ({id, data: {...}})")
    label_config: str | None = Field(None, description="The project's label config XML (else the one from /setup)")
    project: Any = Field(None, description=PROJECT_DOC, json_schema_extra=PROJECT_SCHEMA)
    params: dict[str, Any] | None = None


class SetupRequest(BaseModel):
    """What Label Studio posts to ``/setup`` when the backend is connected or the project changes."""

    model_config = ConfigDict(extra="allow")
    project: Any = Field(None, description=f"{PROJECT_DOC} (required: 422 without)", json_schema_extra=PROJECT_SCHEMA)
    schema_: str | None = Field(None, alias="schema", description="The project's label config XML")
    extra_params: dict[str, Any] | str | None = Field(
        None, description='{"lang": "swh_Latn", "label_map": {"PER": "Person"}} (a dict or a JSON string)'
    )


def model_version(settings: Settings, lang: str, tuned: TunedModel | None) -> str:
    """What predictions for the project in ``lang`` are made with (changes when the model changes)."""
    if tuned is not None:
        return f"xner-{__version__}-{lang}-finetuned-{tuned.job[:12]}"
    native = native_tagger(settings, lang)
    model = native or f"translate-test:{settings.translator}+{settings.tagger}+{settings.aligner}"
    return f"xner-{__version__}-{lang}-{model}"


def _extra_params(value: dict[str, Any] | str | None, settings: Settings) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise FormatError(f"not valid JSON: {exc}", source="request", field="extra_params") from None
    if not isinstance(value, dict):
        raise FormatError("must be a JSON object", source="request", field="extra_params")
    unknown = sorted(set(value) - {"lang", "label_map", "projection"})
    if unknown:
        raise FormatError(
            f"unknown keys {unknown}; valid: lang, label_map, projection", source="request", field="extra_params"
        )
    label_map = value.get("label_map") or {}
    if not (isinstance(label_map, dict) and all(isinstance(v, str) for v in label_map.values())):
        raise FormatError("must map model labels to project labels", source="request", field="extra_params.label_map")
    if value.get("lang") is not None and not isinstance(value["lang"], str):
        raise FormatError("must be a language code", source="request", field="extra_params.lang")
    projection = value.get("projection")
    where = "extra_params.projection"
    stored = checked(parse_projection(projection, where=where), settings, where=where) if projection else None
    return {"lang": value.get("lang"), "label_map": label_map, "projection": stored}


def labelstudio_router(prefix: str = "/labelstudio", *, metrics: bool = True) -> APIRouter:
    """The routes under ``prefix`` (``""`` for the standalone server, whose app already serves ``/metrics``)."""
    router = APIRouter(prefix=prefix, tags=["label studio"])
    add_projection_route(router, TOOL)

    @router.post("/predict", summary="Pre-annotate Label Studio tasks (results in UTF-16 offsets).")
    def predict(
        body: PredictRequest,
        settings: SettingsDep,
        broker: BrokerDep,
        owner: PlatformOwnerDep,
        lang: str | None = LangQuery,
    ) -> dict[str, Any]:
        project = labelstudio_project(body.project)
        record = load_project(broker, owner, TOOL, project) if project is not None else {}
        config = _config(body.label_config or record.get("schema"))
        texts = task_texts(body.tasks, config)
        code = resolve_lang(settings, lang, record.get("lang"))
        tuned = project_tagger(broker, owner, TOOL, project, record, code)
        found = predict_texts(
            broker,
            settings,
            texts,
            code,
            owner=owner,
            tagger=tuned.spec if tuned else None,
            projection=project_projection(record),
        )
        mapper = LabelMapper(config.labels, record.get("label_map"))
        version = model_version(settings, code, tuned)
        results = [prediction(t, e, config, mapper, version) for t, e in zip(texts, found.entities, strict=True)]
        mapper.log_dropped(f"labelstudio project {project}")
        return {"results": results}

    @router.post(
        "/setup", summary="Register a project: its label config and extra_params (lang, label_map, projection)."
    )
    def setup(body: SetupRequest, settings: SettingsDep, broker: BrokerDep, owner: PlatformOwnerDep) -> dict[str, str]:
        project = labelstudio_project(body.project)
        if project is None:
            raise FormatError("names no Label Studio project", source="request", field="project")
        params = _extra_params(body.extra_params, settings)
        if body.schema_:
            parse_label_config(body.schema_, field="schema")
        record = load_project(broker, owner, TOOL, project)
        lang = resolve_lang(settings, params.get("lang"), record.get("lang"))
        record.update({"lang": lang, "label_map": params.get("label_map", {})})
        if params.get("projection") is not None:
            record[RECORD_FIELD] = params["projection"]
        if body.schema_:
            record["schema"] = body.schema_
        save_project(broker, owner, TOOL, project, record)
        return {
            "model_version": model_version(settings, lang, project_tagger(broker, owner, TOOL, project, record, lang))
        }

    @router.get("/health", summary="Liveness for Label Studio (never touches a model).")
    def health() -> dict[str, str]:
        return {"status": "UP", "model_class": MODEL_CLASS}

    @router.get("/", include_in_schema=False)
    def root() -> dict[str, str]:
        return health()

    @router.post(
        "/webhook",
        summary="Label Studio events; START_TRAINING fine-tunes a model on the project's annotations.",
        status_code=201,
    )
    def webhook(
        body: dict[str, Any],
        settings: SettingsDep,
        broker: BrokerDep,
        owner: PlatformOwnerDep,
        lang: str | None = LangQuery,
    ) -> Any:
        action = body.get("action")
        if not isinstance(action, str):
            raise FormatError("missing the event name", source="request", field="action")
        if action in ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED", "ANNOTATION_DELETED"):
            return {"status": "ok", "result": None}  # training starts only on START_TRAINING
        if action != "START_TRAINING":
            return JSONResponse({"status": "Unknown event"}, status_code=200)
        project_info = body.get("project")
        if not isinstance(project_info, dict) or project_info.get("id") is None:
            raise FormatError("START_TRAINING needs project.id", source="request", field="project.id")
        project = parse_project_id(project_info["id"], "project.id")  # before any record, directory or URL
        record = load_project(broker, owner, TOOL, project)
        config = _config(project_info.get("label_config") or record.get("schema"), field="project.label_config")
        tasks = body.get("tasks")
        if tasks is None:
            tasks = fetch_tasks(settings, project)
        if not isinstance(tasks, list):
            raise FormatError("must be a list of Label Studio tasks", source="request", field="tasks")
        sentences = annotated_sentences(tasks, config, source="webhook")
        code = resolve_lang(settings, lang, record.get("lang"))
        job = start_training(broker, settings, owner, TOOL, project, sentences, code)
        return {"status": "ok", "result": {"job_id": job, "project": project, "sentences": len(sentences)}}

    @router.get("/projects/{project}", summary="A project's language, label map and fine-tuning job.")
    def project(project: ProjectPathDep, broker: BrokerDep, owner: PlatformOwnerDep) -> dict[str, Any]:
        return project_status(broker, owner, TOOL, project)

    if metrics:

        @router.get("/metrics", summary="Prometheus metrics of this process.", dependencies=[Depends(metrics_access)])
        def metrics_endpoint(request: Request) -> Response:
            return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router


def _config(xml: object, field: str = "label_config") -> LabelConfig:
    """The label config of a request (or of the project's ``/setup``); a 422 naming ``field`` when there is none or
    it is not a string of XML (the webhook's ``project.label_config`` comes from an untyped body)."""
    if not xml:
        raise FormatError("no label config: send label_config, or call /setup with the schema first", field=field)
    if not isinstance(xml, str):
        raise FormatError("must be the label config XML (a string)", source="request", field=field)
    return parse_label_config(xml, field=field)
