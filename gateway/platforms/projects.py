"""Per-project state of the platform endpoints, kept as broker records: the project's language, label map and
label config, and its fine-tuning job. A record belongs to the API key that wrote it (the owner id of
:func:`gateway.platforms.auth.basic_or_bearer_owner`, ``anonymous`` when the API is open): project 1 of one key is
not project 1 of another. Once a project's fine-tuning job has finished, predictions for the project
in the language it was trained for use the fine-tuned model (``hf:<train_dir>/<tool>-<owner>-<project>-<job>``) as a
native tagger. The record keeps the model once promoted (``model_dir``, ``model_job``, ``model_lang``), so it
stays in use after the job's own record expires and while a newer job trains."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.defaults import DEV_EVERY, MIN_TRAIN_SENTENCES
from xner.corpus import Sentence
from xner.errors import FormatError, InputError
from xner.formats.jsonl import sentence_record
from xner.service.broker import Broker, Status
from xner.service.defaults import PLATFORM_PROJECT_TTL, TRAIN_QUEUE
from xner.service.errors import TooManyRequests
from xner.service.limits import JOB_WORK, admit, claim_slot
from xner.service.settings import Settings

RECORD_KEY = "platform:{owner}:{tool}:{project:d}"
"""Broker record of one project (an integer id: ``:d`` refuses anything else) of one tool, of one owner (API key)."""


MAX_PROJECT_ID = 2**63 - 1
"""The largest project id: a Java ``long`` (INCEpTION's ids) and a PostgreSQL ``bigint`` (Label Studio's)."""

_DECIMAL = re.compile(rf"[0-9]{{1,{len(str(MAX_PROJECT_ID))}}}")
"""A project id written as a string: ASCII digits only (no sign, space, point or exponent), at most 19."""


def parse_project_id(value: object, field: str) -> int:
    """A platform's project id as a positive integer, from a JSON integer or a string of ASCII digits; anything
    else (a bool, a float, a sign, a path, more digits than a 64-bit id has) is a 422 naming ``field``. Every
    project id from a request passes here before it reaches a record key, a directory name or a URL."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_PROJECT_ID:
        return value
    raise FormatError(
        f"must be an integer project id (a whole number from 1 to {MAX_PROJECT_ID})", source="request", field=field
    )


def load_project(broker: Broker, owner: str, tool: str, project: int) -> dict[str, Any]:
    """The owner's project's record (empty for a project the owner never used)."""
    return broker.load_record(RECORD_KEY.format(owner=owner, tool=tool, project=project)) or {}


def save_project(broker: Broker, owner: str, tool: str, project: int, record: dict[str, Any]) -> None:
    broker.save_record(RECORD_KEY.format(owner=owner, tool=tool, project=project), record, PLATFORM_PROJECT_TTL)


@dataclass(frozen=True, slots=True)
class TunedModel:
    """A project's fine-tuned model: its tagger spec and the job that trained it."""

    spec: str
    job: str


def promote(broker: Broker, owner: str, tool: str, project: int, record: dict[str, Any]) -> None:
    """Make the project's training job's model its model once the job has finished (updates ``record``)."""
    job = record.get("train_job")
    if job and job != record.get("model_job"):
        info = broker.info(job)
        if info is not None and info.status == Status.FINISHED:
            record.update(model_job=job, model_dir=record["train_model_dir"], model_lang=record["train_lang"])
            save_project(broker, owner, tool, project, record)


def project_tagger(
    broker: Broker, owner: str, tool: str, project: int | None, record: dict[str, Any], lang: str
) -> TunedModel | None:
    """The project's fine-tuned model for ``lang`` (after :func:`promote`), else ``None``."""
    if project is not None:
        promote(broker, owner, tool, project, record)
    if record.get("model_dir") and record.get("model_lang") == lang:
        return TunedModel(f"hf:{record['model_dir']}", str(record["model_job"]))
    return None


def start_training(
    broker: Broker, settings: Settings, owner: str, tool: str, project: int, sentences: list[Sentence], lang: str
) -> str:
    """Enqueue a fine-tuning job on the ``train`` queue over the project's annotated sentences; return its id.
    429 while the project's previous job is queued or running (decided atomically), or when the key's quota or the
    train queue is full; 422 with too few annotated sentences."""
    record = load_project(broker, owner, tool, project)
    previous = record.get("train_job")
    info = broker.info(previous) if previous else None
    if info is not None and not info.status.done:
        raise TooManyRequests(f"project {project} is already training (job {previous})", retry_after=60)
    annotated = [s for s in sentences if s.tokens]
    if len(annotated) < MIN_TRAIN_SENTENCES:
        raise InputError(
            f"project {project} has {len(annotated)} annotated sentences; fine-tuning needs at least "
            f"{MIN_TRAIN_SENTENCES}"
        )
    held_out = {k for k in range(len(annotated)) if k % DEV_EVERY == DEV_EVERY - 1} or {len(annotated) - 1}
    job_id = uuid.uuid4().hex
    work, slot = f"{JOB_WORK}{job_id}", f"{owner}:training:{tool}:{project:d}"
    claim = claim_slot(broker, slot, work, settings.train_timeout)  # atomic: two webhooks at once train once
    if claim is None:
        raise TooManyRequests(f"project {project} is already training", retry_after=60)
    try:
        admitted = admit(broker, settings, owner, work, {TRAIN_QUEUE: 1})
    except BaseException:
        broker.admission.release(slot, claim.member or "")
        raise
    model_dir = str(Path(settings.train_dir) / f"{tool}-{_safe(owner)}-{project:d}-{job_id[:12]}")
    payload = {
        "train": [sentence_record(s) for k, s in enumerate(annotated) if k not in held_out],
        "dev": [sentence_record(s) for k, s in enumerate(annotated) if k in held_out],
        "base": settings.train_base,
        "output_dir": model_dir,
        "epochs": settings.train_epochs,
        "lang": lang,
    }
    try:
        broker.enqueue(TRAIN_QUEUE, payload, job_id=job_id)  # no retries in either broker (RQ: train_timeout)
    except BaseException:
        broker.admission.release(slot, claim.member or "")
        broker.admission.release(owner, admitted.member or "")
        raise
    finally:
        broker.admission.settle(claim)
        broker.admission.settle(admitted)
    record.update(train_job=job_id, train_model_dir=model_dir, train_lang=lang)
    save_project(broker, owner, tool, project, record)
    return job_id


def _safe(name: str) -> str:
    """``name`` as a piece of a directory name: letters, digits, ``-`` and ``_`` only, at most 64 characters (an
    owner id is a key hash or ``anonymous`` already; this keeps it so whatever the owner ids become)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:64] or "project"
