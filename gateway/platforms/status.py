"""A platform project's state as the API reports it (language, label map, fine-tuning job)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any

from fastapi import Depends, Path

from gateway.platforms.projects import load_project, parse_project_id, promote
from xner.service.broker import Broker, Status
from xner.service.errors import NotFound


def project_path(
    project: Annotated[str, Path(description="The platform's integer project id", examples=["12"])],
) -> int:
    """The ``{project}`` path segment as a project id; anything but an integer id is a 422 naming ``project``."""
    return parse_project_id(project, "project")


ProjectPathDep = Annotated[int, Depends(project_path)]
"""``GET .../projects/{project}``'s project id, parsed (the path segment stays a string until then, so that a
malformed one is the parser's 422 rather than a generic validation error)."""


def project_status(broker: Broker, owner: str, tool: str, project: int) -> dict[str, Any]:
    """``{"project", "lang", "label_map", "projection", "model": {"dir", "job", "lang"} | None, "training":
    {"job_id", "status", "error", "result", "model_dir", "lang"} | None}``; 404 for a project the owner has not
    used. Model directories are named relative to ``XNER_TRAIN_DIR`` (a response never shows a server path)."""
    record = load_project(broker, owner, tool, project)
    if not record:
        raise NotFound(f"no {tool} project {project} for this API key (call setup, predict with it, or train it first)")
    promote(broker, owner, tool, project, record)
    model = record.get("model_dir")
    training = None
    job = record.get("train_job")
    if job:
        info = broker.info(job)
        status = info.status if info is not None else None
        training = {
            "job_id": job,
            "status": status.value if status is not None else "expired",
            "error": info.error if info is not None else None,
            "result": _public_result(broker.result(job)) if status == Status.FINISHED else None,
            "model_dir": _public_dir(record.get("train_model_dir")),
            "lang": record.get("train_lang"),
        }
    return {
        "project": project,
        "lang": record.get("lang"),
        "label_map": record.get("label_map", {}),
        "projection": record.get("projection", {}),
        "model": {"dir": _public_dir(model), "job": record.get("model_job"), "lang": record.get("model_lang")}
        if model
        else None,
        "training": training,
    }


def _public_dir(path: Any) -> str | None:
    """A fine-tuned model's directory as clients see it: its name under ``XNER_TRAIN_DIR``."""
    return PurePath(str(path)).name if path else None


def _public_result(result: Any) -> Any:
    """A fine-tuning job's result with its output directory named as :func:`_public_dir` does."""
    if isinstance(result, dict) and "output_dir" in result:
        return {**result, "output_dir": _public_dir(result["output_dir"])}
    return result
