"""The routes every service API shares: ``POST /v1/<service>`` (enqueue; answer synchronously when small) and
``GET /v1/<service>/jobs/{id}`` (state and result of one of its jobs).

A request with at most ``sync_max_sentences`` sentences is enqueued and waited for up to ``sync_timeout``
seconds: 200 with the result when it finishes in time; otherwise (or for larger requests) 202 with the job id.
A step that rejects its input answers 422 with the step's reason. Every job is admitted first
(:func:`xner.service.limits.admit`): it counts against the key's quota while it is queued or running, and the
service's queue limit applies (429 with Retry-After).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from xner.service.auth import OwnerDep
from xner.service.broker import Broker, Status
from xner.service.errors import NotFound, error_from_result
from xner.service.limits import JOB_WORK, admit, check_sentence_count
from xner.service.settings import Settings


class StepJob(BaseModel):
    """A service job: its state and, when finished, its result."""

    job_id: str
    status: Literal["queued", "running", "finished", "failed", "canceled"]
    error: str | None = None
    queue_position: int | None = None
    result: dict[str, Any] | None = Field(None, description="The step's output (when finished)")
    links: dict[str, str] = Field(default_factory=dict)


def _job_view(broker: Broker, service: str, job_id: str, owner: str) -> StepJob:
    info = broker.info(job_id)
    if info is None or info.queue != service or info.meta.get("owner") != owner:
        raise NotFound(f"no {service} job {job_id!r} (unknown, or its result expired)")
    result = broker.result(job_id) if info.status == Status.FINISHED else None
    return StepJob(
        job_id=job_id,
        status=info.status.value,
        error=info.error,
        queue_position=info.position,
        result=result if isinstance(result, dict) else None,
        links={"self": f"/v1/{service}/jobs/{job_id}"},
    )


def service_router(
    service: str,
    request_model: type[BaseModel],
    to_payload: Callable[[Any, Settings], tuple[dict[str, Any], int]],
    *,
    summary: str,
) -> APIRouter:
    """Routes of one service. ``to_payload(request, settings)`` returns the step payload and its size in
    sentences (which decides between answering synchronously and 202)."""
    router = APIRouter(prefix="/v1", tags=[service])

    def submit(body: Any, request: Request, response: Response, owner: OwnerDep) -> StepJob:
        settings: Settings = request.app.state.settings
        broker: Broker = request.app.state.broker
        payload, size = to_payload(body, settings)
        check_sentence_count(size, settings.max_sentences_per_job, "max_sentences_per_job", "the request")
        job_id = uuid.uuid4().hex
        admitted = admit(broker, settings, owner, f"{JOB_WORK}{job_id}", {service: 1})
        try:
            broker.enqueue(service, service, payload, job_id=job_id, meta={"owner": owner})
        except BaseException:
            broker.admission.release(owner, admitted.member or "")
            raise
        finally:
            broker.admission.settle(admitted)
        if size <= settings.sync_max_sentences:
            info = broker.wait(job_id, settings.sync_timeout)
            if info is not None and info.status == Status.FAILED:
                raise error_from_result(broker.result(job_id), info.error or f"{service} job {job_id} failed")
            if info is not None and info.status == Status.FINISHED:
                return _job_view(broker, service, job_id, owner)
        response.status_code = 202
        return _job_view(broker, service, job_id, owner)

    submit.__annotations__["body"] = request_model
    router.add_api_route(
        f"/{service}",
        submit,
        methods=["POST"],
        response_model=StepJob,
        summary=summary,
        responses={202: {"model": StepJob, "description": "Accepted: poll links.self"}},
    )

    @router.get(f"/{service}/jobs/{{job_id}}", response_model=StepJob, summary=f"State and result of a {service} job.")
    def get_job(job_id: str, request: Request, owner: OwnerDep) -> StepJob:
        return _job_view(request.app.state.broker, service, job_id, owner)

    return router
