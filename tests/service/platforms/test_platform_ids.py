"""Platform project ids are integers wherever they enter, and the one outgoing call (Label Studio's export) is built
from the configured URL and that integer: a request cannot reach another Label Studio path with the server's token,
nor read Label Studio's answers through an error message."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from fastapi.testclient import TestClient

from gateway.platforms.labelstudio_api import export_url, fetch_tasks
from tests.service.clients import embedded_client, embedded_settings
from tests.service.platforms.conftest import LABEL_CONFIG
from xner.errors import BackendError

INJECTION = "1/../../../api/current-user/whoami?"
"""The path injection of the report: a project "id" that walks Label Studio's API from the export path."""

TOKEN = "ls-token-must-stay-home"
SECRET = "s3cr3t-from-label-studio"

HUGE = "9" * 10_000
"""A 10,000-digit id (as a string it reaches the parser; as a bare JSON number the body's digit limit stops it)."""

BAD_VALUES: list[Any] = [
    "abc",
    "1/2",
    "-1",
    -1,
    0,
    "0",
    "1e3",
    1.5,
    1000.0,
    [1],
    {"id": 1},
    True,
    " 7",
    "7 ",
    INJECTION,
    HUGE,
    2**63,  # past a 64-bit id, but within the body's digit limit: the parser answers
]
"""Project ids every id field refuses with a 422 naming the field."""

BAD_PATHS = ["abc", "-1", "0", "1e3", "1.5", "%5B1%5D", "%20", "1%3Fx=1", "%E2%91%A0", HUGE]
"""``{project}`` path segments every ``GET .../projects/{project}`` refuses with a 422 naming ``project``."""

SLASHED_PATHS = ["1%2F2", quote(INJECTION, safe="")]
"""Segments with an encoded slash: decoded before routing, they match no route (404), so no handler sees them."""

ONE_TASK = [{"id": 1, "data": {"content": "Paris"}, "annotations": [{"result": []}]}]
"""An export with too few annotations to train on: the webhook fetches it, then stops (422) before any job."""


