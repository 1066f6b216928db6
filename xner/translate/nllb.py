"""``nllb``: NLLB-200 and M2M100 checkpoints through transformers ``generate()``.

Spec: ``nllb`` (= ``nllb:facebook/nllb-200-distilled-600M``), ``nllb:HUB_ID`` or ``nllb:/local/dir``. Decoding is
beam search (deterministic, no sampling) with the target language forced as the first token
(``forced_bos_token_id``); sentences are sorted by length and batched by a token budget (see
:class:`~xner.translate.subword.SubwordTranslator`).
"""

from __future__ import annotations

from typing import Any

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, LogitsProcessor, LogitsProcessorList

from xner.models import load_pretrained, model_fingerprint, padded_batch, pick_device
from xner.translate.defaults import DEFAULT_NLLB_MODEL
from xner.translate.subword import DecodingSettings, SubwordTranslator


class RowLengthLimit(LogitsProcessor):
    """Force ``</s>`` once a row has generated its own limit of tokens, so each sentence's length limit depends on
    its own length only and a translation never depends on the other sentences of its batch."""

    def __init__(self, limits: list[int], eos_id: int) -> None:
        self.limits = torch.tensor(limits, dtype=torch.long)
        self.eos_id = eos_id

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        generated = input_ids.shape[1] - 1  # the decoder start token is not generated
        per_row = self.limits.repeat_interleave(input_ids.shape[0] // len(self.limits)).to(scores.device)
        done = per_row <= generated
        if bool(done.any()):
            scores = scores.clone()
            scores[done] = float("-inf")
            scores[done, self.eos_id] = 0.0
        return scores


class NllbTranslator(SubwordTranslator):
    """Translate with an NLLB/M2M100 model loaded by transformers (CPU or GPU)."""

    name = "nllb"

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str | None = None,
        settings: DecodingSettings | None = None,
        **options: Any,
    ) -> None:
        model = model or DEFAULT_NLLB_MODEL
        settings = settings or DecodingSettings(**options)
        tokenizer = load_pretrained(AutoTokenizer.from_pretrained, model, "tokenizer")
        self.device = pick_device(device)
        self.model = load_pretrained(AutoModelForSeq2SeqLM.from_pretrained, model, "translation model")
        self.model.to(self.device).eval()
        config = self.model.config
        limit = int(getattr(config, "max_position_embeddings", settings.max_input_tokens))
        super().__init__(model, tokenizer, settings, limit)
        self.pad_id: int = config.pad_token_id if config.pad_token_id is not None else tokenizer.pad_token_id
        self.fingerprint = f"{self.name}:{model_fingerprint(model)}:{settings.describe()}"

    def _pad(self, rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        ids, mask = padded_batch(rows, self.pad_id)
        return ids.to(self.device), mask.to(self.device)

    @torch.inference_mode()
    def _generate(self, sources: list[list[int]], tgt_id: int, limits: list[int]) -> list[list[int]]:
        ids, mask = self._pad(sources)
        out = self.model.generate(
            input_ids=ids,
            attention_mask=mask,
            forced_bos_token_id=tgt_id,
            num_beams=self.settings.num_beams,
            do_sample=False,
            max_new_tokens=max(limits) + 1,
            logits_processor=LogitsProcessorList([RowLengthLimit(limits, self.eos_id)]),
        )
        rows: list[list[int]] = out.tolist()
        return rows

    @torch.inference_mode()
    def _score(self, sources: list[list[int]], targets: list[list[int]]) -> list[float]:
        ids, mask = self._pad(sources)
        labels, label_mask = self._pad(targets)
        start = self.model.config.decoder_start_token_id
        decoder_input = torch.cat([torch.full_like(labels[:, :1], start), labels[:, :-1]], dim=1)
        logits = self.model(input_ids=ids, attention_mask=mask, decoder_input_ids=decoder_input).logits
        logprobs = torch.log_softmax(logits.float(), dim=-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
        weights = label_mask.float()
        weights[:, 0] = 0.0  # the forced language token is not scored
        totals = (logprobs * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        values: list[float] = totals.tolist()
        return values
