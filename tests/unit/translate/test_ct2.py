"""The ctranslate2 backend on the tiny NLLB converted offline: same translations and scores as transformers."""

from __future__ import annotations

from pathlib import Path

import pytest

from xner.errors import BackendUnavailable, InputError

pytest.importorskip("transformers")

SETTINGS = {"num_beams": 2, "max_length_a": 0.5, "max_length_b": 3}
SENTENCES = ["The dog.", "John Smith works at Google in Madrid, Spain.", "", "El Parlamento Europeo aprobó."]


def test_conversion_writes_a_self_contained_directory(tiny_ct2_dir: Path) -> None:
    for name in ("model.bin", "tokenizer.json", "xner-ct2.json"):
        assert (tiny_ct2_dir / name).is_file()


def test_ct2_matches_transformers(tiny_ct2_dir: Path, tiny_nllb_dir: Path) -> None:
    from xner.translate.ct2 import Ct2Translator
    from xner.translate.nllb import NllbTranslator

    ct2 = Ct2Translator(str(tiny_ct2_dir), device="cpu", **SETTINGS)
    hf = NllbTranslator(str(tiny_nllb_dir), device="cpu", **SETTINGS)
    assert ct2.input_limit == hf.input_limit  # the position limit travelled with the conversion
    # one sentence per batch: CTranslate2 applies one length limit per batch, transformers one per sentence
    one_by_one = [ct2.translate([s], "en", "es")[0] for s in SENTENCES]
    assert one_by_one == hf.translate(SENTENCES, "en", "es")
    assert ct2.translate(SENTENCES, "en", "es")[2] == ""
    targets = hf.translate(SENTENCES, "en", "es")
    pairs = [(s, t) for s, t in zip(SENTENCES, targets, strict=True) if s]
    ct2_scores = ct2.score([s for s, _ in pairs], [t for _, t in pairs], "en", "es")
    hf_scores = hf.score([s for s, _ in pairs], [t for _, t in pairs], "en", "es")
    assert ct2_scores == pytest.approx(hf_scores, abs=1e-4)


def test_ct2_needs_a_converted_directory(tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    from xner.translate.ct2 import Ct2Translator

    with pytest.raises(InputError):
        Ct2Translator(None)
    with pytest.raises(BackendUnavailable) as info:
        Ct2Translator(str(tmp_path))
    assert "ct2-convert" in str(info.value)
