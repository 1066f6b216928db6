"""FLORES-200 codes, ISO 639 mapping and the unknown-code error."""

from __future__ import annotations

import pytest

from xner.errors import InputError
from xner.languages import (
    FLORES200_CODES,
    LANGUAGE_NAMES,
    UnknownLanguageError,
    iso639_1,
    language_name,
    normalise_language,
    suggest_languages,
    uses_spaces,
)


def test_table_has_the_204_flores_codes_in_canonical_form() -> None:
    assert len(FLORES200_CODES) == 204 == len(set(FLORES200_CODES))
    for code in FLORES200_CODES:
        lang, script = code.split("_")
        assert len(lang) == 3 and lang.islower() and len(script) == 4 and script.istitle(), code
    assert LANGUAGE_NAMES["eng_Latn"] == "English"


def test_every_nllb_language_token_is_accepted() -> None:
    tokenization = pytest.importorskip("transformers.models.nllb.tokenization_nllb")
    for code in tokenization.FAIRSEQ_LANGUAGE_CODES:
        assert normalise_language(code) in FLORES200_CODES


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("eng_Latn", "eng_Latn"),
        ("ENG_LATN", "eng_Latn"),
        (" spa_Latn ", "spa_Latn"),
        ("en", "eng_Latn"),
        ("EN", "eng_Latn"),
        ("eng", "eng_Latn"),
        ("de", "deu_Latn"),
        ("ger", "deu_Latn"),
        ("ar", "arb_Arab"),
        ("ara", "arb_Arab"),
        ("fa", "pes_Arab"),
        ("sw", "swh_Latn"),
        ("swa", "swh_Latn"),
        ("ms", "zsm_Latn"),
        ("zh", "zho_Hans"),
        ("zh-TW", "zho_Hant"),
        ("zh-Hant", "zho_Hant"),
        ("pt-BR", "por_Latn"),
        ("en_US", "eng_Latn"),
        ("kas", "kas_Arab"),
        ("kas-Deva", "kas_Deva"),
        ("no", "nob_Latn"),
        ("sat_Beng", "sat_Olck"),
        ("yo", "yor_Latn"),
    ],
)
def test_codes_are_normalised_to_flores(given: str, expected: str) -> None:
    assert normalise_language(given) == expected


@pytest.mark.parametrize("code", ["engl", "xx", "eng_Latm", "Spanish", "sr-Latn", "", "e"])
def test_unknown_codes_are_input_errors(code: str) -> None:
    with pytest.raises(UnknownLanguageError) as info:
        normalise_language(code)
    assert isinstance(info.value, InputError)
    assert repr(code) in str(info.value)


def test_unknown_code_suggests_the_nearest_valid_ones() -> None:
    with pytest.raises(UnknownLanguageError) as info:
        normalise_language("eng_Latm")
    assert info.value.suggestions[0] == "eng_Latn"
    assert "did you mean eng_Latn" in str(info.value)
    assert suggest_languages("Spanish")[0] == "spa_Latn"
    assert suggest_languages("spa_latin")[0] == "spa_Latn"


def test_script_variant_that_does_not_exist_lists_the_existing_ones() -> None:
    with pytest.raises(UnknownLanguageError) as info:
        normalise_language("sr-Latn")
    assert info.value.suggestions == ["srp_Cyrl"]


def test_names_iso_codes_and_spacing() -> None:
    assert language_name("es") == "Spanish"
    assert iso639_1("spa_Latn") == "es"
    assert iso639_1("fon_Latn") is None
    assert uses_spaces("eng_Latn") and not uses_spaces("zh") and not uses_spaces("jpn_Jpan")
