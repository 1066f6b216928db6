"""Judging answers: one case's answer against its acceptable statuses and the rules every answer follows (no
5xx, no hang, no secret, the JSON error body, a plain X-Request-ID, Retry-After), and the report of a whole run."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from bench.redteam.cases import Case
from bench.redteam.wire import Answer

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
"""What a response's X-Request-ID must look like (the server's own pattern)."""


@dataclass
class Outcome:
    """One case as one client saw it."""

    case: Case
    client: int
    status: int
    seconds: float
    hung: bool
    leaks: list[str]
    problems: list[str]
    snippet: str
    request_head: str
    followed: list[tuple[str, int]] = field(default_factory=list)
    """``(path, status)`` of every request made to follow the job the case created."""
    notes: list[str] = field(default_factory=list)
    """What is worth knowing but is not a failure (an HTTP-layer refusal without the JSON body or request id)."""

    @property
    def failed(self) -> bool:
        return bool(self.problems or self.leaks or self.hung)


def find_leaks(raw: bytes, secrets: Mapping[str, str]) -> list[str]:
    """Names of the secrets whose value appears in the answer (as sent, or escaped as JSON writes it)."""
    found = []
    for name, value in secrets.items():
        if not value:
            continue
        forms = {value.encode("utf-8"), json.dumps(value)[1:-1].encode("utf-8")}
        if any(form in raw for form in forms):
            found.append(name)
    return found


def judge(case: Case, answer: Answer, secrets: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """``(problems, leaks)`` of one answer against its case and the rules every answer follows."""
    problems: list[str] = []
    status = answer.status
    if answer.hung:
        problems.append(f"no complete answer within {answer.seconds:.1f} s")
    if status not in case.ok:
        problems.append(f"status {status}, acceptable {sorted(case.ok) if len(case.ok) < 10 else '4xx'}")
    if status >= 500:
        problems.append(f"a {status}: a client's request must never be a server error")
    if status in (429, 503) and not answer.header("Retry-After"):
        problems.append(f"a {status} without Retry-After")
    text = answer.raw.decode("utf-8", "replace")
    for needed in case.mentions:
        if needed not in answer.text():
            problems.append(f"the answer does not name {needed!r}")
    for banned in case.forbidden:
        if banned in text:
            problems.append(f"the answer holds {banned!r}")
    for banned in case.forbidden_headers:
        if answer.header(banned) is not None:
            problems.append(f"the answer has an injected {banned} header")
    if not case.protocol and status:
        rid = answer.header("X-Request-ID")
        if rid is None or not REQUEST_ID.fullmatch(rid):
            problems.append(f"X-Request-ID missing or not a plain token: {rid!r}")
        elif case.request_id == "new" and any(
            value == rid for name, value in case.headers if name.lower() == "x-request-id"
        ):
            problems.append("a request id that is not a plain token was echoed")
        elif case.request_id not in (None, "new") and rid != case.request_id:
            problems.append(f"X-Request-ID {rid!r}, expected {case.request_id!r}")
        if status >= 400 and not is_error_body(answer):
            problems.append("not the JSON error body {error: {type, message, details}}")
    return problems, find_leaks(answer.raw, secrets)


def is_error_body(answer: Answer) -> bool:
    body = answer.json()
    error = body.get("error") if isinstance(body, dict) else None
    content_type = answer.header("Content-Type") or ""
    return (
        isinstance(error, dict)
        and {"type", "message", "details"} <= set(error)
        and isinstance(error["message"], str)
        and content_type.startswith("application/json")
    )


@dataclass
class Report:
    """Everything one run saw."""

    outcomes: list[Outcome]
    setup: dict[str, str]
    """Placeholder -> the id the setup made (or why it could not)."""
    setup_requests: int
    follow_requests: int
    health: dict[str, tuple[int, int]]
    """Target -> (status of /health, status of /ready) after the run."""
    peak_rss_mib: dict[str, float]
    canary: list[str]
    """Paths the fake Label Studio was asked for."""
    group_problems: list[str]
    clients: int
    seconds: float

    @property
    def requests(self) -> int:
        return len(self.outcomes) + self.setup_requests + self.follow_requests

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.failed]

    @property
    def unexpected_canary(self) -> list[str]:
        """Label Studio paths other than a project's export by an integer id."""
        return [path for path in self.canary if not re.fullmatch(r"/ls/api/projects/[0-9]+/export(\?.*)?", path)]

    def classes(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for outcome in self.outcomes:
            counts[f"{outcome.status // 100}xx" if outcome.status else "no answer"] += 1
        return counts

    def figures(self, worst: int = 12) -> str:
        classes = self.classes()
        lines = [
            f"red team: {len({o.case.name for o in self.outcomes})} cases x {self.clients} client(s), "
            f"{self.seconds:.1f} s",
            f"requests: {self.requests} (catalogue {len(self.outcomes)}, setup {self.setup_requests}, "
            f"job follow-ups {self.follow_requests})",
            "answers: " + ", ".join(f"{name} {classes[name]}" for name in ("2xx", "3xx", "4xx", "5xx", "no answer")),
            f"hangs: {sum(o.hung for o in self.outcomes)}",
            f"leaks: {sum(bool(o.leaks) for o in self.outcomes)}"
            + (
                f" ({sorted({leak for o in self.outcomes for leak in o.leaks})})"
                if any(o.leaks for o in self.outcomes)
                else ""
            ),
            f"failed cases: {len(self.failures)}",
            "health afterwards (/health, /ready): " + ", ".join(f"{t} {h}/{r}" for t, (h, r) in self.health.items()),
            "peak RSS (MiB): " + ", ".join(f"{name} {mib:.1f}" for name, mib in self.peak_rss_mib.items()),
            f"Label Studio (canary) asked for: {self.canary or 'nothing'}",
        ]
        if self.unexpected_canary:
            lines.append(f"  UNEXPECTED Label Studio paths: {self.unexpected_canary}")
        lines += [f"group limit broken: {problem}" for problem in self.group_problems]
        noted = sorted({o.case.name for o in self.outcomes if o.notes})
        if noted:
            lines.append(f"HTTP-layer refusals (plain text, no X-Request-ID; not failures): {len(noted)}: {noted}")
        missing = {name: value for name, value in self.setup.items() if not _is_id(value)}
        if missing:
            lines.append(f"setup incomplete: {missing}")
        ranked = sorted(self.outcomes, key=lambda o: (not o.failed, -o.seconds))[:worst]
        lines.append("worst cases (failing first, then slowest):")
        for outcome in ranked:
            verdict = "; ".join(outcome.problems + [f"leaks {outcome.leaks}"] * bool(outcome.leaks)) or "ok"
            lines.append(
                f"  [{outcome.status}] {outcome.seconds * 1000:8.1f} ms  {outcome.case.target}: {outcome.case.name}"
                f"  -> {verdict}"
            )
        return "\n".join(lines)

    def failure_details(self) -> str:
        """Each failing case with its request and answer (what to send the owner)."""
        blocks = []
        for outcome in self.failures:
            blocks.append(
                f"- {outcome.case.target}: {outcome.case.name} (client {outcome.client})\n"
                f"  problems: {outcome.problems}  leaks: {outcome.leaks}\n"
                f"  request: {outcome.request_head}\n"
                f"  answer [{outcome.status}] {outcome.snippet}\n"
                + (f"  followed: {outcome.followed}\n" if outcome.followed else "")
            )
        return "\n".join(blocks)


def _is_id(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f][0-9a-f-]{7,}", value))
