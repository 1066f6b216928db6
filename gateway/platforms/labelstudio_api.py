"""Fetch a project's annotated tasks from Label Studio (``XNER_LABELSTUDIO_URL``, ``XNER_LABELSTUDIO_API_KEY``),
for a ``START_TRAINING`` webhook that does not carry them: ``GET <url>/api/projects/<id>/export?exportType=JSON``
with ``Authorization: Token <key>``."""

from __future__ import annotations

from typing import Any

import httpx

from xner.errors import BackendError, InputError
from xner.service.settings import Settings

FETCH_TIMEOUT = 60.0
"""Seconds to wait for Label Studio's export."""


def fetch_tasks(settings: Settings, project: str, client: httpx.Client | None = None) -> list[Any]:
    """The project's tasks with their annotations, from Label Studio's export API."""
    if not settings.labelstudio_url:
        raise InputError(
            "the webhook carries no tasks and XNER_LABELSTUDIO_URL is not set, so there are no annotations to "
            "train on: send the tasks in the payload or configure the Label Studio URL and key"
        )
    url = f"{settings.labelstudio_url.rstrip('/')}/api/projects/{project}/export"
    headers = {"Authorization": f"Token {settings.labelstudio_api_key}"} if settings.labelstudio_api_key else {}
    http = client or httpx.Client(timeout=FETCH_TIMEOUT)
    try:
        response = http.get(url, params={"exportType": "JSON", "download_all_tasks": "false"}, headers=headers)
    except httpx.HTTPError as exc:
        raise BackendError(f"could not fetch the annotations of project {project} from Label Studio: {exc}") from None
    finally:
        if client is None:
            http.close()
    if response.status_code != 200:
        raise BackendError(
            f"Label Studio answered {response.status_code} to the export of project {project}: {response.text[:200]}"
        )
    try:
        tasks = response.json()
    except ValueError:
        raise BackendError(
            f"Label Studio's export of project {project} is not JSON (check XNER_LABELSTUDIO_URL): "
            f"{response.text[:200]}"
        ) from None
    if not isinstance(tasks, list):
        raise BackendError(f"Label Studio's export of project {project} is not a list of tasks")
    return tasks
