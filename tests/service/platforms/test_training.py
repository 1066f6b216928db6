"""Fine-tuning on a project's annotations (Label Studio START_TRAINING, INCEpTION /train) with a tiny random
XLM-R built offline, through the train queue; predictions then use the fine-tuned model."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import built_once
from tests.service.clients import embedded_client
from tests.service.platforms.conftest import HOLD, HOLD_STEP, LABEL_CONFIG
from tests.service.platforms.test_inception import NE, inception_typesystem, make_cas, request
from xner.service.defaults import TRAIN_QUEUE

pytest.importorskip("torch", reason="torch is not installed (pip install -e '.[ner]')")
sdk = pytest.importorskip("label_studio_sdk", reason="label-studio-sdk is not installed (pip install -e '.[dev]')")
from label_studio_sdk.label_interface import LabelInterface  # noqa: E402


@pytest.fixture(scope="session")
def tiny_xlmr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base model fine-tuning starts from (read-only: each run writes under its own train_dir)."""
    from xner.testing.tiny_models import build_tiny_token_classifier

    return built_once(tmp_path_factory, "tiny-xlmr", build_tiny_token_classifier)


@pytest.fixture(scope="module")
def trainer(tiny_xlmr: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    out = tmp_path_factory.mktemp("finetuned")
    with embedded_client(train_base=f"hf:{tiny_xlmr}", train_dir=str(out), train_epochs=1) as c:
        yield c


def annotated_task(task_id: int, text: str, spans: list[tuple[str, str]]) -> dict[str, Any]:
    result = []
    for surface, label in spans:
        start = len(text[: text.index(surface)].encode("utf-16-le")) // 2
        end = start + len(surface.encode("utf-16-le")) // 2
        value = {"start": start, "end": end, "text": surface, "labels": [label]}
        result.append({"from_name": "ner", "to_name": "doc", "type": "labels", "value": value})
    return {"id": task_id, "data": {"content": text}, "annotations": [{"id": task_id, "result": result}]}


TASKS = [
    annotated_task(1, "😀 John Smith works at Google in Madrid.", [("John Smith", "Person"), ("Madrid", "Location")]),
    annotated_task(
        2, "Angela Merkel met Emmanuel Macron in Paris.", [("Angela Merkel", "Person"), ("Paris", "Location")]
    ),
    annotated_task(3, "Juan Pérez trabaja en Madrid.", [("Juan Pérez", "Person"), ("Madrid", "Location")]),
    {"id": 4, "data": {"content": "Not annotated yet."}, "annotations": []},
]


def wait_trained(client: TestClient, path: str, timeout: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        training = client.get(path).json()["training"]
        if training["status"] not in ("queued", "running"):
            return dict(training)
        time.sleep(0.1)
    raise AssertionError(f"training still running after {timeout}s")


def test_start_training_fine_tunes_and_predictions_use_the_new_model(trainer):
    body = {"action": "START_TRAINING", "project": {"id": 21, "label_config": LABEL_CONFIG}, "tasks": TASKS}
    response = trainer.post("/labelstudio/webhook", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["result"]["sentences"] == 3  # the task without annotations is not training data
    training = wait_trained(trainer, "/labelstudio/projects/21")
    assert training["status"] == "finished", training
    assert 0.0 <= training["result"]["dev_f1"] <= 1.0
    assert trainer.get("/labelstudio/projects/21").json()["model"]["job"] == training["job_id"]
    assert "/" not in training["model_dir"]  # named under XNER_TRAIN_DIR: no server path in a response
    assert training["result"]["output_dir"] == training["model_dir"]
    model_dir = Path(trainer.app.state.settings.train_dir) / training["model_dir"]
    assert (model_dir / "config.json").is_file()
    assert '"B-Person"' in (model_dir / "config.json").read_text(encoding="utf-8")  # the project's labels
    task = {"id": 9, "data": {"content": "John Smith lives in Madrid."}}
    predicted = trainer.post(
        "/labelstudio/predict", json={"tasks": [task], "label_config": LABEL_CONFIG, "project": "21.5"}
    )
    assert predicted.status_code == 200, predicted.text
    result = predicted.json()["results"][0]
    assert "finetuned" in result["model_version"]
    assert LabelInterface(LABEL_CONFIG).validate_prediction(result, return_errors=True) == []
    other = trainer.post(
        "/labelstudio/predict", json={"tasks": [task], "label_config": LABEL_CONFIG, "project": "22.5"}
    )
    assert "finetuned" not in other.json()["results"][0]["model_version"]  # other projects keep the default


def train_body(ts: Any, documents: list[Any], *, project: int) -> dict[str, Any]:
    """An INCEpTION ``/train`` request for ``documents`` (CASes with gold) of ``project``."""
    return {
        "metadata": request(ts, documents[0], project=project)["metadata"],
        "documents": [{"xmi": c.to_xmi(), "documentId": k} for k, c in enumerate(documents)],
        "typeSystem": ts.to_xml(),
    }


def test_inception_train_then_predict_with_the_fine_tuned_model(trainer):
    ts = inception_typesystem()
    documents = [
        make_cas(ts, "John Smith works at Google in Madrid.", gold=("John Smith", "PER")),
        make_cas(ts, "Angela Merkel met Emmanuel Macron in Paris.", gold=("Paris", "LOC")),
    ]
    response = trainer.post("/inception/train", json=train_body(ts, documents, project=31))
    assert response.status_code == 204, response.text
    training = wait_trained(trainer, "/inception/projects/31")
    assert training["status"] == "finished", training
    predicted = trainer.post(
        "/inception/predict", json=request(ts, make_cas(ts, "John Smith visited Paris."), project=31)
    )
    assert predicted.status_code == 200, predicted.text
    import cassis

    result = cassis.load_cas_from_xmi(predicted.json()["document"], typesystem=ts)
    assert {e.value for e in result.select(NE)} <= {"PER", "LOC"}  # the labels the project trained on


def test_a_second_training_while_one_is_pending_is_429_and_the_last_model_stays_in_use(trainer):
    ts = inception_typesystem()
    documents = [
        make_cas(ts, "John Smith works.", gold=("John Smith", "PER")),
        make_cas(ts, "Ann sleeps.", gold=("Ann", "PER")),
    ]
    body = train_body(ts, documents, project=41)
    broker = trainer.app.state.broker  # type: ignore[attr-defined]

    def train_while_held() -> None:
        HOLD.clear()
        blocker = broker.enqueue(TRAIN_QUEUE, {}, step=HOLD_STEP)  # keeps the training job queued
        try:
            assert trainer.post("/inception/train", json=body).status_code == 204
            busy = trainer.post("/inception/train", json=body)
            assert busy.status_code == 429 and "already training" in busy.json()["error"]["message"]
            status = trainer.get("/inception/projects/41").json()
            assert status["training"]["status"] == "queued"
            assert status["model"] == first_model  # the previous model serves until the new one is done
        finally:
            HOLD.set()
        broker.wait(blocker, 30)
        assert wait_trained(trainer, "/inception/projects/41")["status"] == "finished"

    first_model = None
    train_while_held()
    first_model = trainer.get("/inception/projects/41").json()["model"]
    assert first_model is not None and first_model["lang"] == "eng_Latn"
    train_while_held()
    second = trainer.get("/inception/projects/41").json()["model"]
    assert second["job"] != first_model["job"]  # promoted once finished


def test_concurrent_training_requests_for_one_project_start_one_job():
    from concurrent.futures import ThreadPoolExecutor

    from gateway.platforms.projects import start_training
    from tests.service.clients import embedded_settings
    from tests.service.test_limits import PausedBroker
    from xner.corpus import Sentence, Span
    from xner.service.errors import TooManyRequests

    settings = embedded_settings(max_concurrent_jobs_per_key=100)
    broker = PausedBroker(settings)  # jobs stay queued: the first training is still pending for every other call
    sentences = [Sentence(tokens=["Kofi", "Annan"], spans=[Span(0, 2, "PER")])] * 4

    def train(_: int) -> str | None:
        try:
            return start_training(broker, settings, "owner", "labelstudio", 7, sentences, "eng_Latn")
        except TooManyRequests:
            return None

    with ThreadPoolExecutor(8) as pool:
        started = [job for job in pool.map(train, range(16)) if job is not None]
    broker.close()
    assert len(started) == 1
