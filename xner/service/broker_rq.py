"""The Redis + RQ broker: one RQ queue per service, JSON serializer only, retries with backoff, TTLs from settings.

Jobs call :func:`run_step`; their dependencies are RQ dependencies (``depends_on``), so a
chunk's translate -> align -> project chain crosses the service queues inside Redis. A job whose dependency failed
stays deferred in RQ; :meth:`RQBroker.info` reports it as failed with the dependency's reason.

Every key a job leaves in Redis expires, whatever happens to it (the job hash ``rq:job:ID``, its sets
``rq:job:ID:dependents`` and ``rq:job:ID:dependencies``, its result stream ``rq:results:ID``):

- waiting (queued, deferred behind its dependencies, or scheduled for a retry): :func:`wait_ttl` seconds, the
  longer of ``result_ttl`` and ``failure_ttl`` (RQ's job ``ttl``, counted from when it was enqueued or deferred);
  a job still waiting then is discarded. So a job deferred for ever, because a dependency failed, was canceled or
  expired, goes after that time;
- running: no TTL (RQ persists the hash while the job runs: a worker that dies is found out through its
  heartbeat and the job retried or failed, see :mod:`xner.service.worker`);
- finished: ``result_ttl``; failed, or stopped while running (``DELETE`` of a running job): ``failure_ttl``;
- canceled while waiting: ``failure_ttl`` from the cancel (:meth:`RQBroker.cancel`; RQ's own cancel leaves the
  TTLs as they were);
- a dependency's set of dependents gets the waiting TTL when it has none (RQ creates it without one when the
  dependency is done or expired already), and RQ's TTL once the dependency is done;
- the claims ``xner:claim:ID``: ``result_ttl``; the gateway's records ``xner:record:*``: the TTL they are saved
  with; every other ``xner:*`` key is written with a TTL too.

RQ's permanent structures (the queue lists, the registries, the worker and queue sets, the scheduler's and
maintenance locks, which all expire or are emptied as jobs move on) have no TTL. Two registries never drop their
entries in RQ: the canceled registry and the deferred registry (a job deferred for ever stays in it after its hash
expired). :func:`prune_registries` drops their stale entries: canceled entries older than ``failure_ttl`` (at each
cancel, and at every worker's registry maintenance) and deferred entries older than the waiting TTL whose job hash
is gone (at every worker's maintenance).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from redis import Redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import OutOfMemoryError, RedisError
from redis.retry import Retry as RedisRetry
from redis.sentinel import Sentinel
from rq import Queue, Retry, Worker
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import JOB_ID_PATTERN, Dependency, Job, JobStatus
from rq.results import Result
from rq.serializers import JSONSerializer

from xner.service import defaults
from xner.service.admission import Admission, RedisAdmission
from xner.service.backends import worst_states
from xner.service.broker import JobInfo, Status, inherited_error, job_policy
from xner.service.defaults import (
    CLAIM_WAIT_SECONDS,
    PING_TIMEOUT,
    PRUNE_BATCH,
    REDIS_SOCKET_TIMEOUT,
    WAIT_BLOCK_SECONDS,
)
from xner.service.errors import error_body
from xner.service.redact import public_message
from xner.service.redis_url import is_sentinel, parse_sentinel_url
from xner.service.settings import Settings
from xner.service.steps import ERROR_META, PROGRESS_META, execute, step_error

log = logging.getLogger("xner.broker")

BACKENDS_KEY = "xner:backends:{}"
"""Redis hash of a queue's workers' backend states: worker name -> JSON list (see :func:`publish_backends`)."""

RECORD_PREFIX = "xner:record:"
"""Redis key prefix of the gateway's records."""

CLAIM_PREFIX = "xner:claim:"
"""Redis key prefix of the claims that make enqueueing a given job id happen once."""


def connect(url: str) -> Redis:
    """A Redis client that reconnects: a command that meets a connection error is retried with backoff
    (:data:`~xner.service.defaults.REDIS_RETRIES` times), so a Redis restart, or a Sentinel failover, is a pause, not
    a failure."""
    retry = RedisRetry(
        ExponentialBackoff(cap=defaults.REDIS_RETRY_BACKOFF_CAP, base=0.05), defaults.REDIS_RETRIES
    )  # retries ConnectionError and TimeoutError
    return redis_client(url, socket_timeout=REDIS_SOCKET_TIMEOUT, retry=retry, health_check_interval=30)


