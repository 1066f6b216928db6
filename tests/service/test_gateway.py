"""The gateway with the embedded queue (``xner serve`` without Redis): corpus jobs end to end, errors, auth."""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import time
from collections.abc import Iterator
from itertools import islice

import pytest
from fastapi.testclient import TestClient

from gateway.projections import submit_projection
from gateway.schemas import ProjectionRequest
from tests.service.clients import SPACY_EN, embedded_client
from xner import formats
from xner.evaluate import evaluate
from xner.formats.conll import write_conll
from xner.formats.jsonl import parse_record
from xner.project import project_corpus
from xner.project.links import align_links
from xner.service import backends

CONLL = (
    "Angela\tB-PER\nMerkel\tI-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n\nThe\tO\nUN\tB-ORG\nmet\tO\n.\tO\n\nHello\tO\n\n"
)


def make_client(**overrides: object) -> TestClient:
    """The all-in-one app, corpus jobs cut into chunks of two sentences."""
    return embedded_client("all", **{"chunk_size": 2, **overrides})


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with make_client() as c:
        yield c


def wait_done(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/v1/jobs/{job_id}").json()
        if state["status"] not in ("queued", "running"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still running after {timeout}s")


def submit(client: TestClient, body: dict) -> str:
    response = client.post("/v1/projections", json=body)
    assert response.status_code in (200, 202), response.text
    return str(response.json()["job_id"])


def test_translate_mode_returns_every_sentence_in_every_format(client):
    job = submit(client, {"source_lang": "en", "target_lang": "spa_Latn", "corpus": {"format": "conll", "data": CONLL}})
    state = wait_done(client, job)
    assert state["status"] == "finished" and state["errors"] == []
    assert state["progress"]["done"] == state["progress"]["total"] > 2  # chunked translate + align + project
    lines = client.get(f"/v1/jobs/{job}/result?format=jsonl").text.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["index"] for r in records] == [0, 1, 2]
    assert [r["meta"]["projection"]["status"] for r in records] == ["projected", "projected", "projected"]
    assert [(s["label"], records[0]["text"][s["start"] : s["end"]]) for s in records[0]["spans"]] == [
        ("PER", "Angela Merkel"),
        ("LOC", "Paris"),
    ]
    conll = client.get(f"/v1/jobs/{job}/result?format=conll").text
    assert "UN\tB-ORG" in conll and "#" not in conll  # plain token<TAB>tag lines, as the CLI writes
    assert all(line.count("\t") == 1 for line in conll.splitlines() if line)
    annotated = client.get(f"/v1/jobs/{job}/result?format=conll&metadata=true").text
    assert "# projection.status = projected" in annotated and "UN\tB-ORG" in annotated
    tasks = client.get(f"/v1/jobs/{job}/result?format=labelstudio").json()
    assert len(tasks) == 3 and tasks[1]["predictions"][0]["result"][0]["value"]["labels"] == ["ORG"]
    assert client.get(f"/v1/jobs/{job}/result?format=xml").status_code == 422


def test_doccano_corpus_in_doccano_result_out_with_utf16_offsets(client):
    text = "😀 Angela Merkel visited Paris ."
    corpus = json.dumps({"text": text, "label": [[3, 16, "PER"], [25, 30, "LOC"]], "Comments": ["x"]}) + "\n"
    job = submit(client, {"source_lang": "en", "target_lang": "es", "corpus": {"format": "doccano", "data": corpus}})
    assert wait_done(client, job)["status"] == "finished"
    response = client.get(f"/v1/jobs/{job}/result?format=doccano")
    assert response.headers["content-type"].startswith("application/x-ndjson")
    [line] = [json.loads(x) for x in response.text.splitlines()]
    units = line["text"].encode("utf-16-le")
    assert sorted((units[2 * a : 2 * b].decode("utf-16-le"), label) for a, b, label in line["label"]) == [
        ("Angela Merkel", "PER"),
        ("Paris", "LOC"),
    ]
    assert line["projection"]["status"] == "projected"


def test_resubmitting_returns_the_same_job(client):
    body = {"source_lang": "eng_Latn", "target_lang": "es", "corpus": {"format": "conll", "data": CONLL}}
    first = client.post("/v1/projections", json=body)
    second = client.post("/v1/projections", json=body)
    assert second.status_code == 200
    assert second.json()["job_id"] == first.json()["job_id"]
    assert second.headers["Location"] == f"/v1/jobs/{first.json()['job_id']}"


def test_parallel_mode_scores_like_the_library_on_europarl(client, europarl_dir):
    """The gateway aligns the whole corpus in one job (eflomal is corpus-level), so chunking costs nothing: on the
    same links, its projection is the library's, sentence for sentence."""
    n = 200
    en = list(islice(formats.read(europarl_dir / "en-europarl.test.conll02"), n))
    es_gold = list(islice(formats.read(europarl_dir / "es-europarl.test.conll02"), n))
    buffer = io.StringIO()
    write_conll(en, buffer)
    es_text = "\n".join(" ".join(s.tokens) for s in es_gold) + "\n"
    job = submit(
        client,
        {
            "source_lang": "en",
            "target_lang": "es",
            "corpus": {"format": "conll", "data": buffer.getvalue()},
            "target": {"format": "text", "data": es_text},
        },
    )
    state = wait_done(client, job)
    assert state["status"] == "finished"
    assert state["progress"]["jobs_total"] == 2  # one align job and one project job for the whole corpus
    assert state["progress"]["total"] == 2 * state["sentences"]
    records = [json.loads(line) for line in client.get(f"/v1/jobs/{job}/result").text.splitlines()]
    got = [parse_record(r, source="result", line=k) for k, r in enumerate(records)]
    assert [s.tokens for s in got] == [s.tokens for s in es_gold]
    # the aligner the align job used (same process): its content-hash cache gives the job's links back
    aligner = backends.get("aligner", "eflomal")
    links = align_links(aligner, [s.tokens for s in en], [s.tokens for s in es_gold])
    library = project_corpus(en, [s.__class__(tokens=s.tokens) for s in es_gold], links).sentences
    gateway_f1 = evaluate(es_gold, got).overall.f1
    assert gateway_f1 > 0.7
    assert [[x.key for x in s.spans] for s in got] == [[x.key for x in s.spans] for s in library]
    assert gateway_f1 == evaluate(es_gold, library).overall.f1


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": "a\tB-\n"}},
            422,
            "corpus:line 1",
        ),
        ({"source_lang": "en", "target_lang": "xx_Nope", "corpus": {"format": "conll", "data": CONLL}}, 422, "xx_Nope"),
        ({"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": ""}}, 422, "empty"),
        (
            {"source_lang": "en", "target_lang": "es", "corpus": {"format": "jsonl", "data": "{bad"}},
            422,
            "invalid JSON",
        ),
        (
            {
                "source_lang": "en",
                "target_lang": "es",
                "corpus": {"format": "conll", "data": CONLL},
                "target": {"format": "text", "data": "solo una\n"},
            },
            422,
            "target has 1 sentences but corpus has 3",
        ),
        ({"source_lang": "en", "target_lang": "es", "corpus": {"format": "xml", "data": "x"}}, 422, "corpus.format"),
        ({"source_lang": "en", "target_lang": [], "corpus": {"format": "conll", "data": CONLL}}, 422, "target_lang"),
        ({"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": CONLL}, "x": 1}, 422, "x"),
    ],
)
def test_bad_requests_are_4xx_naming_the_problem(client, body, status, message):
    response = client.post("/v1/projections", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]["message"]


