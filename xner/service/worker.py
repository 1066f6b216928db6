"""The worker of a service: a SimpleWorker that loads its models once per process and keeps a heartbeat.

RQ's default worker forks a work horse per job, which would reload models every time and breaks CUDA ("cannot
re-initialize CUDA in forked subprocess"). :class:`ModelWorker` runs jobs in its own process (SimpleWorker), loads
the service's backends before taking the first job (:mod:`xner.service.backends` keeps them for the process's
life, so every job gets the loaded model), and runs a heartbeat thread while a job runs, because SimpleWorker
blocks its main thread and would not send heartbeats on its own.
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
        super().__init__(rq_queues, connection=connection, serializer=JSONSerializer, **kwargs)
        self.heartbeat_interval = settings.heartbeat_interval
        self._running = threading.Event()
        signal.signal(STOP_SIGNAL, self._on_stop_signal)
        if preload is not None:
            log.info("worker %s: loading models", self.name)
            preload()
            log.info("worker %s: models loaded", self.name)

    def execute_job(self, job: Job, queue: Queue) -> None:
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
        while not stop.wait(self.heartbeat_interval):
            try:
                self.heartbeat(int(self.get_heartbeat_ttl(job)))
            except Exception as exc:  # a missed heartbeat must not kill the job
                log.warning("worker %s: heartbeat failed: %s", self.name, exc)


def run_worker(service: str, settings: Settings, *, burst: bool = False, preload: bool = True) -> bool:
    """Run a worker on ``service``'s queue until stopped (or until the queue is empty with ``burst``)."""
    from xner.service import backends

    if not settings.redis_url:
        from xner.errors import InputError

        raise InputError("a worker needs XNER_REDIS_URL (without Redis, `xner serve` runs every step in process)")
    connection = Redis.from_url(settings.redis_url)
    worker = ModelWorker(
        [service],
        connection=connection,
        settings=settings,
        preload=(lambda: backends.preload(service, settings)) if preload else None,
    )
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level))
