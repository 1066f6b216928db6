"""Attacks on the request itself: control characters in texts, content types and corpus formats, request ids
and malformed or stalled headers, hostile query parameters and unsupported or invented methods."""

from __future__ import annotations

from typing import Any

from bench.redteam.cases import (
    CLIENT_ERRORS,
    CONLL,
    JSON_TYPE,
    LABEL_CONFIG,
    MULTIPART_TYPE,
    Case,
    codes,
    get,
    js,
    multipart,
    post,
    projection,
)
from bench.redteam.payloads import HUGE


def control_cases() -> list[Case]:
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


def content_type_cases() -> list[Case]:
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


def header_cases() -> list[Case]:
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


def query_cases() -> list[Case]:
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


def method_cases() -> list[Case]:
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
