"""Prometheus metrics of one process: requests, latency, queue lengths and job outcomes.

Each app gets its own registry (so several apps can live in one process, as in the embedded server and tests).
Queue lengths and job counts are read from the broker when ``/metrics`` is scraped (RQ's own registries, counted
without their cleanup side effects).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from xner.service.defaults import LATENCY_BUCKETS


class _QueueCollector(Collector):
    def __init__(self, queues: Iterable[str], length: Callable[[str], int], counts: Callable[[str], dict[str, int]]):
        self.queues = list(queues)
        self.length = length
        self.counts = counts

    def collect(self) -> Iterable[GaugeMetricFamily]:
        waiting = GaugeMetricFamily("xner_queue_length", "Jobs waiting on a queue.", labels=["queue"])
        jobs = GaugeMetricFamily("xner_jobs", "Jobs of a queue by state (RQ registries).", labels=["queue", "state"])
        up = GaugeMetricFamily("xner_broker_up", "1 when the job queue store answered this scrape, else 0.")
        reachable = True
        for queue in self.queues:
            try:
                waiting.add_metric([queue], self.length(queue))
                for state, count in self.counts(queue).items():
                    jobs.add_metric([queue, state], count)
            except Exception:  # a scrape must not fail (or wait queue after queue) because Redis is down
                reachable = False
                break
        up.add_metric([], 1 if reachable else 0)
        yield waiting
        yield jobs
        yield up


class Metrics:
    """The metrics of one app."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "xner_requests", "HTTP requests.", ["service", "route", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "xner_request_latency_seconds",
            "HTTP request latency.",
            ["service", "route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(self.service, route, method, str(status)).inc()
        self.latency.labels(self.service, route, method).observe(seconds)

    def watch_queues(
        self, queues: Iterable[str], length: Callable[[str], int], counts: Callable[[str], dict[str, int]]
    ) -> None:
        self.registry.register(_QueueCollector(queues, length, counts))
