"""The worker of a service: a SimpleWorker that loads its models once per process and keeps a heartbeat.

RQ's default worker forks a work horse per job, which would reload models every time and breaks CUDA ("cannot
re-initialize CUDA in forked subprocess"). :class:`ModelWorker` runs jobs in its own process (SimpleWorker), loads
the service's backends before taking the first job (:mod:`xner.service.backends` keeps them for the process's
life, so every job gets the loaded model), and runs a heartbeat thread while a job runs, because SimpleWorker
blocks its main thread and would not send heartbeats on its own.

A worker that dies mid-job (SIGKILL, out of memory, a lost host) is noticed through RQ's own machinery: the
heartbeat thread renews the job's execution entry in the queue's ``StartedJobRegistry`` for
``heartbeat_interval * HEARTBEAT_MISSES`` seconds only (SimpleWorker's own TTL is the job timeout plus a minute);
once it lapses, the next registry cleanup of any worker on the queue (every ``maintenance_interval`` seconds; an
idle worker wakes up that often) treats the job as abandoned (``AbandonedJobError``) and re-enqueues it while it has
retries left (``Retry``), else fails it. Another worker then runs it.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.serializers import JSONSerializer

from xner.service import defaults
from xner.service.broker import kept_records
from xner.service.settings import Settings

log = logging.getLogger("xner.worker")

STOP_SIGNAL = signal.SIGUSR1
"""Signal the pubsub thread sends to the worker's main thread to stop the job it runs."""


class JobStopped(Exception):
    """Raised in the worker's main thread when the running job is stopped (``DELETE`` of a running job)."""


class ModelWorker(SimpleWorker):
    """A SimpleWorker with model preloading and its own heartbeat thread."""

    def __init__(
        self,
        queues: list[str],
        *,
        connection: Redis,
        settings: Settings,
        preload: Callable[[], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        rq_queues = [Queue(name, connection=connection, serializer=JSONSerializer) for name in queues]
        super().__init__(
            rq_queues,
            connection=connection,
            serializer=JSONSerializer,
            maintenance_interval=settings.maintenance_interval,
            # RQ blocks on the queue for worker_ttl - 15 s: wake up for maintenance every maintenance_interval
            worker_ttl=settings.maintenance_interval + 15,
            **kwargs,
        )
        self.heartbeat_interval = settings.heartbeat_interval
        self._running = threading.Event()
        signal.signal(STOP_SIGNAL, self._on_stop_signal)
        if preload is not None:
            log.info("worker %s: loading models", self.name)
            preload()
            log.info("worker %s: models loaded", self.name)

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """How long the job's execution counts as alive after a heartbeat: a few heartbeat intervals, so a dead
        worker's job is found abandoned soon (the job's own timeout is enforced separately)."""
        return int(self.heartbeat_interval * defaults.HEARTBEAT_MISSES) + 1

    def execute_job(self, job: Job, queue: Queue) -> None:
        self._keep_records_alive(job)
        self._expire_parents_dependents(job)  # its dependencies are done: their sets are no longer read
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(stop, job), name="xner-heartbeat", daemon=True)
        beat.start()
        self._running.set()
        try:
            super().execute_job(job, queue)
        finally:
            self._running.clear()
            stop.set()
            beat.join(timeout=5)
            self._keep_records_alive(job)

    def kill_horse(self, sig: signal.Signals = signal.SIGKILL) -> None:
        """There is no work horse: stop the job running in this process by interrupting the main thread.

        RQ's stop-job command sets ``_stopped_job_id`` and calls this; the job then fails as *stopped* (no retry).
        A long native call (a forward pass) finishes before Python sees the interruption.
        """
        main = threading.main_thread().ident
        running = self.get_current_job_id()
        if self._running.is_set() and main is not None and running is not None and running == self._stopped_job_id:
            signal.pthread_kill(main, STOP_SIGNAL)

    def _on_stop_signal(self, signum: int, frame: object) -> None:
        if self._running.is_set():
            raise JobStopped("stopped by request")

    def _beat(self, stop: threading.Event, job: Job) -> None:
        """Renew the worker's, the execution's and the job's heartbeats (RQ's ``maintain_heartbeats``) and the
        records the job keeps alive."""
        while not stop.wait(self.heartbeat_interval):
            try:
                execution = self.execution
                if execution is not None:
                    self.maintain_heartbeats(job, execution)
                else:
                    self.heartbeat(self.get_heartbeat_ttl(job))
                self._keep_records_alive(job)
            except Exception as exc:  # a missed heartbeat must not kill the job
                log.warning("worker %s: heartbeat failed: %s", self.name, exc)

    def _expire_parents_dependents(self, job: Job) -> None:
        """Give the dependents sets of the job's (finished) dependencies a TTL. RQ expires a job's set of
        dependents when the job finishes; a dependent enqueued after that (a chunk translated before the corpus's
        project job was enqueued) re-creates the set without one, and nothing would ever delete it."""
        parents = job.dependency_ids
        if not parents:
            return
        try:
            with self.connection.pipeline() as pipeline:
                for parent in parents:
                    pipeline.expire(Job.dependents_key_for(parent), int(job.result_ttl or defaults.RESULT_TTL))
                pipeline.execute()
        except Exception as exc:  # bookkeeping must not fail the job
            log.warning("worker %s: expiring dependents sets failed: %s", self.name, exc)

    def _keep_records_alive(self, job: Job) -> None:
        from xner.service.broker_rq import RECORD_PREFIX

        keys, ttl = kept_records(job.meta)
        if not keys or ttl <= 0:
            return
        try:
            with self.connection.pipeline() as pipeline:
                for key in keys:
                    pipeline.expire(RECORD_PREFIX + key, ttl)
                pipeline.execute()
        except Exception as exc:  # keeping a record alive must not fail the job
            log.warning("worker %s: refreshing records failed: %s", self.name, exc)


def run_worker(service: str, settings: Settings, *, burst: bool = False, preload: bool = True) -> bool:
    """Run a worker on ``service``'s queue until stopped (or until the queue is empty with ``burst``)."""
    from xner.service import backends

    if not settings.redis_url:
        from xner.errors import InputError

        raise InputError("a worker needs XNER_REDIS_URL (without Redis, `xner serve` runs every step in process)")
    from xner.service.broker_rq import connect

    connection = connect(settings.redis_url)
    worker = ModelWorker(
        [service],
        connection=connection,
        settings=settings,
        preload=(lambda: backends.preload(service, settings)) if preload else None,
    )
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level))