@dataclass
class FakeLabelStudio:
    """A local HTTP server standing in for Label Studio: records each request and answers ``status``/``body``."""

    port: int
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    status: int = 200
    body: bytes = json.dumps(ONE_TASK).encode()
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _serve(fake_holder: list[FakeLabelStudio]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake = fake_holder[0]
            fake.requests.append(("GET", self.path, self.headers.get("Authorization")))
            self.send_response(fake.status)
            self.send_header("Content-Type", fake.content_type)
            self.send_header("Content-Length", str(len(fake.body)))
            for name, value in fake.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(fake.body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def fake_ls() -> Iterator[FakeLabelStudio]:
    holder: list[FakeLabelStudio] = []
    server = _serve(holder)
    holder.append(FakeLabelStudio(port=server.server_address[1]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()


def _gateway(base_url: str, service: str = "all") -> TestClient:
    return embedded_client(service, labelstudio_url=base_url, labelstudio_api_key=TOKEN)


def start_training(project_id: Any) -> dict[str, Any]:
    """A ``START_TRAINING`` event without tasks (so the gateway would fetch them)."""
    return {"action": "START_TRAINING", "project": {"id": project_id, "label_config": LABEL_CONFIG}}


def assert_names(response: httpx.Response, field_name: str) -> None:
    """A 422 whose error names ``field_name`` and says it must be an integer project id."""
    assert response.status_code == 422, response.text[:300]
    error = response.json()["error"]
    assert error["details"]["field"] == field_name, error
    assert "integer project id" in error["message"]


# --- the reported injection -------------------------------------------------------------------------------------


def test_the_injection_payload_is_a_422_and_label_studio_is_never_called(fake_ls):
    with _gateway(fake_ls.url + "/") as gateway:
        response = gateway.post("/labelstudio/webhook", json=start_training(INJECTION))
    assert_names(response, "project.id")
    assert fake_ls.requests == []
    assert "whoami" not in response.json()["error"]["message"]


@pytest.mark.parametrize("bad", BAD_VALUES, ids=repr)
def test_every_bad_webhook_id_is_a_422_and_nothing_is_fetched(fake_ls, bad):
    with _gateway(fake_ls.url) as gateway:
        response = gateway.post("/labelstudio/webhook", json=start_training(bad))
    assert_names(response, "project.id")
    assert fake_ls.requests == []


def test_a_huge_bare_number_is_refused_before_anything_is_fetched(fake_ls):
    body = json.dumps(start_training(0)).replace('"id": 0', f'"id": {HUGE}')
    with _gateway(fake_ls.url) as gateway:
        response = gateway.post("/labelstudio/webhook", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text[:300]
    assert response.json()["error"]["details"].get("field") in (None, "project.id")
    assert fake_ls.requests == []


# --- the fetch goes to exactly the export of the integer id -----------------------------------------------------


@pytest.mark.parametrize(("prefix", "expected"), [("", ""), ("/", ""), ("/ls/", "/ls"), ("/ls", "/ls")])
def test_a_valid_id_fetches_exactly_its_export(fake_ls, prefix, expected):
    with _gateway(fake_ls.url + prefix) as gateway:
        response = gateway.post("/labelstudio/webhook", json=start_training("17"))  # digits in a string are read
    assert response.status_code == 422 and "at least 2" in response.json()["error"]["message"]  # fetched, 1 task
    assert len(fake_ls.requests) == 1
    method, path, authorization = fake_ls.requests[0]
    assert method == "GET"
    assert path.split("?", 1)[0] == f"{expected}/api/projects/17/export"
    assert httpx.URL(path).params["exportType"] == "JSON"
    assert authorization == f"Token {TOKEN}"


def test_the_standalone_backend_fetches_the_same_export(fake_ls):
    with _gateway(fake_ls.url + "/ls/", service="labelstudio") as standalone:
        assert_names(standalone.post("/webhook", json=start_training(INJECTION)), "project.id")
        assert fake_ls.requests == []
        assert standalone.post("/webhook", json=start_training(23)).status_code == 422
    assert [path.split("?", 1)[0] for _, path, _ in fake_ls.requests] == ["/ls/api/projects/23/export"]


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://ls.example:8080", "http://ls.example:8080/api/projects/5/export"),
        ("http://ls.example:8080/", "http://ls.example:8080/api/projects/5/export"),
        ("https://example.org/tools/ls", "https://example.org/tools/ls/api/projects/5/export"),
        ("https://example.org/tools/ls/", "https://example.org/tools/ls/api/projects/5/export"),
        ("https://example.org/ls/?next=/x#top", "https://example.org/ls/api/projects/5/export"),
    ],
)
def test_the_export_url_keeps_the_configured_base(base, url):
    assert str(export_url(base, 5)) == url


@pytest.mark.parametrize("base", ["ls.example:8080", "/api", "ftp://ls.example/"])
def test_a_base_that_is_not_an_http_url_is_a_backend_error(base):
    with pytest.raises(BackendError, match="XNER_LABELSTUDIO_URL"):
        export_url(base, 5)


def test_the_export_url_takes_only_an_integer():
    with pytest.raises(ValueError):
        export_url("http://ls.example/", INJECTION)  # type: ignore[arg-type]


# --- Label Studio's answers stay on the server ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (500, f"Traceback ... token={SECRET}", "text/plain"),
        (401, json.dumps({"detail": SECRET}), "application/json"),
        (200, f"<html>Sign in {SECRET}</html>", "text/html"),
        (200, json.dumps({"secret": SECRET}), "application/json"),
    ],
)
def test_label_studio_answers_never_reach_the_caller(fake_ls, status, body, content_type):
    fake_ls.status, fake_ls.body, fake_ls.content_type = status, body.encode(), content_type
    with _gateway(fake_ls.url) as gateway:
        response = gateway.post("/labelstudio/webhook", json=start_training(31))
    assert response.status_code == 502, response.text
    assert SECRET not in response.text
    assert "31" in response.json()["error"]["message"]
    if status != 200:
        assert str(status) in response.json()["error"]["message"]


def test_a_redirect_is_not_followed_with_the_token():
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": "http://elsewhere.example/collect"}, text=SECRET)

    settings = embedded_settings(labelstudio_url="http://ls.example/", labelstudio_api_key=TOKEN)
    # even a client that would follow redirects does not: fetch_tasks asks for none
    with (
        httpx.Client(transport=httpx.MockTransport(answer), follow_redirects=True) as http,
        pytest.raises(BackendError) as raised,
    ):
        fetch_tasks(settings, 8, client=http)
    assert [str(r.url.copy_with(query=None)) for r in seen] == ["http://ls.example/api/projects/8/export"]
    assert "302" in str(raised.value) and SECRET not in str(raised.value)


def test_a_transport_error_names_the_project_not_the_answer():
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused {SECRET}", request=request)

    settings = embedded_settings(labelstudio_url="http://ls.example/", labelstudio_api_key=TOKEN)
    with httpx.Client(transport=httpx.MockTransport(fail)) as http, pytest.raises(BackendError) as raised:
        fetch_tasks(settings, 9, client=http)
    assert "project 9" in str(raised.value) and SECRET not in str(raised.value)


# --- every Label Studio id field --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gateway() -> Iterator[TestClient]:
    with embedded_client() as c:
        yield c


@pytest.fixture(scope="module")
def standalone() -> Iterator[TestClient]:
    with embedded_client("labelstudio") as c:
        yield c


def _predict(project: Any) -> dict[str, Any]:
    return {"tasks": [{"id": 1, "data": {"content": "Paris"}}], "label_config": LABEL_CONFIG, "project": project}


@pytest.mark.parametrize("prefix", ["/labelstudio", ""], ids=["gateway", "standalone"])
@pytest.mark.parametrize("bad", [*BAD_VALUES, "7.", ".7", "7.1.2", "7.abc", f"{INJECTION}.1"], ids=repr)
def test_bad_predict_and_setup_projects_are_422(gateway, standalone, prefix, bad):
    client = gateway if prefix else standalone
    assert_names(client.post(f"{prefix}/predict", json=_predict(bad)), "project")
    assert_names(client.post(f"{prefix}/setup", json={"project": bad, "schema": LABEL_CONFIG}), "project")


@pytest.mark.parametrize("prefix", ["/labelstudio", ""], ids=["gateway", "standalone"])
def test_label_studio_project_forms_that_are_read(gateway, standalone, prefix):
    client = gateway if prefix else standalone
    for project, expected in [("41.1700000000", 41), (42, 42), ("43", 43)]:
        setup = client.post(f"{prefix}/setup", json={"project": project, "schema": LABEL_CONFIG})
        assert setup.status_code == 200, setup.text
        status = client.get(f"{prefix}/projects/{expected}")
        assert status.status_code == 200, status.text
        assert status.json()["project"] == expected


@pytest.mark.parametrize("prefix", ["/labelstudio", "", "/inception"], ids=["gateway", "standalone", "inception"])
@pytest.mark.parametrize("bad", BAD_PATHS, ids=lambda p: p[:20])
def test_bad_project_paths_are_422(gateway, standalone, prefix, bad):
    client = standalone if prefix == "" else gateway
    assert_names(client.get(f"{prefix}/projects/{bad}"), "project")


@pytest.mark.parametrize("prefix", ["/labelstudio", "", "/inception"], ids=["gateway", "standalone", "inception"])
@pytest.mark.parametrize("bad", SLASHED_PATHS)
def test_slashed_project_paths_match_no_route(gateway, standalone, prefix, bad):
    client = standalone if prefix == "" else gateway
    response = client.get(f"{prefix}/projects/{bad}")
    assert response.status_code == 404 and "whoami" not in response.text


@pytest.mark.parametrize("prefix", ["/labelstudio", "/inception"])
def test_an_unknown_integer_project_is_a_404(gateway, prefix):
    response = gateway.get(f"{prefix}/projects/987654")
    assert response.status_code == 404 and "987654" in response.json()["error"]["message"]


# --- INCEpTION --------------------------------------------------------------------------------------------------


def _inception(project: Any) -> dict[str, Any]:
    """A request whose XMI and type system are not even parsed: the project id is checked first."""
    metadata = {"layer": "webanno.custom.X", "feature": "value", "projectId": project}
    return {"metadata": metadata, "document": {"xmi": ""}, "documents": [{"xmi": ""}], "typeSystem": "not xml"}


@pytest.mark.parametrize("route", ["predict", "train", "eng_Latn/predict", "eng_Latn/train"])
@pytest.mark.parametrize("bad", [*BAD_VALUES, None, "7.1"], ids=repr)
def test_bad_inception_project_ids_are_422(gateway, route, bad):
    assert_names(gateway.post(f"/inception/{route}", json=_inception(bad)), "metadata.projectId")


@pytest.mark.parametrize("good", [7, "7", 2**63 - 1])
def test_inception_integer_ids_are_read(gateway, good):
    response = gateway.post("/inception/predict", json=_inception(good))
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "typeSystem"  # past the id, on to the type system


@pytest.mark.parametrize(
    "lang", ["xx_Nope", "..%2F..%2Fetc", "%00", "x" * 2000, quote("é/../", safe=""), "projects"], ids=lambda s: s[:20]
)
@pytest.mark.parametrize("route", ["predict", "train"])
def test_a_bad_inception_language_is_a_4xx_naming_it(gateway, lang, route):
    from tests.service.platforms.test_inception import inception_typesystem, make_cas, request

    ts = inception_typesystem()
    cas = make_cas(ts, "John Smith works.\nAnn sleeps.", gold=("John Smith", "PER"))
    body = request(ts, cas, project=7)
    if route == "train":
        body = {**body, "documents": [body.pop("document")]}
    response = gateway.post(f"/inception/{lang}/{route}", json=body)
    assert 400 <= response.status_code < 500, response.text[:300]
    error = response.json()["error"]
    if response.status_code != 404:  # a segment with an encoded slash matches no route at all
        assert error["details"]["kind"] == "language", error
        assert error["details"]["name"] == unquote(lang)


# --- doccano ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "lang=..%2F..%2Fetc",
        "lang=%20",
        "lang=" + "x" * 2000,
        "offset_unit=..%2Fx",
        "offset_unit=",
        "offset_unit=" + "u" * 2000,
    ],
    ids=lambda s: s[:24],
)
def test_bad_doccano_queries_are_422(gateway, query):
    response = gateway.post(f"/doccano/predict?{query}", json={"text": "Paris"})
    assert response.status_code == 422, response.text[:300]
    assert len(response.text) < 10_000  # the error does not echo a long parameter many times over
