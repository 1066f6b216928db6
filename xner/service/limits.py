"""Size limits shared by the gateway and the service APIs; each message names the setting and its value."""

from __future__ import annotations

from xner.service.errors import PayloadTooLarge


def check_sentence_count(count: int, limit: int, setting: str, name: str) -> None:
    """413 when ``name`` holds more than ``limit`` sentences (``setting`` names the limit in the message)."""
    if count > limit:
        raise PayloadTooLarge(f"{name} has {count} sentences; the limit ({setting}) is {limit}")
