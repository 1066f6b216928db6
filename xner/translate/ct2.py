"""``ctranslate2``: NLLB/M2M100 models converted to CTranslate2, several times faster on CPU (int8) and GPU.

Convert once (the tokenizer is saved beside the weights)::

    xner ct2-convert facebook/nllb-200-distilled-600M models/nllb-600m-ct2 [--quantization int8]
    # or: ct2-transformers-converter --model facebook/nllb-200-distilled-600M --output_dir models/nllb-600m-ct2 \\
    #       --copy_files tokenizer.json tokenizer_config.json

then use the spec ``ctranslate2:models/nllb-600m-ct2`` (alias ``ct2:``). Batching, splitting and language
handling are those of :class:`~xner.translate.subword.SubwordTranslator`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ctranslate2
from transformers import AutoTokenizer

from xner.errors import BackendUnavailable, InputError
from xner.models import load_pretrained, model_fingerprint, pick_device, resolve_model
from xner.translate import defaults
from xner.translate.subword import DecodingSettings, SubwordTranslator

INFO_FILE = "xner-ct2.json"
"""What :func:`convert_to_ctranslate2` records beside the weights (source model, position limit)."""


class Ct2Translator(SubwordTranslator):
    """Translate with a CTranslate2 model directory; the tokenizer is read from it (or from ``tokenizer``)."""

    name = "ctranslate2"

    def __init__(
        self,
        model: str | None = None,
        *,
        tokenizer: str | None = None,
        device: str | None = None,
        compute_type: str = defaults.CT2_COMPUTE_TYPE,
        inter_threads: int = defaults.CT2_INTER_THREADS,
        intra_threads: int = 0,
        settings: DecodingSettings | None = None,
        **options: Any,
    ) -> None:
        if not model:
            raise InputError("ctranslate2 needs a converted model directory: ctranslate2:DIR (see xner ct2-convert)")
        path = Path(resolve_model(model))
        if not (path / "model.bin").is_file():
            raise BackendUnavailable(
                f"{model!r} is not a CTranslate2 model directory (no model.bin); convert it first with "
                f"`xner ct2-convert {model} OUT_DIR`"
            )
        settings = settings or DecodingSettings(**options)
        hf_tokenizer = load_pretrained(AutoTokenizer.from_pretrained, tokenizer or str(path), "tokenizer")
        self.device = pick_device(device)
        self.translator = ctranslate2.Translator(
            str(path),
            device=self.device,
            compute_type=compute_type,
            inter_threads=inter_threads,
            intra_threads=intra_threads,
        )
        limit = _max_positions(path, settings.max_input_tokens)
        super().__init__(model, hf_tokenizer, settings, limit)
        self.fingerprint = f"{self.name}:{model_fingerprint(str(path))}:{compute_type}:{settings.describe()}"

    def _tokens(self, rows: list[list[int]]) -> list[list[str]]:
        return [self.tokenizer.convert_ids_to_tokens(row) for row in rows]

    def _generate(self, sources: list[list[int]], tgt_id: int, limits: list[int]) -> list[list[int]]:
        # CTranslate2 has one length limit per batch: the longest source's (batches are sorted by length).
        prefix = self.tokenizer.convert_ids_to_tokens([tgt_id])
        results = self.translator.translate_batch(
            self._tokens(sources),
            target_prefix=[prefix] * len(sources),
            beam_size=self.settings.num_beams,
            max_decoding_length=max(limits),
            max_input_length=0,
            max_batch_size=0,
        )
        return [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]

    def _score(self, sources: list[list[int]], targets: list[list[int]]) -> list[float]:
        results = self.translator.score_batch(
            self._tokens(sources),
            [tokens[:-1] for tokens in self._tokens(targets)],  # CTranslate2 appends </s> itself
            max_input_length=0,
        )
        return [sum(r.log_probs[1:]) / max(1, len(r.log_probs) - 1) for r in results]


def _max_positions(path: Path, default: int) -> int:
    """The converted model's position limit, recorded by :func:`convert_to_ctranslate2` in ``xner-ct2.json``."""
    info_file = path / INFO_FILE
    if info_file.is_file():
        value = json.loads(info_file.read_text(encoding="utf-8")).get("max_position_embeddings")
        if isinstance(value, int):
            return value
    return default


def convert_to_ctranslate2(
    model: str, output_dir: str | Path, *, quantization: str | None = None, force: bool = False
) -> Path:
    """Convert a transformers NLLB/M2M100 model (hub id or directory) to CTranslate2 in ``output_dir``, with its
    tokenizer and config saved beside the weights so ``ctranslate2:OUTPUT_DIR`` is self-contained."""
    from ctranslate2.converters import TransformersConverter

    out = Path(output_dir)
    source = resolve_model(model)
    try:
        TransformersConverter(source, load_as_float16=False).convert(str(out), quantization=quantization, force=force)
    except (OSError, ValueError, RuntimeError) as exc:
        raise BackendUnavailable(f"cannot convert {model!r} to CTranslate2: {exc}") from exc
    tokenizer = load_pretrained(AutoTokenizer.from_pretrained, model, "tokenizer")
    tokenizer.save_pretrained(str(out))
    from transformers import AutoConfig

    hf_config = load_pretrained(AutoConfig.from_pretrained, model, "model config")
    info = {"source_model": model, "max_position_embeddings": int(getattr(hf_config, "max_position_embeddings", 1024))}
    (out / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return out