def test_limits_name_the_limit_and_its_value():
    with make_client(max_tokens_per_sentence=3, max_body_bytes=2000, max_sentences_per_job=2) as c:
        long = c.post(
            "/v1/projections",
            json={"source_lang": "en", "target_lang": "es", "corpus": {"format": "text", "data": "a b c d\n"}},
        )
        assert long.status_code == 422 and "max_tokens_per_sentence) is 3" in long.json()["error"]["message"]
        many = c.post(
            "/v1/projections",
            json={"source_lang": "en", "target_lang": "es", "corpus": {"format": "text", "data": "a\nb\nc\n"}},
        )
        assert many.status_code == 413 and "max_sentences_per_job) is 2" in many.json()["error"]["message"]
        big = c.post("/v1/projections", content=b"x" * 5000, headers={"content-type": "application/json"})
        assert big.status_code == 413


def test_multipart_upload(client):
    files = {"corpus": ("gold.conll", CONLL.encode(), "text/plain")}
    data = {"source_lang": "eng_Latn", "target_lang": "ita_Latn", "options": json.dumps({"method": "heuristic"})}
    response = client.post("/v1/projections", files=files, data=data)
    assert response.status_code == 202, response.text
    assert wait_done(client, response.json()["job_id"])["status"] == "finished"
    bad = client.post("/v1/projections", files={"corpus": ("x.conll", b"\xff\xfe", "text/plain")}, data=data)
    assert bad.status_code == 422 and "UTF-8" in bad.json()["error"]["message"]


