"""The whole attack catalogue: the well-formed baseline on every route, every attack family in a fixed order,
and which routes of an API's OpenAPI document no case reaches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from bench.redteam.cases import SERVICES, Case, codes, get, inception_body, post
from bench.redteam.catalogue_access import auth_cases, spec_cases, tenancy_cases, traversal_cases
from bench.redteam.catalogue_http import content_type_cases, control_cases, header_cases, method_cases, query_cases
from bench.redteam.catalogue_limits import json_bound_cases, size_cases
from bench.redteam.catalogue_platforms import platform_cases


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
        *auth_cases(),
        *tenancy_cases(),
        *traversal_cases(),
        *spec_cases(),
        *json_bound_cases(),
        *size_cases(),
        *control_cases(),
        *content_type_cases(),
        *header_cases(),
        *query_cases(),
        *method_cases(),
        *platform_cases(),
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
