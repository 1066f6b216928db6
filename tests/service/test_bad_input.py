"""The bad-input battery against the gateway (embedded queue, in process): every malformed or hostile request is
a 4xx whose message names the problem (and, where there is one, the line or field); accepted odd input (empty
sentences) comes back with one record per sentence."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import assert_nothing_lost
from tests.service.test_gateway import make_client, wait_done


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with make_client() as c:
        yield c


def body(data: str, fmt: str = "conll", **extra: object) -> dict:
    return {"source_lang": "en", "target_lang": "es", "corpus": {"format": fmt, "data": data}, **extra}


def jsonl(record: dict) -> str:
    return json.dumps(record) + "\n"


@pytest.mark.parametrize(
    ("request_body", "status", "message"),
    [
        pytest.param(body("Paris\tZ-LOC\n"), 422, "corpus:line 1: unknown tag 'Z-LOC'", id="conll-unknown-tag"),
        pytest.param(body("a\tO\nb\tB-\n"), 422, "corpus:line 2", id="conll-tag-without-type"),
        pytest.param(body("{bad\n", "jsonl"), 422, "corpus:line 1", id="jsonl-not-json"),
        pytest.param(body('{"text": 1}\n', "jsonl"), 422, "corpus:line 1:text: must be a string", id="jsonl-text-type"),
        pytest.param(body("[1, 2]\n", "jsonl"), 422, "expected a JSON object", id="jsonl-not-object"),
        pytest.param(body('{"x": 1}', "labelstudio"), 422, "corpus:line 1", id="labelstudio-no-text"),
        pytest.param(
            body(jsonl({"text": "ab", "spans": [{"start": 0, "end": 5, "label": "PER"}]}), "jsonl"),
            422,
            "span [0, 5) PER is out of range for a text of 2 characters",
            id="offsets-past-the-text",
        ),
        pytest.param(
            body(jsonl({"text": "ab", "spans": [{"start": -1, "end": 1, "label": "PER"}]}), "jsonl"),
            422,
            "out of range",
            id="negative-offset",
        ),
        pytest.param(
            body(
                jsonl(
                    {
                        "text": "Kofi Annan",
                        "spans": [{"start": 0, "end": 10, "label": "PER"}, {"start": 5, "end": 10, "label": "PER"}],
                    }
                ),
                "jsonl",
            ),
            422,
            "spans [0, 10) PER and [5, 10) PER overlap",
            id="overlapping-spans",
        ),
        pytest.param(body(""), 422, "corpus: empty file", id="empty-corpus"),
        pytest.param(body("\n\n\n"), 422, "corpus: empty file", id="only-blank-lines"),
        pytest.param(body("a\x00b\tO\n"), 422, "corpus:line 1: control character U+0000 at column 2", id="nul"),
        pytest.param(body("x\tO\n\nhello\x85world\tO\n"), 422, "corpus:line 3: control character U+0085", id="nel"),
        pytest.param(body("a\u2028b\n", "text"), 422, "control character U+2028", id="line-separator"),
        pytest.param(
            body(jsonl({"text": "a \u001b[31m b"}), "jsonl"),
            422,
            "sentence 1 (line 1), token 2: control character U+001B",
            id="escaped-control-in-json",
        ),
        pytest.param(
            body(" ".join(["w"] * 10_000) + "\n", "text"),
            422,
            "sentence 1 (line 1) has 10000 tokens; the limit (max_tokens_per_sentence) is 512",
            id="10k-token-sentence",
        ),
        pytest.param(
            {"source_lang": "en", "target_lang": "xx_Nope", "corpus": {"format": "text", "data": "a\n"}},
            422,
            "unknown language 'xx_Nope'",
            id="unknown-target-language",
        ),
        pytest.param(
            {"source_lang": "klingon", "target_lang": "es", "corpus": {"format": "text", "data": "a\n"}},
            422,
            "unknown language 'klingon'",
            id="unknown-source-language",
        ),
        pytest.param(
            {"source_lang": 5, "target_lang": "es", "corpus": {"format": "text", "data": "a\n"}},
            422,
            "source_lang: Input should be a valid string",
            id="language-not-a-string",
        ),
        pytest.param({"source_lang": "en"}, 422, "Field required", id="missing-fields"),
    ],
)
def test_malformed_bodies_are_4xx_naming_the_problem(client, request_body, status, message):
    response = client.post("/v1/projections", json=request_body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert message in error["message"], error
    assert error["type"]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "message"),
    [
        pytest.param(b"{nope", "application/json", 422, "the body is not valid JSON", id="malformed-json"),
        pytest.param(
            b'{"source_lang": "\xff"}', "application/json", 422, "not valid UTF-8 (byte 17)", id="invalid-utf8"
        ),
        pytest.param(
            b'{"source_lang": "\\ud800", "target_lang": "es", "corpus": {"format": "text", "data": "a"}}',
            "application/json",
            422,
            "lone surrogate",
            id="lone-surrogate",
        ),
        pytest.param(b"a\tO\n", "text/plain", 415, "content-type 'text/plain' is not supported", id="text-plain"),
        pytest.param(b"<a/>", "application/xml", 415, "application/xml", id="xml"),
        pytest.param(b"garbage", "multipart/form-data; boundary=x", 422, "multipart/form-data", id="bad-multipart"),
        pytest.param(
            b'--x\r\nContent-Disposition: form-data; name="source_lang"\r\n\r\nen\r\n--x--\r\n',
            "multipart/form-data; boundary=x",
            422,
            "missing file field 'corpus'",
            id="multipart-without-corpus",
        ),
    ],
)
def test_malformed_requests_are_4xx_naming_the_problem(client, content, content_type, status, message):
    response = client.post("/v1/projections", content=content, headers={"content-type": content_type})
    assert response.status_code == status, response.text
    assert message in response.json()["error"]["message"]


def test_invalid_utf8_in_an_uploaded_file_names_the_byte(client):
    files = {"corpus": ("x.conll", b"Paris\tB-LOC\n\xff\tO\n", "text/plain")}
    response = client.post("/v1/projections", files=files, data={"source_lang": "en", "target_lang": "es"})
    assert response.status_code == 422
    assert "x.conll: invalid UTF-8 at byte 12" in response.json()["error"]["message"]


def test_empty_sentences_are_kept_one_record_each(client):
    kofi = {"text": "Kofi Annan", "spans": [{"start": 0, "end": 10, "label": "PER"}]}
    data = "".join(jsonl(r) for r in ({"text": ""}, kofi, {"text": " "}))
    response = client.post("/v1/projections", json=body(data, "jsonl"))
    assert response.status_code == 202, response.text
    job = response.json()["job_id"]
    assert wait_done(client, job)["status"] == "finished"
    records = [json.loads(line) for line in client.get(f"/v1/jobs/{job}/result").text.splitlines()]
    assert_nothing_lost(records, [[], ["Kofi", "Annan"], []])
