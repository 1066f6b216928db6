"""Every stored thing has a bound: the keys jobs leave in Redis expire, whatever happened to the jobs; RQ's registries
do not keep stale entries for ever; the embedded broker caps what it keeps in memory; a killed worker leaves no
scheduler process behind."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator

import psutil
import pytest
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.scheduler import RQScheduler

from tests.service.conftest import Api, Workers, until
from tests.service.fake_steps import FAKE_STEP_PREFIX
from xner.service.broker import Status
from xner.service.broker_embedded import EmbeddedBroker
from xner.service.settings import Settings

STEP = FAKE_STEP_PREFIX
WAIT = 20.0
"""Longest bounded wait of these tests (seconds)."""

EXPIRING = re.compile(r"^(rq:job:|rq:results:|rq:dependents:|xner:)")
"""Keys that must all have a TTL."""

PERMANENT = {
    "rq:queues",
    "rq:queue:Q",
    "rq:workers",
    "rq:workers:Q",
    "rq:finished:Q",
    "rq:failed:Q",
    "rq:deferred:Q",
    "rq:canceled:Q",
    "rq:wip:Q",
    "rq:scheduled:Q",
}
"""RQ's fixed structures (``Q`` stands for a queue name): they live without a TTL, their entries come and go."""

QUEUES = ("translate", "align", "project", "test")
PROJECTION_SETTINGS = {"XNER_TRANSLATOR": "identity", "XNER_ALIGNER": "eflomal", "XNER_CHUNK_SIZE": "2"}
CONLL = "".join(f"Kofi\tB-PER\nvisited\tO\nAccra{i}\tB-LOC\n\n" for i in range(4))


def key_pattern(key: str) -> str:
    """A key with its queue name written ``Q`` (for :data:`PERMANENT`)."""
    for queue in QUEUES:
        if key.endswith(":" + queue):
            return key[: -len(queue)] + "Q"
    return key


# -- Redis + RQ -----------------------------------------------------------------------------------------------------


@pytest.fixture
def stack(redis_url: str, workers: Workers) -> Iterator[Api]:
    """A gateway on the session's Redis; the test starts the workers it needs."""
    api = Api("gateway", redis_url, PROJECTION_SETTINGS)
    yield api
    api.stop()


def corpus_status(api: Api, job_id: str) -> str:
    """The corpus job's status once it is done."""
    state: dict = {}

    def done() -> bool:
        state.update(api.client.get(f"/v1/jobs/{job_id}").json())
        return state["status"] not in ("queued", "running")

    until(done, what=f"corpus job {job_id} done")
    return str(state["status"])


@pytest.mark.slow
def test_every_key_jobs_leave_expires(stack: Api, redis_url: str, workers: Workers) -> None:
    from xner.service.broker_rq import RQBroker

    body = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": CONLL}}
    # canceled while queued: no worker runs yet
    accepted = stack.client.post("/v1/projections", json=body)
    assert accepted.status_code == 202, accepted.text
    canceled = accepted.json()["job_id"]
    assert stack.client.delete(f"/v1/jobs/{canceled}").json()["status"] == "canceled"

    for queue in QUEUES:
        workers.start(queue, **PROJECTION_SETTINGS)
    broker = RQBroker(Settings(redis_url=redis_url, retry_max=0))
    # finishes
    accepted = stack.client.post("/v1/projections", json={**body, "corpus": {"format": "conll", "data": CONLL * 2}})
    assert accepted.status_code == 202, accepted.text
    assert corpus_status(stack, accepted.json()["job_id"]) == "finished"
    # deferred for ever: its dependency failed
    crashed = broker.enqueue("test", {}, step=STEP + "crash")
    orphan = broker.enqueue("test", {}, step=STEP + "echo", depends_on=[crashed])
    # stopped while running; and one canceled while deferred behind it
    running = broker.enqueue("test", {"seconds": 5}, step=STEP + "sleep")
    behind = broker.enqueue("test", {}, step=STEP + "echo", depends_on=[running])
    until(lambda: broker.info(running).status == Status.RUNNING, what="the sleep job runs")
    broker.cancel(behind)
    broker.cancel(running)
    assert broker.wait(running, WAIT).status == Status.CANCELED
    assert broker.wait(orphan, WAIT).status == Status.FAILED  # reported failed, still deferred in RQ
    # deferred for ever behind a dependency that had finished without dependents (RQ creates its set of
    # dependents then, without a TTL)
    done = broker.enqueue("test", {}, step=STEP + "echo")
    assert broker.wait(done, WAIT).status == Status.FINISHED
    late = broker.enqueue("test", {}, step=STEP + "echo", depends_on=[done, crashed])
    assert broker.wait(late, WAIT).status == Status.FAILED

    redis = Redis.from_url(redis_url, decode_responses=True)
    ttls = {key: redis.ttl(key) for key in redis.scan_iter(count=1000)}
    assert any(key.startswith("xner:") for key in ttls) and any(key.startswith("rq:results:") for key in ttls)
    for job_id in (crashed, orphan, running, behind, late):
        assert ttls[Job.key_for(job_id)] > 0, job_id
    assert ttls[Job.dependents_key_for(done)] > 0
    forever = sorted(key for key, ttl in ttls.items() if ttl == -1)
    assert [key for key in forever if EXPIRING.match(key)] == []
    assert {key_pattern(key) for key in forever} <= PERMANENT, forever


