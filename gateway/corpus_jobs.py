"""Corpus jobs: submit a plan's jobs through the broker, report status and progress, cancel, read results.

A corpus job is a record (stored by the broker for the result TTL) naming, per target language, the jobs of its
plan and which of them hold the output. Its id is a hash of the corpus, the languages and the options, so
re-submitting the same request returns the same job instead of running it again (unless the earlier run failed
or was canceled: then a new attempt runs under a new id).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from gateway.plans import Plan
from xner.hashing import content_hash
from xner.service.broker import KEEP_META, Broker, Status
from xner.service.errors import NotFound
from xner.service.failures import failed_record
from xner.service.steps import PROGRESS_META

RECORD_KEY = "corpus:{}"
"""Broker record key of a corpus job."""


def content_id(payload: Any) -> str:
    """A stable id for a request: the first 32 hex digits of its :func:`~xner.hashing.content_hash`."""
    return content_hash(payload)[:32]


def job_id_for(corpus_id: str, key: str) -> str:
    """RQ job ids allow letters, digits, ``_`` and ``-`` only."""
    return f"{corpus_id}-{key.replace('.', '-')}"


def submit(broker: Broker, corpus_id: str, plans: list[Plan], *, sentences: int, owner: str | None, ttl: int) -> None:
    """Enqueue every job of every plan (dependencies first) and store the corpus record."""
    languages: dict[str, Any] = {}
    for plan in plans:
        ids = {job.key: job_id_for(corpus_id, job.key) for job in plan.jobs}
        for job in plan.jobs:
            broker.enqueue(
                job.step,  # each service's queue runs the step named like it
                job.payload,
                job_id=ids[job.key],
                depends_on=[ids[key] for key in job.depends_on],
                allow_failure=job.allow_failure,
                meta={
                    "corpus": corpus_id,
                    "language": plan.language,
                    "step": job.step,
                    KEEP_META: {"keys": [RECORD_KEY.format(corpus_id)], "ttl": ttl},
                },
            )
        languages[plan.language] = {
            "jobs": [{"id": ids[job.key], "step": job.step, "sentences": job.sentences} for job in plan.jobs],
            "outputs": [ids[key] for key in plan.outputs],
            "chunk_sizes": plan.chunk_sizes,
        }
    record = {
        "id": corpus_id,
        "created": time.time(),
        "sentences": sentences,
        "owner": owner,
        "languages": languages,
        "canceled": False,
    }
    broker.save_record(RECORD_KEY.format(corpus_id), record, ttl)


def load(broker: Broker, corpus_id: str) -> dict[str, Any]:
    record = broker.load_record(RECORD_KEY.format(corpus_id))
    if record is None:
        raise NotFound(f"no job {corpus_id!r} (unknown, or its results expired)")
    return record


def status(broker: Broker, record: dict[str, Any]) -> dict[str, Any]:
    """The job API's view: status, progress, queue position, per-chunk failures with reasons.

    Progress counts sentences through steps: a job over ``n`` sentences adds ``n`` to ``total``, and to ``done``
    ``n`` once it is done (finished, failed or canceled) or, while it runs, ``n`` times the fraction its step has
    reported (:data:`~xner.service.steps.PROGRESS_META`) -- so it advances within a step, not by chunks."""
    jobs = [(language, job) for language, plan in record["languages"].items() for job in plan["jobs"]]
    states = {job["id"]: (language, job["step"], broker.info(job["id"])) for language, job in jobs}  # one look each
    infos = list(states.values())
    jobs_done = sum(1 for _, _, info in infos if info is None or info.status.done)
    done = total = 0.0
    for _, job in jobs:
        size = max(1, int(job.get("sentences", 1)))  # records from before sizes were kept: one unit per job
        info = states[job["id"]][2]
        total += size
        if info is None or info.status.done:
            done += size
        elif info.status == Status.RUNNING:
            done += size * min(1.0, float(info.meta.get(PROGRESS_META, 0.0)))
    errors = [
        {"language": language, "job_id": info.id, "step": step, "reason": info.error or "failed"}
        for language, step, info in infos
        if info is not None and info.status == Status.FAILED
    ]
    output_states = [states[job_id][2] for plan in record["languages"].values() for job_id in plan["outputs"]]
    if record.get("canceled"):
        overall = "canceled"
    elif all(info is not None and info.status.done for info in output_states):
        overall = "finished" if any(i is not None and i.status == Status.FINISHED for i in output_states) else "failed"
    elif any(
        info is not None and info.status in (Status.RUNNING, Status.FINISHED, Status.FAILED) for _, _, info in infos
    ):
        overall = "running"
    else:
        overall = "queued"
    positions = [info.position for _, _, info in infos if info is not None and info.position is not None]
    return {
        "job_id": record["id"],
        "status": overall,
        "progress": {"done": int(done), "total": int(total), "jobs_done": jobs_done, "jobs_total": len(infos)},
        "queue_position": min(positions) if positions else None,
        "sentences": record["sentences"],
        "languages": list(record["languages"]),
        "errors": errors,
    }


def cancel(broker: Broker, record: dict[str, Any], ttl: int) -> None:
    """Cancel every queued job of the corpus job and stop the running ones (a job that is done stays as it is)."""
    if status(broker, record)["status"] not in ("queued", "running"):
        return
    for plan in record["languages"].values():
        for job in reversed(plan["jobs"]):
            broker.cancel(job["id"])
    record["canceled"] = True
    broker.save_record(RECORD_KEY.format(record["id"]), record, ttl)


def output_records(broker: Broker, record: dict[str, Any], language: str) -> Iterator[dict[str, Any]]:
    """The projected records of one language in corpus order; a chunk that failed or did not finish yields, for
    each of its sentences, the input sentence with status ``failed`` and the reason (read from the chunk's project
    job), so every input sentence appears exactly once and nothing is lost."""
    plan = record["languages"][language]
    index = 0
    for job_id, size in zip(plan["outputs"], plan["chunk_sizes"], strict=True):
        info = broker.info(job_id)
        result = broker.result(job_id) if info is not None and info.status == Status.FINISHED else None
        if isinstance(result, dict) and isinstance(result.get("sentences"), list):
            for item in result["sentences"]:
                yield item
                index += 1
            continue
        state = "canceled" if record.get("canceled") else (info.status.value if info is not None else "expired")
        reason = (info.error if info is not None else None) or f"chunk {state}"
        payload = broker.payload(job_id) or {}
        given = [payload.get(key) for key in ("inputs", "sources")]  # inputs: the user's, under back-translations
        sources = next((value for value in given if isinstance(value, list)), None)
        for k in range(size):
            source = sources[k] if sources is not None and k < len(sources) else {}
            yield failed_record(source, index, reason)
            index += 1
