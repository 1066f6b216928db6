"""The embedded broker: no Redis; steps run on one worker thread per queue inside this process.

It keeps the RQ broker's semantics: jobs wait for their dependencies; a job whose dependency failed or was
canceled fails with that reason; exceptions are retried ``retry_max`` times (with the configured intervals, capped
at :data:`MAX_EMBEDDED_RETRY_WAIT`; fine-tuning jobs, on the ``train`` queue, never); a running job cannot be
interrupted, so cancelling it marks it canceled and its result is discarded.

Memory is bounded: finished jobs are forgotten after ``result_ttl``, failed and canceled ones after
``failure_ttl``, and beyond ``embedded_max_jobs`` the jobs that ended first are forgotten first -- never a queued
or running job, nor a finished one a waiting job still depends on. Records are capped at the same number.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xner.service import backends, steps
from xner.service.admission import Admission, LocalAdmission
from xner.service.broker import JobInfo, Status, inherited_error, job_policy, kept_records
from xner.service.defaults import MAX_EMBEDDED_RETRY_WAIT, PURGE_INTERVAL
from xner.service.errors import error_body
from xner.service.redact import public_message
from xner.service.settings import Settings
from xner.service.steps import PROGRESS_META, step_error

log = logging.getLogger("xner.broker")


_RQ_STATE = {Status.RUNNING: "started"}
"""Where this broker's state names differ from RQ's registries (see :meth:`EmbeddedBroker.job_counts`)."""


@dataclass(slots=True)
class _Job:
    id: str
    queue: str
    step: str
    payload: dict[str, Any]
    depends_on: list[str]
    meta: dict[str, Any]
    status: Status = Status.QUEUED
    result: Any = None
    error: str | None = None
    attempts: int = 0
    dependents: list[str] = field(default_factory=list)
    finished_at: float | None = None
    allow_failure: bool = False


class EmbeddedBroker:
    """In-process implementation of :class:`xner.service.broker.Broker`."""

    outage_errors: tuple[type[Exception], ...] = ()
    full_errors: tuple[type[Exception], ...] = ()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._jobs: dict[str, _Job] = {}
        self._records: dict[str, tuple[float, dict[str, Any]]] = {}
        self._ready: dict[str, deque[str]] = {}
        self._lock = threading.Condition()
        self._threads: dict[str, threading.Thread] = {}
        self._closed = False
        self._last_purge = time.monotonic()
        self._done: dict[str, None] = {}
        """Ids of the done jobs (finished, failed, canceled) in the order they ended, oldest first (the size cap)."""
        self.admission: Admission = LocalAdmission(self._backlog)

    # -- Broker interface -------------------------------------------------------------------------------------

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
        job_id = job_id or uuid.uuid4().hex
        upstream = list(depends_on)
        job = _Job(job_id, queue, step or queue, {**payload, "upstream": upstream}, upstream, dict(meta or {}))
        job.allow_failure = allow_failure
        with self._lock:
            if job_id in self._jobs:
                return job_id  # enqueued before (a retried submission): leave it as it is
            self._jobs[job_id] = job
            for parent in depends_on:
                if parent in self._jobs:
                    self._jobs[parent].dependents.append(job_id)
            self._schedule(job)
            self._ensure_thread(queue)
            self._bound()
        return job_id

    def info(self, job_id: str) -> JobInfo | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            position = None
            if job.status == Status.QUEUED and job_id in self._ready.get(job.queue, ()):
                position = list(self._ready[job.queue]).index(job_id)
            return JobInfo(job.id, job.queue, job.status, job.error, position, list(job.depends_on), dict(job.meta))

    def result(self, job_id: str) -> Any:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.result if job is not None else None

    def payload(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            return {key: value for key, value in job.payload.items() if key != "upstream"}

    def wait(self, job_id: str, timeout: float) -> JobInfo | None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                job = self._jobs.get(job_id)
                if job is None or job.status.done:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._lock.wait(remaining)
        return self.info(job_id)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status.done:
                return
            ready = self._ready.get(job.queue)
            if ready is not None and job_id in ready:
                ready.remove(job_id)
            self._finish(job, Status.CANCELED, error="canceled")

    def queue_length(self, queue: str) -> int:
        with self._lock:
            return len(self._ready.get(queue, ()))

    def job_counts(self, queue: str) -> dict[str, int]:
        """The RQ broker's keys: a queued job still waiting for its dependencies is ``deferred``, a running one
        ``started``."""
        with self._lock:
            counts = dict.fromkeys(("queued", "deferred", "started", "finished", "failed", "canceled"), 0)
            for job in self._jobs.values():
                if job.queue == queue:
                    counts[_RQ_STATE.get(job.status, job.status.value)] += 1
            ready = sum(
                1 for j in self._ready.get(queue, ()) if j in self._jobs and self._jobs[j].status == Status.QUEUED
            )
            counts["deferred"] = counts["queued"] - ready
            counts["queued"] = ready
            return counts

    def ping(self) -> bool:
        return not self._closed

    def _backlog(self, queue: str) -> int:
        """Jobs waiting on ``queue``, ready or deferred (for admission)."""
        with self._lock:
            return sum(1 for job in self._jobs.values() if job.queue == queue and job.status == Status.QUEUED)

    def probe(self) -> EmbeddedBroker:
        """This broker (it has no connection that could hang)."""
        return self

    def workers(self, queue: str) -> int:
        return 1  # one thread per queue, started on demand in this process

    def backend_states(self, queue: str) -> list[dict[str, Any]]:
        return backends.queue_states(queue)  # the steps run in this process: its own backends

    def save_record(self, key: str, record: dict[str, Any], ttl: int) -> None:
        with self._lock:
            self._records[key] = (time.monotonic() + ttl, record)

    def load_record(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._records.get(key)
            if entry is None or entry[0] < time.monotonic():
                self._records.pop(key, None)
                return None
            return entry[1]

    def close(self) -> None:
        """Stop the worker threads (jobs still queued stay queued)."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        for thread in self._threads.values():
            thread.join(timeout=5)

    # -- internals (called with the lock held unless said otherwise) ------------------------------------------

    def _schedule(self, job: _Job) -> None:
        parents = [self._jobs.get(p) for p in job.depends_on]
        for parent_id, parent in zip(job.depends_on, parents, strict=True):
            if parent is None:
                self._finish(job, Status.FAILED, error=f"dependency {parent_id} does not exist")
                return
            if parent.status == Status.CANCELED or (parent.status == Status.FAILED and not job.allow_failure):
                self._finish(
                    job,
                    Status.FAILED,
                    result=steps.dependency_failed(parent_id, parent.result) if parent.result is not None else None,
                    error=inherited_error(parent.status, parent.error),
                )
                return
        met = (Status.FINISHED, Status.FAILED) if job.allow_failure else (Status.FINISHED,)
        if all(p is not None and p.status in met for p in parents):
            self._ready.setdefault(job.queue, deque()).append(job.id)
            self._lock.notify_all()

    def _purge(self) -> None:
        """Forget done jobs and records past their TTL, as Redis would expire them: finished jobs after
        ``result_ttl``, failed and canceled ones after ``failure_ttl`` (see :meth:`_forgettable`). Sweeps at most
        every :data:`PURGE_INTERVAL` seconds."""
        now = time.monotonic()
        if now - self._last_purge < PURGE_INTERVAL:
            return
        self._last_purge = now
        expired = [job_id for job_id in self._done if self._expired(job_id, now)]
        for job_id in expired:
            self._forget(job_id)
        for key, (expires, _) in list(self._records.items()):
            if expires < now:
                del self._records[key]

    def _expired(self, job_id: str, now: float) -> bool:
        job = self._jobs.get(job_id)
        if job is None or job.finished_at is None:
            return True  # not kept any more: drop its id
        ttl = self.settings.result_ttl if job.status == Status.FINISHED else self.settings.failure_ttl
        return now - job.finished_at > ttl and self._forgettable(job)

    def _forgettable(self, job: _Job) -> bool:
        """A done job may be forgotten unless a job still waiting or running depends on it (it reads its result
        when it starts)."""
        if not job.status.done:
            return False
        children = (self._jobs.get(child_id) for child_id in job.dependents)
        return all(child is None or child.status.done for child in children)

    def _forget(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)
        self._done.pop(job_id, None)

    def _bound(self) -> None:
        """Forget what is past its TTL (:meth:`_purge`), then keep at most ``embedded_max_jobs`` jobs and as many
        records: forget the done jobs that ended first (only those: a queued or running job, or a done one such a
        job depends on, is kept even past the cap; the queue limits bound those) and the records that expire
        first."""
        self._purge()
        limit = self.settings.embedded_max_jobs
        excess = len(self._jobs) - limit
        if excess > 0:
            oldest: list[str] = []
            for job_id in self._done:
                if len(oldest) == excess:
                    break
                job = self._jobs.get(job_id)
                if job is not None and self._forgettable(job):
                    oldest.append(job_id)
            for job_id in oldest:
                self._forget(job_id)
        excess = len(self._records) - limit
        if excess > 0:
            for key, _ in heapq.nsmallest(excess, self._records.items(), key=lambda item: item[1][0]):
                del self._records[key]

    def _finish(self, job: _Job, status: Status, *, result: Any = None, error: str | None = None) -> None:
        job.status, job.result, job.error = status, result, error
        job.finished_at = time.monotonic()
        self._done.pop(job.id, None)
        self._done[job.id] = None
        self._lock.notify_all()
        for child_id in job.dependents:
            child = self._jobs.get(child_id)
            if child is None:
                continue
            if child.status == Status.QUEUED and child_id not in self._ready.get(child.queue, ()):
                self._schedule(child)
        self._bound()

    def _ensure_thread(self, queue: str) -> None:
        if queue not in self._threads:
            thread = threading.Thread(target=self._work, args=(queue,), name=f"xner-{queue}", daemon=True)
            self._threads[queue] = thread
            thread.start()

    def _work(self, queue: str) -> None:
        while True:
            with self._lock:
                while not self._closed and not self._ready.get(queue):
                    self._lock.wait()
                if self._closed:
                    return
                job = self._jobs[self._ready[queue].popleft()]
                job.status = Status.RUNNING
                upstream = [self._upstream_result(self._jobs[p]) for p in job.depends_on]
                self._keep_records_alive(job)
            self._run(job, upstream)
            with self._lock:
                self._keep_records_alive(job)

    def _upstream_result(self, parent: _Job) -> Any:
        """A dependency's result; ``{"error": ...}`` with its reason if it failed (allowed by ``allow_failure``)."""
        if parent.status == Status.FAILED and step_error(parent.result) is None:
            return error_body("backend_error", str(parent.error or "failed"), {"failed_job": parent.id})
        return parent.result

    def _keep_records_alive(self, job: _Job) -> None:
        keys, ttl = kept_records(job.meta)
        for key in keys:
            entry = self._records.get(key)
            if entry is not None and ttl > 0:
                self._records[key] = (time.monotonic() + ttl, entry[1])

    def _progress_of(self, job: _Job) -> Callable[[float], None]:
        def progress(fraction: float) -> None:
            with self._lock:
                job.meta[PROGRESS_META] = fraction

        return progress

    def _run(self, job: _Job, upstream: list[Any]) -> None:
        """Run one job outside the lock, retrying exceptions with backoff."""
        while True:
            job.attempts += 1
            try:
                result = steps.execute(job.step, job.payload, upstream, progress=self._progress_of(job))
            except Exception as exc:  # retried, then kept as the failure reason
                reason = f"{type(exc).__name__}: {exc}"
                log.warning("job %s (%s) attempt %d failed: %s", job.id, job.step, job.attempts, reason)
                if job.attempts <= job_policy(job.queue, self.settings).retries and job.status == Status.RUNNING:
                    intervals = self.settings.retry_intervals or [0]
                    time.sleep(min(intervals[min(job.attempts - 1, len(intervals) - 1)], MAX_EMBEDDED_RETRY_WAIT))
                    continue
                log.debug("job %s failed for good:\n%s", job.id, traceback.format_exc())
                with self._lock:
                    if job.status == Status.RUNNING:  # the logs keep the full reason; clients read it redacted
                        self._finish(job, Status.FAILED, error=public_message(reason))
                return
            with self._lock:
                if job.status != Status.RUNNING:
                    return  # canceled while it ran: discard the result
                error = step_error(result)
                if error is not None:
                    self._finish(job, Status.FAILED, result=result, error=error)
                else:
                    self._finish(job, Status.FINISHED, result=result)
            return
