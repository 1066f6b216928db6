"""The job broker: enqueue a step on a service's queue, chain steps, read their state and results.

Two implementations with one interface: :class:`~xner.service.broker_rq.RQBroker` (Redis + RQ, one queue per
service, workers anywhere) and :class:`~xner.service.broker_embedded.EmbeddedBroker` (no Redis: the same step
functions run on threads of this process). :func:`xner.service.brokers.make_broker` picks one from the settings.

A job runs a step (see :mod:`xner.service.steps`): by default the one named like its queue. A step takes a JSON
payload plus the results of the jobs it depends on; it returns a JSON-serialisable result. A step that finds bad
input returns ``{"error": {...}}`` (the job "fails" at once, without retries, keeping its reason); any other
exception is retried with backoff and, when the retries are spent, the job fails with the exception as its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from xner.service.admission import Admission
from xner.service.defaults import TRAIN_QUEUE
from xner.service.settings import Settings


class Status(StrEnum):
    """A job's state as the API reports it."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def done(self) -> bool:
        return self in (Status.FINISHED, Status.FAILED, Status.CANCELED)


@dataclass(slots=True)
class JobInfo:
    """What the broker knows about one job."""

    id: str
    queue: str
    status: Status
    error: str | None = None
    position: int | None = None
    depends_on: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


class Broker(Protocol):
    """Enqueue, observe and cancel jobs; keep small records (the gateway's corpus jobs)."""

    outage_errors: tuple[type[Exception], ...]
    """Exceptions that mean the broker's store is unreachable (the APIs answer 503 with Retry-After)."""

    full_errors: tuple[type[Exception], ...]
    """Exceptions, among :attr:`outage_errors`, that mean the store is reachable but refuses writes because its memory
    is full (503 ``queue_full`` with Retry-After)."""

    admission: Admission
    """The atomic admission step of this broker's store (per-key quota and queue limits)."""

    def enqueue(
        self,
        queue: str,
        payload: dict[str, Any],
        *,
        step: str | None = None,
        job_id: str | None = None,
        depends_on: Sequence[str] = (),
        allow_failure: bool = False,
        meta: dict[str, Any] | None = None,
    ) -> str:
        """Put a job on ``queue`` that runs ``step`` (default: the queue's own step, named like the queue); it runs
        once every job in ``depends_on`` has finished (or, with ``allow_failure``, is done whether it finished or
        failed: the step then sees a failed dependency's result as ``{"error": ...}`` with its reason). Returns the
        job id. Enqueueing a ``job_id`` that exists already does nothing (a retried submission does not reset jobs
        that run or ran)."""
        ...

    def info(self, job_id: str) -> JobInfo | None:
        """The job's state, or ``None`` if there is no such job (or it expired)."""
        ...

    def result(self, job_id: str) -> Any:
        """The finished job's result (``None`` if it has none)."""
        ...

    def payload(self, job_id: str) -> dict[str, Any] | None:
        """The payload the job was enqueued with, or ``None`` if there is no such job."""
        ...

    def wait(self, job_id: str, timeout: float) -> JobInfo | None:
        """Block until the job is done or ``timeout`` seconds pass; return its state."""
        ...

    def cancel(self, job_id: str) -> None:
        """Cancel a queued job, or stop a running one."""
        ...

    def queue_length(self, queue: str) -> int:
        """Jobs waiting on ``queue`` (the autoscaling and back-pressure signal)."""
        ...

    def job_counts(self, queue: str) -> dict[str, int]:
        """Jobs of ``queue`` by state (queued, deferred, started, finished, failed, canceled)."""
        ...

    def ping(self) -> bool:
        """Whether the broker is reachable."""
        ...

    def probe(self) -> Broker:
        """The broker for health probes and metrics: same store, but calls fail fast instead of retrying."""
        ...

    def workers(self, queue: str) -> int:
        """Workers listening on ``queue`` (their models are loaded: they register only after loading)."""
        ...

    def backend_states(self, queue: str) -> list[dict[str, Any]]:
        """How loading the backends of ``queue``'s live workers went: ``{kind, spec, state, reason}`` each, the
        worst state of each backend over the workers (see :func:`xner.service.backends.states`)."""
        ...

    def save_record(self, key: str, record: dict[str, Any], ttl: int) -> None:
        """Store a small JSON record for ``ttl`` seconds."""
        ...

    def load_record(self, key: str) -> dict[str, Any] | None:
        """The record stored under ``key``, or ``None``."""
        ...


KEEP_META = "xner_keep"
"""Job meta naming broker records to keep alive while the job runs: ``{"keys": [record keys], "ttl": seconds}``.
Whoever runs the job refreshes their TTL when it starts, with every heartbeat and when it ends, so a corpus
record lives as long as work on it goes on (and ``ttl`` after), whether or not anyone polls it."""


@dataclass(frozen=True, slots=True)
class JobPolicy:
    """How long a job of a queue may run and how often it is retried."""

    timeout: int
    retries: int


def job_policy(queue: str, settings: Settings) -> JobPolicy:
    """Both brokers' rule: fine-tuning jobs (the ``train`` queue, hours long) get ``train_timeout`` and no retries
    (a failed fine-tuning is reported, not rerun); every other job ``job_timeout`` and ``retry_max`` retries."""
    if queue == TRAIN_QUEUE:
        return JobPolicy(timeout=settings.train_timeout, retries=0)
    return JobPolicy(timeout=settings.job_timeout, retries=settings.retry_max)


def inherited_error(status: Status, error: str | None) -> str:
    """The error of a job that cannot run because a dependency failed or was canceled: that job's own reason, as
    it is (the root cause, never a chain of "dependency ... failed" prefixes)."""
    if error:
        return error
    return "canceled" if status == Status.CANCELED else "an earlier step failed"


def kept_records(meta: dict[str, Any]) -> tuple[list[str], int]:
    """The record keys a job keeps alive and their TTL (``([], 0)`` for none)."""
    keep = meta.get(KEEP_META)
    if not isinstance(keep, dict):
        return [], 0
    return [str(key) for key in keep.get("keys", [])], int(keep.get("ttl", 0))
