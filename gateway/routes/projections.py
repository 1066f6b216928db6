"""``/v1/projections`` and ``/v1/jobs``: corpus jobs — submit, follow, fetch the result, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from gateway import corpus_jobs
from gateway.projections import parse_request, submit_projection
from gateway.results import MEDIA_TYPES, render
from gateway.schemas import FORMAT_NAMES, JobAccepted, JobLinks, JobStatus, ProjectionRequest, ResultFormat
from xner.errors import InputError
from xner.languages import normalise_language
from xner.service.auth import OwnerDep
from xner.service.broker import Broker
from xner.service.deps import BrokerDep, SettingsDep
from xner.service.errors import Conflict, NotFound

router = APIRouter(prefix="/v1", tags=["projections"])

_MULTIPART = {
    "requestBody": {
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ProjectionRequest"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["source_lang", "target_lang", "corpus"],
                    "properties": {
                        "source_lang": {"type": "string", "example": "eng_Latn"},
                        "target_lang": {"type": "string", "example": "spa_Latn,ita_Latn"},
                        "corpus": {"type": "string", "format": "binary"},
                        "corpus_format": {"type": "string", "enum": list(FORMAT_NAMES)},
                        "target": {"type": "string", "format": "binary"},
                        "target_format": {"type": "string", "enum": list(FORMAT_NAMES)},
                        "options": {
                            "type": "string",
                            "description": "The projection configuration (the options field) as JSON",
                        },
                    },
                }
            },
        },
        "required": True,
    }
}


@router.post(
    "/projections",
    status_code=202,
    response_model=JobAccepted,
    summary="Project a labelled corpus into one or more target languages (asynchronous).",
    openapi_extra=_MULTIPART,
    responses={
        200: {"model": JobAccepted, "description": "The same request was submitted before: its job"},
        413: {"description": "Over a size limit"},
        415: {"description": "A content type other than JSON or multipart/form-data"},
        422: {"description": "Malformed corpus, unknown language or option (the message names line and field)"},
        429: {"description": "Too many jobs for this key, or queues too long (see Retry-After)"},
    },
)
async def create_projection(
    request: Request, response: Response, settings: SettingsDep, broker: BrokerDep, owner: OwnerDep
) -> JobAccepted:
    body: ProjectionRequest = await parse_request(request)
    # parsing, validation and enqueueing block: keep them off the event loop (health checks stay responsive)
    job_id, created = await run_in_threadpool(submit_projection, body, settings=settings, broker=broker, owner=owner)
    if not created:
        response.status_code = 200
    record = await run_in_threadpool(corpus_jobs.load, broker, job_id)
    status = (await run_in_threadpool(corpus_jobs.status, broker, record))["status"]
    links = JobLinks(self=f"/v1/jobs/{job_id}", result=f"/v1/jobs/{job_id}/result")
    response.headers["Location"] = links.self
    return JobAccepted(job_id=job_id, status=status, links=links)


@router.get("/jobs/{job_id}", response_model=JobStatus, summary="Status, progress, queue position, failures.")
def get_job(job_id: str, broker: BrokerDep, owner: OwnerDep, settings: SettingsDep) -> JobStatus:
    record = owned(broker, job_id, owner)
    state = corpus_jobs.status(broker, record)
    if state["status"] in ("queued", "running"):  # keep the record while its jobs wait in a long backlog
        broker.save_record(corpus_jobs.RECORD_KEY.format(job_id), record, settings.result_ttl)
    return JobStatus.model_validate(state)


@router.get(
    "/jobs/{job_id}/result",
    summary="The projected corpus, streamed: one record per input sentence, with its projection status.",
    responses={
        200: {"content": {media: {} for media in MEDIA_TYPES.values()}},
        409: {"description": "The job has not finished yet"},
    },
)
def get_result(
    job_id: str,
    broker: BrokerDep,
    owner: OwnerDep,
    format: Annotated[ResultFormat, Query()] = "jsonl",
    lang: Annotated[str | None, Query(description="Target language (needed when the job has several)")] = None,
    metadata: Annotated[
        bool,
        Query(description="CoNLL only: precede each sentence with `# id` and `# projection.*` comment lines"),
    ] = False,
) -> StreamingResponse:
    record = owned(broker, job_id, owner)
    lang = finished_language(broker, record, lang)
    chunks: Iterator[str] = render(corpus_jobs.output_records(broker, record, lang), format, metadata=metadata)
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{job_id}.{lang}.{format}"'},
    )


@router.delete("/jobs/{job_id}", response_model=JobStatus, summary="Cancel queued steps and stop running ones.")
def delete_job(job_id: str, broker: BrokerDep, owner: OwnerDep, settings: SettingsDep) -> JobStatus:
    record = owned(broker, job_id, owner)
    corpus_jobs.cancel(broker, record, settings.result_ttl)
    return JobStatus.model_validate(corpus_jobs.status(broker, record))


def owned(broker: Broker, job_id: str, owner: str) -> dict[str, Any]:
    """The record of a corpus job the caller's key submitted (404 for anyone else's)."""
    record = corpus_jobs.load(broker, job_id)
    if record.get("owner") not in (owner, None):
        raise NotFound(f"no job {job_id!r} (unknown, or its results expired)")
    return record


def finished_language(broker: Broker, record: dict[str, Any], lang: str | None) -> str:
    """The target language whose output is asked for (409 while the job runs; ``lang`` may be left out when the
    job has one language)."""
    job_id = record["id"]
    state = corpus_jobs.status(broker, record)
    if state["status"] in ("queued", "running"):
        raise Conflict(f"job {job_id} is {state['status']} ({state['progress']['done']}/{state['progress']['total']})")
    languages = list(record["languages"])
    if lang is None:
        if len(languages) > 1:
            raise InputError(f"lang: the job has several target languages; choose one of {', '.join(languages)}")
        lang = languages[0]
    lang = normalise_language(lang)
    if lang not in record["languages"]:
        raise NotFound(f"lang: the job has no target language {lang!r}; it has {', '.join(languages)}")
    return lang
