"""Admission of new work, atomic across gateway and API replicas: the per-key quota and the queue limits.

Every route that enqueues work asks first. One atomic step (a Lua script in Redis; a lock in the embedded broker)

1. refuses when the caller's key already has ``limit`` pieces of work in flight (its *admitted* set: corpus jobs,
   service jobs, fine-tuning jobs and synchronous requests, each a member with an expiry), and
2. refuses when a queue the request adds jobs to would then hold more than ``max_backlog`` jobs, counting the
   jobs waiting on it (queued and deferred) and the jobs other requests were admitted for but have not enqueued
   yet (*reservations*, which expire after :data:`~xner.service.defaults.ADMISSION_TTL` seconds), so a queue
   never holds more than ``max_backlog`` jobs through the APIs;
3. otherwise records the work in the key's set and reserves the request's jobs on each queue.

So two replicas can never both take the last slot of a key, and a request's fan-out (languages x chunks x steps)
counts against the queue limit before its jobs exist. Work is admitted *pending* (its member is
``<work>@<admission time>``): its jobs do not exist yet, so nobody can tell whether it finished, and it cannot be
pruned until :data:`~xner.service.defaults.ADMISSION_TTL` seconds have passed (then its caller died before
enqueueing). Once the jobs are enqueued, :meth:`Admission.settle` drops the reservation (the jobs now count
themselves) and confirms the member under its plain name, atomically. Which confirmed work is finished is the
caller's knowledge (a corpus job's state lives in the gateway's records): :mod:`xner.service.limits` prunes
finished members before admitting.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from redis import Redis
from redis.exceptions import ResponseError

from xner.service.defaults import ADMISSION_TTL

log = logging.getLogger("xner.broker")

ADMITTED_KEY = "xner:admitted:{}"
"""Redis sorted set of one key's work in flight (member -> expiry time)."""

RESERVED_KEY = "xner:reserved"
"""Redis sorted set of queue reservations (``token|queue|jobs`` -> expiry time)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why work was not admitted: the key's quota (``queue`` is ``None``) or a queue's backlog, with the count
    found."""

    count: int
    queue: str | None = None


PENDING = "@"
"""Separates a pending member's work from its admission time (``corpus:abc@1764870000``)."""


def pending_member(work: str, now: float) -> str:
    """The member of ``work`` admitted at ``now`` whose jobs are not enqueued yet."""
    return f"{work}{PENDING}{int(now)}"


def parse_member(member: str) -> tuple[str, float | None]:
    """``(work, admission time)`` of a pending member, ``(work, None)`` of a confirmed one."""
    work, separator, stamp = member.rpartition(PENDING)
    if separator and stamp.isdigit():
        return work, float(stamp)
    return member, None


@dataclass(frozen=True, slots=True)
class Admitted:
    """Work admitted: its reservation and pending member, to :meth:`Admission.settle` once its jobs are enqueued
    (``member`` is ``None`` for work that counts nothing against the key)."""

    token: str
    owner: str
    member: str | None = None
    work: str | None = None
    reservations: tuple[str, ...] = ()
    """The reservation entries stored for this admission (Redis), so settling removes exactly them."""


class Admission(Protocol):
    """The atomic admission step of one broker's store."""

    def admit(
        self, owner: str, work: str | None, *, limit: int, ttl: int, jobs: Mapping[str, int], max_backlog: int
    ) -> Admitted | Refusal:
        """Admit ``work`` (``None``: count nothing against the key) for ``owner`` for at most ``ttl`` seconds,
        reserving ``jobs`` (queue -> jobs the request adds) — or say why not."""
        ...

    def settle(self, admitted: Admitted) -> None:
        """Drop the reservation of admitted work whose jobs are now enqueued, and confirm its member under the
        plain work name (unless it was released meanwhile)."""
        ...

    def admitted(self, owner: str) -> list[str]:
        """The work ``owner`` has in flight (unexpired members)."""
        ...

    def release(self, owner: str, member: str) -> None:
        """Forget one member of ``owner``'s work (it finished, or was never enqueued)."""
        ...

    def memory_used(self) -> float | None:
        """The share of the store's memory limit in use; ``None`` where the store has no limit."""
        ...


_CONFIRM = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score then
  redis.call('ZADD', KEYS[1], score, ARGV[2])
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
"""

_ADMIT = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local member = ARGV[3]
local member_expiry = tonumber(ARGV[4])
local member_ttl = tonumber(ARGV[5])
local token = ARGV[6]
local reservation_expiry = tonumber(ARGV[7])
local max_backlog = tonumber(ARGV[8])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if member ~= '' then
  local active = redis.call('ZCARD', KEYS[1])
  if active >= limit then return {1, active, ''} end
end
local reserved = {}
for _, entry in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local _, _, queue, n = string.find(entry, '^[^|]*|(.*)|(%d+)$')
  if queue then reserved[queue] = (reserved[queue] or 0) + tonumber(n) end
end
local queues = (#ARGV - 8) / 2
for i = 0, queues - 1 do
  local queue = ARGV[9 + 2 * i]
  local backlog = redis.call('LLEN', KEYS[3 + 2 * i]) + redis.call('ZCARD', KEYS[4 + 2 * i]) + (reserved[queue] or 0)
  if backlog + tonumber(ARGV[10 + 2 * i]) > max_backlog then return {2, backlog, queue} end
end
if member ~= '' then
  redis.call('ZADD', KEYS[1], member_expiry, member)
  if redis.call('TTL', KEYS[1]) < member_ttl then redis.call('EXPIRE', KEYS[1], member_ttl) end
end
for i = 0, queues - 1 do
  redis.call('ZADD', KEYS[2], reservation_expiry, token .. '|' .. ARGV[9 + 2 * i] .. '|' .. ARGV[10 + 2 * i])
end
redis.call('EXPIRE', KEYS[2], math.max(member_ttl, 1))
return {0, 0, ''}
"""


