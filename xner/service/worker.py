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

RQ runs its scheduler (which enqueues retries due after a backoff) in a child process that holds a per-queue lock.
So that a worker killed outright (SIGKILL) leaves no scheduler behind, the child asks Linux for SIGTERM when the
worker dies (``prctl(PR_SET_PDEATHSIG)``, set in an at-fork hook of the worker's main thread, the thread that forks
it); RQ's scheduler stops on SIGTERM and releases its lock, and a live worker of the queue starts a new scheduler at
its next maintenance. A worker's maintenance also drops the registry entries RQ never drops
(:func:`xner.service.broker_rq.prune_registries`).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.serializers import JSONSerializer

from xner.service import defaults
from xner.service.broker import kept_records
from xner.service.settings import Settings

log = logging.getLogger("xner.worker")

STOP_SIGNAL = signal.SIGUSR1
"""Signal the pubsub thread sends to the worker's main thread to stop the job it runs."""


PR_SET_PDEATHSIG = 1
"""``prctl(2)`` option (Linux): the signal a process gets when the thread that forked it exits."""


class JobStopped(Exception):
    """Raised in the worker's main thread when the running job is stopped (``DELETE`` of a running job)."""


class _ForkLink:
    """State of the at-fork hooks that tie the scheduler child to its worker (one per process: such hooks cannot be
    unregistered)."""

    installed = False
    prctl: Any = None
    """libc's ``prctl``, looked up in the worker (a library lookup after a fork could deadlock)."""
    linking = False
    """True while the worker's main thread may fork its scheduler (see :func:`_scheduler_dies_with_worker`)."""
    armed = False
    """Whether the fork under way is one to tie (decided in the worker, just before it forks)."""
    parent = 0
    """Pid of the process that forks."""


def _install_fork_link() -> None:
    """Register the at-fork hooks, once per process; Linux only, and a failure is logged, not fatal."""
    if _ForkLink.installed or not sys.platform.startswith("linux"):
        return
    _ForkLink.installed = True
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError) as exc:
        log.warning("no prctl (%s): a worker killed outright may leave its scheduler process behind", exc)
        return
    prctl.restype = ctypes.c_int
    _ForkLink.prctl = prctl
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def _before_fork() -> None:
    _ForkLink.armed = _ForkLink.linking and threading.current_thread() is threading.main_thread()
    _ForkLink.parent = os.getpid()


def _after_fork_in_child() -> None:
    """In the scheduler child: get SIGTERM when the worker dies, and exit at once if it died before that was set."""
    if not _ForkLink.armed:
        return
    _ForkLink.armed = _ForkLink.linking = False
    if _ForkLink.prctl(ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(int(signal.SIGTERM))) != 0:
        log.warning("scheduler %d: prctl failed (errno %d): it may outlive its worker", os.getpid(), ctypes.get_errno())
    if os.getppid() != _ForkLink.parent:
        os._exit(1)  # orphaned already: its lock expires on its own


@contextlib.contextmanager
def _scheduler_dies_with_worker() -> Iterator[None]:
    """Tie any process the calling (main) thread forks meanwhile to this process's life."""
    _ForkLink.linking = True
    try:
        yield
    finally:
        _ForkLink.linking = False


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
        self._settings = settings
        self._running = threading.Event()
        _install_fork_link()
        signal.signal(STOP_SIGNAL, self._on_stop_signal)
        if preload is not None:
            log.info("worker %s: loading models", self.name)
            preload()
            log.info("worker %s: models loaded", self.name)
        self._publish_backends()

    def _publish_backends(self) -> None:
        """Publish how loading this worker's backends went, for the service's ``/ready`` (a failure is logged)."""
        from xner.service.backends import queue_states
        from xner.service.broker_rq import publish_backends

        for queue in self.queues:
            try:
                publish_backends(self.connection, queue.name, self.name, queue_states(queue.name), self._settings)
            except Exception as exc:  # readiness bookkeeping must not stop the worker
                log.warning("worker %s: publishing backend states failed: %s", self.name, exc)

    def _start_scheduler(self, *args: Any, **kwargs: Any) -> None:
        """RQ's scheduler start (a forked child process), tied to this worker's life."""
        with _scheduler_dies_with_worker():
            super()._start_scheduler(*args, **kwargs)

    def check_for_suspension(self, burst: bool) -> None:
        """RQ's check for ``rq suspend`` at the top of every loop, the first Redis call after a job: a Redis that is
        away (a failover, a restart) is waited out here, every :data:`~xner.service.defaults.SUSPENSION_RECHECK`
        seconds, instead of ending the worker (RQ's work loop quits on any error it does not know)."""
        while True:
            try:
                super().check_for_suspension(burst)
                return
            except (RedisError, OSError) as exc:
                if self._stop_requested:
                    return
                log.warning("worker %s: the job queue is unreachable, waiting for it: %s", self.name, exc)
                time.sleep(defaults.SUSPENSION_RECHECK)

    def run_maintenance_tasks(self) -> None:
        """RQ's maintenance, which restarts a scheduler that died: tied to this worker's life too. Redis being
        away meanwhile is logged, not fatal (RQ's work loop would quit on it): the next maintenance tries again."""
        with _scheduler_dies_with_worker():
            try:
                super().run_maintenance_tasks()  # type: ignore[no-untyped-call]
            except (RedisError, OSError) as exc:
                log.warning("worker %s: maintenance skipped, the job queue is unreachable: %s", self.name, exc)

    def clean_registries(self) -> None:
        """RQ's registry cleanup, then the stale entries RQ never drops (canceled and deferred registries)."""
        from xner.service.broker_rq import prune_registries

        super().clean_registries()  # type: ignore[no-untyped-call]
        self._publish_backends()
        for queue in self.queues:
            try:
                prune_registries(queue, self._settings)
            except Exception as exc:  # bookkeeping must not stop the worker
                log.warning("worker %s: pruning the registries of %s failed: %s", self.name, queue.name, exc)

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
    from xner.service.logs import configure_logging

    configure_logging(settings.log_level)  # before RQ sets up its own (plain) handlers: it keeps ours
    connection = connect(settings.redis_url)
    worker = ModelWorker(
        [service],
        connection=connection,
        settings=settings,
        preload=(lambda: backends.preload(service, settings)) if preload else None,
    )
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level))
