"""What a route may ask FastAPI for (``Annotated`` dependencies): the app's settings and broker.

The caller's API key is :data:`xner.service.auth.OwnerDep`. The process reads its settings from the environment
once (:func:`xner.service.settings.get_settings`); a route gets the settings its app was built with
(:func:`app_settings`), so tests and the all-in-one server can build apps with settings of their own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from xner.service.broker import Broker
from xner.service.settings import Settings


def app_settings(request: Request) -> Settings:
    """The settings the serving app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def app_broker(request: Request) -> Broker:
    """The broker the serving app enqueues on."""
    broker: Broker = request.app.state.broker
    return broker


SettingsDep = Annotated[Settings, Depends(app_settings)]
BrokerDep = Annotated[Broker, Depends(app_broker)]
