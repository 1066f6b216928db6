"""API keys: every route that does work needs ``Authorization: Bearer <key>`` when keys are configured."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request

from xner.service.deps import SettingsDep, app_settings
from xner.service.errors import Forbidden, Unauthorized


def get_owner(request: Request, settings: SettingsDep) -> str:
    """Check ``Authorization: Bearer <key>`` when keys are configured (401 without, 403 with a wrong one); return
    an opaque owner id (a hash of the key, ``anonymous`` when the API is open) used for per-key limits."""
    if not settings.api_keys:
        return "anonymous"
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("missing API key: send Authorization: Bearer <key>")
    # header values arrive decoded as Latin-1: compare the bytes sent with each key's UTF-8 bytes (any character)
    sent = key.strip().encode("latin-1")
    if not any(hmac.compare_digest(sent, valid.encode("utf-8")) for valid in settings.api_keys):
        raise Forbidden("invalid API key")
    return hashlib.sha256(sent).hexdigest()[:16]


OwnerDep = Annotated[str, Depends(get_owner)]


async def metrics_access(request: Request) -> None:
    """``/metrics`` needs a key like every ``/v1`` route (queue sizes and routes are the operator's business),
    unless the operator made it public (``XNER_METRICS_PUBLIC=true``). Async, and without sync dependencies, so it
    runs on the event loop even when every worker thread is busy."""
    settings = app_settings(request)
    if not settings.metrics_public:
        get_owner(request, settings)
