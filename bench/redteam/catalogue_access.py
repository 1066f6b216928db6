"""Attacks on who may reach what: missing, unknown and malformed keys, one tenant reading and cancelling the
other's jobs and projects, path traversal in every id and language parameter, and backend specs that name the
server's files."""

from __future__ import annotations

import json
from urllib.parse import quote

from bench.redteam.cases import (
    CLIENT_ERRORS,
    CONLL,
    MULTIPART_TYPE,
    SERVICES,
    Case,
    codes,
    get,
    inception_body,
    multipart,
    post,
    projection,
)
from bench.redteam.payloads import LS_INJECTION, SPECS, TRAVERSALS


def auth_cases() -> list[Case]:
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


def tenancy_cases() -> list[Case]:
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


def traversal_cases() -> list[Case]:
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


def spec_cases() -> list[Case]:
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
