"""The viewer's endpoints (``/v1/jobs/{id}/sentences``, ``/summary``), the fields projected records carry for it, and
the static page, on the gateway with the embedded queue."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.app import UI_DIR
from gateway.defaults import MAX_PAGE_SENTENCES
from tests.service.test_gateway import make_client, submit, wait_done
from xner import formats
from xner.evaluate import evaluate
from xner.formats.jsonl import parse_record

REPO = Path(__file__).resolve().parents[2]
EN = (REPO / "examples" / "en.conll").read_text()
ES = (REPO / "examples" / "es.conll").read_text()
DROPPED_SOURCE = "Obama\tB-PER\nspoke\tO\n\n"
DROPPED_TARGET = "…\tO\n\n"
"""A pair whose entity is always dropped: the target's only word is punctuation, so there is no candidate."""


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with make_client() as c:
        yield c


@pytest.fixture(scope="module")
def job(client: TestClient) -> str:
    """Three example pairs, a dropped pair, the 10 example pairs (gold on both sides), a dropped pair: 15."""
    en, es = EN.split("\n\n"), ES.split("\n\n")
    source = "\n\n".join(en[:3]) + "\n\n" + DROPPED_SOURCE + EN + DROPPED_SOURCE
    target = "\n\n".join(es[:3]) + "\n\n" + DROPPED_TARGET + ES + DROPPED_TARGET
    body = {
        "source_lang": "en",
        "target_lang": "es",
        "corpus": {"format": "conll", "data": source},
        "target": {"format": "conll", "data": target},
    }
    job_id = submit(client, body)
    assert wait_done(client, job_id)["status"] == "finished"
    return job_id


def records(client: TestClient, job: str) -> list[dict]:
    return [json.loads(line) for line in client.get(f"/v1/jobs/{job}/result").text.splitlines()]


def test_projected_records_carry_source_links_scores_and_gold(client, job):
    source = formats.read_string(EN, "conll", source="en")
    gold = formats.read_string(ES, "conll", source="es")
    got = records(client, job)[4:14]  # the examples, after three pairs and a dropped one
    for record, src, tgt in zip(got, source, gold, strict=True):
        meta = record["meta"]
        assert meta["source"]["tokens"] == src.tokens
        assert meta["source"]["spans"] == [{"start": s.start, "end": s.end, "label": s.label} for s in src.spans]
        assert meta["gold"] == [{"start": s.start, "end": s.end, "label": s.label} for s in tgt.spans]
        assert meta["links"] == sorted(meta["links"]) and meta["links"]
        assert all(0 <= i < len(src.tokens) and 0 <= j < len(tgt.tokens) for i, j in meta["links"])
        scores = meta["projection"].get("scores", [])
        assert scores == [span["score"] for span in record["spans"]]  # the candidates method scores every span
        assert len(meta["projection"].get("origin", [])) == len(record["spans"])
    # the other formats stay as they were: CoNLL gets no comment lines for the lists, Label Studio stays valid
    conll = client.get(f"/v1/jobs/{job}/result?format=conll").text
    assert "# source" not in conll and "# links" not in conll and "# gold" not in conll
    assert len(formats.read_string(conll, "conll", source="result")) == 15
    assert len(client.get(f"/v1/jobs/{job}/result?format=labelstudio").json()) == 15


def test_pages_cover_the_corpus_in_order_and_filter_by_status_on_the_server(client, job):
    whole = client.get(f"/v1/jobs/{job}/sentences?limit={MAX_PAGE_SENTENCES}").json()
    assert whole["total"] == whole["matched"] == 15
    statuses = [s["status"] for s in whole["sentences"]]
    assert statuses[3] == statuses[14] == "dropped"
    assert whole["sentences"][3]["reason"] == "no-candidate"

    seen = []
    for offset in range(0, 20, 5):
        page = client.get(f"/v1/jobs/{job}/sentences?offset={offset}&limit=5").json()
        assert page["offset"] == offset and len(page["sentences"]) == min(5, max(0, 15 - offset))
        seen += [s["index"] for s in page["sentences"]]
    assert seen == list(range(15))

    problems = client.get(f"/v1/jobs/{job}/sentences?status=problems").json()
    expected = [k for k, status in enumerate(statuses) if status in ("partial", "dropped", "failed")]
    assert [s["index"] for s in problems["sentences"]] == expected and problems["matched"] == len(expected)
    assert problems["status"] == ["dropped", "failed", "partial"]
    second = client.get(f"/v1/jobs/{job}/sentences?status=dropped&offset=1&limit=1").json()
    assert [s["index"] for s in second["sentences"]] == [14] and second["matched"] == 2
    projected = client.get(f"/v1/jobs/{job}/sentences?status=projected,partial").json()
    assert {s["status"] for s in projected["sentences"]} <= {"projected", "partial"}
    assert projected["matched"] == 15 - statuses.count("dropped")


