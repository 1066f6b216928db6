"""Marker translation (EasyProject mode): markers survive, or the sentence is reported."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from xner.corpus import Sentence, Span
from xner.translate.identity import IdentityTranslator
from xner.translate.markers import MarkerError, mark, translate_marked, unmark


class FakeTranslator:
    """Translates through a function of the text; records calls."""

    fingerprint = "fake"

    def __init__(self, function: Callable[[str], str]) -> None:
        self.function = function
        self.calls: list[list[str]] = []

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        self.calls.append(list(sentences))
        return [self.function(s) for s in sentences]

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        return [0.0] * len(src)


def sentence(text: str, *spans: tuple[int, int, str]) -> Sentence:
    return Sentence(text.split(), [Span(a, b, label) for a, b, label in spans])


def test_mark_puts_markers_around_each_span() -> None:
    s = sentence("I met John Smith in Paris", (2, 4, "PER"), (5, 6, "LOC"))
    assert mark(s) == "I met [ John Smith ] in [ Paris ]"
    assert mark(sentence("Paris Rome", (0, 1, "LOC"), (1, 2, "LOC"))) == "[ Paris ] [ Rome ]"


def test_mark_rejects_overlapping_spans() -> None:
    with pytest.raises(MarkerError):
        mark(sentence("a b c", (0, 2, "X"), (1, 3, "Y")))


def test_unmark_returns_clean_text_and_spans() -> None:
    text, spans = unmark("Vi a [ Juan Pérez ]  en [París].")
    assert text == "Vi a Juan Pérez en París."
    assert [text[a:b] for a, b in spans] == ["Juan Pérez", "París"]


@pytest.mark.parametrize("text", ["a [ b [ c ] ]", "a ] b", "a [ b", "a [ ] b"])
def test_ill_formed_markers_are_errors(text: str) -> None:
    with pytest.raises(MarkerError):
        unmark(text)


def test_markers_that_survive_give_target_spans() -> None:
    source = sentence("I met John Smith in Paris .", (2, 4, "PER"), (5, 6, "LOC"))
    (result,) = translate_marked(IdentityTranslator(), [source], "en", "es")
    assert result.ok and result.problem is None
    assert result.sentence is not None
    assert result.sentence.tokens == source.tokens
    assert [s.key for s in result.sentence.spans] == [(2, 4, "PER"), (5, 6, "LOC")]
    assert result.sentence.lang == "spa_Latn"


def test_spans_are_cut_out_of_glued_tokens() -> None:
    translator = FakeTranslator(lambda s: "Vive en [Madrid], España.")
    (result,) = translate_marked(translator, [sentence("He lives in Madrid , Spain .", (3, 4, "LOC"))], "en", "es")
    assert result.sentence is not None
    assert result.sentence.tokens == ["Vive", "en", "Madrid", ",", "España."]
    assert [s.key for s in result.sentence.spans] == [(2, 3, "LOC")]


@pytest.mark.parametrize(
    ("output", "problem"),
    [
        ("Conocí a John Smith en [ París ] .", "1 marked spans in the translation for 2 entities"),
        ("Conocí a [ John Smith en [ París ] .", "markers lost in translation: nested markers"),
        ("Conocí a [ John Smith ] en ] París .", "markers lost in translation"),
    ],
)
def test_lost_markers_are_reported_not_guessed(output: str, problem: str) -> None:
    source = sentence("I met John Smith in Paris .", (2, 4, "PER"), (5, 6, "LOC"))
    ok = sentence("Paris .", (0, 1, "LOC"))
    translator = FakeTranslator(lambda s: output if "Smith" in s else s)
    bad, good = translate_marked(translator, [source, ok], "en", "es")
    assert not bad.ok and bad.sentence is None
    assert bad.problem is not None and bad.problem.startswith(problem)
    assert bad.raw == output
    assert good.ok


def test_reordered_entities_of_different_types_get_their_own_labels() -> None:
    entity_translations = {"John Smith": "Juan Smith", "Paris": "París"}

    def translate(text: str) -> str:
        if text in entity_translations:
            return entity_translations[text]
        return "En [ París ] conocí a [ Juan Smith ] ."

    translator = FakeTranslator(translate)
    source = sentence("I met John Smith in Paris .", (2, 4, "PER"), (5, 6, "LOC"))
    (result,) = translate_marked(translator, [source], "en", "es")
    assert result.sentence is not None
    labelled = {" ".join(result.sentence.tokens[s.start : s.end]): s.label for s in result.sentence.spans}
    assert labelled == {"París": "LOC", "Juan Smith": "PER"}
    assert translator.calls[1] == ["John Smith", "Paris"]  # entities translated alone, in one batch


def test_one_unmatched_span_is_filled_by_elimination_two_are_reported() -> None:
    def translate(text: str) -> str:
        return {"Anna": "Ana", "Siemens": "Siemens", "Berlin": "Berlín"}.get(text, OUTPUT)

    source = sentence("Anna joined Siemens in Berlin", (0, 1, "PER"), (2, 3, "ORG"), (4, 5, "LOC"))
    OUTPUT = "[ Ana ] entró en [ la empresa ] en [ Berlín ]"
    (result,) = translate_marked(FakeTranslator(translate), [source], "en", "es")
    assert result.sentence is not None
    assert [s.label for s in result.sentence.spans] == ["PER", "ORG", "LOC"]
    OUTPUT = "[ ella ] entró en [ la empresa ] en [ Berlín ]"
    (result,) = translate_marked(FakeTranslator(translate), [source], "en", "es")
    assert result.sentence is None and result.problem is not None


def test_same_type_entities_are_assigned_in_order_without_extra_translation() -> None:
    translator = FakeTranslator(lambda s: "[ Roma ] y [ París ]")
    (result,) = translate_marked(translator, [sentence("Paris and Rome", (0, 1, "LOC"), (2, 3, "LOC"))], "en", "it")
    assert result.sentence is not None
    assert [s.label for s in result.sentence.spans] == ["LOC", "LOC"]
    assert len(translator.calls) == 1


def test_sentences_without_entities_pass_through() -> None:
    (result,) = translate_marked(IdentityTranslator(), [sentence("nothing here")], "en", "es")
    assert result.sentence is not None and result.sentence.spans == []
