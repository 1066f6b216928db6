"""``hf``: a transformers token-classification model as a word-level tagger.

Spec: ``hf`` (= ``hf:FacebookAI/xlm-roberta-large-finetuned-conll03-english``), ``hf:HUB_ID`` or ``hf:/dir``.

* Each word takes the label of its **first subword**; its score is that label's softmax probability.
* Sentences longer than the model's limit are **windowed** (:mod:`xner.ner.windows`); a word is labelled by the
  window where it is farthest from an edge.
* Windows are sorted by length and **batched** by a token budget.
* Labels become spans by one **repair rule** for ill-formed BIO, that of conlleval and seqeval's default mode
  (:func:`xner.corpus.tags_to_spans`): an ``I-X`` that does not continue an ``X`` span begins one, and a change
  of type closes the open span. So ``O I-PER I-PER`` is one PER span and ``B-PER I-LOC`` two spans.
* A span's score is the mean score of its words. Then the :class:`~xner.ner.labels.LabelMap` renames or drops
  labels (e.g. ``drop="MISC"``, ``keep="PER,LOC,ORG"`` for a corpus with those types).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from xner.batching import token_budget_batches
from xner.corpus import Span, tags_to_spans
from xner.errors import BackendUnavailable
from xner.models import load_pretrained, model_fingerprint, padded_batch, pick_device
from xner.ner import defaults
from xner.ner.labels import LabelMap, model_label_to_tag
from xner.ner.windows import Window, make_windows, piece_counts


class HfTagger:
    """Tag pre-tokenised sentences with a token-classification model (see the module docstring)."""

    name = "hf"

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str | None = None,
        label_map: LabelMap | str | Mapping[str, str | None] | None = None,
        keep: Iterable[str] | str | None = None,
        drop: Iterable[str] | str | None = None,
        max_input_tokens: int = defaults.MAX_INPUT_TOKENS,
        window_overlap: int = defaults.WINDOW_OVERLAP,
        batch_tokens: int = defaults.BATCH_TOKENS,
        max_batch_windows: int = defaults.MAX_BATCH_WINDOWS,
        loaded: tuple[Any, Any] | None = None,
    ) -> None:
        model = model or defaults.DEFAULT_HF_MODEL
        if loaded is not None:  # (model, tokenizer) already in memory, e.g. during training
            self.model, self.tokenizer = loaded
            self.device = str(next(self.model.parameters()).device)
        else:
            self.tokenizer = load_pretrained(AutoTokenizer.from_pretrained, model, "tokenizer")
            self.device = pick_device(device)
            self.model = load_pretrained(AutoModelForTokenClassification.from_pretrained, model, "NER model")
            self.model.to(self.device).eval()
        if not getattr(self.tokenizer, "is_fast", False):
            raise BackendUnavailable(f"the tokenizer of {model!r} is not a fast tokenizer (word ids are needed)")
        self.label_map = (
            label_map if isinstance(label_map, LabelMap) else LabelMap.build(label_map, keep=keep, drop=drop)
        )
        config = self.model.config
        self.tags = [model_label_to_tag(config.id2label[i]) for i in range(config.num_labels)]
        positions = int(getattr(config, "max_position_embeddings", max_input_tokens))
        position_offset = 2 if getattr(config, "model_type", "") in {"xlm-roberta", "roberta", "camembert"} else 0
        tokenizer_limit = int(getattr(self.tokenizer, "model_max_length", max_input_tokens) or max_input_tokens)
        self.max_length = min(max_input_tokens, positions - position_offset, tokenizer_limit)
        self.specials = int(self.tokenizer.num_special_tokens_to_add())
        self.window_overlap = window_overlap
        self.batch_tokens = batch_tokens
        self.max_batch_windows = max_batch_windows
        self.fingerprint = f"hf:{model_fingerprint(model)}:{self.label_map}:{self.max_length}"

    @property
    def labels(self) -> list[str]:
        """The entity types this tagger can output (after the label map)."""
        types = {t.split("-", 1)[1] for t in self.tags if t != "O"}
        return sorted({mapped for t in types if (mapped := self.label_map(t)) is not None})

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        return [self.label_map.apply(spans) for spans in self.tag_unmapped(sentences)]

    def tag_unmapped(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        """Spans with the model's own labels (no label map)."""
        probabilities = self.word_probabilities(sentences)
        results: list[list[Span]] = []
        for probs in probabilities:
            if probs is None:
                results.append([])
                continue
            best = probs.argmax(dim=-1)
            word_scores = probs.gather(-1, best.unsqueeze(-1)).squeeze(-1).tolist()
            tags = [self.tags[i] for i in best.tolist()]
            spans = [
                Span(s.start, s.end, s.label, score=sum(word_scores[s.start : s.end]) / len(s))
                for s in tags_to_spans(tags)
            ]
            results.append(spans)
        return results

    @torch.inference_mode()
    def word_probabilities(self, sentences: Sequence[Sequence[str]]) -> list[torch.Tensor | None]:
        """For each sentence, a ``(words, labels)`` tensor of first-subword label probabilities (``None`` if empty)."""
        counts = piece_counts(self.tokenizer, sentences)
        windows, owner = make_windows(counts, self.max_length - self.specials, self.window_overlap)
        encoded = self._encode(sentences, windows)
        out: list[torch.Tensor | None] = [
            torch.zeros((len(words), len(self.tags))) if words else None for words in sentences
        ]
        lengths = [len(ids) for ids, _ in encoded]
        for batch in token_budget_batches(lengths, self.batch_tokens, self.max_batch_windows):
            probs = self._forward([encoded[i][0] for i in batch])
            for row, index in enumerate(batch):
                window = windows[index]
                target = out[window.sentence]
                assert target is not None
                for word, position in encoded[index][1].items():
                    if owner[window.sentence][word][0] == index:
                        target[word] = probs[row, position]
        return out

    def _encode(
        self, sentences: Sequence[Sequence[str]], windows: list[Window]
    ) -> list[tuple[list[int], dict[int, int]]]:
        """Input ids of each window and, per word of the sentence, the position of its first subword."""
        if not windows:
            return []
        encoding = self.tokenizer(
            [list(sentences[w.sentence][w.start : w.end]) for w in windows],
            is_split_into_words=True,
            truncation=True,
            max_length=self.max_length,
        )
        result: list[tuple[list[int], dict[int, int]]] = []
        for row, window in enumerate(windows):
            first: dict[int, int] = {}
            for position, word in enumerate(encoding.word_ids(row)):
                if word is not None and window.start + word not in first:
                    first[window.start + word] = position
            result.append((encoding["input_ids"][row], first))
        return result

    def _forward(self, rows: list[list[int]]) -> torch.Tensor:
        ids, mask = padded_batch(rows, self.tokenizer.pad_token_id or 0)
        logits = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
        return torch.softmax(logits.float(), dim=-1).cpu()
