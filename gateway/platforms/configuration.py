"""A platform project's projection configuration: how its pre-annotations are made when translate-test answers.

``PUT /{tool}/projects/{project}/projection`` (Label Studio and INCEpTION; doccano has no projects, its request
body carries the configuration) stores a
:class:`~xner.project.config.ProjectionConfig` on the project's record (Label Studio's ``setup`` takes it too, as
``extra_params.projection``); the project's predictions use it from then on, under the server's
``XNER_PROJECTION``. It is checked when stored (a backend the server does not allow, a field translate-test does
not use: a 422 naming it), so a prediction never meets a bad configuration.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gateway.platforms.auth import PlatformOwnerDep
from gateway.platforms.projects import load_project, save_project
from gateway.platforms.status import ProjectPathDep
from gateway.tagging import pivot_tagger
from xner.project.config import ProjectionConfig, parse_projection
from xner.service.backends import resolve_projection
from xner.service.broker import Broker
from xner.service.deps import BrokerDep, SettingsDep
from xner.service.settings import Settings

RECORD_FIELD = "projection"
"""The project record's field holding its configuration (the fields it sets, JSON)."""


def checked(config: ProjectionConfig, settings: Settings, *, where: str = "projection") -> dict[str, Any]:
    """The fields ``config`` sets, as stored, after checking that translate-test can run with them (errors name
    ``where.field``)."""
    pivot_tagger(resolve_projection(config, settings, "translate-test", where=where), settings, where=where)
    return config.model_dump(mode="json", exclude_unset=True)


def project_projection(record: dict[str, Any]) -> ProjectionConfig | None:
    """The configuration stored on a project's record, if any."""
    stored = record.get(RECORD_FIELD)
    return parse_projection(stored, where=RECORD_FIELD) if stored else None


def store(
    broker: Broker, owner: str, tool: str, project: int, config: ProjectionConfig, settings: Settings
) -> dict[str, Any]:
    record = load_project(broker, owner, tool, project)
    record[RECORD_FIELD] = checked(config, settings)
    save_project(broker, owner, tool, project, record)
    return {"project": project, "projection": record[RECORD_FIELD]}


def add_projection_route(router: APIRouter, tool: str) -> None:
    """``PUT /projects/{project}/projection`` on ``router`` for ``tool``."""

    @router.put(
        "/projects/{project}/projection",
        summary="Set the project's projection configuration (translate-test pre-annotations).",
    )
    def set_projection(
        project: ProjectPathDep,
        body: ProjectionConfig,
        settings: SettingsDep,
        broker: BrokerDep,
        owner: PlatformOwnerDep,
    ) -> dict[str, Any]:
        return store(broker, owner, tool, project, body, settings)
