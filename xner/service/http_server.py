"""Run an app under uvicorn with the limits a shared server needs: a deadline for request headers, a cap on
connections, and a short keep-alive.

uvicorn bounds idle keep-alive connections but not a client that opens a connection and sends its headers a byte
at a time (or never): :class:`HeaderDeadlineProtocol` closes a connection whose request headers are not complete
``header_timeout`` seconds after the connection opened or the first byte of the next request arrived. The body
has its own deadline in :mod:`xner.service.middleware`. Connections beyond ``max_connections`` get uvicorn's 503.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from xner.service.defaults import KEEP_ALIVE_SECONDS
from xner.service.settings import Settings


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request headers do not arrive in time."""

    header_timeout: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_timer: asyncio.TimerHandle | None = None
        self._armed_for: Any = None
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self._between_requests():
            self._arm()  # the first byte of the next request on a kept-alive connection
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        self._armed_for = self.cycle
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_overdue)

    def _headers_overdue(self) -> None:
        self._header_timer = None
        if self.cycle is self._armed_for and self._between_requests() and not self.transport.is_closing():
            self.logger.info("closing a connection whose request headers did not arrive in time")
            self.transport.close()


log = logging.getLogger("xner.serve")


def protocol_for(settings: Settings) -> type[HeaderDeadlineProtocol]:
    """:class:`HeaderDeadlineProtocol` with the settings' ``header_timeout``."""
    return type("HeaderDeadline", (HeaderDeadlineProtocol,), {"header_timeout": settings.header_timeout})


def startup_line(service: str, settings: Settings, *, host: str, port: int) -> str:
    """What ``xner serve`` logs once before it listens: the address, the queue mode and the default backends (never
    the Redis URL, which may hold a password)."""
    mode = "embedded queue (no Redis)" if settings.embedded else "Redis queue"
    backends = f"translator {settings.translator}, aligner {settings.aligner}, tagger {settings.tagger}"
    return f"xner serve {service}: listening on http://{host}:{port} ({mode}; {backends})"


def serve(app: Any, settings: Settings, *, host: str, port: int, service: str = "all") -> None:
    """Serve ``app`` with the header deadline, the connection cap and a short keep-alive, after one start-up line."""
    import uvicorn

    log.info(startup_line(service, settings, host=host, port=port))

    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        log_config=None,  # uvicorn's records go to the root logger: JSON lines (xner.service.logs)
        http=protocol_for(settings),
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
