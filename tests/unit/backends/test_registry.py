"""Backend specs and lazy loading: light backends never import torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xner.errors import InputError, UnknownNameError
from xner.ner import TAGGERS
from xner.registry import BackendSpec, parse_spec
from xner.translate import TRANSLATORS, load_translator

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("spec", "name", "model"),
    [
        ("nllb", "nllb", None),
        ("NLLB:facebook/nllb-200-distilled-600M", "nllb", "facebook/nllb-200-distilled-600M"),
        ("nllb:/models/my-nllb", "nllb", "/models/my-nllb"),
        ("ct2:C:/models/x", "ct2", "C:/models/x"),
        (" spacy:fr_core_news_sm ", "spacy", "fr_core_news_sm"),
    ],
)
def test_parse_spec(spec: str, name: str, model: str | None) -> None:
    parsed = parse_spec(spec)
    assert parsed == BackendSpec(name, model)


@pytest.mark.parametrize("spec", ["", ":model", "nllb:", "nllb:  "])
def test_bad_specs_are_input_errors(spec: str) -> None:
    with pytest.raises(InputError):
        parse_spec(spec)


def test_unknown_backend_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError) as info:
        load_translator("marian:x")
    assert "apertium" in str(info.value) and "nllb" in str(info.value)
    with pytest.raises(UnknownNameError):
        TAGGERS.canonical("flair")


def test_aliases_resolve() -> None:
    assert TRANSLATORS.canonical("ct2") == "ctranslate2"
    assert TAGGERS.canonical("transformers") == "hf"


def test_light_backends_do_not_import_torch() -> None:
    code = (
        "import sys\n"
        "import xner.cli, xner.translate, xner.ner\n"
        "from xner.translate import load_translator\n"
        "t = load_translator('identity')\n"
        "assert t.translate(['a  b'], 'en', 'es') == ['a b']\n"
        "heavy = [m for m in ('torch', 'transformers', 'spacy', 'ctranslate2') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
