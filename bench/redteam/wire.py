"""Requests on raw sockets: the request's bytes exactly as a case gives them (no client-side normalisation of
``../`` or header validation), sent on a fresh connection with a deadline, and the raw answer parsed."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
"""Bytes of an answer read at most (the rest is dropped; the catalogue's answers are far smaller)."""


@dataclass
class Answer:
    """What came back on one connection: ``status`` 0 when the server closed it without an HTTP answer."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    raw: bytes
    seconds: float
    hung: bool

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def build_request(
    method: str,
    path: str,
    host: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    *,
    chunked: bool = False,
) -> bytes:
    """The request's bytes, exactly: our Host, Connection: close and Content-Length unless the case sets them."""
    names = {name.lower() for name, _ in headers}
    lines = [f"{method} {path} HTTP/1.1"]
    if "host" not in names:
        lines.append(f"Host: {host}")
    lines += ["Connection: close", "User-Agent: xner-redteam"]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif "content-length" not in names and (body or method in ("POST", "PUT", "PATCH")):
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{name}: {value}" for name, value in headers if not (name.lower() == "host" and not value)]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    if chunked:
        step = 64 * 1024
        body = b"".join(
            f"{len(body[i : i + step]):x}\r\n".encode() + body[i : i + step] + b"\r\n"
            for i in range(0, len(body), step)
        )
        body += b"0\r\n\r\n"
    return head + body


def exchange(host: str, port: int, request: bytes, timeout: float) -> Answer:
    """Send ``request`` on a fresh connection and read the answer until the server closes it or ``timeout``
    passes. The body goes out in pieces while the server has not answered yet (a 413 may come early)."""
    started = time.monotonic()
    deadline = started + timeout
    data = bytearray()
    hung = False
    with socket.create_connection((host, port), timeout=timeout) as sock:
        try:
            view = memoryview(request)
            while view:
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break  # the server answered before the whole request was sent
                sent = sock.send(view[: 64 * 1024])
                view = view[sent:]
        except OSError:
            pass  # the server refused the rest (and closed): its answer, if any, is read below
        while len(data) < MAX_RESPONSE_BYTES:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                hung = True
                break
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                hung = True
                break
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    status, headers, body = parse_answer(bytes(data))
    return Answer(status, headers, body, bytes(data), time.monotonic() - started, hung)


def parse_answer(data: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and (de-chunked) body of a raw HTTP/1.1 answer; status 0 when there is none."""
    head, separator, rest = data.partition(b"\r\n\r\n")
    if not separator or not head.startswith(b"HTTP/"):
        return 0, [], data
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ", 2)[1])
    except (IndexError, ValueError):
        return 0, [], data
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    if any(name.lower() == "transfer-encoding" and "chunked" in value.lower() for name, value in headers):
        rest = dechunk(rest)
    return status, headers, rest


def dechunk(data: bytes) -> bytes:
    out = bytearray()
    position = 0
    while position < len(data):
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            break
        try:
            size = int(data[position:line_end].split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += data[line_end + 2 : line_end + 2 + size]
        position = line_end + 2 + size + 2
    return bytes(out)