def test_a_sentence_view_marks_false_positives_and_misses_against_the_gold(client, job):
    page = client.get(f"/v1/jobs/{job}/sentences?limit={MAX_PAGE_SENTENCES}").json()
    for sentence in page["sentences"]:
        gold = {(s["start"], s["end"], s["label"]) for s in sentence["gold"]["spans"]}
        predicted = {(s["start"], s["end"], s["label"]) for s in sentence["target"]["spans"]}
        for span in sentence["target"]["spans"]:
            assert span["correct"] == ((span["start"], span["end"], span["label"]) in gold)
        assert {(s["start"], s["end"], s["label"]) for s in sentence["gold"]["misses"]} == gold - predicted
    dropped = page["sentences"][3]
    assert dropped["source"]["tokens"] == ["Obama", "spoke"] and dropped["target"]["tokens"] == ["…"]
    assert dropped["lost"] == [{"start": 0, "end": 1, "label": "PER", "reason": "no-candidate"}]


def test_the_summary_counts_types_and_scores_like_xner_evaluate(client, job):
    summary = client.get(f"/v1/jobs/{job}/summary").json()
    got = records(client, job)
    predicted = [parse_record(r, source="result", line=k + 1) for k, r in enumerate(got)]
    gold_text = "\n\n".join(ES.split("\n\n")[:3]) + "\n\n" + DROPPED_TARGET + ES + DROPPED_TARGET
    gold = formats.read_string(gold_text, "conll", source="gold")
    report = evaluate(gold, predicted).to_dict()
    assert summary["evaluation"]["overall"] == report["overall"]
    assert summary["evaluation"]["per_type"] == report["per_type"]
    assert summary["evaluated_sentences"] == summary["sentences"] == 15
    source_types = Counter(s["label"] for r in got for s in r["meta"]["source"]["spans"])
    assert {label: row["source"] for label, row in summary["per_type"].items()} == dict(source_types)
    assert summary["per_type"]["PER"]["gold"] == sum(s.label == "PER" for g in gold for s in g.spans)
    assert sum(summary["status_counts"].values()) == 15 and summary["status_counts"]["dropped"] >= 2


def test_translate_mode_has_no_gold(client):
    body = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": EN}}
    job = submit(client, body)
    assert wait_done(client, job)["status"] == "finished"
    summary = client.get(f"/v1/jobs/{job}/summary").json()
    assert summary["evaluation"] is None and all(row["gold"] is None for row in summary["per_type"].values())
    sentence = client.get(f"/v1/jobs/{job}/sentences?limit=1").json()["sentences"][0]
    assert sentence["gold"] is None
    assert sentence["source"]["tokens"] == ["Angela", "Merkel", "visited", "Paris", "on", "Monday", "."]


def test_a_target_whose_tags_do_not_parse_is_read_for_its_words(client):
    body = {
        "source_lang": "en",
        "target_lang": "es",
        "corpus": {"format": "conll", "data": "Paris\tB-LOC\n\n"},
        "target": {"format": "conll", "data": "París\tI-\n\n"},
    }
    job = submit(client, body)
    assert wait_done(client, job)["status"] == "finished"
    sentence = client.get(f"/v1/jobs/{job}/sentences").json()["sentences"][0]
    assert sentence["target"]["tokens"] == ["París"] and sentence["gold"] is None


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("status=bogus", 422, "status"),
        (f"limit={MAX_PAGE_SENTENCES + 1}", 422, "limit"),
        ("limit=0", 422, "limit"),
        ("offset=-1", 422, "offset"),
        ("lang=ita_Latn", 404, "lang"),
    ],
)
def test_bad_queries_are_4xx_naming_the_field(client, job, query, status, field):
    response = client.get(f"/v1/jobs/{job}/sentences?{query}")
    assert response.status_code == status
    assert field in response.json()["error"]["message"]


def test_viewer_endpoints_are_owner_scoped():
    with make_client(api_keys=["k1", "k2"]) as c:
        body = {"source_lang": "en", "target_lang": "es", "corpus": {"format": "conll", "data": "Paris\tB-LOC\n\n"}}
        job = c.post("/v1/projections", json=body, headers={"Authorization": "Bearer k1"}).json()["job_id"]
        assert c.get(f"/v1/jobs/{job}/sentences").status_code == 401
        for path in ("sentences", "summary"):
            assert c.get(f"/v1/jobs/{job}/{path}", headers={"Authorization": "Bearer k2"}).status_code == 404
        assert c.get("/v1/jobs/nope/sentences", headers={"Authorization": "Bearer k1"}).status_code == 404
        assert c.get("/ui/").status_code == 200  # the page itself holds no data; its requests send the key


def test_the_page_is_served_and_packaged(client):
    page = client.get("/ui/")
    assert page.status_code == 200 and '<script src="app.js">' in page.text
    assert "javascript" in client.get("/ui/app.js").headers["content-type"]
    assert client.get("/ui/style.css").status_code == 200
    assert client.get("/ui", follow_redirects=False).status_code in (307, 308)
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["gateway"]
    files = [p.relative_to(UI_DIR.parent).as_posix() for p in UI_DIR.iterdir()]
    assert files and all(any(fnmatch(name, pattern) for pattern in patterns) for name in files)
