"""The Label Studio ML backend contract, checked with the label-studio-sdk's own models and validators."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

import httpx
import pytest

from gateway.platforms.labelstudio import annotated_sentences
from gateway.platforms.labelstudio_api import fetch_tasks
from tests.service.clients import embedded_client, embedded_settings
from tests.service.platforms.conftest import HOLD, HOLD_STEP, LABEL_CONFIG, TRICKY_TEXT, utf16_slice
from xner.errors import BackendError, InputError
from xner.service import steps
from xner.service.defaults import TRAIN_QUEUE

sdk = pytest.importorskip("label_studio_sdk", reason="label-studio-sdk is not installed (pip install -e '.[dev]')")
from label_studio_sdk.label_interface import LabelInterface  # noqa: E402
from label_studio_sdk.label_interface.objects import PredictionValue, TaskValue  # noqa: E402


def predict_body(texts: list[str], project: str = "7.1700000000", config: str = LABEL_CONFIG) -> dict:
    tasks = [
        TaskValue(data={"content": text}).model_dump(exclude_none=True) | {"id": k} for k, text in enumerate(texts)
    ]
    return {"tasks": tasks, "label_config": config, "project": project, "params": {"login": None, "context": None}}


def regions(response_json: dict) -> list[list[tuple[str, str]]]:
    return [[(r["value"]["text"], r["value"]["labels"][0]) for r in p["result"]] for p in response_json["results"]]


def test_predict_speaks_the_sdk_contract_with_utf16_offsets(client):
    response = client.post("/labelstudio/predict", json=predict_body([TRICKY_TEXT, "nothing here"]))
    assert response.status_code == 200, response.text
    interface = LabelInterface(LABEL_CONFIG)
    results = response.json()["results"]
    assert len(results) == 2
    for result in results:
        PredictionValue(**result)  # the SDK's model of a prediction accepts it
        assert interface.validate_prediction(result, return_errors=True) == []
    for region in results[0]["result"]:
        assert (region["from_name"], region["to_name"], region["type"]) == ("ner", "doc", "labels")
        value = region["value"]
        assert utf16_slice(TRICKY_TEXT, value["start"], value["end"]) == value["text"]  # the browser's reading
    assert regions(response.json())[0] == [
        ("Angela Merkel", "Person"),
        ("Paris", "Location"),
        ("Zoe\u0301", "Person"),  # the decomposed accent stays inside the entity
        ("Barack Obama", "Person"),
        ("Washington", "Location"),
    ]
    # 😀 is two UTF-16 units, CRLF two: "Barack" starts after 30 code points + CRLF + "Zoé said 👍🏽 " in UTF-16
    barack = results[0]["result"][3]["value"]
    assert barack["start"] == len(TRICKY_TEXT[: TRICKY_TEXT.index("Barack")].encode("utf-16-le")) // 2
    assert barack["start"] != TRICKY_TEXT.index("Barack")
    assert results[1]["result"] == [] and results[1]["score"] == 0.0


def test_labels_the_project_lacks_are_mapped_or_dropped(client):
    config = LABEL_CONFIG.replace('<Label value="Location"/>', '<Label value="Site"/>').replace(
        '<Label value="ORG"/>', ""
    )
    text = "Angela Merkel met the United Nations in Paris."
    assert client.post("/labelstudio/setup", json={"project": "11.1", "schema": config}).status_code == 200
    plain = client.post("/labelstudio/predict", json=predict_body([text], "11.1", config)).json()
    assert regions(plain) == [[("Angela Merkel", "Person")]]  # LOC and ORG have no project label: dropped
    setup = {"project": "11.1", "schema": config, "extra_params": json.dumps({"label_map": {"LOC": "Site"}})}
    assert client.post("/labelstudio/setup", json=setup).status_code == 200
    mapped = client.post("/labelstudio/predict", json=predict_body([text], "11.1", config)).json()
    assert regions(mapped) == [[("Angela Merkel", "Person"), ("Paris", "Site")]]
    assert LabelInterface(config).validate_prediction(mapped["results"][0], return_errors=True) == []


def test_setup_stores_the_project_language_and_predict_uses_translate_test(client):
    setup = client.post(
        "/labelstudio/setup", json={"project": "12.5", "schema": LABEL_CONFIG, "extra_params": {"lang": "sw"}}
    )
    assert setup.status_code == 200, setup.text
    version = setup.json()["model_version"]
    assert "swh_Latn" in version and "translate-test" in version
    body = predict_body(["Angela Merkel visited Paris."], "12.5")
    del body["label_config"]  # the config stored by /setup is used
    result = client.post("/labelstudio/predict", json=body).json()["results"][0]
    assert result["model_version"] == version
    assert [r["value"]["text"] for r in result["result"]] == ["Angela Merkel", "Paris"]
    assert client.get("/labelstudio/projects/12").json()["lang"] == "swh_Latn"
    english = client.post("/labelstudio/predict?lang=en", json=predict_body(["Paris"], "12.5")).json()
    assert "eng_Latn" in english["results"][0]["model_version"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"project": "1.1", "extra_params": {"lang": "xx-nonsense"}}, None),
        ({"project": "1.1", "extra_params": {"language": "sw"}}, "extra_params"),
        ({"project": "", "schema": LABEL_CONFIG}, "project"),
        ({"project": None, "schema": LABEL_CONFIG}, "project"),
        ({"schema": LABEL_CONFIG}, "project"),
        ({"project": "1.1", "extra_params": "{not json"}, "extra_params"),
        ({"project": "1.1", "schema": "<View><Text name='t'"}, "schema"),
        (
            {"project": "1.1", "schema": "<View><Choices name='c' toName='t'/><Text name='t' value='$x'/></View>"},
            "schema",
        ),
    ],
)
def test_bad_setup_is_a_422_naming_the_field(client, body, field):
    response = client.post("/labelstudio/setup", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    if field is not None:
        assert error["details"]["field"] == field


def test_bad_predict_requests_are_4xx_naming_the_field(client):
    missing = predict_body(["text"])
    missing["tasks"][0]["data"] = {"other": "text"}
    response = client.post("/labelstudio/predict", json=missing)
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "tasks[0].data.content"
    no_config = predict_body(["text"], project="999.1")
    del no_config["label_config"]
    assert client.post("/labelstudio/predict", json=no_config).status_code == 422
    assert client.post("/labelstudio/predict", json={"label_config": LABEL_CONFIG}).status_code == 422


def test_a_batch_over_the_bound_is_a_413_naming_the_setting():
    with embedded_client(platform_max_sentences=2) as small:
        response = small.post("/labelstudio/predict", json=predict_body(["One.\nTwo.", "Three."]))
    assert response.status_code == 413
    assert "platform_max_sentences" in response.json()["error"]["message"]


def test_a_prediction_past_the_time_limit_is_a_504_naming_the_setting():
    with embedded_client(platform_timeout=0.2) as slow:
        broker = slow.app.state.broker  # type: ignore[attr-defined]
        HOLD.clear()
        blocker = broker.enqueue("ner", {}, step=HOLD_STEP)  # the ner queue is busy: the prediction cannot finish
        try:
            response = slow.post("/labelstudio/predict", json=predict_body(["Paris"]))
        finally:
            HOLD.set()
        broker.wait(blocker, 30)
    assert response.status_code == 504
    assert "platform_timeout" in response.json()["error"]["message"]


def test_health_answers_without_a_model():
    with embedded_client("labelstudio", tagger="spacy:no_such_pipeline") as standalone:  # a model that cannot load
        assert standalone.get("/health").json() == {"status": "UP", "model_class": "XnerNER"}
        assert standalone.get("/").json()["status"] == "UP"


def test_standalone_server_serves_the_contract_at_the_root(client):
    with embedded_client("labelstudio") as standalone:
        response = standalone.post("/predict", json=predict_body(["Angela Merkel visited Paris."]))
        assert response.status_code == 200, response.text
        assert regions(response.json()) == [[("Angela Merkel", "Person"), ("Paris", "Location")]]
        assert standalone.post("/setup", json={"project": "3.1", "schema": LABEL_CONFIG}).status_code == 200
        assert "xner_requests_total" in standalone.get("/metrics").text
    assert "xner_requests_total" in client.get("/labelstudio/metrics").text


def test_basic_auth_carries_the_api_key():
    with embedded_client(api_keys="k1") as secured:
        body = predict_body(["Paris"])
        assert secured.post("/labelstudio/predict", json=body).status_code == 401
        good = base64.b64encode(b"labelstudio:k1").decode()
        bad = base64.b64encode(b"labelstudio:k2").decode()
        assert (
            secured.post("/labelstudio/predict", json=body, headers={"Authorization": f"Basic {good}"}).status_code
            == 200
        )
        assert (
            secured.post("/labelstudio/predict", json=body, headers={"Authorization": f"Basic {bad}"}).status_code
            == 403
        )
        assert (
            secured.post("/labelstudio/predict", json=body, headers={"Authorization": "Bearer k1"}).status_code == 200
        )
        assert secured.get("/labelstudio/health").status_code == 200


def test_webhook_events(client):
    created = client.post("/labelstudio/webhook", json={"action": "ANNOTATION_CREATED", "annotation": {"id": 1}})
    assert created.status_code == 201 and created.json()["status"] == "ok"
    unknown = client.post("/labelstudio/webhook", json={"action": "PROJECT_ARCHIVED"})
    assert unknown.status_code == 200 and unknown.json() == {"status": "Unknown event"}
    assert client.post("/labelstudio/webhook", json={"project": {"id": 1}}).status_code == 422
    no_source = {"action": "START_TRAINING", "project": {"id": 5, "label_config": LABEL_CONFIG}}
    response = client.post("/labelstudio/webhook", json=no_source)
    assert response.status_code == 422 and "XNER_LABELSTUDIO_URL" in response.json()["error"]["message"]
    one = {**no_source, "tasks": [{"id": 1, "data": {"content": "Paris"}, "annotations": [{"result": []}]}]}
    too_few = client.post("/labelstudio/webhook", json=one)
    assert too_few.status_code == 422 and "at least 2" in too_few.json()["error"]["message"]


@pytest.mark.parametrize("config", [[LABEL_CONFIG], 7, {"xml": LABEL_CONFIG}, True])
def test_a_webhook_label_config_that_is_not_a_string_is_a_422(client, config):
    body = {"action": "START_TRAINING", "project": {"id": 5, "label_config": config}, "tasks": []}
    response = client.post("/labelstudio/webhook", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["field"] == "project.label_config"


def test_annotations_are_fetched_from_the_configured_label_studio():
    seen: list[httpx.Request] = []
    tasks = [{"id": 1, "data": {"content": "Paris"}, "annotations": []}]

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=tasks)

    settings = embedded_settings(labelstudio_url="http://ls.example:8080/", labelstudio_api_key="tok")
    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        assert fetch_tasks(settings, 42, client=http) == tasks
    assert seen[0].url.path == "/api/projects/42/export"
    assert seen[0].url.params["exportType"] == "JSON"
    assert seen[0].headers["Authorization"] == "Token tok"
    failing = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(401, text="no")))
    with pytest.raises(BackendError, match="401"):
        fetch_tasks(settings, 42, client=failing)
    with pytest.raises(InputError, match="XNER_LABELSTUDIO_URL"):
        fetch_tasks(embedded_settings(), 42)


def test_an_export_that_is_not_json_is_a_backend_error_naming_the_export():
    settings = embedded_settings(labelstudio_url="http://ls.example:8080/", labelstudio_api_key="tok")
    html = httpx.MockTransport(lambda _: httpx.Response(200, text="<html>Sign in</html>"))
    with httpx.Client(transport=html) as http, pytest.raises(BackendError, match="export of project 42"):
        fetch_tasks(settings, 42, client=http)


def test_projects_belong_to_the_api_key_that_set_them_up(tmp_path):
    key_a, key_b = {"Authorization": "Bearer ka"}, {"Authorization": "Bearer kb"}
    tasks = [
        {"id": k, "data": {"content": text}, "annotations": [{"result": []}]}
        for k, text in enumerate(["Paris is big.", "Ann sleeps."])
    ]
    start = {"action": "START_TRAINING", "project": {"id": 1, "label_config": LABEL_CONFIG}, "tasks": tasks}
    with embedded_client(api_keys="ka,kb", train_dir=str(tmp_path)) as secured:
        setup_a = {"project": "1.1", "schema": LABEL_CONFIG, "extra_params": {"lang": "sw"}}
        assert secured.post("/labelstudio/setup", json=setup_a, headers=key_a).status_code == 200
        setup_b = {"project": "1.1", "schema": LABEL_CONFIG, "extra_params": {"lang": "fr"}}
        assert secured.post("/labelstudio/setup", json=setup_b, headers=key_b).status_code == 200
        assert secured.get("/labelstudio/projects/1", headers=key_a).json()["lang"] == "swh_Latn"  # not overwritten
        assert secured.get("/labelstudio/projects/1", headers=key_b).json()["lang"] == "fra_Latn"
        broker = secured.app.state.broker  # type: ignore[attr-defined]
        HOLD.clear()
        blocker = broker.enqueue(TRAIN_QUEUE, {}, step=HOLD_STEP)  # keeps the training jobs queued
        jobs: list[str] = []
        try:
            trained = secured.post("/labelstudio/webhook", json=start, headers=key_b)
            assert trained.status_code == 201, trained.text
            job = trained.json()["result"]["job_id"]
            jobs.append(job)
            status_b = secured.get("/labelstudio/projects/1", headers=key_b).json()["training"]
            assert status_b["job_id"] == job
            assert secured.get("/labelstudio/projects/1", headers=key_a).json()["training"] is None  # B's job
            # A's training is A's own (B's job does not make it a 429) and writes to its own directory
            again = secured.post("/labelstudio/webhook", json=start, headers=key_a)
            assert again.status_code == 201, again.text
            jobs.append(again.json()["result"]["job_id"])
            status_a = secured.get("/labelstudio/projects/1", headers=key_a).json()["training"]
            assert status_a["job_id"] != job and status_a["model_dir"] != status_b["model_dir"]
        finally:
            for pending in jobs:  # the base model is not needed: the jobs never run
                broker.cancel(pending)
            HOLD.set()
        broker.wait(blocker, 30)


TRAINABLE = [
    {"id": k, "data": {"content": text}, "annotations": [{"result": []}]}
    for k, text in enumerate(["Paris is big.", "Ann sleeps."])
]


def test_a_prediction_is_answered_while_a_fine_tuning_job_runs(monkeypatch, tmp_path):
    started = threading.Event()

    def held_training(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
        started.set()
        HOLD.wait(60)
        return {"output_dir": payload["output_dir"]}

    monkeypatch.setitem(steps.REGISTERED, "train", held_training)  # a fine-tuning that runs until released
    start = {"action": "START_TRAINING", "project": {"id": 61, "label_config": LABEL_CONFIG}, "tasks": TRAINABLE}
    HOLD.clear()
    with embedded_client(platform_timeout=10, train_dir=str(tmp_path)) as c:
        broker = c.app.state.broker  # type: ignore[attr-defined]
        job = None
        try:
            trained = c.post("/labelstudio/webhook", json=start)
            assert trained.status_code == 201, trained.text
            job = trained.json()["result"]["job_id"]
            assert started.wait(30)
            response = c.post("/labelstudio/predict", json=predict_body(["Angela Merkel visited Paris."], "62.1"))
            assert response.status_code == 200, response.text  # the ner queue is free while the training runs
            assert regions(response.json()) == [[("Angela Merkel", "Person"), ("Paris", "Location")]]
            info = broker.info(job)
            assert info.queue == TRAIN_QUEUE and info.status.value == "running"
        finally:
            HOLD.set()
            if job is not None:
                broker.wait(job, 30)


def test_on_redis_a_fine_tuning_job_has_its_own_queue_and_timeout_and_no_retries(redis_url, tmp_path):
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from gateway.platforms.labelstudio import parse_label_config
    from gateway.platforms.projects import start_training
    from xner.service.broker_rq import RQBroker

    settings = embedded_settings(
        redis_url=redis_url, retry_max=3, job_timeout=60, train_timeout=7200, train_dir=str(tmp_path)
    )
    broker = RQBroker(settings)
    sentences = annotated_sentences(TRAINABLE, parse_label_config(LABEL_CONFIG), source="test")
    job_id = start_training(broker, settings, "anonymous", "labelstudio", 5, sentences, "eng_Latn")
    job = Job.fetch(job_id, connection=broker.redis, serializer=JSONSerializer)
    assert job.origin == "train"
    assert job.timeout == 7200
    assert not job.retries_left
