"""One projection configuration, every surface: each field of ProjectionConfig, set to a non-default value, comes
out unchanged from the CLI (``xner project``, ``xner tag``), the REST corpus jobs (the payloads their steps get),
``/v1/ner/{lang}`` (its translate-test chain), the platform backends (a project's configuration) and the
experiment grid (a named method). A field added to the configuration without a sample here fails the first test;
a surface that cannot carry it fails the others."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient

from gateway.plans import build_plan
from gateway.routes.doccano import DoccanoRequest
from gateway.schemas import NerRequest, ProjectionRequest
from gateway.tagging import _translate_test, pivot_tagger
from services.align.app import AlignRequest
from services.align.app import to_payload as align_payload
from services.project.app import ProjectRequest
from services.project.app import to_payload as project_payload
from tests.projection_samples import SAMPLES, sample, sent
from tests.service.clients import embedded_client, embedded_settings
from xner.cli.app import app
from xner.cli.projection_options import PREFIX, config_from_options, option_name
from xner.corpus import Sentence
from xner.errors import InputError
from xner.experiment.config import parse_config
from xner.project.config import ALIGNING_FIELDS, ALIGNMENT_FIELDS, ENCODER_FIELDS, ProjectionConfig, parse_projection
from xner.service.backends import resolve_projection

ALLOWED = ["identity", "encoder:tiny-encoder", "spacy:es_core_news_sm", "nllb:tiny-nllb"]
"""The operator's allowed specs in these tests (the samples' backends)."""

NOT_IN: dict[str, set[str]] = {"via": {"parallel", "translate-train"}}
"""Fields a pipeline does not use: setting them there is an error naming them, never ignored."""

FIELDS = sorted(SAMPLES)
RECORDS = [{"tokens": ["Angela", "Merkel", "visited", "Paris"], "spans": [{"start": 0, "end": 2, "label": "PER"}]}]


def assert_carries(config: ProjectionConfig, field: str) -> None:
    assert getattr(config, field) == getattr(sample(field), field), field
    # which fields were set travels too: the paper preset's own matching and case repair hold where they arrive
    assert config.candidate_options() == sample(field).candidate_options(), field


def test_every_field_has_a_sample():
    assert set(SAMPLES) == set(ProjectionConfig.model_fields)
    for field in FIELDS:
        assert getattr(sample(field), field) != ProjectionConfig.model_fields[field].get_default(
            call_default_factory=True
        ), field


def cli_args(field: str) -> list[str]:
    args: list[str] = []
    for name, value in sent(field).items():
        if value is True:
            args.append(option_name(name))
        elif isinstance(value, dict):
            args += [option_name(name), ",".join(f"{k}={v}" for k, v in value.items())]
        else:
            args += [option_name(name), str(value)]
    return args


@pytest.mark.parametrize("command", ["project", "tag"])
@pytest.mark.parametrize("field", FIELDS)
def test_the_cli_parses_every_field(command: str, field: str):
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    required = (
        ["--source", "s.conll", "--out", "o.conll"]
        if command == "project"
        else ["in.txt", "--out", "o", "--lang", "es"]
    )
    context = commands[command].make_context(command, [*required, *cli_args(field)])
    values = {name.removeprefix(PREFIX): value for name, value in context.params.items() if name.startswith(PREFIX)}
    config = config_from_options(values)
    assert config == sample(field)
    assert config.model_fields_set == set(sent(field))


PIVOT_TAGGERS = {"fra_Latn": "spacy:fr_core_news_sm"}
"""A native tagger for the sample pivot language."""


def settings():
    return embedded_settings(allowed_backends=ALLOWED, native_taggers=PIVOT_TAGGERS)


def step_configs(jobs: list[tuple[str, dict[str, Any]]]) -> list[ProjectionConfig]:
    return [parse_projection(payload["projection"]) for _, payload in jobs if "projection" in payload]


@pytest.mark.parametrize("pipeline", ["parallel", "translate-train"])
@pytest.mark.parametrize("field", FIELDS)
def test_a_corpus_job_carries_every_field_to_its_steps(pipeline: str, field: str):
    request = ProjectionRequest.model_validate(
        {"source_lang": "en", "target_lang": "es", "corpus": {"data": "x\tO\n"}, "options": sent(field)}
    )
    assert_carries(request.options, field)
    if pipeline in NOT_IN.get(field, set()):
        with pytest.raises(InputError, match=f"^options.{field}:"):
            resolve_projection(request.options, settings(), pipeline, where="options")
        return
    config = resolve_projection(request.options, settings(), pipeline, where="options")
    plan = build_plan(
        sources=RECORDS,
        source_lang="eng_Latn",
        target_lang="spa_Latn",
        targets=[["Angela", "Merkel", "visitó", "París"]] if pipeline == "parallel" else None,
        config=config,
        chunk_size=10,
        corpus_level_aligner=True,
    )
    configs = step_configs([(job.step, job.payload) for job in plan.jobs])
    assert configs and all(getattr(c, field) == getattr(config, field) for c in configs)
    assert_carries(configs[0], field)


@pytest.mark.parametrize("field", ALIGNMENT_FIELDS)
def test_v1_align_carries_every_alignment_field_to_its_step(field: str):
    body = AlignRequest.model_validate({"src": [["a"]], "tgt": [["b"]], **sent(field)})
    payload, _ = align_payload(body, settings())
    config = parse_projection(payload["projection"])
    assert_carries(config, field)
    assert payload["aligner"] == sent(field).get("aligner", "eflomal")


def test_v1_align_reads_only_the_alignment_part_of_the_server_projection():
    server = {"via": "fra_Latn", "method": "markers", "aligner": "encoder:tiny-encoder", "layer": 1}
    configured = embedded_settings(allowed_backends=ALLOWED, native_taggers=PIVOT_TAGGERS, projection=server)
    payload, _ = align_payload(AlignRequest.model_validate({"src": [["a"]], "tgt": [["b"]]}), configured)
    assert (payload["aligner"], payload["projection"]) == ("encoder:tiny-encoder", {"layer": 1})
    cleared = {"src": [["a"]], "tgt": [["b"]], "aligner": "eflomal", "layer": None}  # null clears the server's
    payload, _ = align_payload(AlignRequest.model_validate(cleared), configured)
    assert (payload["aligner"], payload["projection"]) == ("eflomal", {})
    with pytest.raises(InputError, match=r"^layer: the eflomal aligner has no encoder layer$"):
        align_payload(AlignRequest.model_validate({**cleared, "layer": 1}), configured)


@pytest.mark.parametrize("field", sorted(ENCODER_FIELDS))
def test_an_encoder_field_with_another_aligner_is_an_error_on_every_route(field: str):
    with pytest.raises(InputError, match=f"^{field}: the eflomal aligner has no {ENCODER_FIELDS[field]}$"):
        align_payload(AlignRequest.model_validate({"src": [["a"]], "tgt": [["b"]], field: SAMPLES[field]}), settings())
    with pytest.raises(InputError, match=f"^options.{field}: the eflomal aligner has no "):
        resolve_projection(ProjectionConfig(**{field: SAMPLES[field]}), settings(), "parallel", where="options")


class RecordingBroker:
    """Records what a translate-test chain enqueues."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, Any]]] = []

    def enqueue(self, queue: str, payload: dict[str, Any], **_: Any) -> str:
        self.jobs.append((queue, payload))
        return f"job-{len(self.jobs)}"


