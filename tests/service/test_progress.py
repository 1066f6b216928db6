"""Progress by sentences within a step: what a step reports becomes its job's fraction done (both brokers), and a
corpus job's progress counts sentences through its steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.service.conftest import until
from tests.service.test_broker import QUEUE, STEP, WAIT, broker  # noqa: F401  (the fixture over both brokers)
from xner.progress import report
from xner.service import steps
from xner.service.broker import JobInfo, Status
from xner.service.steps import PROGRESS_META


def test_a_step_s_reports_become_a_never_decreasing_fraction():
    seen: list[float] = []

    def step(payload: dict[str, Any], upstream: list[Any]) -> str:
        for done, total in [(0, 4), (1, 4), (3, 4), (1, 2), (5, None), (2, 2)]:
            report("work", done, total)
        return "ok"

    steps.register({"progress_test": step}, replace=True)
    assert steps.execute("progress_test", {}, [], progress=seen.append) == "ok"
    assert seen == [0.25, 0.75, 1.0]


def test_a_running_job_shows_the_part_its_step_reported(broker, tmp_path: Path):  # noqa: F811
    release = tmp_path / "release"
    job = broker.enqueue(QUEUE, {"release": str(release)}, step=STEP + "halfway")
    until(lambda: _progress(broker.info(job)) == 0.5, what="the step to report half its work")
    assert broker.info(job).status == Status.RUNNING
    release.touch()
    info = broker.wait(job, WAIT)
    assert info is not None and info.status == Status.FINISHED and broker.result(job) == {"released": True}


def _progress(info: JobInfo | None) -> float | None:
    return None if info is None else info.meta.get(PROGRESS_META)


class _Infos:
    """A broker stand-in answering ``info`` from a table."""

    def __init__(self, infos: dict[str, JobInfo]) -> None:
        self.infos = infos

    def info(self, job_id: str) -> JobInfo | None:
        return self.infos.get(job_id)


def test_corpus_progress_counts_sentences_through_steps_and_running_parts():
    from gateway.corpus_jobs import status

    def info(job_id: str, state: Status, fraction: float | None = None) -> JobInfo:
        meta = {} if fraction is None else {PROGRESS_META: fraction}
        return JobInfo(job_id, "q", state, None, None, [], meta)

    jobs = [("t0", "translate", 100), ("t1", "translate", 50), ("a", "align", 150), ("p", "project", 150)]
    record = {
        "id": "c",
        "sentences": 150,
        "languages": {
            "es": {
                "jobs": [{"id": i, "step": s, "sentences": n} for i, s, n in jobs],
                "outputs": ["p"],
                "chunk_sizes": [150],
            }
        },
    }
    infos = _Infos(
        {
            "t0": info("t0", Status.FINISHED),
            "t1": info("t1", Status.FINISHED),
            "a": info("a", Status.RUNNING, 0.4),
            "p": info("p", Status.QUEUED),
        }
    )
    progress = status(infos, record)["progress"]  # type: ignore[arg-type]
    assert progress == {"done": 100 + 50 + 60, "total": 450, "jobs_done": 2, "jobs_total": 4}
