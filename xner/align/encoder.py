"""The ``encoder`` backend: SimAlign / awesome-align over any Hugging Face encoder (mBERT layer 8 by default).

* Vectors are ``hidden_states[layer]`` (index 0 = the embedding layer, as in SimAlign) of each sentence encoded
  alone, special tokens removed. Layers above ``layer`` are never run.
* Sentences are tokenised in one fast-tokenizer call per chunk, sorted by length and encoded many per forward
  pass (padded; bounded by :data:`~xner.align.defaults.ENCODER_BATCH_SENTENCES` and
  :data:`~xner.align.defaults.ENCODER_BATCH_TOKENS`), on CPU or CUDA (fp16 on CUDA).
* A sentence longer than the model accepts is encoded in overlapping windows (:mod:`xner.align._windows`).
* Links are read off the vectors by :mod:`xner.align.vectors` (methods argmax, itermax, match, softmax).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from xner.align import defaults
from xner.align._windows import Window, plan_windows
from xner.align.base import Alignment, Batch, check_batch
from xner.align.vectors import Extraction, link_words
from xner.errors import BackendUnavailable, InputError
from xner.models import padded_batch

FloatMatrix = npt.NDArray[np.float32]

_HUGE = 10**6  # tokenizers without a limit report ~1e30 as model_max_length


def _import_torch() -> Any:
    try:
        import torch
        import transformers
    except ImportError:
        raise BackendUnavailable(
            "the encoder aligner needs torch and transformers: pip install 'xner[align]'"
        ) from None
    del transformers
    return torch


class EncoderAligner:
    """Word alignment from the similarity of contextual subword vectors (see the module docstring)."""

    name = "encoder"

    def __init__(
        self,
        model: str = defaults.ENCODER_MODEL,
        *,
        layer: int = defaults.ENCODER_LAYER,
        extraction: Extraction | None = None,
        device: str | None = None,
        fp16: bool | None = None,
        max_length: int | None = None,
        batch_sentences: int = defaults.ENCODER_BATCH_SENTENCES,
        batch_tokens: int = defaults.ENCODER_BATCH_TOKENS,
        chunk_pairs: int = defaults.ENCODER_CHUNK_PAIRS,
    ) -> None:
        torch = _import_torch()
        from transformers import AutoModel, AutoTokenizer

        if layer < 0:
            raise InputError(f"encoder layer must be >= 0, got {layer}")
        self.model_name = model
        self.layer = layer
        self.extraction = extraction or Extraction()
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.batch_sentences = batch_sentences
        self.batch_tokens = batch_tokens
        self.chunk_pairs = chunk_pairs
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model, use_fast=True)
            self.model = AutoModel.from_pretrained(model)
        except (OSError, ValueError) as exc:
            raise BackendUnavailable(
                f"cannot load encoder {model!r} (a hub id or a local directory with config, weights and "
                f"tokenizer): {str(exc).splitlines()[0]}"
            ) from None
        if not getattr(self.tokenizer, "is_fast", False):
            raise InputError(f"encoder {model!r} has no fast tokenizer; the encoder aligner needs word_ids()")
        self._keep_layers()
        self.model.eval()
        self.model.to(self.device)
        if fp16 if fp16 is not None else self.device.type == "cuda":
            self.model.half()
        self._before, self._after = self._special_layout()
        self._prefix, self._suffix = len(self._before), len(self._after)
        self.window = (max_length or self._max_length()) - self._prefix - self._suffix
        if self.window < 2:
            raise InputError(f"encoder {model!r} accepts too few tokens to align ({self.window + 2})")
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0

    @classmethod
    def from_spec(
        cls, model: str | None, *, method: str | None = None, symmetrise: str | None = None, **options: Any
    ) -> EncoderAligner:
        """Build from a spec ``encoder[:MODEL]`` and the CLI's method / symmetrisation options."""
        extraction = Extraction(method=method or defaults.ENCODER_METHOD, symmetrise=symmetrise)
        return cls(model or defaults.ENCODER_MODEL, extraction=extraction, **options)

    # --- set-up ---------------------------------------------------------------------------------------------

    def _keep_layers(self) -> None:
        """Drop the transformer layers above ``layer``: their output is never used. One is kept for layer 0 (the
        embeddings): transformers collects the hidden states as the layers' inputs, none without a layer."""
        encoder = getattr(self.model, "encoder", None)
        layers = getattr(encoder, "layer", None)
        n_layers = getattr(self.model.config, "num_hidden_layers", None)
        if n_layers is not None and self.layer > n_layers:
            raise InputError(
                f"encoder {self.model_name!r} has {n_layers} layers; layer must be at most {n_layers} (0 = embeddings)"
            )
        if encoder is not None and layers is not None and hasattr(layers, "__getitem__") and self.layer < len(layers):
            encoder.layer = layers[: max(self.layer, 1)]

    def _special_layout(self) -> tuple[list[int], list[int]]:
        """The special token ids the tokenizer puts before and after a single sentence."""
        probe = self.tokenizer([["a"]], is_split_into_words=True, add_special_tokens=True)
        words = probe.word_ids(0)
        ids = list(probe["input_ids"][0])
        content = [k for k, w in enumerate(words) if w is not None]
        if not content:
            return [], []
        return ids[: content[0]], ids[content[-1] + 1 :]

    def _max_length(self) -> int:
        """Longest input (special tokens included) that the tokenizer and the position table allow."""
        limits = []
        tokenizer_limit = getattr(self.tokenizer, "model_max_length", None)
        if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < _HUGE:
            limits.append(tokenizer_limit)
        config = self.model.config
        positions = getattr(config, "max_position_embeddings", None)
        if isinstance(positions, int) and positions > 0:
            if "roberta" in getattr(config, "model_type", "") and config.pad_token_id is not None:
                positions -= config.pad_token_id + 1  # RoBERTa positions start after the padding index
            limits.append(positions)
        return min(limits) if limits else defaults.ENCODER_MAX_LENGTH

    # --- alignment ------------------------------------------------------------------------------------------

    def align(self, src: Batch, tgt: Batch) -> list[Alignment]:
        """Align ``src[k]`` with ``tgt[k]`` for every ``k``; empty sentences give empty alignments."""
        check_batch(src, tgt)
        results: list[Alignment] = []
        for start in range(0, len(src), self.chunk_pairs):
            end = start + self.chunk_pairs
            results.extend(self._align_chunk(src[start:end], tgt[start:end]))
        return results

    def _align_chunk(self, src: Batch, tgt: Batch) -> list[Alignment]:
        sentences = [list(s) for s in src] + [list(t) for t in tgt]
        ids, word_of = self._tokenise(sentences)
        vectors = self._encode(ids)
        n = len(src)
        out: list[Alignment] = []
        for k in range(n):
            s, t = k, n + k
            if len(word_of[s]) == 0 or len(word_of[t]) == 0:
                out.append(Alignment())
                continue
            out.append(
                link_words(vectors[s], vectors[t], word_of[s], word_of[t], len(src[k]), len(tgt[k]), self.extraction)
            )
        return out

    def _tokenise(self, sentences: Sequence[list[str]]) -> tuple[list[list[int]], list[npt.NDArray[np.intp]]]:
        """Subword ids (no special tokens, never truncated) and each subword's word index, per sentence."""
        ids: list[list[int]] = [[] for _ in sentences]
        word_of: list[npt.NDArray[np.intp]] = [np.zeros(0, dtype=np.intp) for _ in sentences]
        present = [k for k, s in enumerate(sentences) if s]
        if not present:
            return ids, word_of
        encoded = self.tokenizer(
            [sentences[k] for k in present], is_split_into_words=True, add_special_tokens=False, verbose=False
        )
        for row, k in enumerate(present):
            words = encoded.word_ids(row)
            ids[k] = list(encoded["input_ids"][row])
            word_of[k] = np.asarray([-1 if w is None else w for w in words], dtype=np.intp)
            if (word_of[k] < 0).any():  # defensive: tokens outside any word carry no vector
                keep = word_of[k] >= 0
                ids[k] = [i for i, flag in zip(ids[k], keep.tolist(), strict=True) if flag]
                word_of[k] = word_of[k][keep]
        return ids, word_of

    def _encode(self, ids: Sequence[list[int]]) -> list[FloatMatrix]:
        """Layer vectors of every sentence's subwords, through windows and length-sorted padded batches."""
        pieces: list[tuple[int, Window]] = []
        for k, sentence_ids in enumerate(ids):
            if sentence_ids:
                overlap = int(self.window * defaults.ENCODER_WINDOW_OVERLAP)
                pieces.extend((k, w) for w in plan_windows(len(sentence_ids), self.window, overlap))
        hidden = 0
        vectors: list[FloatMatrix] = [np.zeros((0, hidden), dtype=np.float32) for _ in ids]
        parts: dict[int, list[tuple[Window, FloatMatrix]]] = {}
        order = sorted(range(len(pieces)), key=lambda p: pieces[p][1].end - pieces[p][1].start)
        for batch in self._batches(order, pieces):
            inputs = [
                [*self._before, *ids[pieces[p][0]][pieces[p][1].start : pieces[p][1].end], *self._after] for p in batch
            ]
            for p, layer_vectors in zip(batch, self._forward(inputs), strict=True):
                k, window = pieces[p]
                parts.setdefault(k, []).append((window, layer_vectors))
        for k, windows in parts.items():
            windows.sort(key=lambda item: item[0].start)
            vectors[k] = np.concatenate([v[w.keep_start - w.start : w.keep_end - w.start] for w, v in windows], axis=0)
        return vectors

    def _batches(self, order: list[int], pieces: list[tuple[int, Window]]) -> list[list[int]]:
        """Split length-sorted pieces into batches bounded in sentences and padded tokens."""
        batches: list[list[int]] = []
        current: list[int] = []
        for p in order:
            length = pieces[p][1].end - pieces[p][1].start + self._prefix + self._suffix
            if current and (len(current) >= self.batch_sentences or (len(current) + 1) * length > self.batch_tokens):
                batches.append(current)
                current = []
            current.append(p)
        if current:
            batches.append(current)
        return batches

    def _forward(self, inputs: list[list[int]]) -> list[FloatMatrix]:
        """One padded forward pass; returns each input's content vectors at ``layer`` as float32 arrays."""
        torch = _import_torch()
        input_ids, attention = padded_batch(inputs, self.pad_id)
        with torch.inference_mode():
            output = self.model(
                input_ids=input_ids.to(self.device),
                attention_mask=attention.to(self.device),
                output_hidden_states=True,
            )
        states = getattr(output, "hidden_states", None)
        if states is None:
            raise InputError(f"encoder {self.model_name!r} returns no hidden states; use an encoder model")
        if self.layer >= len(states):
            raise InputError(
                f"encoder {self.model_name!r} has {len(states) - 1} layers; layer must be at most {len(states) - 1}"
            )
        layer = states[self.layer].float().cpu().numpy()
        return [layer[row, self._prefix : len(x) - self._suffix] for row, x in enumerate(inputs)]
