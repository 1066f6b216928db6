"""The encoder backend on a tiny random BERT built offline: SimAlign's results, batching, windows, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.unit.align.conftest import SENTENCES
from xner.align import load_aligner
from xner.align.base import Alignment
from xner.align.encoder import EncoderAligner
from xner.align.vectors import Extraction
from xner.errors import BackendUnavailable, InputError, UnknownNameError

EN, DE, ES, _ = (s.split() for s in SENTENCES)
SRC = [EN, EN[:6], EN[3:], ["Mr", "Barroso"], EN[::-1], ["1999", "fishing", "Monday"]]
TGT = [DE, DE[:5], ES[4:], ["Herr", "Barroso", "!"], ES, ["pesca", "1999"]]


@pytest.fixture(scope="module")
def aligner(tiny_bert: Path) -> EncoderAligner:
    return EncoderAligner(str(tiny_bert), device="cpu")


def with_extraction(aligner: EncoderAligner, **options: Any) -> EncoderAligner:
    aligner.extraction = Extraction(**options)
    return aligner


@pytest.mark.parametrize("token_type", ["bpe", "word"])
def test_same_alignments_as_the_simalign_package(aligner: EncoderAligner, tiny_bert: Path, token_type: str) -> None:
    simalign = pytest.importorskip("simalign")
    reference = simalign.SentenceAligner(model=str(tiny_bert), token_type=token_type, matching_methods="mai")
    expected = [reference.get_word_aligns(s, t) for s, t in zip(SRC, TGT, strict=True)]
    for method, key in (("argmax", "inter"), ("itermax", "itermax"), ("match", "mwmf")):
        ours = with_extraction(aligner, method=method, token_type=token_type).align(SRC, TGT)
        assert [list(a.links) for a in ours] == [e[key] for e in expected], method


def test_softmax_is_awesome_align_on_the_layer_vectors(aligner: EncoderAligner, tiny_bert: Path) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_bert))
    model = AutoModel.from_pretrained(str(tiny_bert)).eval()

    def vectors(words: list[str]) -> tuple[np.ndarray, list[int]]:
        encoded = tokenizer(words, is_split_into_words=True, return_tensors="pt")
        with torch.no_grad():
            hidden = model(**encoded, output_hidden_states=True).hidden_states[8][0, 1:-1].numpy()
        return hidden, [w for w in encoded.word_ids() if w is not None]

    ours = with_extraction(aligner, method="softmax").align(SRC, TGT)
    for s, t, alignment in zip(SRC, TGT, ours, strict=True):
        (x, x_words), (y, y_words) = vectors(s), vectors(t)
        scores = x @ y.T
        p_st = np.exp(scores - scores.max(1, keepdims=True))
        p_st /= p_st.sum(1, keepdims=True)
        p_ts = np.exp(scores - scores.max(0, keepdims=True))
        p_ts /= p_ts.sum(0, keepdims=True)
        rows, cols = np.nonzero((p_st > 1e-3) & (p_ts > 1e-3))
        assert set(alignment.links) == {(x_words[i], y_words[j]) for i, j in zip(rows, cols, strict=True)}
        assert alignment.scores is not None and all(0 < score <= 1 for score in alignment.scores)


def test_symmetrised_argmax_grows_beyond_the_intersection(aligner: EncoderAligner) -> None:
    inter = with_extraction(aligner, method="argmax").align(SRC, TGT)
    union = with_extraction(aligner, method="argmax", symmetrise="union").align(SRC, TGT)
    assert all(set(a.links) <= set(b.links) for a, b in zip(inter, union, strict=True))
    assert sum(len(b) for b in union) > sum(len(a) for a in inter)


def test_batching_does_not_change_results(tiny_bert: Path, aligner: EncoderAligner) -> None:
    one_by_one = EncoderAligner(str(tiny_bert), batch_sentences=1, chunk_pairs=1)
    with_extraction(aligner, method="itermax")
    # Padding changes the float rounding of scores, never the links.
    assert [a.links for a in one_by_one.align(SRC, TGT)] == [a.links for a in aligner.align(SRC, TGT)]


def test_long_sentences_are_windowed_not_truncated(tiny_bert: Path) -> None:
    small = EncoderAligner(str(tiny_bert), max_length=8)  # 6 subwords per window
    assert small.window == 6
    long = [*EN, *ES]  # far more than 6 subwords
    ids, word_of = small._tokenise([long])
    assert len(set(ids[0])) > 10  # real subwords, not a run of [UNK]
    vectors = small._encode(ids)
    assert vectors[0].shape[0] == len(ids[0]) > 6
    assert set(word_of[0].tolist()) == set(range(len(long)))
    unique = list(dict.fromkeys(long))  # without repeated words, a sentence aligns to itself on the diagonal
    result = small.align([unique], [unique])[0]
    assert {(i, i) for i in range(len(unique))} <= set(result.links)


def test_empty_sentences_give_empty_alignments(aligner: EncoderAligner) -> None:
    assert aligner.align([[], EN[:3], []], [DE[:3], [], []]) == [Alignment(), Alignment(), Alignment()]
    assert aligner.align([], []) == []


def test_only_the_needed_layers_run(aligner: EncoderAligner) -> None:
    assert len(aligner.model.encoder.layer) == 8


def test_every_layer_from_the_embeddings_up_gives_its_own_vectors(tiny_bert: Path) -> None:
    ids = [[5, 6, 7]]
    vectors = {layer: EncoderAligner(str(tiny_bert), layer=layer)._encode(ids)[0] for layer in (0, 1, 9)}
    assert {layer: v.shape for layer, v in vectors.items()} == {0: (3, 32), 1: (3, 32), 9: (3, 32)}
    assert not np.allclose(vectors[0], vectors[1]) and not np.allclose(vectors[1], vectors[9])


def test_model_without_hidden_states_is_a_clear_error(tiny_bert: Path) -> None:
    import torch

    class NoHidden(torch.nn.Module):
        def forward(self, **_: Any) -> dict[str, torch.Tensor]:
            return {"last_hidden_state": torch.zeros(1)}

    broken = EncoderAligner(str(tiny_bert))
    broken.model = NoHidden()
    with pytest.raises(InputError, match="returns no hidden states"):
        broken.align([EN], [DE])


def test_bad_settings_are_named(tiny_bert: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at most 9"):
        EncoderAligner(str(tiny_bert), layer=12)
    with pytest.raises(UnknownNameError, match="argmax, itermax, match, softmax"):
        load_aligner(f"encoder:{tiny_bert}", method="maximal")
    with pytest.raises(InputError, match="two directions"):
        load_aligner(f"encoder:{tiny_bert}", method="itermax", symmetrise="union")
    with pytest.raises(BackendUnavailable, match="cannot load encoder"):
        EncoderAligner(str(tmp_path / "no-such-model"))
