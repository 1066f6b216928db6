"""The suite's composition: every service has a queue, every step a queue it runs on, and the registry refuses a
second function under a registered name."""

from __future__ import annotations

import pytest

from xner.errors import UnknownNameError
from xner.service import steps
from xner.service.defaults import QUEUES, TRAIN_QUEUE
from xner.suite import APPS, SERVICES, build_app, register_steps


def test_each_service_is_a_queue_and_each_step_runs_on_a_queue_named_like_it():
    assert tuple(SERVICES) == QUEUES
    step_names = {name for service in SERVICES.values() for name in service.steps}
    assert step_names == {*QUEUES, TRAIN_QUEUE}
    register_steps()
    assert step_names <= set(steps.registered())


def test_a_registered_name_keeps_its_function_unless_replaced():
    def other(payload, upstream):  # type: ignore[no-untyped-def]
        return {}

    original = steps.resolve("align")
    with pytest.raises(ValueError, match="registered already"):
        steps.register({"align": other})
    assert steps.resolve("align") is original
    steps.register({"align": original})  # the same function again is harmless


def test_an_unknown_step_or_app_lists_the_known_ones():
    with pytest.raises(UnknownNameError, match="translate"):
        steps.resolve("services.project.jobs:project_step")  # module paths are not step names
    with pytest.raises(UnknownNameError, match="labelstudio"):
        build_app("everything")
    assert APPS[:2] == ("all", "gateway")
