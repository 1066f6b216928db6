"""Pick the broker the settings name: Redis + RQ when ``XNER_REDIS_URL`` is set, else the embedded one."""

from __future__ import annotations

from xner.service.broker import Broker
from xner.service.settings import Settings


def make_broker(settings: Settings) -> Broker:
    """An :class:`~xner.service.broker_rq.RQBroker` when ``settings.redis_url`` is set, else an
    :class:`~xner.service.broker_embedded.EmbeddedBroker` (imported only when chosen: the embedded suite needs no
    Redis client)."""
    if settings.redis_url:
        from xner.service.broker_rq import RQBroker

        return RQBroker(settings)
    from xner.service.broker_embedded import EmbeddedBroker

    return EmbeddedBroker(settings)