def redis_client(url: str, *, socket_timeout: float, retry: RedisRetry, health_check_interval: int = 0) -> Redis:
    """A client of the Redis ``url`` names: redis-py's own URLs, or a ``redis+sentinel://`` URL
    (:mod:`xner.service.redis_url`), whose client asks the sentinels for the current master and asks again after a
    failover."""
    options: dict[str, Any] = {
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": defaults.REDIS_CONNECT_TIMEOUT,
        "health_check_interval": health_check_interval,
        "retry": retry,
    }
    if not is_sentinel(url):
        return Redis.from_url(url, **options)
    target = parse_sentinel_url(url)
    sentinel = Sentinel(
        list(target.sentinels),
        socket_timeout=defaults.REDIS_CONNECT_TIMEOUT,
        socket_connect_timeout=defaults.REDIS_CONNECT_TIMEOUT,
        sentinel_kwargs={"password": target.sentinel_password} if target.sentinel_password else None,
    )
    master: Redis = sentinel.master_for(
        target.service, db=target.db, username=target.username, password=target.password, **options
    )
    return master


_STATUS = {
    JobStatus.CREATED: Status.QUEUED,
    JobStatus.QUEUED: Status.QUEUED,
    JobStatus.DEFERRED: Status.QUEUED,
    JobStatus.SCHEDULED: Status.QUEUED,
    JobStatus.READY_TO_ENQUEUE: Status.QUEUED,
    JobStatus.RATE_LIMITED: Status.QUEUED,
    JobStatus.STARTED: Status.RUNNING,
    JobStatus.FINISHED: Status.FINISHED,
    JobStatus.FAILED: Status.FAILED,
    JobStatus.STOPPED: Status.CANCELED,
    JobStatus.CANCELED: Status.CANCELED,
}


_EXPIRE_PERSISTENT = """
for _, key in ipairs(KEYS) do
  if redis.call('TTL', key) == -1 then redis.call('EXPIRE', key, ARGV[1]) end
end
"""
"""Give each key of KEYS that exists without a TTL the TTL ARGV[1] (``EXPIRE NX``, before Redis 7)."""

_PRUNE_DEFERRED = """
local removed = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], 0, ARGV[1], 'LIMIT', 0, ARGV[2])) do
  if redis.call('EXISTS', ARGV[3] .. id) == 0 then removed = removed + redis.call('ZREM', KEYS[1], id) end
end
return removed
"""
"""Drop the entries of the deferred registry KEYS[1] scored up to ARGV[1] (at most ARGV[2] of them) whose job hash
(ARGV[3] .. id) is gone; returns how many were dropped."""


def wait_ttl(settings: Settings) -> int:
    """Seconds a job may wait (queued, deferred, scheduled for a retry) before RQ discards it: its RQ ``ttl``, the
    longer of the result and failure TTLs (a job that waited that long is past any use)."""
    return max(settings.result_ttl, settings.failure_ttl)


def prune_registries(queue: Queue, settings: Settings, now: float | None = None) -> int:
    """Drop the registry entries RQ would keep for ever; returns how many were dropped.

    Canceled-registry entries older than ``failure_ttl`` go (their jobs expired with them, see
    :meth:`RQBroker.cancel`), and deferred-registry entries older than :func:`wait_ttl` whose job hash is gone (a
    job deferred for ever expires after its RQ ``ttl``, but RQ's deferred registry has no cleanup). Both are scored
    by when the job entered them (Unix seconds). ``now`` is for tests.
    """
    now = time.time() if now is None else now
    connection = queue.connection
    dropped = int(connection.zremrangebyscore(queue.canceled_job_registry.key, 0, now - settings.failure_ttl))
    prune = connection.register_script(_PRUNE_DEFERRED)
    deferred, cutoff, prefix = queue.deferred_job_registry.key, now - wait_ttl(settings), Job.redis_job_namespace_prefix
    while True:
        removed = int(prune(keys=[deferred], args=[cutoff, PRUNE_BATCH, prefix]))
        dropped += removed
        if removed < PRUNE_BATCH:  # a full batch dropped: older stale entries may follow
            return dropped