@pytest.mark.parametrize("field", FIELDS)
def test_v1_ner_carries_every_field_into_its_translate_test_chain(field: str):
    body = NerRequest.model_validate({"texts": ["Hola"], "projection": sent(field)})
    assert body.projection is not None
    config = resolve_projection(body.projection, settings(), "translate-test", where="projection")
    broker = RecordingBroker()
    tagger = pivot_tagger(config, settings())
    _translate_test(broker, [Sentence(tokens=["Hola"])], "spa_Latn", config, tagger)  # type: ignore[arg-type]
    configs = step_configs(broker.jobs)
    assert configs and all(c == config for c in configs)
    assert_carries(configs[0], field)
    translators = {payload["translator"] for queue, payload in broker.jobs if queue == "translate"}
    assert translators == {config.translator}
    if field == "via":
        assert broker.jobs[0][1]["tgt_lang"] == SAMPLES["via"]
        assert broker.jobs[1][1]["tagger"] == PIVOT_TAGGERS["fra_Latn"]  # the pivot's own tagger


@pytest.fixture(scope="module")
def platform_client() -> Iterator[TestClient]:
    """One gateway for the platform round trips (each test uses its own project ids)."""
    with embedded_client(allowed_backends=ALLOWED, native_taggers=PIVOT_TAGGERS) as client:
        yield client


@pytest.mark.parametrize("tool", ["labelstudio", "inception"])
@pytest.mark.parametrize("field", FIELDS)
def test_a_platform_project_stores_every_field(tool: str, field: str, platform_client: TestClient):
    project = 100 + FIELDS.index(field)
    answer = platform_client.put(f"/{tool}/projects/{project}/projection", json=sent(field))
    assert answer.status_code == 200, answer.text
    stored = platform_client.get(f"/{tool}/projects/{project}").json()["projection"]
    assert_carries(parse_projection(stored), field)


@pytest.mark.parametrize("field", FIELDS)
def test_doccano_and_label_studio_setup_take_every_field(field: str, platform_client: TestClient):
    body = DoccanoRequest.model_validate({"text": "Hola", "projection": sent(field)})
    assert body.projection is not None
    assert_carries(body.projection, field)
    project = 200 + FIELDS.index(field)
    setup = {"project": project, "extra_params": {"projection": sent(field)}}
    assert platform_client.post("/labelstudio/setup", json=setup).status_code == 200
    stored = platform_client.get(f"/labelstudio/projects/{project}").json()["projection"]
    assert_carries(parse_projection(stored), field)


