"""Size limits shared by the gateway and the service APIs; each message names the setting and its value."""

from __future__ import annotations

from collections.abc import Iterable

from xner.service.broker import Broker
from xner.service.errors import PayloadTooLarge, TooManyRequests
from xner.service.settings import Settings


def check_sentence_count(count: int, limit: int, setting: str, name: str) -> None:
    """413 when ``name`` holds more than ``limit`` sentences (``setting`` names the limit in the message)."""
    if count > limit:
        raise PayloadTooLarge(f"{name} has {count} sentences; the limit ({setting}) is {limit}")


def check_queue_lengths(broker: Broker, settings: Settings, queues: Iterable[str]) -> None:
    """Back-pressure: 429 with Retry-After when one of ``queues`` holds more than ``max_queue_length`` jobs."""
    for queue in queues:
        length = broker.queue_length(queue)
        if length > settings.max_queue_length:
            raise TooManyRequests(
                f"queue {queue} holds {length} jobs; the limit (max_queue_length) is {settings.max_queue_length}",
                retry_after=settings.retry_after,
            )