def test_canceled_jobs_expire_and_stale_registry_entries_are_pruned(redis_url: str) -> None:
    from xner.service.broker_rq import RQBroker, prune_registries, wait_ttl

    settings = Settings(redis_url=redis_url, result_ttl=100, failure_ttl=1000, retry_max=0)
    broker = RQBroker(settings)
    redis = broker.redis
    parent = broker.enqueue("prune", {}, step=STEP + "echo")  # no worker: stays queued
    deferred = broker.enqueue("prune", {}, step=STEP + "echo", depends_on=[parent])
    gone = broker.enqueue("prune", {}, step=STEP + "echo", depends_on=[parent])
    assert 900 < redis.ttl(Job.key_for(parent)) <= wait_ttl(settings) == 1000
    assert 900 < redis.ttl(Job.key_for(deferred)) <= 1000
    assert 900 < redis.ttl(Job.dependents_key_for(parent)) <= 1000
    broker.cancel(parent)
    assert 900 < redis.ttl(Job.key_for(parent)) <= 1000
    queue = broker.queue("prune")
    assert parent in queue.canceled_job_registry.get_job_ids(cleanup=False)

    redis.delete(Job.key_for(gone))  # as when its TTL lapses
    assert prune_registries(queue, settings) == 0  # nothing is old yet
    later = time.time() + 1001
    assert prune_registries(queue, settings, now=later) == 2
    assert queue.canceled_job_registry.get_job_ids(cleanup=False) == []
    assert queue.deferred_job_registry.get_job_ids(cleanup=False) == [deferred]  # its job still exists


def test_a_workers_maintenance_prunes_stale_registry_entries(redis_url: str) -> None:
    from xner.service.worker import ModelWorker

    redis = Redis.from_url(redis_url)
    settings = Settings(redis_url=redis_url, failure_ttl=10, result_ttl=10)
    queue = Queue("prune", connection=redis)
    old = time.time() - 100
    redis.zadd(queue.canceled_job_registry.key, {"old-canceled": old, "new-canceled": time.time()})
    redis.zadd(queue.deferred_job_registry.key, {"old-deferred": old})
    worker = ModelWorker(["prune"], connection=redis, settings=settings)
    worker.clean_registries()
    assert queue.canceled_job_registry.get_job_ids(cleanup=False) == ["new-canceled"]
    assert queue.deferred_job_registry.get_job_ids(cleanup=False) == []


def test_a_killed_worker_leaves_no_scheduler_behind(redis_url: str, workers: Workers) -> None:
    redis = Redis.from_url(redis_url)
    lock = RQScheduler.get_locking_key("test")
    worker = workers.start("test")
    until(lambda: bool(psutil.Process(worker.pid).children()), what="the scheduler forked")
    until(lambda: bool(redis.exists(lock)), what="the scheduler lock taken")
    (scheduler,) = psutil.Process(worker.pid).children()
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)

    def exited() -> bool:
        try:
            return scheduler.status() == psutil.STATUS_ZOMBIE  # exited, not reaped (its parent is gone)
        except psutil.NoSuchProcess:
            return True

    until(exited, timeout=15, what="the scheduler exits with its worker")
    until(lambda: not redis.exists(lock), timeout=15, what="the scheduler lock released")