def test_a_field_a_surface_cannot_use_is_a_422_naming_it():
    with embedded_client(allowed_backends=ALLOWED) as client:
        corpus = {"format": "conll", "data": "Paris\tB-LOC\n"}
        answer = client.post(
            "/v1/projections",
            json={
                "source_lang": "en",
                "target_lang": "es",
                "corpus": corpus,
                "target": corpus,
                "options": {"method": "markers"},
            },
        )
        assert answer.status_code == 422 and message(answer).startswith("options.method: markers translates")
        answer = client.put("/labelstudio/projects/1/projection", json={"method": "markers"})
        assert answer.status_code == 422 and message(answer).startswith("projection.method: markers translates")
        answer = client.put("/inception/projects/1/projection", json={"aligner": "eflomal:/etc/passwd"})
        assert answer.status_code == 422 and message(answer).startswith("projection.aligner: aligner")
        assert "is not allowed here" in message(answer)
        answer = client.put("/inception/projects/1/projection", json={"weights": {"align": 2}})
        assert message(answer) == "projection.weights: applies to method candidates only (the method is heuristic)"
        answer = client.put("/inception/projects/1/projection", json={"extraction": "softmax"})
        assert message(answer) == "projection.extraction: the eflomal aligner has no link extraction method"
        answer = client.put("/inception/projects/1/projection", json={"via": "deu_Latn"})
        assert message(answer).startswith("projection.via: this server has no tagger for deu_Latn")
        assert "/etc/passwd" not in answer.text  # a client's path is never echoed
        answer = client.post("/v1/ner/spa_Latn", json={"texts": ["Hola"], "projection": {"weights": {"bogus": 1}}})
        assert answer.status_code == 422 and message(answer).startswith("projection.weights.bogus: Input should be")


def message(answer: Any) -> str:
    return str(answer.json()["error"]["message"])


@pytest.mark.parametrize("field", FIELDS)
def test_an_experiment_method_is_a_named_configuration_of_every_field(field: str):
    data = {
        "targets": ["es"],
        "datasets": [{"name": "mine", "layout": "conll", "files": {"en": "en.conll", "es": "es.conll"}}],
        "methods": ["heuristic", {"name": "mine", **sent(field)}],
    }
    method = parse_config(data).methods[1]
    assert method.label == "mine"
    assert_carries(method.projection, field)


def test_the_servers_configuration_is_a_default_and_a_bad_combination_a_422():
    server = embedded_settings(
        projection=ProjectionConfig(translator="apertium", method="heuristic", backtranslation=True)
    )
    config = resolve_projection(ProjectionConfig(), server, "parallel", where="options")
    assert (config.translator, config.method, config.backtranslation) == ("apertium", "heuristic", True)
    with pytest.raises(InputError, match=r"^options\.backtranslation: method markers already translates"):
        resolve_projection(ProjectionConfig(method="markers"), server, "translate-train", where="options")
    with embedded_client(projection=server.projection) as client:
        corpus = {"format": "conll", "data": "Paris\tB-LOC\n"}
        body = {"source_lang": "en", "target_lang": "es", "corpus": corpus, "options": {"method": "markers"}}
        answer = client.post("/v1/projections", json=body)
        assert answer.status_code == 422 and message(answer).startswith("options.backtranslation: ")


def test_the_project_service_api_takes_the_configuration():
    body = {
        "sources": [
            {"tokens": ["Angela", "Merkel", "visited", "Paris"], "spans": [{"start": 0, "end": 13, "label": "PER"}]}
        ],
        "targets": [["Angela", "Merkel", "visitó", "París"]],
        "alignments": [[[0, 0], [1, 1], [2, 2], [3, 3]]],
    }
    with embedded_client("project") as client:
        for method, scored in (("heuristic", False), ("candidates", True)):
            answer = client.post("/v1/project", json={**body, "projection": {"method": method}})
            assert answer.status_code == 200 and answer.json()["status"] == "finished", answer.text
            record = answer.json()["result"]["sentences"][0]
            assert [s["label"] for s in record["spans"]] == ["PER"]
            assert ("scores" in record["meta"]["projection"]) is scored  # only candidates scores its spans
        answer = client.post("/v1/project", json={**body, "projection": {"method": "markers"}})
        assert answer.status_code == 422 and message(answer).startswith("projection.method: markers")
        for field in ALIGNING_FIELDS:  # the links are given: an aligning field would be ignored
            answer = client.post("/v1/project", json={**body, "projection": sent(field)})
            assert answer.status_code == 422, answer.text
            named = "aligner" if "aligner" in sent(field) else field  # the first aligning field sent is named
            expected = f"projection.{named}: the links are given (alignments), so nothing is aligned here"
            assert message(answer) == expected


@pytest.mark.parametrize("field", sorted(set(FIELDS) - set(ALIGNING_FIELDS) - {"translator", "backtranslation", "via"}))
def test_the_project_service_payload_carries_every_field_it_takes(field: str):
    pair = {"sources": [{"tokens": ["a"]}], "targets": [["b"]], "alignments": [[]]}
    languages = {"source_lang": "en", "target_lang": "es"}  # the translation score (scorer) needs them
    payload, _ = project_payload(
        ProjectRequest.model_validate({**pair, **languages, "projection": sent(field)}), settings()
    )
    assert_carries(parse_projection(payload["projection"]), field)
