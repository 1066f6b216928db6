"""Dependencies of the gateway's routes (FastAPI ``Annotated`` aliases): settings, broker, the caller's key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from xner.service.auth import OwnerDep, get_settings
from xner.service.broker import Broker
from xner.service.settings import Settings


def get_broker(request: Request) -> Broker:
    broker: Broker = request.app.state.broker
    return broker


SettingsDep = Annotated[Settings, Depends(get_settings)]
BrokerDep = Annotated[Broker, Depends(get_broker)]

__all__ = ["BrokerDep", "OwnerDep", "SettingsDep", "get_broker"]
