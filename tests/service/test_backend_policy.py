"""Clients choose only the backends the operator configured, and no error a client reads carries file content, a
server path, a URL or a network address.

The in-process apps share this process's environment, so a fake key set here stands for every tenant's key: it
must never appear in an answer (``/proc/self/environ`` as eflomal priors used to echo it).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.clients import SPACY_EN, embedded_client, embedded_settings
from tests.service.fake_steps import FAKE_STEP_PREFIX
from xner.align.priors import Priors
from xner.errors import FormatError
from xner.service.broker import Broker, Status
from xner.service.broker_embedded import EmbeddedBroker
from xner.service.errors import body_of
from xner.service.redact import public_message
from xner.service.settings import Settings
from xner.service.steps import TOLERATE, execute
from xner.suite import build_app

SECRET_VARIABLE = "XNER_TEST_TENANT_KEY"
SECRET = "tenant-key-5e1f0c9a"
CONLL = "Angela\tB-PER\nMerkel\tI-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n"
STEP = FAKE_STEP_PREFIX
WAIT = 30.0
OWNER = "anonymous"
"""The owner of every job when the API is open."""

HOSTILE = [
    ("aligner", "eflomal:/proc/self/environ"),
    ("aligner", "eflomal:/etc/passwd"),
    ("aligner", "eflomal:/nonexistent"),
    ("aligner", "eflomal:/tmp"),
    ("aligner", "encoder:/etc"),
    ("translator", "nllb:/etc"),
    ("translator", "ct2:/etc"),
    ("translator", "apertium:/etc"),
    ("tagger", "hf:/etc"),
    ("tagger", "spacy:/etc"),
]
"""Client specs that name a server file or directory, with the kind of backend they are for."""

DEFAULTS = {"translator": "identity", "aligner": "eflomal", "tagger": f"spacy:{SPACY_EN}"}
"""The defaults of the test settings (:func:`tests.service.clients.embedded_settings`)."""


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_VARIABLE, SECRET)
        with embedded_client("all", chunk_size=2) as c:
            yield c


def message(response: Any) -> str:
    return str(response.json()["error"]["message"])


def assert_private(response: Any) -> None:
    """Nothing of a server file, nor whether it exists, in the answer."""
    text = response.text
    for leak in (SECRET, "root:x:0", "No such file", "Is a directory", "Permission denied"):
        assert leak not in text, text


def service_request(kind: str, spec: str | None) -> tuple[str, dict[str, Any]]:
    """The service API route and body that choose ``spec`` as the ``kind`` backend."""
    if kind == "translator":
        return "/v1/translate", {"texts": ["Paris ."], "src_lang": "en", "tgt_lang": "es", "translator": spec}
    if kind == "aligner":
        return "/v1/align", {"src": [["the", "dog"]], "tgt": [["el", "perro"]], "aligner": spec}
    return "/v1/ner", {"sentences": [["Angela", "Merkel"]], "tagger": spec}


# --- the policy ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "spec"), [pair for pair in HOSTILE if pair[0] != "tagger"])
def test_a_projection_may_not_choose_a_spec_the_operator_did_not_configure(client, kind, spec):
    body = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": CONLL}}
    response = client.post("/v1/projections", json={**body, "options": {kind: spec}})
    assert response.status_code == 422, response.text
    assert f"allowed {kind}s: {DEFAULTS[kind]}" in message(response)
    assert response.json()["error"]["details"] == {"kind": kind, "allowed": [DEFAULTS[kind]]}
    assert_private(response)


@pytest.mark.parametrize(("kind", "spec"), HOSTILE)
def test_a_service_request_may_not_choose_a_spec_the_operator_did_not_configure(client, kind, spec):
    route, body = service_request(kind, spec)
    response = client.post(route, json=body)
    assert response.status_code == 422, response.text
    assert f"{kind} " in message(response) and f"allowed {kind}s: {DEFAULTS[kind]}" in message(response)
    assert_private(response)


def test_an_unknown_backend_name_still_lists_the_valid_names(client):
    route, body = service_request("aligner", "fast_align:/etc")
    response = client.post(route, json=body)
    assert response.status_code == 422 and "valid: eflomal, encoder" in message(response)


def test_the_defaults_and_their_spelling_variants_are_accepted(client):
    for spec in ("eflomal", " EFLOMAL ", None):
        route, body = service_request("aligner", spec)
        response = client.post(route, json=body)
        assert response.status_code == 200, response.text
        assert len(response.json()["result"]["alignments"]) == 1


def test_a_spec_the_operator_allowed_is_accepted_and_stays_unnamed_in_errors(tmp_path):
    priors = tmp_path / "priors.txt"
    priors.write_text("LEX\tdog\tperro\t5\n", encoding="utf-8")
    allowed = f"eflomal:{priors}"
    with embedded_client("all", allowed_backends=[allowed, "apertium"]) as c:
        route, body = service_request("aligner", allowed)
        accepted = c.post(route, json=body)
        assert accepted.status_code == 200, accepted.text
        assert len(accepted.json()["result"]["alignments"]) == 1
        projection = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": CONLL}}
        assert c.post("/v1/projections", json={**projection, "options": {"translator": "apertium"}}).status_code == 202
        route, body = service_request("aligner", "eflomal:/etc/passwd")
        rejected = c.post(route, json=body)
        assert rejected.status_code == 422 and "allowed aligners: eflomal, eflomal:<path>" in message(rejected)
        assert str(tmp_path) not in rejected.text  # the operator's paths are not the client's business
        route, body = service_request("translator", "nllb:/etc")
        assert "allowed translators: identity, apertium" in message(c.post(route, json=body))


# --- readers of files ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (f"LEX\ta\tb\t1\n{SECRET_VARIABLE}={SECRET}\n", 2, "1 tab-separated fields"),
        (f"HMMF\t1\t2\nLEX\t{SECRET}\tb\t{SECRET}\n", 2, "pseudo-count) is not a number"),
        (f"FERF\t{SECRET}\t{SECRET}\t1\n", 1, "fertility of a FERF entry is not an integer"),
        (f"HMMR\t{SECRET}\t1\n", 1, "jump of a HMMR entry is not an integer"),
        (f"{SECRET}\tb\tc\t1\n", 1, "4 tab-separated fields"),
    ],
)
def test_bad_priors_name_the_line_but_never_its_content(tmp_path, text, line, problem):
    path = tmp_path / "priors.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError, match=f"line {line}: bad priors entry") as caught:
        Priors.read(path)
    assert problem in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value.details)


def test_priors_that_are_not_text_name_the_line(tmp_path):
    path = tmp_path / "priors.bin"
    path.write_bytes(b"HMMF\t1\t2\n\xff\xfe" + SECRET.encode() + b"\n")
    with pytest.raises(FormatError, match="line 2: bad priors entry: not UTF-8 text") as caught:
        Priors.read(path)
    assert SECRET not in str(caught.value)


def test_a_good_priors_file_still_reads(tmp_path):
    path = tmp_path / "priors.txt"
    path.write_text("LEX\tDog\tPerro\t2\r\n\nHMMF\t1\t3\nFERR\tperro\t1\t0.5\n", encoding="utf-8")
    priors = Priors.read(path)
    assert priors.lex == {("dog", "perro"): 2.0}
    assert priors.hmm_forward == {1: 3.0} and priors.fert_reverse == {("perro", 1): 0.5}


# --- redaction ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "public"),
    [
        (
            "no Apertium pair for eng_Latn -> jpn_Jpan in /usr/share/apertium/modes; installed modes: eng-spa",
            "no Apertium pair for eng_Latn -> jpn_Jpan in <path>; installed modes: eng-spa",
        ),
        ("cannot open priors: No such file (/proc/self/environ).", "cannot open priors: No such file (<path>)."),
        ("aligner 'eflomal:/etc/passwd' is not allowed", "aligner 'eflomal:<path>' is not allowed"),
        ("open C:\\Users\\op\\model.bin failed", "open <path> failed"),
        ("~/models/ner is missing", "<path> is missing"),
        ("store redis://user:pw@10.0.0.5:6379/0 is down", "store <url> is down"),
        ("GET http://host:8080/x, then file:///etc/passwd.", "GET <url>, then <url>."),
        (
            "Error 111 connecting to localhost:6379. Connection refused.",
            "Error 111 connecting to <address>. Connection refused.",
        ),
        ("connect to 10.0.0.5 or redis.internal:6380 or [::1]:6379", "connect to <address> or <address> or <address>"),
    ],
)
def test_public_message_hides_paths_urls_and_addresses(text, public):
    assert public_message(text) == public


@pytest.mark.parametrize(
    "text",
    [
        "tagger 'hf:FacebookAI/xlm-roberta-base' failed",
        "translate eng_Latn -> spa_Latn with nllb:facebook/nllb-200-distilled-600M",
        "see models/ner and ./out/model, 3/4 done",
        "corpus:line 12:tokens[3]: must be a string",
        "spacy:en_core_web_sm and ct2:model at 12:30",
        "version 1.2.3 of package a.b",
    ],
)
def test_public_message_keeps_hub_ids_relative_paths_and_language_codes(text):
    assert public_message(text) == text


@pytest.mark.parametrize("text", ["a." * 100_000, "a-" * 100_000, "[" + ":" * 200_000, "x:" * 100_000, "1." * 100_000])
def test_public_message_takes_linear_time_on_hostile_text(text):
    assert public_message(text) == text  # quoted client text of this size would take hours if it backtracked


def test_an_error_body_is_redacted_in_its_message_and_details():
    error = FormatError("bad priors entry", source="/srv/models/priors.txt", line=3)
    body = body_of(error)["error"]
    assert body["message"] == "<path>:line 3: bad priors entry"
    assert body["details"]["source"] == "<path>" and body["details"]["line"] == 3


# --- jobs: a failing step's reason as clients read it -------------------------------------------------------------


def assert_redacted(reason: str | None) -> None:
    assert reason and "<path>" in reason, reason
    assert "/srv/models" not in reason and "10.0.0.5" not in reason and "pw@" not in reason


def test_an_input_error_of_a_step_is_redacted_before_it_is_stored():
    result = execute(STEP + "reject_with_input_error", {}, [])
    assert result["error"]["message"] == "cannot parse <path> (line 2)"


@pytest.mark.parametrize("step", ["crash_naming_a_path", "reject_naming_a_path"])
def test_a_job_shows_a_redacted_reason(client, step):
    broker = client.app.state.broker
    job = broker.enqueue("align", {}, step=STEP + step, meta={"owner": OWNER})
    child = broker.enqueue("align", {}, step=STEP + "echo_upstream", depends_on=[job], meta={"owner": OWNER})
    for job_id in (job, child):
        info = broker.wait(job_id, WAIT)
        assert info is not None and info.status == Status.FAILED, info
        state = client.get(f"/v1/align/jobs/{job_id}").json()
        assert state["status"] == "failed"
        assert_redacted(state["error"])


@pytest.fixture(params=["embedded", "rq"])
def broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    if request.param == "embedded":
        embedded = EmbeddedBroker(Settings(retry_max=0))
        yield embedded
        embedded.close()
        return
    from xner.service.broker_rq import RQBroker

    url = request.getfixturevalue("redis_url")
    request.getfixturevalue("workers").start("test", XNER_RETRY_MAX="0")
    yield RQBroker(Settings(redis_url=url, retry_max=0))


def test_both_brokers_redact_a_failure_and_what_dependents_see_of_it(broker):
    failing = broker.enqueue("test", {}, step=STEP + "crash_naming_a_path")
    fine = broker.enqueue("test", {}, step=STEP + "echo_upstream")
    tolerant = broker.enqueue(
        "test", {TOLERATE: [0, 1]}, step=STEP + "echo_upstream", depends_on=[failing, fine], allow_failure=True
    )
    strict = broker.enqueue("test", {}, step=STEP + "echo_upstream", depends_on=[failing, fine])
    info = broker.wait(failing, WAIT)
    assert info is not None and info.status == Status.FAILED, info
    assert_redacted(info.error)
    done = broker.wait(tolerant, WAIT)
    assert done is not None and done.status == Status.FINISHED, done
    seen, _ = broker.result(tolerant)["upstream"]
    assert_redacted(seen["error"]["message"])
    stopped = broker.wait(strict, WAIT)
    assert stopped is not None and stopped.status == Status.FAILED, stopped
    assert_redacted(stopped.error)


# --- HTTP errors --------------------------------------------------------------------------------------------------


class UnreachableStore(EmbeddedBroker):
    """An embedded broker whose store fails the way redis-py does, naming its address."""

    outage_errors = (ConnectionError,)

    def load_record(self, key: str) -> dict[str, Any] | None:
        raise ConnectionError("Error 111 connecting to 10.0.0.5:6379. Connection refused.")


def test_a_queue_outage_names_no_address():
    settings = embedded_settings()
    broker = UnreachableStore(settings)
    with TestClient(build_app("gateway", settings, broker), raise_server_exceptions=False) as c:
        response = c.get("/v1/jobs/abc")
        assert response.status_code == 503, response.text
        assert message(response) == "the job queue is unreachable; retry later"
        assert "10.0.0.5" not in response.text and "6379" not in response.text
    broker.close()


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed (apt-get install apertium)")
def test_a_backend_error_names_no_server_directory():
    from xner.translate.defaults import APERTIUM_DATA_DIR

    with embedded_client("all", translator="apertium") as c:
        route, body = service_request("translator", "apertium")
        response = c.post(route, json={**body, "tgt_lang": "jpn_Jpan"})  # no Apertium pair translates into Japanese
        assert response.status_code == 503, response.text
        assert "no Apertium pair" in message(response) and "<path>" in message(response)
        assert APERTIUM_DATA_DIR not in response.text
