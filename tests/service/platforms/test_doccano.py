"""doccano auto-labelling: doccano's span format, UTF-16 offsets, and the mapping template docs/platforms.md gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.service.platforms.conftest import TRICKY_TEXT, utf16_slice

DOCS = Path(__file__).resolve().parents[3] / "docs" / "platforms.md"


def documented_mapping_template() -> str:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- doccano-mapping-template -->\s*```jinja\n(.*?)\n```", text, re.S)
    assert match, "docs/platforms.md lost its doccano mapping template"
    return match.group(1)


def test_predict_answers_in_doccano_format_with_utf16_offsets(client):
    response = client.post("/doccano/predict", json={"text": TRICKY_TEXT})
    assert response.status_code == 200, response.text
    spans = response.json()
    assert [(s["label"], utf16_slice(TRICKY_TEXT, s["start_offset"], s["end_offset"])) for s in spans] == [
        ("PER", "Angela Merkel"),
        ("LOC", "Paris"),
        ("PER", "Zoe\u0301"),
        ("PER", "Barack Obama"),
        ("LOC", "Washington"),
    ]
    assert all(set(s) == {"label", "start_offset", "end_offset"} for s in spans)  # spaCy has no scores
    codepoints = client.post("/doccano/predict?offset_unit=codepoint", json={"text": TRICKY_TEXT}).json()
    assert [TRICKY_TEXT[s["start_offset"] : s["end_offset"]] for s in codepoints][-1] == "Washington"
    assert codepoints[-1]["start_offset"] < spans[-1]["start_offset"]  # two emoji: UTF-16 counts more


def test_the_documented_mapping_template_yields_doccano_labels(client):
    jinja2 = pytest.importorskip("jinja2")
    answer = client.post("/doccano/predict?lang=es", json={"text": 'Kofi "K" Annan visitó Ginebra.'}).json()
    rendered = jinja2.Environment().from_string(documented_mapping_template()).render(input=answer)
    labels = json.loads(rendered)
    assert labels == [{k: s[k] for k in ("label", "start_offset", "end_offset")} for s in answer]
    assert labels and {"label", "start_offset", "end_offset"} == set(labels[0])


def test_project_labels_map_and_drop(client):
    spans = client.post("/doccano/predict?labels=Person", json={"text": "Angela Merkel visited Paris."}).json()
    assert [s["label"] for s in spans] == ["Person"]


@pytest.mark.parametrize(
    ("query", "body"),
    [("", {}), ("", {"text": 3}), ("?offset_unit=bytes", {"text": "Paris"}), ("?lang=zz_Nope", {"text": "Paris"})],
)
def test_bad_requests_are_422(client, query, body):
    response = client.post(f"/doccano/predict{query}", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"]
