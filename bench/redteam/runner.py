"""Running the catalogue: the setup jobs, each case sent by concurrent clients and judged, the jobs cases
create followed to their end, the APIs' health afterwards and the peak RSS of every process."""

from __future__ import annotations

import base64
import secrets as secrets_module
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import psutil

from bench.common import status_mib
from bench.load import _listener_pid
from bench.redteam.cases import GROUP_LIMITS, JSON_TYPE, LABEL_CONFIG, Case, codes, js, projection
from bench.redteam.catalogue import catalogue
from bench.redteam.judge import Outcome, Report, find_leaks, is_error_body, judge
from bench.redteam.wire import Answer, build_request, exchange

if TYPE_CHECKING:
    from bench.redteam.stack import Canary

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

REQUEST_TIMEOUT = 30.0
"""Seconds a request may take before it counts as a hang."""

FOLLOW_SECONDS = 15.0
"""Seconds a created job is polled for before the runner stops following it."""

SETUP_SECONDS = 90.0
"""Seconds the setup jobs (the k1 corpus job every job-reading case reads) may take to finish."""

SNIPPET = 300
"""Characters of a body kept in the report."""


class Runner:
    """Sends cases to the APIs at ``base_urls`` with the tenants' ``keys``."""

    def __init__(
        self, base_urls: Mapping[str, str], keys: Mapping[str, str], secrets: Mapping[str, str], timeout: float
    ) -> None:
        for url in base_urls.values():
            host = urlparse(url).hostname or ""
            if host not in LOOPBACK:
                raise ValueError(f"the red team runs against loopback only, not {host!r}")
        self.base_urls = dict(base_urls)
        self.keys = dict(keys)
        self.keys.setdefault("bad", "not-a-key-" + secrets_module.token_hex(6))
        self.secrets = dict(secrets)
        self.timeout = timeout
        self.placeholders: dict[str, str] = {}
        self.lock = threading.Lock()
        self.follow_requests = 0
        self.setup_requests = 0

    def _auth(self, key: str | None) -> list[tuple[str, str]]:
        if key is None:
            return []
        if key.startswith("basic:"):
            secret = self.keys[key.removeprefix("basic:")]
            return [("Authorization", "Basic " + base64.b64encode(f"redteam:{secret}".encode()).decode())]
        return [("Authorization", f"Bearer {self.keys[key]}")]

    def send(self, case: Case) -> tuple[Answer, str]:
        url = urlparse(self.base_urls[case.target])
        path = case.path
        for name, value in self.placeholders.items():
            path = path.replace(name, value)
        names = {name.lower() for name, _ in case.headers}
        headers = [*([] if "authorization" in names else self._auth(case.key)), *case.headers]
        request = build_request(case.method, path, url.netloc, headers, case.body, chunked=case.chunked)
        if case.stall:
            request = request[: request.index(b"\r\n\r\n") + 2]
        head = request.partition(b"\r\n\r\n")[0].decode("utf-8", "replace")
        for value in self.keys.values():
            head = head.replace(value, "<key>")
        short_head = head if len(head) < 400 else head[:400] + f"... ({len(head)} chars)"
        short = f"{short_head} + {len(case.body)} body bytes: {case.body[:120]!r}"
        try:
            answer = exchange(url.hostname or "127.0.0.1", url.port or 80, request, self.timeout)
        except OSError as exc:
            answer = Answer(0, [], f"connection failed: {exc}".encode(), b"", 0.0, False)
        return answer, short

    def request(self, method: str, target: str, path: str, key: str | None, body: Any = None) -> Answer:
        """A plain request (setup, follow-ups, health): a JSON body or none, no attack."""
        payload, headers = (js(body), JSON_TYPE) if body is not None else (b"", ())
        return self.send(Case("", target, method, path, codes(), body=payload, headers=headers, key=key))[0]

    def setup(self) -> None:
        """With key k1: one corpus job (waited for) and one job of each service, and a Label Studio project 1."""
        body = projection("Kofi\tB-PER\nAnnan\tI-PER\nvisited\tO\nAccra\tB-LOC\n.\tO\n")
        answer = self.request("POST", "gateway", "/v1/projections", "k1", body)
        self.setup_requests += 1
        job = (answer.json() or {}).get("job_id") if answer.status in (200, 202) else None
        self.placeholders["{job}"] = str(job) if job else f"missing-job-{answer.status}"
        bodies = {
            "translate": {"texts": ["Kofi Annan visited Accra ."], "src_lang": "en", "tgt_lang": "es"},
            "align": {"src": [["Kofi", "Annan"]], "tgt": [["Kofi", "Annan"]]},
            "project": {
                "sources": [{"tokens": ["Kofi", "Annan"], "spans": [{"start": 0, "end": 10, "label": "PER"}]}],
                "targets": [["Kofi", "Annan"]],
                "alignments": [[[0, 0], [1, 1]]],
            },
            "ner": {"sentences": [["Kofi", "Annan", "visited", "Accra"]]},
        }
        bodies = {service: body for service, body in bodies.items() if service in self.base_urls}
        with ThreadPoolExecutor(max(1, len(bodies))) as pool:
            answers = dict(
                zip(
                    bodies,
                    pool.map(lambda s: self.request("POST", s, f"/v1/{s}", "k1", bodies[s]), bodies),
                    strict=True,
                )
            )
        self.setup_requests += len(bodies)
        for service, reply in answers.items():
            made = (reply.json() or {}).get("job_id") if reply.status in (200, 202) else None
            self.placeholders[f"{{{service}_job}}"] = str(made) if made else f"missing-{service}-job-{reply.status}"
        setup = {"project": 1, "schema": LABEL_CONFIG, "extra_params": {"lang": "en"}}
        self.request("POST", "gateway", "/labelstudio/setup", "k1", setup)
        self.setup_requests += 1
        deadline = time.monotonic() + SETUP_SECONDS
        while job and time.monotonic() < deadline:
            state = self.request("GET", "gateway", f"/v1/jobs/{job}", "k1")
            self.setup_requests += 1
            if (state.json() or {}).get("status") not in ("queued", "running"):
                break
            time.sleep(0.2)

    def follow(self, case: Case, answer: Answer) -> tuple[list[tuple[str, int]], list[str]]:
        """Poll the job a case created; return the requests made and the secrets any answer held."""
        made = answer.json() if 200 <= answer.status < 300 else None
        links = made.get("links") if isinstance(made, dict) else None
        if not isinstance(links, dict) or not isinstance(links.get("self"), str):
            return [], []
        seen: list[tuple[str, int]] = []
        leaks: set[str] = set()
        deadline = time.monotonic() + FOLLOW_SECONDS
        state: Any = made
        while time.monotonic() < deadline:
            reply = self.request("GET", case.target, links["self"], case.key)
            seen.append((links["self"], reply.status))
            leaks.update(find_leaks(reply.raw, self.secrets))
            state = reply.json()
            if not isinstance(state, dict) or state.get("status") not in ("queued", "running"):
                break
            time.sleep(0.2)
        if isinstance(links.get("result"), str) and isinstance(state, dict) and state.get("status") == "finished":
            reply = self.request("GET", case.target, links["result"], case.key)
            seen.append((links["result"], reply.status))
            leaks.update(find_leaks(reply.raw, self.secrets))
        with self.lock:
            self.follow_requests += len(seen)
        return seen, sorted(leaks)

    def run_case(self, case: Case, client: int) -> Outcome:
        answer, head = self.send(case)
        problems, leaks = judge(case, answer, self.secrets)
        followed: list[tuple[str, int]] = []
        if case.follow:
            followed, more = self.follow(case, answer)
            leaks = sorted(set(leaks) | set(more))
        snippet = answer.text()[:SNIPPET] if answer.status else answer.raw[:SNIPPET].decode("utf-8", "replace")
        for value in self.keys.values():
            snippet = snippet.replace(value, "<key>")
        notes = []
        if case.protocol and answer.status >= 400 and not (is_error_body(answer) and answer.header("X-Request-ID")):
            notes.append("refused by the HTTP layer: not the JSON error body, no X-Request-ID")
        outcome = Outcome(case, client, answer.status, answer.seconds, answer.hung, leaks, problems, snippet, head)
        outcome.followed, outcome.notes = followed, notes
        return outcome


