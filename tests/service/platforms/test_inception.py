"""INCEpTION external recommender with a real UIMA CAS and type system (dkpro-cassis), as INCEpTION sends them."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from tests.service.platforms.conftest import TRICKY_TEXT

cassis = pytest.importorskip("cassis", reason="dkpro-cassis is not installed (pip install -e '.[serve]')")

NE = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
TOKEN = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"


def inception_typesystem(with_score: bool = True) -> cassis.TypeSystem:
    """The DKPro types INCEpTION's NER layer uses, with the recommender features INCEpTION adds to the layer."""
    ts = cassis.TypeSystem()
    ts.create_type(SENTENCE)
    ts.create_type(TOKEN)
    ne = ts.create_type(NE)
    ts.create_feature(ne, "value", "uima.cas.String")
    ts.create_feature(ne, "identifier", "uima.cas.String")
    ts.create_feature(ne, "inception_internal_predicted", "uima.cas.Boolean")
    if with_score:
        ts.create_feature(ne, "value_score", "uima.cas.Double")
        ts.create_feature(ne, "value_score_explanation", "uima.cas.String")
    return ts


def make_cas(
    ts: cassis.TypeSystem, text: str, *, language: str | None = "en", gold: tuple[str, str] | None = None
) -> cassis.Cas:
    """A CAS with one Sentence per line and a Token per whitespace-separated word (as INCEpTION's tokenizer)."""
    cas = cassis.Cas(typesystem=ts)
    cas.sofa_string = text
    if language:
        cas.document_language = language
    sentence_type, token_type = ts.get_type(SENTENCE), ts.get_type(TOKEN)
    position = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        cas.add(sentence_type(begin=position, end=position + len(body)))
        offset = 0
        for word in body.split(" "):
            start = position + offset
            for part_start, part_end in _split_punct(word):
                cas.add(token_type(begin=start + part_start, end=start + part_end))
            offset += len(word) + 1
        position += len(line)
    if gold:
        surface, label = gold
        start = text.index(surface)
        cas.add(ts.get_type(NE)(begin=start, end=start + len(surface), value=label))
    return cas


def _split_punct(word: str) -> list[tuple[int, int]]:
    if len(word) > 1 and word[-1] in ".,":
        return [(0, len(word) - 1), (len(word) - 1, len(word))]
    return [(0, len(word))] if word else []


def request(ts: cassis.TypeSystem, cas: cassis.Cas, project: int = 1) -> dict:
    metadata = {
        "layer": NE,
        "feature": "value",
        "projectId": project,
        "anchoringMode": "tokens",
        "crossSentence": False,
    }
    return {
        "metadata": metadata,
        "document": {"xmi": cas.to_xmi(), "documentId": 3, "userId": "ann"},
        "typeSystem": ts.to_xml(),
    }


def test_predict_adds_marked_suggestions_in_utf16_offsets(client):
    ts = inception_typesystem()
    cas = make_cas(ts, TRICKY_TEXT, gold=("Paris", "LOC"))
    response = client.post("/inception/predict", json=request(ts, cas))
    assert response.status_code == 200, response.text
    xmi = response.json()["document"]
    result = cassis.load_cas_from_xmi(xmi, typesystem=cassis.load_typesystem(ts.to_xml()))
    entities = result.select(NE)
    predicted = [(e.get_covered_text(), e.value) for e in entities if e.inception_internal_predicted]
    assert predicted == [
        ("Angela Merkel", "PER"),
        ("Paris", "LOC"),
        ("Zoe\u0301", "PER"),
        ("Barack Obama", "PER"),
        ("Washington", "LOC"),
    ]
    human = [(e.get_covered_text(), e.value) for e in entities if not e.inception_internal_predicted]
    assert human == [("Paris", "LOC")]  # the user's annotation is kept as it was
    assert all(e.value_score_explanation == "xner" for e in entities if e.inception_internal_predicted)
    # The raw XMI is in UIMA's unit, UTF-16: "Barack" sits after two emoji, each two units
    raw = [el for el in ElementTree.fromstring(xmi).iter() if el.get("value") == "PER"]
    starts = sorted(int(el.get("begin", -1)) for el in raw)
    expected = len(TRICKY_TEXT[: TRICKY_TEXT.index("Barack")].encode("utf-16-le")) // 2
    assert expected in starts and TRICKY_TEXT.index("Barack") not in starts


def test_suggestions_fit_the_cas_tokens(client):
    ts = inception_typesystem(with_score=False)  # a layer without score features still gets suggestions
    text = "Then Angela Merkel-Smith visited Paris."
    cas = make_cas(ts, text, language=None)
    body = request(ts, cas)
    result = cassis.load_cas_from_xmi(
        client.post("/inception/eng_Latn/predict", json=body).json()["document"], typesystem=ts
    )
    token_bounds = {(t.begin, t.end) for t in result.select(TOKEN)}
    starts, ends = {b for b, _ in token_bounds}, {e for _, e in token_bounds}
    for entity in result.select(NE):
        assert entity.begin in starts and entity.end in ends