class RedisAdmission:
    """:class:`Admission` in Redis, one Lua script per decision. ``queue_keys(queue)`` gives the Redis keys of a
    queue's waiting jobs: its list and its deferred registry."""

    def __init__(self, redis: Redis, queue_keys: Callable[[str], tuple[str, str]]) -> None:
        self.redis = redis
        self.queue_keys = queue_keys
        self._script: Any = redis.register_script(_ADMIT)
        self._confirm: Any = redis.register_script(_CONFIRM)
        self._info_refused = False

    def admit(
        self, owner: str, work: str | None, *, limit: int, ttl: int, jobs: Mapping[str, int], max_backlog: int
    ) -> Admitted | Refusal:
        now = time.time()
        token = uuid.uuid4().hex
        member = pending_member(work, now) if work is not None else None
        keys = [ADMITTED_KEY.format(owner), RESERVED_KEY]
        queued = [(queue, count) for queue, count in jobs.items() if count > 0]
        args: list[Any] = [now, limit, member or "", now + ttl, ttl, token, now + ADMISSION_TTL, max_backlog]
        for queue, count in queued:
            keys.extend(self.queue_keys(queue))
            args.extend([queue, count])
        verdict, count, queue = self._script(keys=keys, args=args)
        if int(verdict) == 1:
            return Refusal(int(count))
        if int(verdict) == 2:
            return Refusal(int(count), _text(queue))
        entries = tuple(f"{token}|{queue}|{count}" for queue, count in queued)
        return Admitted(token, owner, member, work, entries)

    def settle(self, admitted: Admitted) -> None:
        if admitted.reservations:
            self.redis.zrem(RESERVED_KEY, *admitted.reservations)
        if admitted.member is not None and admitted.work is not None:
            self._confirm(keys=[ADMITTED_KEY.format(admitted.owner)], args=[admitted.member, admitted.work])

    def admitted(self, owner: str) -> list[str]:
        key = ADMITTED_KEY.format(owner)
        return [_text(member) for member in self.redis.zrangebyscore(key, time.time(), "+inf")]

    def release(self, owner: str, member: str) -> None:
        self.redis.zrem(ADMITTED_KEY.format(owner), member)

    def memory_used(self) -> float | None:
        """Redis's own measure against ``maxmemory``: used memory less the replication and append-only buffers,
        which it leaves out (``mem_not_counted_for_evict``). ``None`` where Redis has no limit, or where ``INFO``
        is not allowed (a managed Redis or an ACL user without it: the bound is then left to Redis itself)."""
        try:
            memory = self.redis.info("memory")
        except ResponseError as exc:  # NoPermissionError, an INFO renamed or disabled
            if not self._info_refused:
                log.warning("the queue store does not answer INFO memory, so no memory high-water mark: %s", exc)
                self._info_refused = True
            return None
        limit = int(memory.get("maxmemory", 0))
        counted = int(memory["used_memory"]) - int(memory.get("mem_not_counted_for_evict", 0))
        return counted / limit if limit else None


class LocalAdmission:
    """:class:`Admission` in this process (the embedded broker): the same rules under a lock. ``backlog(queue)``
    counts a queue's waiting jobs (queued and deferred)."""

    def __init__(self, backlog: Callable[[str], int]) -> None:
        self.backlog = backlog
        self._lock = threading.Lock()
        self._admitted: dict[str, dict[str, float]] = {}
        self._reserved: dict[str, tuple[float, dict[str, int]]] = {}

    def admit(
        self, owner: str, work: str | None, *, limit: int, ttl: int, jobs: Mapping[str, int], max_backlog: int
    ) -> Admitted | Refusal:
        now = time.time()
        with self._lock:
            members = self._members(owner, now)
            if work is not None and len(members) >= limit:
                return Refusal(len(members))
            self._reserved = {t: r for t, r in self._reserved.items() if r[0] > now}
            for queue, count in jobs.items():
                if count <= 0:
                    continue
                waiting = self.backlog(queue) + sum(r[1].get(queue, 0) for r in self._reserved.values())
                if waiting + count > max_backlog:
                    return Refusal(waiting, queue)
            member = pending_member(work, now) if work is not None else None
            if member is not None:
                members[member] = now + ttl
            token = uuid.uuid4().hex
            self._reserved[token] = (now + ADMISSION_TTL, {q: n for q, n in jobs.items() if n > 0})
            return Admitted(token, owner, member, work)

    def settle(self, admitted: Admitted) -> None:
        with self._lock:
            self._reserved.pop(admitted.token, None)
            members = self._admitted.get(admitted.owner, {})
            if admitted.member is not None and admitted.work is not None and admitted.member in members:
                members[admitted.work] = members.pop(admitted.member)

    def admitted(self, owner: str) -> list[str]:
        with self._lock:
            return list(self._members(owner, time.time()))

    def release(self, owner: str, member: str) -> None:
        with self._lock:
            self._admitted.get(owner, {}).pop(member, None)

    def memory_used(self) -> float | None:
        return None  # the embedded broker caps its jobs by count (embedded_max_jobs)

    def _members(self, owner: str, now: float) -> dict[str, float]:
        members = {work: expiry for work, expiry in self._admitted.get(owner, {}).items() if expiry > now}
        self._admitted[owner] = members
        return members


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
