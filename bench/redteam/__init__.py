"""Red team of the shared server: an attack catalogue over every route of the gateway and the four service APIs, a
runner that sends it and judges every answer, and a CLI that starts its own stack on 127.0.0.1 and prints the figures.

What every answer is held to (besides its case's own acceptable statuses):

* no 5xx (the stack's Redis is up, so not even the 503 with Retry-After a Redis outage may answer);
* no hang: each request has a deadline (``--timeout``, 30 s); a case that gets no complete answer by then hung;
* no secret in the headers or the body: the API keys, the Redis URL and address, a marker environment variable
  set in the servers' environment (``XNER_REDTEAM_MARKER``), the servers' temp dir, the install path, the Label
  Studio token and address, and the first line of ``/etc/passwd``;
* a 4xx/5xx body is the one JSON error body ``{"error": {"type", "message", "details"}}``; every response has a
  plain-token ``X-Request-ID`` (a case marked ``protocol`` may be refused by the HTTP layer before the app: then
  only the status is judged); a 429 or 503 has ``Retry-After``.

A case that creates a job (``follow``) is polled to its end, within :data:`FOLLOW_SECONDS`, and every answer on
the way is scanned for secrets too (a job's error is where a file read by a worker would show). Afterwards the
runner checks ``/health`` and ``/ready`` of every API and reads the peak RSS of every process (psutil, and
``VmHWM`` from ``/proc`` where there is one). Requests are sent on raw sockets, so paths, headers and bodies go out
byte for byte (no client-side normalisation of ``../`` or header validation).

    python -m bench.redteam [--clients 1] [--parallel 4] [--timeout 30]

Only 127.0.0.1; every loop is bounded; the stack stops by itself.
"""

from __future__ import annotations

from bench.redteam.cases import SERVICES, TARGETS, Case
from bench.redteam.catalogue import catalogue, uncovered_routes
from bench.redteam.judge import Outcome, Report, find_leaks, judge
from bench.redteam.runner import REQUEST_TIMEOUT, RssSampler, Runner, run
from bench.redteam.stack import Canary, Children, Stack, passwd_line, start_stack
from bench.redteam.wire import Answer, build_request, dechunk, exchange, parse_answer

__all__ = [
    "REQUEST_TIMEOUT",
    "SERVICES",
    "TARGETS",
    "Answer",
    "Canary",
    "Case",
    "Children",
    "Outcome",
    "Report",
    "RssSampler",
    "Runner",
    "Stack",
    "build_request",
    "catalogue",
    "dechunk",
    "exchange",
    "find_leaks",
    "judge",
    "parse_answer",
    "passwd_line",
    "run",
    "start_stack",
    "uncovered_routes",
]
