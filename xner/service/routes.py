"""What every service API shares: ``POST /v1/<service>`` runs the service's step (answering synchronously when
small) and ``GET /v1/<service>/jobs/{id}`` shows the state and result of one of its jobs.

A service declares its own ``POST`` route, with its own request model, and hands the step payload to
:class:`StepRunner` (an ``Annotated`` dependency, :data:`StepRunnerDep`)::

    ROUTER = service_router("align")

    @ROUTER.post("/align", **step_route("Word-align sentence pairs."))
    def align(body: AlignRequest, runner: StepRunnerDep) -> StepJob:
        return runner.run("align", *to_payload(body, runner.settings))

A request with at most ``sync_max_sentences`` sentences is enqueued and waited for up to ``sync_timeout``
seconds: 200 with the result when it finishes in time; otherwise (or for larger requests) 202 with the job id.
A step that rejects its input answers 422 with the step's reason. Every job is admitted first
(:func:`xner.service.limits.admit`): it counts against the key's quota while it is queued or running, and the
service's queue limit applies (429 with Retry-After).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from xner.service.auth import OwnerDep
from xner.service.broker import Broker, Status
from xner.service.deps import BrokerDep, SettingsDep
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


@dataclass(slots=True)
class StepRunner:
    """Runs one request's step for the caller: admit, enqueue, wait when small, answer."""

    settings: Settings
    broker: Broker
    owner: str
    response: Response

    def run(self, service: str, payload: dict[str, Any], size: int) -> StepJob:
        """Enqueue ``payload`` on ``service``'s queue (its step), ``size`` sentences; the job's view, finished when
        it was small enough to wait for (200) and else queued or running (202)."""
        settings, broker, owner = self.settings, self.broker, self.owner
        check_sentence_count(size, settings.max_sentences_per_job, "max_sentences_per_job", "the request")
        job_id = uuid.uuid4().hex
        admitted = admit(broker, settings, owner, f"{JOB_WORK}{job_id}", {service: 1})
        try:
            broker.enqueue(service, payload, job_id=job_id, meta={"owner": owner})
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
        self.response.status_code = 202
        return _job_view(broker, service, job_id, owner)


def step_runner(settings: SettingsDep, broker: BrokerDep, owner: OwnerDep, response: Response) -> StepRunner:
    return StepRunner(settings, broker, owner, response)


StepRunnerDep = Annotated[StepRunner, Depends(step_runner)]


def step_route(summary: str) -> dict[str, Any]:
    """The decorator arguments of a service's ``POST`` route: its answer model, summary and the 202 answer."""
    return {
        "response_model": StepJob,
        "summary": summary,
        "responses": {202: {"model": StepJob, "description": "Accepted: poll links.self"}},
    }


def service_router(service: str) -> APIRouter:
    """The router of one service (prefix ``/v1``) with its job route; the service adds its ``POST`` route."""
    router = APIRouter(prefix="/v1", tags=[service])

    @router.get(f"/{service}/jobs/{{job_id}}", response_model=StepJob, summary=f"State and result of a {service} job.")
    def get_job(job_id: str, broker: BrokerDep, owner: OwnerDep) -> StepJob:
        return _job_view(broker, service, job_id, owner)

    return router
