"""The red team's CLI: ``python -m bench.redteam [--clients N] [--parallel N] [--timeout S] [--details]`` starts
Redis and a stack in a temp dir, runs the catalogue against it and prints the figures."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

from bench import redteam
from bench.gateway import redis
from bench.redteam.runner import REQUEST_TIMEOUT, run
from bench.redteam.stack import start_stack


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=redteam.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1, help="copies of the catalogue sent concurrently")
    parser.add_argument("--parallel", type=int, default=4, help="requests in flight per client")
    parser.add_argument(
        "--timeout", type=float, default=REQUEST_TIMEOUT, help="seconds before a request counts as hung"
    )
    parser.add_argument("--details", action="store_true", help="print every failing case's request and answer")
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed")
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="xner-redteam-") as tmp:
        directory = Path(tmp)
        redis_url = redis(stack, str(directory))
        started = time.monotonic()
        made = start_stack(stack, directory, redis_url)
        urls = ", ".join(f"{target} {url}" for target, url in made.base_urls.items())
        out(f"stack up in {time.monotonic() - started:.1f} s: {urls}")
        report = run(
            made.base_urls,
            made.keys,
            made.secrets,
            clients=max(1, args.clients),
            parallel=max(1, args.parallel),
            timeout=args.timeout,
            pids=made.pids,
            quota=made.quota,
            canary=made.canary,
        )
        out(report.figures())
        if args.details and report.failures:
            out("\nfailing cases:\n" + report.failure_details())
    healthy = all(status == (200, 200) for status in report.health.values())
    clean = not report.failures and not report.unexpected_canary and not report.group_problems
    return 0 if healthy and clean else 1


if __name__ == "__main__":
    sys.exit(main())