def test_result_of_unknown_job_and_several_languages(client):
    assert client.get("/v1/jobs/nope").status_code == 404
    job = submit(
        client,
        {"source_lang": "en", "target_lang": ["es", "it"], "corpus": {"format": "conll", "data": CONLL}},
    )
    assert wait_done(client, job)["languages"] == ["spa_Latn", "ita_Latn"]
    assert client.get(f"/v1/jobs/{job}/result").status_code == 422
    assert len(client.get(f"/v1/jobs/{job}/result?lang=ita_Latn").text.splitlines()) == 3


def test_api_keys():
    with make_client(api_keys=["k1", "k2"]) as c:
        body = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": CONLL}}
        assert c.post("/v1/projections", json=body).status_code == 401
        assert c.post("/v1/projections", json=body, headers={"Authorization": "Bearer nope"}).status_code == 403
        ok = c.post("/v1/projections", json=body, headers={"Authorization": "Bearer k2"})
        assert ok.status_code == 202
        job = ok.json()["job_id"]
        assert c.get(f"/v1/jobs/{job}", headers={"Authorization": "Bearer k1"}).status_code == 404  # another key's
        assert c.get("/health").status_code == 200


def test_api_keys_with_characters_beyond_ascii():
    with make_client(api_keys=["sécret", "k1"]) as c:
        sent = {"Authorization": "Bearer sécret".encode()}  # a client sends the key's UTF-8 bytes
        assert c.get("/v1/models", headers=sent).status_code == 200
        assert c.get("/v1/models", headers={"Authorization": "Bearer k1é".encode()}).status_code == 403


def test_openapi_documents_both_bodies_and_examples(client):
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/projections"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    assert spec["components"]["schemas"]["ProjectionRequest"]["examples"][0]["corpus"]["format"] == "conll"
    assert "/v1/ner/{lang}" in spec["paths"] and "/v1/translate" in spec["paths"]


needs_spacy = pytest.mark.skipif(
    importlib.util.find_spec(SPACY_EN) is None, reason=f"spaCy pipeline {SPACY_EN} is not installed"
)


@needs_spacy
def test_ner_native_english(client):
    response = client.post("/v1/ner/en", json={"texts": ["Angela Merkel visited Paris."]})
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    assert [(s["text"], s["label"]) for s in result["spans"]] == [("Angela Merkel", "PER"), ("Paris", "LOC")]
    assert result["spans"][0]["char_start"] == 0