class RQBroker:
    """Redis + RQ implementation of :class:`xner.service.broker.Broker`."""

    def __init__(self, settings: Settings, connection: Redis | None = None) -> None:
        assert settings.redis_url or connection is not None
        self.settings = settings
        self.redis = connection or connect(settings.redis_url or "")
        self._queues: dict[str, Queue] = {}
        self._pinger: Redis | None = None
        self._probe: RQBroker | None = None
        self.admission: Admission = RedisAdmission(self.redis, self._waiting_keys)

    outage_errors: tuple[type[Exception], ...] = (RedisError,)
    """Errors that mean Redis is unreachable: the API answers 503 with Retry-After."""

    full_errors: tuple[type[Exception], ...] = (OutOfMemoryError,)
    """Redis refuses writes past ``maxmemory`` (policy ``noeviction``: queued jobs are never evicted)."""

    def queue(self, name: str) -> Queue:
        if name not in self._queues:
            self._queues[name] = Queue(name, connection=self.redis, serializer=JSONSerializer)
        return self._queues[name]

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
        if job_id is not None and not self._claim(job_id):
            return job_id  # enqueued before (a retried submission, or a concurrent identical one): leave it be
        retry = None
        policy = job_policy(queue, self.settings)
        if policy.retries > 0:
            retry = Retry(max=policy.retries, interval=list(self.settings.retry_intervals) or 0)
        job = self.queue(queue).enqueue_call(
            run_step,
            args=(step or queue, {**payload, "upstream": list(depends_on)}),
            job_id=job_id,
            depends_on=Dependency(jobs=list(depends_on), allow_failure=allow_failure) if depends_on else None,
            meta=dict(meta or {}),
            timeout=policy.timeout,
            result_ttl=self.settings.result_ttl,
            failure_ttl=self.settings.failure_ttl,
            ttl=wait_ttl(self.settings),
            retry=retry,
            description=f"xner {step or queue}",
        )
        if depends_on:
            self._expire_dependents_sets(depends_on)
        return str(job.id)

    def _expire_dependents_sets(self, parents: Sequence[str]) -> None:
        """Give each dependency's set of dependents the waiting TTL if it has none. RQ adds the new job to those
        sets; one it creates when its job is done already (or expired while queued) never gets a TTL from RQ."""
        keys = [Job.dependents_key_for(parent) for parent in parents]
        self.redis.register_script(_EXPIRE_PERSISTENT)(keys=keys, args=[wait_ttl(self.settings)])

    def _claim(self, job_id: str) -> bool:
        """True if this caller is to enqueue ``job_id``: nobody enqueued it, and no concurrent caller is doing so
        (an atomic ``SET NX`` claim). A claim whose job never appears (its caller died in between) is taken over
        after :data:`CLAIM_WAIT_SECONDS`."""
        if self.redis.exists(Job.key_for(job_id)):
            return False
        claim = CLAIM_PREFIX + job_id
        if self.redis.set(claim, 1, nx=True, ex=self.settings.result_ttl):
            return True
        deadline = time.monotonic() + CLAIM_WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.redis.exists(Job.key_for(job_id)):
                return False
            time.sleep(0.05)
        return True

    def _fetch(self, job_id: str) -> Job | None:
        """The job, or ``None`` when there is none -- also for an id RQ could never have issued (a client's
        ``../x`` is an unknown job, not an error)."""
        if not JOB_ID_PATTERN.fullmatch(job_id):
            return None
        try:
            return Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
        except NoSuchJobError:
            return None

    def info(self, job_id: str) -> JobInfo | None:
        job = self._fetch(job_id)
        if job is None:
            return None
        rq_status = job.get_status(refresh=False)  # Job.fetch has just read it
        status = _STATUS.get(rq_status, Status.QUEUED)
        error: str | None = None
        position: int | None = None
        if status == Status.FINISHED:
            error = job.meta.get(ERROR_META)
            if error is not None:
                status = Status.FAILED
        elif status == Status.FAILED:
            error = failure_reason(job)
        elif status == Status.CANCELED:
            error = "canceled"
        elif rq_status == JobStatus.DEFERRED:
            error = self._failed_dependency(job)
            if error is not None:
                status = Status.FAILED
        elif rq_status == JobStatus.QUEUED:
            position = job.get_position()
        return JobInfo(job.id, job.origin, status, error, position, list(job.dependency_ids), dict(job.meta))

    def _failed_dependency(self, job: Job) -> str | None:
        """Why a deferred job can never run: a dependency failed (unless the job allows that), was canceled, or
        is gone."""
        stopped = (Status.CANCELED,) if job.allow_dependency_failures else (Status.FAILED, Status.CANCELED)
        for parent_id in job.dependency_ids:
            parent = self.info(parent_id)
            if parent is None:
                return f"dependency {parent_id} expired or does not exist"
            if parent.status in stopped:
                return inherited_error(parent.status, parent.error)
        return None

    def result(self, job_id: str) -> Any:
        job = self._fetch(job_id)
        return job.return_value() if job is not None else None

    def payload(self, job_id: str) -> dict[str, Any] | None:
        job = self._fetch(job_id)
        if job is None or len(job.args) < 2 or not isinstance(job.args[1], dict):
            return None
        return {key: value for key, value in job.args[1].items() if key != "upstream"}

    def wait(self, job_id: str, timeout: float) -> JobInfo | None:
        """Block on the job's result stream (RQ writes one entry per attempt), re-checking the state at least
        every :data:`WAIT_BLOCK_SECONDS` (a dependency may fail, or the job be canceled, without an entry)."""
        deadline = time.monotonic() + timeout
        key: str = Result.get_key(job_id)  # type: ignore[no-untyped-call]
        last: Any = "0-0"
        while True:
            info = self.info(job_id)
            remaining = deadline - time.monotonic()
            if info is None or info.status.done or remaining <= 0:
                return info
            block_ms = max(1, int(min(remaining, WAIT_BLOCK_SECONDS) * 1000))
            response: Any = self.redis.xread({key: last}, block=block_ms)
            if response:
                last = response[0][1][-1][0]  # [(stream, [(entry id, fields), ...])]: continue after the newest

    def cancel(self, job_id: str) -> None:
        job = self._fetch(job_id)
        if job is None:
            return
        status = job.get_status(refresh=True)
        if status == JobStatus.STARTED:
            with contextlib.suppress(InvalidJobOperation):  # it may have finished in the meantime
                send_stop_job_command(self.redis, job_id, serializer=JSONSerializer)
        elif status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED, JobStatus.CREATED):
            with contextlib.suppress(InvalidJobOperation):
                job.cancel()
            self._expire_canceled(job)

    def _expire_canceled(self, job: Job) -> None:
        """Keep a canceled job ``failure_ttl`` from now, like a failed one, and drop the canceled-registry entries
        older than that: RQ's cancel leaves the TTLs of the job's keys as they were, and its canceled registry is
        never cleaned (see :func:`prune_registries`)."""
        ttl = self.settings.failure_ttl
        with self.redis.pipeline() as pipeline:
            job.cleanup(ttl=ttl, pipeline=pipeline)  # the hash and its sets of dependents and dependencies
            pipeline.expire(Result.get_key(job.id), ttl)  # type: ignore[no-untyped-call]
            pipeline.zremrangebyscore(self.queue(job.origin).canceled_job_registry.key, 0, time.time() - ttl)
            pipeline.execute()

    def queue_length(self, queue: str) -> int:
        return int(self.queue(queue).count)

    def job_counts(self, queue: str) -> dict[str, int]:
        q = self.queue(queue)
        registries = {
            "deferred": q.deferred_job_registry,
            "started": q.started_job_registry,
            "finished": q.finished_job_registry,
            "failed": q.failed_job_registry,
            "canceled": q.canceled_job_registry,
        }
        counts = {"queued": int(q.count)}
        # cleanup=False: a registry cleanup from a web thread can run failure callbacks (rq#2135)
        counts.update({name: int(r.get_job_count(cleanup=False)) for name, r in registries.items()})
        return counts

    def ping(self) -> bool:
        """Whether Redis answers now (one try: readiness must not wait out the reconnect backoff)."""
        if self._pinger is None:
            url = self.settings.redis_url
            once = RedisRetry(NoBackoff(), 0)
            self._pinger = redis_client(url, socket_timeout=PING_TIMEOUT, retry=once) if url else self.redis
        try:
            return bool(self._pinger.ping())
        except (RedisError, OSError):
            return False

    def workers(self, queue: str) -> int:
        return int(Worker.count(connection=self.redis, queue=self.queue(queue)))

    def backend_states(self, queue: str) -> list[dict[str, Any]]:
        live = {worker.name for worker in Worker.all(connection=self.redis, queue=self.queue(queue))}
        published = self.redis.hgetall(BACKENDS_KEY.format(queue))
        lists = [json.loads(value) for name, value in published.items() if _text(name) in live]
        return worst_states(lists)

    def save_record(self, key: str, record: dict[str, Any], ttl: int) -> None:
        self.redis.set(RECORD_PREFIX + key, json.dumps(record), ex=ttl)

    def load_record(self, key: str) -> dict[str, Any] | None:
        raw = self.redis.get(RECORD_PREFIX + key)
        if raw is None:
            return None
        record: dict[str, Any] = json.loads(raw)
        return record

    def _waiting_keys(self, queue: str) -> tuple[str, str]:
        """The Redis keys of a queue's waiting jobs: its list and its deferred registry (for admission)."""
        rq_queue = self.queue(queue)
        return str(rq_queue.key), str(rq_queue.deferred_job_registry.key)

    def probe(self) -> RQBroker:
        """This broker over a connection that never retries and times out in :data:`PING_TIMEOUT` seconds: for
        readiness and metrics, which must answer during a Redis outage instead of riding it out."""
        if self._probe is None:
            self.ping()  # creates the no-retry connection
            assert self._pinger is not None
            self._probe = RQBroker(self.settings, connection=self._pinger)
        return self._probe