# -- embedded broker ------------------------------------------------------------------------------------------------


@pytest.fixture
def small() -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(Settings(embedded_max_jobs=5, retry_max=0))
    yield broker
    broker.close()


def kept(broker: EmbeddedBroker, job_ids: list[str]) -> list[str]:
    return [job_id for job_id in job_ids if broker.info(job_id) is not None]


def test_the_embedded_broker_keeps_the_newest_done_jobs_up_to_its_cap(small: EmbeddedBroker) -> None:
    jobs = [small.enqueue("fast", {"value": i}, step=STEP + "echo") for i in range(20)]
    assert small.wait(jobs[-1], WAIT).status == Status.FINISHED
    assert kept(small, jobs) == jobs[-5:]
    assert small.result(jobs[-1])["value"] == 19


def test_the_embedded_cap_never_forgets_running_jobs_nor_what_waiting_jobs_need(small: EmbeddedBroker) -> None:
    running = small.enqueue("slow", {"seconds": 3}, step=STEP + "sleep")
    until(lambda: small.info(running).status == Status.RUNNING, what="the sleep job runs")
    parent = small.enqueue("fast", {"value": "parent"}, step=STEP + "echo")
    assert small.wait(parent, WAIT).status == Status.FINISHED
    child = small.enqueue("slow", {"value": "child"}, step=STEP + "echo", depends_on=[parent])  # waits behind sleep
    fast = [small.enqueue("fast", {"value": i}, step=STEP + "echo") for i in range(20)]
    assert small.wait(fast[-1], WAIT).status == Status.FINISHED
    assert small.info(running).status == Status.RUNNING
    assert small.info(child).status == Status.QUEUED
    assert small.info(parent) is not None  # the child reads its result when it starts
    assert kept(small, fast) == fast[-2:]  # 5 = running + child + parent + the 2 newest
    assert small.wait(child, WAIT).status == Status.FINISHED
    assert small.result(child)["upstream"][0]["value"] == "parent"


def test_the_embedded_broker_expires_failed_and_canceled_jobs_after_the_failure_ttl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xner.service import broker_embedded

    monkeypatch.setattr(broker_embedded, "PURGE_INTERVAL", 0.0)
    broker = EmbeddedBroker(Settings(result_ttl=3600, failure_ttl=1, retry_max=0))
    try:
        blocker = broker.enqueue("slow", {"seconds": 0.5}, step=STEP + "sleep")
        canceled = broker.enqueue("slow", {}, step=STEP + "echo")
        broker.cancel(canceled)
        failed = broker.enqueue("fast", {}, step=STEP + "crash")
        finished = broker.enqueue("fast", {}, step=STEP + "echo")
        assert broker.wait(finished, WAIT).status == Status.FINISHED
        assert broker.wait(blocker, WAIT).status == Status.FINISHED
        assert broker.info(failed).status == Status.FAILED and broker.info(canceled).status == Status.CANCELED

        def expired() -> bool:
            broker.wait(broker.enqueue("fast", {}, step=STEP + "echo"), WAIT)  # each job's end sweeps
            return broker.info(failed) is None and broker.info(canceled) is None

        until(expired, timeout=10, what="failed and canceled jobs forgotten")
        assert broker.info(finished).status == Status.FINISHED  # kept result_ttl
    finally:
        broker.close()


def test_the_embedded_broker_caps_its_records_forgetting_those_expiring_first(small: EmbeddedBroker) -> None:
    for i in range(8):
        small.save_record(f"r{i}", {"i": i}, ttl=100 + i)
    small.wait(small.enqueue("fast", {}, step=STEP + "echo"), WAIT)
    assert [small.load_record(f"r{i}") for i in range(8)] == [None] * 3 + [{"i": i} for i in range(3, 8)]


