"""A worker waits out a Redis that is away at the top of its loop (a Sentinel failover) instead of quitting: RQ's
work loop ends the worker on any error it does not know, and the suspension check is its first Redis call."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker

from xner.service import defaults
from xner.service.worker import ModelWorker


def test_the_suspension_check_waits_for_redis_to_come_back(monkeypatch: pytest.MonkeyPatch):
    calls: list[bool] = []

    def flaky(self: SimpleWorker, burst: bool) -> None:
        calls.append(burst)
        if len(calls) < 3:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(SimpleWorker, "check_for_suspension", flaky)
    monkeypatch.setattr(defaults, "SUSPENSION_RECHECK", 0.0)
    worker = ModelWorker.__new__(ModelWorker)
    worker._stop_requested = False
    worker.name = "w"
    worker.check_for_suspension(False)
    assert calls == [False, False, False]  # two failures waited out, then the check went through


def test_a_stop_request_ends_the_wait(monkeypatch: pytest.MonkeyPatch):
    def down(self: SimpleWorker, burst: bool) -> None:
        self._stop_requested = True  # SIGTERM arrived while Redis was away
        raise RedisConnectionError("Connection refused.")

    monkeypatch.setattr(SimpleWorker, "check_for_suspension", down)
    worker = ModelWorker.__new__(ModelWorker)
    worker._stop_requested = False
    worker.name = "w"
    worker.check_for_suspension(False)  # returns: the loop then sees the stop request
