"""The red team against real processes on 127.0.0.1: the attack catalogue of ``bench/redteam/`` sent to the gateway
and the four service APIs (``xner serve --service X`` against Redis, two API keys, one worker per service queue,
weight-free backends, a marker variable in the servers' environment and a fake Label Studio).

The stack starts and the catalogue runs once for the module; each test asserts one property of what came back:
no 5xx, no hang, no secret in any answer, every status acceptable, enough requests, every route covered, Label
Studio asked only for an integer project's export, the per-key quota holding for fine-tuning jobs, every API
healthy afterwards and every process's memory bounded. A failing test prints each failing case's request and
answer (``python -m bench.redteam --details`` prints the same)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from bench.redteam import (
    SERVICES,
    TARGETS,
    Outcome,
    Report,
    Stack,
    catalogue,
    run,
    start_stack,
    uncovered_routes,
)
from tests.service.clients import SPACY_EN
from tests.service.conftest import RedisServer

MIN_REQUESTS = 60
"""The catalogue sends at least this many requests."""

MAX_RSS_MIB = 1536.0
"""Peak resident memory any process of the stack may reach during the run (1.5 GiB)."""

NON_API_ROUTES = {"gateway": ["GET /ui/"]}
"""Routes mounted outside the OpenAPI document that the catalogue must still reach."""


@pytest.fixture(scope="module")
def stack(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    pytest.importorskip(SPACY_EN, reason=f"{SPACY_EN} is not installed (pip install -e '.[dev]')")
    from redis import Redis

    Redis.from_url(redis_server.url).flushall()
    with ExitStack() as processes:
        yield start_stack(processes, tmp_path_factory.mktemp("redteam"), redis_server.url)


@pytest.fixture(scope="module")
def report(stack: Stack) -> Report:
    return run(stack.base_urls, stack.keys, stack.secrets, pids=stack.pids, quota=stack.quota, canary=stack.canary)


def described(outcomes: list[Outcome]) -> str:
    """The outcomes' requests and answers, for an assertion message."""
    return f"{len(outcomes)} case(s):\n" + "\n".join(
        f"- {o.case.target}: {o.case.name}\n  problems: {o.problems} leaks: {o.leaks}\n  request: "
        f"{o.request_head[:300]}\n  answer [{o.status}] {o.snippet}"
        for o in outcomes
    )


def test_the_catalogue_is_large_and_names_each_case_once():
    cases = catalogue()
    assert len(cases) >= MIN_REQUESTS
    assert len({case.name for case in cases}) == len(cases)
    assert {case.target for case in cases} == set(TARGETS)


def test_every_route_of_every_api_is_attacked(stack: Stack):
    cases = catalogue()
    missing = {}
    for target, url in stack.base_urls.items():
        openapi = httpx.get(f"{url}/openapi.json", timeout=30).json()
        gaps = uncovered_routes(cases, target, openapi)
        sent = {(case.method, case.path.partition("?")[0]) for case in cases if case.target == target}
        gaps += [route for route in NON_API_ROUTES.get(target, []) if tuple(route.split(" ", 1)) not in sent]
        if gaps:
            missing[target] = gaps
    assert not missing, missing
    for service in SERVICES:
        assert any(case.target == service and case.path == f"/v1/{service}" for case in cases), service


def test_enough_requests_were_sent(report: Report):
    assert len(report.outcomes) == len(catalogue())
    assert report.requests >= MIN_REQUESTS
    assert not [name for name, value in report.setup.items() if value.startswith("missing-")], report.setup


def test_no_answer_is_a_server_error(report: Report):
    errors = [o for o in report.outcomes if o.status >= 500]
    assert not errors, described(errors)


def test_no_request_hangs(report: Report):
    hung = [o for o in report.outcomes if o.hung]
    assert not hung, described(hung)


def test_no_answer_holds_a_secret(report: Report):
    leaking = [o for o in report.outcomes if o.leaks]
    assert not leaking, described(leaking)


def test_every_answer_is_acceptable_for_its_case(report: Report):
    wrong = [o for o in report.outcomes if o.problems]
    assert not wrong, described(wrong)


def test_label_studio_is_only_asked_for_an_integer_projects_export(report: Report):
    assert report.canary, "the webhook without tasks should have fetched the export of project 7"
    assert not report.unexpected_canary, report.unexpected_canary


def test_fine_tuning_jobs_count_against_the_key_quota(report: Report):
    assert not report.group_problems, report.group_problems


def test_every_api_is_healthy_and_ready_afterwards(report: Report):
    assert report.health == dict.fromkeys(TARGETS, (200, 200)), report.health


def test_memory_of_every_process_stays_bounded(report: Report):
    assert report.peak_rss_mib, "no process was sampled"
    too_big = {name: mib for name, mib in report.peak_rss_mib.items() if mib > MAX_RSS_MIB}
    assert not too_big, too_big
