"""Redis URLs: the plain ones redis-py reads (``redis://``, ``rediss://``, ``unix://``) and Sentinel ones.

A Sentinel URL names the sentinels and the monitored master's service name; the client asks the sentinels for the
current master and asks again after a failover (redis-py's :class:`redis.sentinel.Sentinel`)::

    redis+sentinel://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT...]/SERVICE[/DB][?sentinel_password=SECRET]

``USER``/``PASSWORD`` authenticate with the master (and its replicas); ``sentinel_password`` with the sentinels, if
they require it. Errors name the part that is wrong and never repeat a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from xner.service import defaults

SENTINEL_SCHEME = "redis+sentinel"
"""The scheme of a Sentinel URL."""

PLAIN_SCHEMES = frozenset({"redis", "rediss", "unix"})
"""The schemes redis-py reads itself."""


class RedisUrlError(ValueError):
    """A Redis URL that cannot be used; the message names the part (never a password)."""


@dataclass(frozen=True)
class SentinelTarget:
    """Where a Sentinel URL points: the sentinels, the master's service name and how to talk to it."""

    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    sentinel_password: str | None = None


def is_sentinel(url: str) -> bool:
    """Whether ``url`` is a Sentinel URL."""
    return url.lower().startswith(f"{SENTINEL_SCHEME}://")


def check_redis_url(url: str) -> None:
    """Raise :class:`RedisUrlError` unless ``url`` is a plain Redis URL or a valid Sentinel URL."""
    if is_sentinel(url):
        parse_sentinel_url(url)
        return
    scheme = urlsplit(url).scheme.lower()
    if scheme not in PLAIN_SCHEMES:
        allowed = ", ".join(f"{s}://" for s in sorted(PLAIN_SCHEMES | {SENTINEL_SCHEME}))
        raise RedisUrlError(f"the Redis URL's scheme must be one of {allowed}, got {scheme or 'none'!r}")


def parse_sentinel_url(url: str) -> SentinelTarget:
    """The :class:`SentinelTarget` of a Sentinel URL (see the module doc)."""
    parts = urlsplit(url)
    credentials, _, hosts = parts.netloc.rpartition("@")
    if not hosts:
        raise RedisUrlError("a redis+sentinel URL needs at least one sentinel, HOST:PORT")
    sentinels = tuple(_host_port(item) for item in hosts.split(","))
    path = [piece for piece in parts.path.split("/") if piece]
    if not path or len(path) > 2:
        raise RedisUrlError("a redis+sentinel URL's path is /SERVICE or /SERVICE/DB (the monitored master's name)")
    db = 0
    if len(path) == 2:
        if not path[1].isdigit():
            raise RedisUrlError(f"the database in a redis+sentinel URL must be a number, got {path[1]!r}")
        db = int(path[1])
    username, password = None, None
    if credentials:
        user, has_password, secret = credentials.partition(":")
        username = unquote(user) or None
        password = unquote(secret) if has_password else None
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"sentinel_password"})
    if unknown:
        raise RedisUrlError(f"unknown redis+sentinel URL option(s): {', '.join(unknown)} (known: sentinel_password)")
    sentinel_password = query.get("sentinel_password", [None])[-1]
    return SentinelTarget(sentinels, unquote(path[0]), db, username, password, sentinel_password)


def _host_port(item: str) -> tuple[str, int]:
    host, colon, port = item.strip().rpartition(":")
    if not colon:
        host, port = item.strip(), str(defaults.SENTINEL_PORT)
    host = host.strip("[]")  # an IPv6 address in brackets
    if not host:
        raise RedisUrlError(f"a sentinel in a redis+sentinel URL has no host: {item!r}")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise RedisUrlError(f"a sentinel's port must be a number from 1 to 65535, got {port!r}")
    return host, int(port)
