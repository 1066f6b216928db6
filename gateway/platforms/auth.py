"""API keys for tools that can only send HTTP Basic auth (Label Studio's ML backend connection): the password
is the API key. ``Authorization: Bearer <key>`` works as everywhere else."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Request

from xner.service.auth import get_owner
from xner.service.deps import SettingsDep
from xner.service.errors import Unauthorized


def basic_or_bearer_owner(request: Request, settings: SettingsDep) -> str:
    """:func:`xner.service.auth.get_owner`, also accepting ``Authorization: Basic base64(user:key)``."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and settings.api_keys:
        try:
            key = base64.b64decode(credentials.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthorized("malformed Basic credentials: send base64(user:key)") from None
        headers = [(k, v) for k, v in request.scope["headers"] if k.lower() != b"authorization"]
        headers.append((b"authorization", f"Bearer {key}".encode()))
        request = Request({**request.scope, "headers": headers})
    return get_owner(request, settings)


PlatformOwnerDep = Annotated[str, Depends(basic_or_bearer_owner)]