def failure_reason(job: Job) -> str:
    """The last line of a failed job's exception (``AbandonedJobError`` for a job whose worker died), with paths,
    URLs and addresses redacted (it is the job's ``error`` clients read)."""
    latest = job.latest_result()
    return public_message(_last_line(latest.exc_string if latest is not None else None) or "failed")


def run_step(step: str, payload: dict[str, Any]) -> Any:
    """The function every xner RQ job calls (in a worker, :mod:`xner.service.worker`): fetch the results of the
    jobs this one depends on, then run the step (:func:`xner.service.steps.execute`). A step's rejection of its
    input is also kept in the job's meta, so the job's state is known without reading its (large) result."""
    from rq import get_current_job

    job = get_current_job()
    upstream = upstream_results(job, payload.get("upstream", [])) if job is not None else []
    result = execute(step, payload, upstream, progress=_saving_progress(job) if job is not None else None)
    reason = step_error(result)
    if job is not None and reason is not None:
        job.meta[ERROR_META] = reason
        job.save_meta()  # type: ignore[no-untyped-call]
    return result


def _saving_progress(job: Job) -> Callable[[float], None]:
    """Keep the job's progress in its meta, saved at most every :data:`PROGRESS_SAVE_INTERVAL` seconds (and when
    complete); a failed save never fails the job."""
    saved = 0.0

    def progress(fraction: float) -> None:
        nonlocal saved
        now = time.monotonic()
        if fraction < 1.0 and now - saved < defaults.PROGRESS_SAVE_INTERVAL:
            return
        saved = now
        job.meta[PROGRESS_META] = fraction
        try:
            job.save_meta()  # type: ignore[no-untyped-call]
        except RedisError as exc:
            log.warning("job %s: saving its progress failed: %s", job.id, exc)

    return progress