class RssSampler:
    """Samples the RSS of ``pids`` every ``interval`` seconds on a thread; the peak also reads ``VmHWM``."""

    def __init__(self, pids: Mapping[str, int], interval: float = 0.25) -> None:
        self.pids = {name: pid for name, pid in pids.items() if pid}
        self.interval = interval
        self.peak: dict[str, float] = dict.fromkeys(self.pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def __enter__(self) -> RssSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sample()
        for name, pid in self.pids.items():
            self.peak[name] = max(self.peak[name], _hwm_mib(pid))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            try:
                mib = psutil.Process(pid).memory_info().rss / 2**20
            except psutil.Error:
                continue
            self.peak[name] = max(self.peak[name], mib)


def _hwm_mib(pid: int) -> float:
    """The process's peak resident set (``VmHWM``) in MiB, 0 where /proc does not say."""
    return status_mib(pid, "VmHWM") or 0.0


def run(
    base_urls: Mapping[str, str],
    keys: Mapping[str, str],
    secrets: Mapping[str, str],
    *,
    clients: int = 1,
    parallel: int = 4,
    timeout: float = REQUEST_TIMEOUT,
    pids: Mapping[str, int] | None = None,
    quota: int = 8,
    canary: Canary | None = None,
    cases: Sequence[Case] | None = None,
) -> Report:
    """Set up (k1's jobs), send the catalogue ``clients`` times concurrently (each client ``parallel`` requests at
    a time; phase 1 after phase 0), follow the jobs cases create, then check /health and /ready of every API and
    read the peak RSS of ``pids`` (default: the processes listening on ``base_urls``).

    ``base_urls``: target (gateway, translate, align, project, ner) -> ``http://127.0.0.1:PORT``; ``keys``:
    ``{"k1": ..., "k2": ...}``; ``secrets``: name -> a string no answer may hold; ``quota``: the servers'
    max_concurrent_jobs_per_key (the limit of a ``train-flood`` group)."""
    chosen = list(cases if cases is not None else catalogue())
    chosen = [case for case in chosen if case.target in base_urls]
    runner = Runner(base_urls, keys, secrets, timeout)
    watched = dict(pids) if pids is not None else {target: _listener_pid(url) for target, url in base_urls.items()}
    started = time.monotonic()
    with RssSampler(watched) as sampler:
        runner.setup()
        outcomes: list[Outcome] = []
        with ThreadPoolExecutor(max(1, clients * parallel)) as pool:
            for phase in sorted({case.phase for case in chosen}):
                batch = [(case, client) for client in range(clients) for case in chosen if case.phase == phase]
                outcomes += list(pool.map(lambda item: runner.run_case(*item), batch))
        health = {}
        for target in base_urls:
            alive = runner.request("GET", target, "/health", None)
            ready = runner.request("GET", target, "/ready", None)
            health[target] = (alive.status, ready.status)
    limits = {"quota": quota}
    group_problems = []
    for group, limit_name in GROUP_LIMITS.items():
        accepted = sum(1 for o in outcomes if o.case.group == group and 200 <= o.status < 300)
        if accepted > limits[limit_name]:
            group_problems.append(f"{group}: {accepted} accepted, the limit ({limit_name}) is {limits[limit_name]}")
    return Report(
        outcomes=outcomes,
        setup=dict(runner.placeholders),
        setup_requests=runner.setup_requests,
        follow_requests=runner.follow_requests,
        health=health,
        peak_rss_mib=dict(sampler.peak),
        canary=canary.paths() if canary is not None else [],
        group_problems=group_problems,
        clients=clients,
        seconds=time.monotonic() - started,
    )
