"""The broker contract, run against both implementations: embedded (threads) and RQ (real Redis + worker)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.service.conftest import until
from tests.service.fake_steps import FAKE_STEP_PREFIX
from xner.service.broker import KEEP_META, Broker, Status
from xner.service.settings import Settings
from xner.service.steps import TOLERATE

STEP = FAKE_STEP_PREFIX
QUEUE = "test"
WAIT = 30.0
RECORD_TTL = 5
"""Seconds a test record lives unless kept alive (longer than a test worker takes to start)."""


@pytest.fixture(params=["embedded", "rq"])
def broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    if request.param == "embedded":
        from xner.service.broker_embedded import EmbeddedBroker

        embedded = EmbeddedBroker(Settings(retry_max=2, retry_intervals=[0]))
        yield embedded
        embedded.close()
        return
    from xner.service.broker_rq import RQBroker

    url = request.getfixturevalue("redis_url")
    workers = request.getfixturevalue("workers")
    workers.start(QUEUE, XNER_RETRY_MAX="2")
    yield RQBroker(Settings(redis_url=url, retry_max=2, retry_intervals=[0]))


def test_chained_jobs_see_upstream_results_in_order(broker):
    a = broker.enqueue(QUEUE, {"value": 1}, step=STEP + "add")
    b = broker.enqueue(QUEUE, {"value": 10}, step=STEP + "add", depends_on=[a])
    c = broker.enqueue(QUEUE, {"value": "c"}, step=STEP + "echo", depends_on=[b, a])
    info = broker.wait(c, WAIT)
    assert info is not None and info.status == Status.FINISHED, info
    result = broker.result(c)
    assert result["upstream"] == [{"value": 11}, {"value": 1}]
    assert broker.result(b) == {"value": 11}


def test_bad_input_fails_at_once_with_its_reason_and_fails_dependents(broker):
    bad = broker.enqueue(QUEUE, {"value": "chunk 2"}, step=STEP + "bad_input")
    child = broker.enqueue(QUEUE, {}, step=STEP + "echo", depends_on=[bad])
    grandchild = broker.enqueue(QUEUE, {}, step=STEP + "echo", depends_on=[child])
    info = broker.wait(bad, WAIT)
    assert info is not None and info.status == Status.FAILED
    assert "sentence 3 is empty (chunk 2)" in (info.error or "")
    for dependent in (child, grandchild):  # the root cause, flat: no chain of "dependency <id> failed:" prefixes
        dependent_info = broker.wait(dependent, 5)
        assert dependent_info is not None and dependent_info.status == Status.FAILED
        assert dependent_info.error == info.error and "dependency" not in (dependent_info.error or "")


def test_exceptions_are_retried_then_fail_with_the_reason(broker, tmp_path: Path):
    marker = tmp_path / "attempts"
    job = broker.enqueue(QUEUE, {"marker": str(marker), "fail_times": 2}, step=STEP + "flaky")
    info = broker.wait(job, WAIT)
    assert info is not None and info.status == Status.FINISHED, info
    assert broker.result(job) == {"value": 2}  # two failures, then success on the third attempt

    marker2 = tmp_path / "attempts2"
    job2 = broker.enqueue(QUEUE, {"marker": str(marker2), "fail_times": 99}, step=STEP + "flaky")
    info2 = broker.wait(job2, WAIT)
    assert info2 is not None and info2.status == Status.FAILED
    assert "transient failure 3" in (info2.error or "")
    assert len(marker2.read_text().splitlines()) == 3  # 1 try + 2 retries


def test_cancel_a_queued_job_and_its_position(broker):
    running = broker.enqueue(QUEUE, {"seconds": 1.5}, step=STEP + "sleep")
    queued = broker.enqueue(QUEUE, {"value": 1}, step=STEP + "echo")
    later = broker.enqueue(QUEUE, {"value": 2}, step=STEP + "echo")
    deadline = time.monotonic() + WAIT
    while broker.info(running).status != Status.RUNNING and time.monotonic() < deadline:
        time.sleep(0.02)
    assert broker.info(running).status == Status.RUNNING
    assert broker.info(queued).position == 0
    assert broker.info(later).position == 1
    assert broker.queue_length(QUEUE) == 2
    broker.cancel(queued)
    assert broker.info(queued).status == Status.CANCELED
    assert broker.wait(later, WAIT).status == Status.FINISHED
    assert broker.wait(running, WAIT).status == Status.FINISHED
    assert broker.info(queued).status == Status.CANCELED
    counts = broker.job_counts(QUEUE)
    assert set(counts) == {"queued", "deferred", "started", "finished", "failed", "canceled"}  # on both brokers
    assert counts["canceled"] >= 1 and counts["finished"] >= 2


def test_cancel_a_running_job(broker):
    job = broker.enqueue(QUEUE, {"seconds": 3}, step=STEP + "sleep")
    deadline = time.monotonic() + WAIT
    while broker.info(job).status != Status.RUNNING and time.monotonic() < deadline:
        time.sleep(0.02)
    assert broker.info(job).status == Status.RUNNING
    broker.cancel(job)
    info = broker.wait(job, WAIT)
    assert info is not None and info.status in (Status.CANCELED, Status.FAILED)


def test_records_and_unknown_jobs(broker):
    broker.save_record("corpus-1", {"chunks": ["a", "b"]}, ttl=60)
    assert broker.load_record("corpus-1") == {"chunks": ["a", "b"]}
    assert broker.load_record("nope") is None
    assert broker.info("no-such-job") is None
    assert broker.ping()


def test_embedded_broker_forgets_jobs_past_their_ttl(monkeypatch):
    from xner.service import broker_embedded

    monkeypatch.setattr(broker_embedded, "PURGE_INTERVAL", 0.0)
    embedded = broker_embedded.EmbeddedBroker(Settings(result_ttl=1, failure_ttl=1))
    try:
        old = embedded.enqueue(QUEUE, {"value": 1}, step=STEP + "echo")
        assert embedded.wait(old, WAIT).status == Status.FINISHED
        embedded.save_record("r", {"x": 1}, ttl=1)
        time.sleep(1.2)
        new = embedded.enqueue(QUEUE, {"value": 2}, step=STEP + "echo")  # sweeps on enqueue
        assert embedded.info(old) is None
        assert embedded.load_record("r") is None
        assert embedded.wait(new, WAIT).status == Status.FINISHED
    finally:
        embedded.close()


def test_a_job_allowing_failures_runs_after_a_failed_dependency_and_sees_its_reason(broker):
    crashed = broker.enqueue(QUEUE, {}, step=STEP + "crash")
    fine = broker.enqueue(QUEUE, {"value": "fine"}, step=STEP + "echo")
    tolerant = broker.enqueue(
        QUEUE, {"value": "t", TOLERATE: [0, 1]}, step=STEP + "echo", depends_on=[crashed, fine], allow_failure=True
    )
    strict = broker.enqueue(QUEUE, {"value": "s"}, step=STEP + "echo", depends_on=[crashed, fine])
    info = broker.wait(tolerant, WAIT)
    assert info is not None and info.status == Status.FINISHED, info
    failed, ok = broker.result(tolerant)["upstream"]
    assert "the model exploded" in failed["error"]["message"] and ok["value"] == "fine"
    strict_info = broker.wait(strict, 5)
    assert (
        strict_info is not None
        and strict_info.status == Status.FAILED
        and strict_info.error == "RuntimeError: the model exploded"
    )  # its root cause, flat


def test_a_tolerant_job_fails_when_every_tolerated_dependency_failed(broker):
    crashed = broker.enqueue(QUEUE, {}, step=STEP + "crash")
    tolerant = broker.enqueue(QUEUE, {TOLERATE: [0]}, step=STEP + "echo", depends_on=[crashed], allow_failure=True)
    info = broker.wait(tolerant, WAIT)
    assert info is not None and info.status == Status.FAILED
    assert "the model exploded" in (info.error or "") and crashed not in (info.error or "")


def test_enqueueing_an_existing_job_id_changes_nothing(broker):
    first = broker.enqueue(QUEUE, {"value": 1}, step=STEP + "echo", job_id="same-job")
    assert broker.wait(first, WAIT).status == Status.FINISHED
    again = broker.enqueue(QUEUE, {"value": 2}, step=STEP + "echo", job_id="same-job")
    assert again == first
    assert broker.wait(again, WAIT).status == Status.FINISHED
    assert broker.result(again)["value"] == 1
    assert broker.payload(again) == {"value": 1}
    assert broker.payload("no-such-job") is None


def test_concurrent_identical_enqueues_run_the_job_once(broker, tmp_path: Path):
    marker = tmp_path / "runs"
    start = threading.Barrier(8)

    def submit() -> str:
        start.wait()
        return broker.enqueue(QUEUE, {"marker": str(marker), "fail_times": 0}, step=STEP + "flaky", job_id="twin")

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda _: submit(), range(8)))
    assert set(ids) == {"twin"}
    assert broker.wait("twin", WAIT).status == Status.FINISHED
    follow = broker.enqueue(QUEUE, {"value": 0}, step=STEP + "echo")  # queued behind any duplicate of "twin"
    assert broker.wait(follow, WAIT).status == Status.FINISHED
    assert len(marker.read_text().splitlines()) == 1


def test_a_running_job_keeps_its_records_alive(broker):
    """Records a running job names outlive their own TTL; others expire. Conditions, not clocks: the records are
    written once the job runs (so a slow start under load cannot expire them first), and the check waits until the
    unrelated record has expired."""
    job = broker.enqueue(
        QUEUE, {"seconds": 1.0}, step=STEP + "sleep", meta={KEEP_META: {"keys": ["corpus-alive"], "ttl": 60}}
    )
    until(lambda: broker.info(job).status != Status.QUEUED, WAIT, "the job runs")
    broker.save_record("corpus-alive", {"x": 1}, ttl=RECORD_TTL)
    broker.save_record("corpus-unrelated", {"x": 2}, ttl=RECORD_TTL)
    assert broker.wait(job, WAIT).status == Status.FINISHED  # its last keep-alive runs after the step
    until(lambda: broker.load_record("corpus-unrelated") is None, RECORD_TTL * 4, "the unrelated record expires")
    assert broker.load_record("corpus-alive") == {"x": 1}


@pytest.mark.parametrize("broker", ["rq"], indirect=True)  # only RQ keeps sets of dependents
def test_no_dependents_set_outlives_its_jobs(broker):
    """A job enqueued after one of its dependencies finished makes RQ re-create that dependency's set of
    dependents without a TTL; the worker gives it one when the job runs, so nothing stays in Redis for ever."""
    from rq.job import Job

    done = broker.enqueue(QUEUE, {"value": 1}, step=STEP + "echo")
    assert broker.wait(done, WAIT).status == Status.FINISHED
    slow = broker.enqueue(QUEUE, {"seconds": 0.5}, step=STEP + "sleep")
    child = broker.enqueue(QUEUE, {}, step=STEP + "echo", depends_on=[done, slow])
    assert broker.wait(child, WAIT).status == Status.FINISHED
    key = Job.dependents_key_for(done)
    assert broker.redis.ttl(key) != -1  # -2: gone, or a TTL: it expires
