"""Fetch a project's annotated tasks from Label Studio (``XNER_LABELSTUDIO_URL``, ``XNER_LABELSTUDIO_API_KEY``),
for a ``START_TRAINING`` webhook that does not carry them: ``GET <url>/api/projects/<id>/export?exportType=JSON``
with ``Authorization: Token <key>``.

The URL is built from the configured base URL and the integer project id with httpx's URL API, so a request can
choose nothing in it but the number. Label Studio's answers never reach the caller: its errors are reported by
status code and project id (the body is logged at debug level), since the request was made with the server's token.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from gateway.defaults import FETCH_TIMEOUT, LOGGED_BODY
from xner import jsonlimits
from xner.errors import BackendError, InputError
from xner.service.settings import Settings

log = logging.getLogger("xner.platforms")


def export_url(base: str, project: int) -> httpx.URL:
    """``<base>/api/projects/<project>/export``: the base's path prefix is kept (``http://host/ls`` and
    ``http://host/ls/`` both give ``http://host/ls/api/...``), its query and fragment are dropped. 502 when the base
    is not an http(s) URL with a host."""
    try:
        root = httpx.URL(base)
    except httpx.InvalidURL:
        raise BackendError("XNER_LABELSTUDIO_URL is not a valid URL") from None
    if root.scheme not in ("http", "https") or not root.host:
        raise BackendError("XNER_LABELSTUDIO_URL must be an http:// or https:// URL with a host")
    if not root.path.endswith("/"):
        root = root.copy_with(path=root.path + "/")
    return root.join(f"api/projects/{project:d}/export")


def fetch_tasks(settings: Settings, project: int, client: httpx.Client | None = None) -> list[Any]:
    """The project's tasks with their annotations, from Label Studio's export API."""
    if not settings.labelstudio_url:
        raise InputError(
            "the webhook carries no tasks and XNER_LABELSTUDIO_URL is not set, so there are no annotations to "
            "train on: send the tasks in the payload or configure the Label Studio URL and key"
        )
    url = export_url(settings.labelstudio_url, project)
    headers = {"Authorization": f"Token {settings.labelstudio_api_key}"} if settings.labelstudio_api_key else {}
    http = client or httpx.Client(timeout=FETCH_TIMEOUT)
    try:
        # A redirect is never followed (httpx's default, kept explicit here even for a caller's client): the
        # token must not travel to wherever a Location header points. A 3xx is an error like any non-200.
        response = http.get(
            url,
            params={"exportType": "JSON", "download_all_tasks": "false"},
            headers=headers,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        log.warning("fetching the export of Label Studio project %d failed: %r", project, exc)
        raise BackendError(
            f"could not fetch the annotations of project {project} from Label Studio ({type(exc).__name__})"
        ) from None
    finally:
        if client is None:
            http.close()
    return _tasks(response, project)


def _tasks(response: httpx.Response, project: int) -> list[Any]:
    """The task list of an export answer; a :class:`BackendError` naming the status and project otherwise."""
    if response.status_code != 200:
        _log_body(response, project)
        raise BackendError(f"Label Studio answered {response.status_code} to the export of project {project}")
    try:
        tasks = jsonlimits.loads(response.content)  # a hostile or broken answer is bounded like any input
    except ValueError:  # malformed JSON, or beyond the JSON limits
        _log_body(response, project)
        raise BackendError(
            f"Label Studio's export of project {project} is not JSON (check XNER_LABELSTUDIO_URL)"
        ) from None
    if not isinstance(tasks, list):
        raise BackendError(f"Label Studio's export of project {project} is not a list of tasks")
    return tasks


def _log_body(response: httpx.Response, project: int) -> None:
    """Log the start of an unexpected answer at debug level (it is never part of an error a client sees)."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "Label Studio answered %d to the export of project %d: %r",
            response.status_code,
            project,
            response.text[:LOGGED_BODY],
        )
