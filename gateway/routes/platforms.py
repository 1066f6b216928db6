"""The annotation-platform routers the gateway mounts (docs/platforms.md)."""

from __future__ import annotations

from gateway.routes.doccano import router as doccano_router
from gateway.routes.inception import router as inception_router
from gateway.routes.labelstudio import labelstudio_router

PLATFORM_ROUTERS = (labelstudio_router("/labelstudio"), doccano_router, inception_router)
"""Label Studio under ``/labelstudio``, doccano under ``/doccano``, INCEpTION under ``/inception``."""