def test_past_its_memory_high_water_redis_takes_no_new_work_but_keeps_room_for_results(tmp_path, monkeypatch) -> None:
    """The deployment files bound Redis (``maxmemory``, policy ``noeviction``: no queued job is ever evicted). Past
    ``queue_memory_high_water`` of that bound a submission gets 503 ``queue_full`` with Retry-After while the
    workers can still store their results and jobs can still be read; a store refusing writes outright (here with
    the high-water check off) gives the same answer, not a 500 and not the ``queue_unavailable`` of an unreachable
    store, and keeps nothing half-written; once memory frees, work is taken again."""
    from fastapi.testclient import TestClient

    from tests.service.conftest import RedisServer
    from xner.service.broker_rq import RQBroker
    from xner.suite import build_app

    server = RedisServer(tmp_path).start()
    try:
        redis = Redis.from_url(server.url)
        redis.config_set("maxmemory-policy", "noeviction")
        settings = Settings(redis_url=server.url, translator="identity", aligner="eflomal", retry_max=0)
        broker = RQBroker(settings)
        corpora = iter(range(100))

        def body() -> dict[str, object]:  # a new corpus each time (the same one again is its existing job)
            data = CONLL.replace("Kofi", f"Kofi{next(corpora)}")
            return {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": data}}

        full = {"type": "queue_full", "message": "the job queue is full; retry later", "details": None}

        def used() -> int:
            return int(redis.info("memory")["used_memory"])

        with TestClient(build_app("gateway", settings, broker), raise_server_exceptions=False) as client:
            earlier = client.post("/v1/projections", json=body())
            assert earlier.status_code == 202, earlier.text
            redis.config_set("maxmemory", int(used() / 0.9))  # 90% used: past the 80% high-water mark
            refused = client.post("/v1/projections", json=body())
            assert refused.status_code == 503 and refused.json()["error"] == full, refused.text
            assert int(refused.headers["Retry-After"]) == settings.retry_after
            assert redis.set("a-worker-result", b"x" * 1000)  # the room kept for the jobs already queued
            status = client.get(f"/v1/jobs/{earlier.json()['job_id']}")
            assert status.status_code == 200, status.text  # reading adds no job: served past the mark

            room = used() + 2_000_000  # a job's few keys fit, the ballast does not
            redis.config_set("maxmemory", 0)
            redis.rpush("ballast", *[b"x" * 1000] * 4000)  # small values: no large query buffer stays allocated
            redis.config_set("maxmemory", room)
            with monkeypatch.context() as patched:
                patched.setattr(broker.admission, "memory_used", lambda: None)  # only Redis itself refuses now
                before = set(redis.keys("*"))
                refused = client.post("/v1/projections", json=body())
                assert refused.status_code == 503 and refused.json()["error"] == full, refused.text
                assert int(refused.headers["Retry-After"]) == settings.retry_after
                assert set(redis.keys("*")) == before, "a refused job left keys behind"

            redis.delete("ballast")
            accepted = client.post("/v1/projections", json=body())
            assert accepted.status_code == 202, accepted.text
    finally:
        server.stop()


class FillingUp(EmbeddedBroker):
    """An embedded broker whose store reports a memory share (the embedded broker itself has no memory limit)."""

    share: float | None = None

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.admission.memory_used = lambda: self.share  # type: ignore[method-assign]


def test_every_way_to_add_jobs_is_refused_past_the_high_water_mark_and_nothing_else_is() -> None:
    from xner.service.errors import QueueFull
    from xner.service.limits import admit, admitted_while, claim_slot

    settings = Settings(retry_max=0, queue_memory_high_water=0.5)
    broker = FillingUp(settings)
    try:
        broker.share = 0.5
        with pytest.raises(QueueFull):
            admit(broker, settings, "key", "corpus:a", {"translate": 3})
        with pytest.raises(QueueFull), admitted_while(broker, settings, "key", {"ner": 1}):
            pass
        assert admit(broker, settings, "key", None, {"translate": 0}) is not None  # adds no job
        assert claim_slot(broker, "train:p", "job:x", ttl=60) is not None  # a slot, no job
        broker.share = 0.49
        assert admit(broker, settings, "key", "corpus:b", {"translate": 3}) is not None
        broker.share = None  # no limit: never refused
        assert admit(broker, settings, "key", "corpus:c", {"translate": 3}) is not None
    finally:
        broker.close()
