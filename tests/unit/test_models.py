"""Where models come from (local directory, $XNER_MODEL_DIR, hub id) and how they are fingerprinted."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from xner.errors import BackendUnavailable, InputError
from xner.models import MODEL_DIR_ENV, load_pretrained, model_fingerprint, resolve_model
from xner.translate.identity import IdentityTranslator


def test_a_directory_is_used_as_is_and_hub_ids_pass_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    assert resolve_model(str(tmp_path)) == str(tmp_path)
    assert resolve_model("facebook/nllb-200-distilled-600M") == "facebook/nllb-200-distilled-600M"


def test_hub_ids_are_found_under_the_model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "facebook" / "nllb-200-distilled-600M").mkdir(parents=True)
    (tmp_path / "xlm-roberta-large-finetuned-conll03-english").mkdir()
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    assert resolve_model("facebook/nllb-200-distilled-600M") == str(tmp_path / "facebook" / "nllb-200-distilled-600M")
    assert resolve_model("FacebookAI/xlm-roberta-large-finetuned-conll03-english") == str(
        tmp_path / "xlm-roberta-large-finetuned-conll03-english"
    )
    assert resolve_model("other/model") == "other/model"


def test_fingerprint_of_a_directory_changes_with_its_weights(tmp_path: Path) -> None:
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"1234")
    before = model_fingerprint(str(tmp_path))
    weights.write_bytes(b"123456")
    assert model_fingerprint(str(tmp_path)) != before
    assert model_fingerprint("some/hub-id") == "some/hub-id"


def test_load_failures_name_the_model() -> None:
    def loader(path: str, **kwargs: object) -> None:  # as from_pretrained: options such as local_files_only
        raise OSError(f"{path} is not a local folder and the hub is unreachable")

    with pytest.raises(BackendUnavailable) as info:
        load_pretrained(loader, "owner/missing-model", "tokenizer")
    assert "owner/missing-model" in str(info.value) and MODEL_DIR_ENV in str(info.value)


def test_identity_translator_copies_and_scores_copies_only() -> None:
    translator = IdentityTranslator()
    assert translator.translate(["a  b ", ""], "en", "es") == ["a b", ""]
    assert translator.score(["a b", "a"], ["a  b", "b"], "en", "es") == [0.0, -math.inf]
    with pytest.raises(InputError):
        IdentityTranslator("some-model")
