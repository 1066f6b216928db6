"""The encoder layer through the align service: the layer asked for is the layer used, and one the model lacks is
the client's error (4xx naming it), never a backend marked failed for every later request or for /ready."""

from __future__ import annotations

from pathlib import Path

from tests.service.clients import embedded_client, embedded_settings
from xner.align import load_aligner
from xner.service import backends as service_backends

PAIR = {"src": [["the", "Commission", "met"]], "tgt": [["die", "Kommission", "traf"]]}


def test_a_layer_is_used_and_one_past_the_model_is_a_client_error(tiny_bert: Path) -> None:
    spec = f"encoder:{tiny_bert}"
    with embedded_client("all", allowed_backends=[spec]) as client:
        answer = client.post("/v1/align", json={**PAIR, "aligner": spec, "layer": 0, "extraction": "argmax"})
        assert answer.status_code == 200, answer.text
        expected = load_aligner(spec, method="argmax", layer=0, cache=False).align(PAIR["src"], PAIR["tgt"])
        assert answer.json()["result"]["alignments"] == [[list(link) for link in expected[0].links]]
        too_deep = client.post("/v1/align", json={**PAIR, "aligner": spec, "layer": 99})
        assert too_deep.status_code == 422, too_deep.text
        message = too_deep.json()["error"]["message"]
        assert "layer must be at most 9" in message and str(tiny_bert) not in message
        assert "encoder" not in client.get("/ready").text  # /ready reports no failed encoder
        assert [s.state for s in service_backends.states() if s.spec == spec] == ["loaded"]
        again = client.post("/v1/align", json={**PAIR, "aligner": spec, "layer": 1})
        assert again.status_code == 200, again.text


def test_a_worker_preloads_the_aligner_with_the_server_projections_layer(tiny_bert: Path) -> None:
    spec = f"encoder:{tiny_bert}"
    settings = embedded_settings(allowed_backends=[spec], projection={"aligner": spec, "layer": 1})
    service_backends.preload("align", settings)
    assert ("aligner", spec, (("layer", 1),)) in service_backends._cache  # what a job without options asks for
    wrong = embedded_settings(allowed_backends=[spec], projection={"aligner": spec, "layer": 42})
    states = service_backends.preload("align", wrong)
    assert [(s.state, "layer must be at most 9" in (s.reason or "")) for s in states if s.spec == spec] == [
        ("failed", True)
    ]