def test_language_from_the_path_routes_through_translate_test(client):
    ts = inception_typesystem()
    cas = make_cas(ts, "Angela Merkel visitó París.", language="x-unspecified")
    response = client.post("/inception/spa/predict", json=request(ts, cas))
    assert response.status_code == 200, response.text
    result = cassis.load_cas_from_xmi(response.json()["document"], typesystem=ts)
    assert "Angela Merkel" in [e.get_covered_text() for e in result.select(NE)]


def test_bad_requests_are_422_naming_the_field(client):
    ts = inception_typesystem()
    cas = make_cas(ts, "Paris.")
    wrong_layer = request(ts, cas)
    wrong_layer["metadata"]["layer"] = "webanno.custom.Nothing"
    response = client.post("/inception/predict", json=wrong_layer)
    assert response.status_code == 422 and response.json()["error"]["details"]["field"] == "metadata.layer"
    wrong_feature = request(ts, cas)
    wrong_feature["metadata"]["feature"] = "label"
    assert (
        client.post("/inception/predict", json=wrong_feature).json()["error"]["details"]["field"] == "metadata.feature"
    )
    broken = request(ts, cas)
    broken["document"]["xmi"] = "<xmi:XMI"
    response = client.post("/inception/predict", json=broken)
    assert response.status_code == 422 and response.json()["error"]["details"]["field"] == "document.xmi"
    no_ts = request(ts, cas)
    no_ts["typeSystem"] = "not xml"
    assert client.post("/inception/predict", json=no_ts).status_code == 422


@pytest.mark.parametrize(
    ("layer", "feature", "field"),
    [
        (NE, "begin", "metadata.feature"),
        (NE, "end", "metadata.feature"),
        (NE, "sofa", "metadata.feature"),
        (NE, "value_score", "metadata.feature"),
        (NE, "inception_internal_predicted", "metadata.feature"),
        (SENTENCE, "begin", "metadata.feature"),
        ("uima.cas.TOP", "sofa", "metadata.layer"),
        ("uima.cas.Sofa", "sofaString", "metadata.layer"),
        ("uima.cas.String", "x", "metadata.layer"),
    ],
)
@pytest.mark.parametrize("route", ["predict", "train"])
def test_a_layer_or_feature_that_cannot_hold_a_label_is_a_422(client, layer, feature, field, route):
    ts = inception_typesystem()
    body = request(ts, make_cas(ts, "Angela Merkel visited Paris.\nJohn Smith works."))
    body["metadata"].update(layer=layer, feature=feature)
    if route == "train":
        body["documents"] = [body.pop("document")]
    response = client.post(f"/inception/{route}", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["field"] == field


def train_body(ts: cassis.TypeSystem, documents: list[cassis.Cas], project: int) -> dict:
    return {
        "metadata": request(ts, documents[0], project=project)["metadata"],
        "documents": [{"xmi": c.to_xmi(), "documentId": k} for k, c in enumerate(documents)],
        "typeSystem": ts.to_xml(),
    }


def test_only_sentences_with_a_gold_span_are_training_data():
    from gateway.platforms.inception import gold_sentences

    ts = inception_typesystem()
    cas = make_cas(ts, "Ann sleeps.\nJohn Smith works in Madrid.\nNothing here.", gold=("Madrid", "LOC"))
    sentences = gold_sentences(cas, NE, "value", max_tokens=512)
    assert [(s.tokens, [(sp.start, sp.end, sp.label) for sp in s.spans]) for s in sentences] == [
        (["John", "Smith", "works", "in", "Madrid", "."], [(4, 5, "LOC")])
    ]


def test_train_counts_only_annotated_sentences(client):
    ts = inception_typesystem()
    documents = [make_cas(ts, "John Smith works.", gold=("John Smith", "PER")), make_cas(ts, "Ann sleeps.\nBo ran.")]
    response = client.post("/inception/train", json=train_body(ts, documents, project=51))
    assert response.status_code == 422, response.text
    assert "1 annotated sentences" in response.json()["error"]["message"]


def test_an_oversized_cas_is_a_413_before_it_is_split(monkeypatch):
    from gateway.platforms import inception as cas_io
    from tests.service.clients import embedded_client

    def never(*args: object, **kwargs: object) -> list[object]:
        raise AssertionError("the CAS was split before its size was checked")

    monkeypatch.setattr(cas_io, "pieces", never)
    ts = inception_typesystem()
    cas = make_cas(ts, "One.\nTwo.\nThree.")
    with embedded_client(platform_max_sentences=2) as small:
        response = small.post("/inception/predict", json=request(ts, cas))
    assert response.status_code == 413, response.text
    assert "platform_max_sentences" in response.json()["error"]["message"]