@needs_spacy
@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
def test_ner_translate_test_spanish():
    with make_client(translator="apertium") as c:
        response = c.post(
            "/v1/ner/spa_Latn", json={"sentences": [["Angela", "Merkel", "visitó", "Berlín", "ayer", "."]]}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["via"] == "eng_Latn"
        labels = {(s["text"], s["label"]) for s in body["results"][0]["spans"]}
        assert ("Angela Merkel", "PER") in labels


def test_ner_limits_and_validation(client):
    assert client.post("/v1/ner/en", json={}).status_code == 422
    assert client.post("/v1/ner/en", json={"texts": ["a"], "sentences": [["a"]]}).status_code == 422
    too_many = client.post("/v1/ner/en", json={"sentences": [["a"]] * 100})
    assert too_many.status_code == 413 and "sync_max_sentences" in too_many.json()["error"]["message"]
    assert client.post("/v1/ner/zz_Zzzz", json={"texts": ["a"]}).status_code == 422


def test_ner_behind_a_long_queue_gets_429_and_a_timed_out_request_cancels_its_jobs():
    with make_client(max_queue_length=1, sync_timeout=0.3) as c:
        broker = c.app.state.broker
        held = broker.enqueue("ner", {"seconds": 3.0}, step="fake_sleep")  # occupies the ner worker
        deadline = time.monotonic() + 5
        while broker.queue_length("ner") and time.monotonic() < deadline:
            time.sleep(0.01)  # until the worker took it
        assert broker.queue_length("ner") == 0, "the worker never took the holding job"
        timed_out = c.post("/v1/ner/en", json={"texts": ["Angela Merkel visited Paris ."]})
        assert timed_out.status_code == 504 and "sync_timeout" in timed_out.json()["error"]["message"]
        assert broker.queue_length("ner") == 0  # the request's job was canceled, not left for the worker
        broker.enqueue("ner", {"seconds": 0.1}, step="fake_sleep")
        broker.enqueue("ner", {"seconds": 0.1}, step="fake_sleep")  # two queued: over the limit
        crowded = c.post("/v1/ner/en", json={"texts": ["Paris ."]})
        assert crowded.status_code == 429 and "max_queue_length" in crowded.json()["error"]["message"]
        assert crowded.headers["Retry-After"]
        assert broker.info(held) is not None


def test_service_apis_need_a_key_and_show_only_the_callers_jobs():
    with make_client(api_keys=["k1", "k2"]) as c:
        body = {"texts": ["Kofi Annan spoke ."], "src_lang": "en", "tgt_lang": "de"}
        assert c.post("/v1/translate", json=body).status_code == 401
        mine = c.post("/v1/translate", json=body, headers={"Authorization": "Bearer k1"})
        assert mine.status_code == 200, mine.text
        link = mine.json()["links"]["self"]
        assert c.get(link, headers={"Authorization": "Bearer k1"}).status_code == 200
        assert c.get(link, headers={"Authorization": "Bearer k2"}).status_code == 404


def test_same_corpus_from_two_keys_gives_two_jobs_and_delete_keeps_finished_jobs():
    with make_client(api_keys=["k1", "k2"]) as c:
        body = {
            "source_lang": "en",
            "target_lang": ["es", "spa", "spa_Latn"],
            "corpus": {"format": "conll", "data": CONLL},
        }
        one = c.post("/v1/projections", json=body, headers={"Authorization": "Bearer k1"}).json()["job_id"]
        two = c.post("/v1/projections", json=body, headers={"Authorization": "Bearer k2"}).json()["job_id"]
        assert one != two
        deadline = time.monotonic() + 60
        while c.get(f"/v1/jobs/{one}", headers={"Authorization": "Bearer k1"}).json()["status"] in (
            "queued",
            "running",
        ):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        final = c.get(f"/v1/jobs/{one}", headers={"Authorization": "Bearer k1"}).json()
        assert final["languages"] == ["spa_Latn"]  # duplicates of one language collapse
        deleted = c.delete(f"/v1/jobs/{one}", headers={"Authorization": "Bearer k1"}).json()
        assert deleted["status"] == final["status"] == "finished"
        assert c.get(f"/v1/jobs/{one}/result?lang=es", headers={"Authorization": "Bearer k1"}).status_code == 200


def test_backend_specs_are_checked_before_any_job_runs():
    body = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": CONLL}}
    with make_client() as c:
        unknown = c.post("/v1/projections", json={**body, "options": {"translator": "babelfish"}})
        assert unknown.status_code == 422 and "valid: apertium" in unknown.json()["error"]["message"]
    with make_client(allowed_backends=["apertium"]) as c:
        other = c.post("/v1/projections", json={**body, "options": {"aligner": "encoder:some/model"}})
        assert other.status_code == 422 and "not allowed here" in other.json()["error"]["message"]
        assert c.post("/v1/projections", json={**body, "options": {"translator": "apertium"}}).status_code == 202


def records_of(client: TestClient, job: str) -> list[dict]:
    return [json.loads(line) for line in client.get(f"/v1/jobs/{job}/result?format=jsonl").text.splitlines()]


@pytest.mark.parametrize("corpus_level", [True, False])
def test_a_corpus_job_back_translates_and_marks_end_to_end(corpus_level: bool):
    """Back-translation in parallel mode (the identity "translation" with markers, aligned with the target) and
    markers in translate mode, through the steps on the queues, chunk by chunk or over the whole corpus."""
    with make_client() as c:
        corpus = {"format": "conll", "data": CONLL}
        body = {"source_lang": "en", "target_lang": "es", "corpus": corpus, "target": corpus}
        app_settings = c.app.state.settings  # type: ignore[attr-defined]
        request = ProjectionRequest.model_validate(
            {**body, "options": {"backtranslation": True, "method": "heuristic"}}
        )
        job, _ = submit_projection(
            request,
            settings=app_settings,
            broker=c.app.state.broker,
            owner="anonymous",
            corpus_level=corpus_level,  # type: ignore[attr-defined]
        )
        state = wait_done(c, job)
        assert state["status"] == "finished" and state["errors"] == []
        records = records_of(c, job)
        assert [r["meta"]["projection"]["status"] for r in records] == ["projected", "projected", "projected"]
        assert [(s["start"], s["end"], s["label"]) for s in records[0]["spans"]] == [(0, 13, "PER"), (22, 27, "LOC")]
        assert records[0]["meta"]["input"]["spans"] == records[0]["meta"]["source"]["spans"]  # identity "translation"
        marked = submit(
            c, {"source_lang": "en", "target_lang": "es", "corpus": corpus, "options": {"method": "markers"}}
        )
        state = wait_done(c, marked)
        assert state["status"] == "finished" and state["progress"]["jobs_total"] == 2  # one marker job per chunk
        records = records_of(c, marked)
        assert [r["index"] for r in records] == [0, 1, 2]
        assert [s["label"] for r in records for s in r["spans"]] == ["PER", "LOC", "ORG"]


def test_ner_translate_test_with_back_translation_and_a_pivot():
    with make_client(translator="apertium") as c:
        sentence = ["Angela", "Merkel", "visitó", "Berlín", "ayer", "."]
        projection = {"backtranslation": True, "via": "eng_Latn", "method": "heuristic"}
        response = c.post("/v1/ner/spa_Latn", json={"sentences": [sentence], "projection": projection})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["via"] == "eng_Latn" and "backtranslation" in body["model"]
        labels = {(s["text"], s["label"]) for s in body["results"][0]["spans"]}
        assert ("Angela Merkel", "PER") in labels
        wrong = c.post("/v1/ner/spa_Latn", json={"sentences": [sentence], "projection": {"method": "markers"}})
        assert wrong.status_code == 422 and wrong.json()["error"]["message"].startswith("projection.method: markers")
