"""Tiny random models of the production architectures, built offline in about a second.

* :func:`build_tiny_nllb`: an M2M100 (NLLB) encoder-decoder with an ``NllbTokenizer`` whose BPE is trained
  on the fly; the 202 NLLB language codes are registered as special tokens (``extra_special_tokens``), without
  which they would silently encode as ``<unk>``.
* :func:`build_tiny_token_classifier`: an XLM-R token classifier with an ``XLMRobertaTokenizer`` over a small
  Unigram vocabulary built from the same text, with a small ``model_max_length`` so long inputs must be windowed.

The weights are random: outputs are meaningless but deterministic, which is what tests of batching, splitting,
windowing, label handling, saving and loading need. Never commit what these write.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Text the tokenizers are trained on (English and Spanish, entity-rich).
TINY_CORPUS: tuple[str, ...] = (
    "The quick brown fox jumps over the lazy dog.",
    "El rápido zorro marrón salta sobre el perro perezoso.",
    "John Smith works at Google in Madrid, Spain.",
    "Juan Pérez trabaja en Google en Madrid, España.",
    "Angela Merkel met Emmanuel Macron in Paris on Monday.",
    "Angela Merkel se reunió con Emmanuel Macron en París el lunes.",
    "The European Parliament approved the report of the Commission.",
    "El Parlamento Europeo aprobó el informe de la Comisión.",
    "Barcelona and Valencia are cities; Lisbon is a capital!",
    "¿Dónde está la estación de tren? ¡Allí, en la plaza!",
)


def _train_bpe(vocab_size: int, specials: Sequence[str]) -> dict[str, Any]:
    """A byte-pair-encoding model trained on :data:`TINY_CORPUS` (the BPE trainer is deterministic)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(specials))
    tokenizer.train_from_iterator(list(TINY_CORPUS) * 4, trainer)
    model: dict[str, Any] = json.loads(tokenizer.to_str())["model"]
    return model


def _unigram_pieces(specials: Sequence[str]) -> list[tuple[str, float]]:
    """A deterministic Unigram vocabulary over :data:`TINY_CORPUS` (the Unigram trainer is not deterministic):
    whole short words, the first three letters of longer ones, and single characters, so long words split
    into several subwords. Longer pieces score higher, so segmentation prefers them."""
    words = sorted({word for line in TINY_CORPUS for word in line.split()})
    pieces = {"▁"} | {"▁" + w for w in words if len(w) <= 4} | {"▁" + w[:3] for w in words}
    pieces |= {char for line in TINY_CORPUS for char in line if not char.isspace()}
    vocab = [(piece, 0.0) for piece in specials]
    vocab += [(piece, -10.0 + len(piece)) for piece in sorted(pieces)]
    return vocab


def build_tiny_nllb(
    out_dir: str | Path,
    *,
    d_model: int = 16,
    layers: int = 1,
    ffn: int = 32,
    heads: int = 2,
    max_positions: int = 128,
    vocab_size: int = 300,
    init_std: float = 1.0,
    seed: int = 0,
) -> Path:
    """Write a tiny random NLLB (M2M100 architecture) model and tokenizer to ``out_dir``; return it. The large
    ``init_std`` makes the random decoder's output depend on its input (at 0.02 every input gives one output)."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    out = Path(out_dir)
    model_json = _train_bpe(vocab_size, ["<s>", "<pad>", "</s>", "<unk>"])
    vocab: Any = model_json["vocab"]
    raw_merges: Any = model_json["merges"]
    merges: Any = [tuple(m) if isinstance(m, list) else tuple(str(m).split(" ")) for m in raw_merges]
    tokenizer = NllbTokenizer(
        vocab=vocab,
        merges=merges,
        extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES),
        model_max_length=max_positions,
    )
    tokenizer.save_pretrained(str(out))
    config = M2M100Config(
        vocab_size=len(tokenizer),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=max_positions,
        encoder_layerdrop=0.0,
        decoder_layerdrop=0.0,
        init_std=init_std,
    )
    torch.manual_seed(seed)
    M2M100ForConditionalGeneration(config).save_pretrained(str(out))
    return out


def build_tiny_token_classifier(
    out_dir: str | Path,
    labels: Sequence[str] = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"),
    *,
    hidden: int = 16,
    layers: int = 1,
    heads: int = 2,
    max_length: int = 32,
    seed: int = 0,
) -> Path:
    """Write a tiny random XLM-R token classifier and tokenizer to ``out_dir``; return it. ``max_length``
    (subword tokens, specials included) is the tokenizer's and the model's input limit."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForTokenClassification, XLMRobertaTokenizer

    out = Path(out_dir)
    pieces = [*_unigram_pieces(["<s>", "<pad>", "</s>", "<unk>"]), ("<mask>", 0.0)]
    tokenizer = XLMRobertaTokenizer(vocab=pieces, model_max_length=max_length)
    tokenizer.save_pretrained(str(out))
    config = XLMRobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=hidden * 2,
        max_position_embeddings=max_length + 2,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    torch.manual_seed(seed)
    XLMRobertaForTokenClassification(config).save_pretrained(str(out))
    return out