def upstream_results(job: Job, job_ids: Sequence[str]) -> list[Any]:
    """The results of the jobs ``job`` depends on, in order; a dependency that failed (possible when ``job``
    allows failures) gives ``{"error": ...}`` with its reason."""
    results: list[Any] = []
    for job_id in job_ids:
        parent = Job.fetch(job_id, connection=job.connection, serializer=JSONSerializer)
        if parent.get_status(refresh=False) in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            reason = public_message(failure_reason(parent) or "failed")
            results.append(error_body("backend_error", reason, {"failed_job": job_id}))
        else:
            results.append(parent.return_value())
    return results


def publish_backends(
    connection: Redis, queue: str, worker: str, states: list[dict[str, Any]], settings: Settings
) -> None:
    """Publish the backend states of ``worker`` on ``queue`` (read by :meth:`RQBroker.backend_states`); the entry
    lasts a few maintenance intervals unless published again."""
    key = BACKENDS_KEY.format(queue)
    with connection.pipeline() as pipeline:
        pipeline.hset(key, worker, json.dumps(states))
        pipeline.expire(key, int(settings.maintenance_interval * defaults.BACKENDS_KEY_TTL_FACTOR) + 1)
        pipeline.execute()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _last_line(text: str | None) -> str | None:
    if not text:
        return None
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else None
