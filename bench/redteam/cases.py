"""The case type of the red team and what builds cases: the targets, the request helpers (``post``, ``get``,
``multipart``, ``projection``, ``inception_body``) and the well-formed bodies and documents they fill in."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SERVICES = ("translate", "align", "project", "ner")
"""The four service APIs (each also a queue with its own worker)."""

TARGETS = ("gateway", *SERVICES)
"""The APIs a case may be sent to."""

CLIENT_ERRORS = frozenset(range(400, 500))


@dataclass(frozen=True)
class Case:
    """One request and what is acceptable as its answer.

    ``path`` may hold the placeholders of :data:`PLACEHOLDERS` (ids the setup created). ``key`` is ``"k1"``,
    ``"k2"`` (the two tenants), ``"bad"`` (a key the server does not know), ``"basic:k1"`` / ``"basic:bad"`` (HTTP
    Basic with that key as the password, as Label Studio sends it) or ``None`` (no Authorization header).
    """

    name: str
    target: str
    method: str
    path: str
    ok: frozenset[int]
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    key: str | None = "k1"
    mentions: tuple[str, ...] = ()
    """Substrings the answer's body must contain (the limit a message names)."""
    forbidden: tuple[str, ...] = ()
    """Substrings the answer (headers and body) must not contain."""
    forbidden_headers: tuple[str, ...] = ()
    """Response headers that must be absent (an injected header)."""
    request_id: str | None = None
    """The X-Request-ID the answer must carry (``"new"``: any server-made one, not the one sent)."""
    protocol: bool = False
    """The HTTP layer may refuse it before the app: only the status is judged."""
    follow: bool = False
    """Poll the job a 2xx answer created, and scan every answer on the way."""
    stall: bool = False
    """Send the request head without its final empty line, and then nothing (a client that never finishes its
    headers): the server must close the connection on its own. (A body that never arrives needs no flag: declare a
    larger Content-Length than the body sent.)"""
    chunked: bool = False
    """Send the body with Transfer-Encoding: chunked (no Content-Length)."""
    phase: int = 0
    """Cases of phase 1 run after every case of phase 0 (they read what phase 0 left behind)."""
    group: str | None = None
    """Cases of a group share a limit of accepted (2xx) answers (:data:`GROUP_LIMITS`)."""


PLACEHOLDERS = ("{job}", "{translate_job}", "{align_job}", "{project_job}", "{ner_job}")
"""Ids in paths, created by the setup with key k1: the corpus job and one job of each service."""

GROUP_LIMITS = {"train-flood": "quota"}
"""Group -> the limit on its accepted answers (``quota``: the server's max_concurrent_jobs_per_key)."""


def js(value: Any) -> bytes:
    return json.dumps(value).encode()


JSON_TYPE = (("Content-Type", "application/json"),)


def codes(*statuses: int) -> frozenset[int]:
    return frozenset(statuses)


def post(name: str, target: str, path: str, body: Any, ok: frozenset[int], **extra: Any) -> Case:
    """A POST whose ``body`` is bytes as given, or JSON (then with Content-Type: application/json)."""
    headers = tuple(extra.pop("headers", ()))
    if not isinstance(body, bytes):
        body = js(body)
        headers = JSON_TYPE + headers
    return Case(name, target, "POST", path, ok, body=body, headers=headers, **extra)


def put(name: str, target: str, path: str, body: Any, ok: frozenset[int], **extra: Any) -> Case:
    """A PUT of ``body`` as JSON."""
    return Case(
        name, target, "PUT", path, ok, body=js(body), headers=JSON_TYPE + tuple(extra.pop("headers", ())), **extra
    )


def get(name: str, target: str, path: str, ok: frozenset[int], **extra: Any) -> Case:
    return Case(name, target, "GET", path, ok, **extra)


def multipart(parts: Sequence[tuple[str, str | tuple[str, bytes]]], boundary: str = "redteam-b0undary") -> bytes:
    """A multipart/form-data body: ``(name, value)`` text fields and ``(name, (filename, content))`` files."""
    out = b""
    for name, value in parts:
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            filename, content = value
            out += f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'.encode()
            out += b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n"
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


MULTIPART_TYPE = (("Content-Type", "multipart/form-data; boundary=redteam-b0undary"),)


def projection(data: str, fmt: str = "conll", **extra: Any) -> dict[str, Any]:
    return {"source_lang": "en", "target_lang": "es", "corpus": {"format": fmt, "data": data}, **extra}


CONLL = "Angela\tB-PER\nMerkel\tI-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n"

LABEL_CONFIG = (
    '<View><Labels name="ner" toName="doc"><Label value="Person"/><Label value="Location"/></Labels>'
    '<Text name="doc" value="$content"/></View>'
)

NE = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"

TYPESYSTEM = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}<typeSystemDescription '
    'xmlns="http://uima.apache.org/resourceSpecifier"><types><typeDescription><name>{name}</name>'
    "<supertypeName>uima.tcas.Annotation</supertypeName><features><featureDescription><name>value</name>"
    "<rangeTypeName>uima.cas.String</rangeTypeName></featureDescription></features></typeDescription></types>"
    "</typeSystemDescription>"
)

XMI = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" '
    'xmlns:cas="http:///uima/cas.ecore" xmlns:tcas="http:///uima/tcas.ecore" xmi:version="2.0">'
    '<cas:NULL xmi:id="0"/><tcas:DocumentAnnotation xmi:id="2" sofa="1" begin="0" end="5" language="en"/>'
    '<cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" sofaString="{text}"/>'
    '<cas:View sofa="1" members="2"/></xmi:XMI>'
)


def inception_body(project: Any, *, typesystem: str | None = None, xmi: str | None = None) -> dict[str, Any]:
    return {
        "metadata": {"layer": NE, "feature": "value", "projectId": project, "anchoringMode": "tokens"},
        "document": {"xmi": xmi or XMI.format(doctype="", text="Paris"), "documentId": 1, "userId": "u"},
        "typeSystem": typesystem or TYPESYSTEM.format(doctype="", name=NE),
    }
