"""Redis Sentinel: ``redis+sentinel://`` URLs parsed and checked, and a failover with real processes on 127.0.0.1 (a
master with AOF, a replica, three sentinels from ``redis-server --sentinel``): the master is killed mid-job, the
sentinels promote the replica, and the job finishes with one record per sentence."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.service.conftest import RedisServer, Workers, assert_nothing_lost, free_port, wait_for_port
from tests.service.test_faults import (
    attempts,
    body,
    finish,
    running_gateway,
    sentences,
    start_suite,
    wait_until,
)
from xner.service.broker_rq import connect
from xner.service.redis_url import RedisUrlError, SentinelTarget, check_redis_url, parse_sentinel_url
from xner.service.settings import Settings

SERVICE = "xner"
"""The monitored master's name."""

FAILOVER_WAIT = 30.0
"""Longest the test waits for the sentinels to promote the replica (it stops by itself)."""


def test_a_sentinel_url_names_its_sentinels_service_database_and_credentials() -> None:
    target = parse_sentinel_url(
        "redis+sentinel://app:p%40ss@10.0.0.1:26379,sentinel-b,[::1]:26380/queue/2?sentinel_password=s"
    )
    assert target == SentinelTarget(
        sentinels=(("10.0.0.1", 26379), ("sentinel-b", 26379), ("::1", 26380)),
        service="queue",
        db=2,
        username="app",
        password="p@ss",
        sentinel_password="s",
    )
    assert parse_sentinel_url("redis+sentinel://h:1/m").db == 0


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("redis+sentinel://:secret@h:1/", "/SERVICE"),
        ("redis+sentinel:///svc", "at least one sentinel"),
        ("redis+sentinel://h:70000/svc", "1 to 65535"),
        ("redis+sentinel://h:1/svc/x", "must be a number"),
        ("redis+sentinel://h:1/svc?timeout=1", r"unknown redis\+sentinel URL option"),
        ("http://h:1/0", "scheme must be one of"),
    ],
)
def test_a_bad_url_names_the_part_and_never_the_password(url: str, names: str) -> None:
    with pytest.raises(RedisUrlError, match=names) as caught:
        check_redis_url(url)
    assert "secret" not in str(caught.value)
    with pytest.raises(ValidationError) as settings_error:
        Settings(redis_url=url)
    assert "redis_url" in str(settings_error.value) and "secret" not in str(settings_error.value)


class Sentinels:
    """A master (AOF), a replica and three sentinels watching them, all children on loopback ports."""

    def __init__(self, directory: Path) -> None:
        self.master = RedisServer(directory / "master", appendonly=True)
        self.replica = RedisServer(directory / "replica", appendonly=True)
        self.directory = directory
        self.sentinels: list[tuple[int, subprocess.Popen[bytes]]] = []

    @property
    def url(self) -> str:
        return "redis+sentinel://" + ",".join(f"127.0.0.1:{port}" for port, _ in self.sentinels) + f"/{SERVICE}"

    def start(self) -> Sentinels:
        for server in (self.master, self.replica):
            server.directory.mkdir(parents=True)
        self.master.start()
        self.replica.start()
        from redis import Redis

        with Redis(host="127.0.0.1", port=self.replica.port) as replica:
            replica.replicaof("127.0.0.1", self.master.port)
            wait_until(lambda: replica.info("replication")["master_link_status"] == "up", "the replica to sync")
        for index in range(3):
            port = free_port()
            config = self.directory / f"sentinel-{index}.conf"
            config.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {self.directory}\n"
                f"sentinel monitor {SERVICE} 127.0.0.1 {self.master.port} 2\n"
                f"sentinel down-after-milliseconds {SERVICE} 1000\n"
                f"sentinel failover-timeout {SERVICE} 5000\n",
                encoding="utf-8",
            )
            process = subprocess.Popen(
                ["redis-server", str(config), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            self.sentinels.append((port, process))
            wait_for_port(port, process=process)
        wait_until(lambda: self.known_sentinels() >= 2, "the sentinels to find each other")
        return self

    def known_sentinels(self) -> int:
        """How many other sentinels the first one knows of."""
        from redis import Redis

        with Redis(host="127.0.0.1", port=self.sentinels[0][0]) as sentinel:
            return len(sentinel.execute_command("SENTINEL", "SENTINELS", SERVICE))

    def master_port(self) -> int:
        from redis import Redis

        with Redis(host="127.0.0.1", port=self.sentinels[0][0]) as sentinel:
            return int(sentinel.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE)[1])

    def stop(self) -> None:
        for _, process in self.sentinels:
            process.terminate()
            process.wait(timeout=10)
        self.replica.stop()
        self.master.stop()


@pytest.fixture
def sentinels(tmp_path: Path) -> Iterator[Sentinels]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server); skipping the Sentinel tests")
    cluster = Sentinels(tmp_path).start()
    yield cluster
    cluster.stop()


@pytest.mark.slow
def test_a_client_follows_the_master_through_a_failover(sentinels: Sentinels) -> None:
    client = connect(sentinels.url)
    client.set("before", "kept")
    client.execute_command("WAIT", 1, 5000)  # replicated before the crash
    sentinels.master.crash()
    wait_until(lambda: sentinels.master_port() == sentinels.replica.port, "the failover", FAILOVER_WAIT)
    assert client.get("before") == b"kept"  # the same client object, now talking to the promoted replica
    client.set("after", "written")
    assert client.get("after") == b"written"


@pytest.mark.slow
def test_a_transaction_sent_while_the_master_is_down_reaches_the_promoted_replica(sentinels: Sentinels) -> None:
    """RQ's calls are MULTI/EXEC pipelines: one sent on a pooled connection to the master just killed is retried
    until the sentinels name the promoted replica, and goes through there."""
    client = connect(sentinels.url)
    client.set("before", "kept")
    client.execute_command("WAIT", 1, 5000)
    sentinels.master.crash()
    pipeline = client.pipeline(transaction=True)
    pipeline.set("during", "written")
    pipeline.get("before")
    assert pipeline.execute() == [True, b"kept"]  # rode out the failover on the same pooled connection
    assert sentinels.master_port() == sentinels.replica.port


@pytest.mark.slow
def test_a_job_survives_the_master_killed_mid_job(sentinels: Sentinels, tmp_path: Path) -> None:
    started = tmp_path / "started"
    started.mkdir()
    pool = Workers(sentinels.url)
    try:
        start_suite(pool, started, delay="0.5")
        with running_gateway(sentinels.master, url=sentinels.url) as gateway:
            corpus = sentences(10)
            job = gateway.client.post("/v1/projections", json=body(corpus)).json()["job_id"]
            wait_until(lambda: attempts(started), "a translate chunk to start")
            sentinels.master.crash()
            state, records = finish(gateway.client, job)
            assert sentinels.master_port() == sentinels.replica.port
            assert state["status"] == "finished" and state["errors"] == []
            assert_nothing_lost(records, corpus)
            assert {r["meta"]["projection"]["status"] for r in records} == {"projected"}
    finally:
        pool.stop()
