"""Detokenisation of tokenised sentences before they are sent to a translator."""

from __future__ import annotations

import pytest

from xner.text import detokenize


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("Declaro el período , interrumpido el viernes .", "Declaro el período, interrumpido el viernes."),
        ("¿ Sería apropiado ?", "¿Sería apropiado?"),
        ("¡ Gracias !", "¡Gracias!"),
        ("( El Parlamento , de pie , guarda silencio )", "(El Parlamento, de pie, guarda silencio)"),
        ("un 5 % más : sí ; no", "un 5% más: sí; no"),
        ("« Europa »", "«Europa»"),
    ],
)  # fmt: skip
def test_punctuation_attaches_to_its_word(tokens: str, text: str) -> None:
    assert detokenize(tokens.split()) == text


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ('el gran " efecto del año 2000 " no se ha producido', 'el gran "efecto del año 2000" no se ha producido'),
        ('" a " y " b "', '"a" y "b"'),
        ('dijo " sí , claro "', 'dijo "sí, claro"'),
        ('un " solo', 'un "solo'),  # an unclosed quote opens
    ],
)
def test_undirected_quotes_alternate_open_and_close(tokens: str, text: str) -> None:
    assert detokenize(tokens.split()) == text


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("the European Union ' s competition policy", "the European Union's competition policy"),
        ("we don ' t agree", "we don't agree"),
        ("l ' Europa e dell ' Unione", "l'Europa e dell'Unione"),
        ("qu ' il", "qu'il"),
        ("he said ' hello ' to them", "he said ' hello ' to them"),  # quotes, not clitics: left alone
        ("' s", "' s"),  # nothing on the left
    ],
)
def test_apostrophes_join_clitics_and_elisions_only(tokens: str, text: str) -> None:
    assert detokenize(tokens.split()) == text


def test_empty_and_single() -> None:
    assert detokenize([]) == ""
    assert detokenize(["Hola"]) == "Hola"
    assert detokenize(["."]) == "."


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("the Parliament 's vote", "the Parliament's vote"),
        ("we do n't know", "we don't know"),
        ("they ’re here", "they’re here"),
        ("'s", "'s"),
    ],
)
def test_clitic_tokens_attach_to_the_word_before(tokens: str, text: str) -> None:
    assert detokenize(tokens.split()) == text
