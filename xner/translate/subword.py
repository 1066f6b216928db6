"""What the NLLB/M2M100 backends share: language tokens, splitting, length-sorted token-budget batching.

A subclass supplies the model calls (:meth:`SubwordTranslator._generate`, :meth:`SubwordTranslator._score`)
on batches of token ids; this class does everything around them. Special tokens are added here, not by the
tokenizer, so the tokenizer's mutable ``src_lang`` state is never used: a source is
``[src_lang] tokens </s>`` and a target ``[tgt_lang] tokens </s>`` (the NLLB/M2M100 layout).
"""

from __future__ import annotations

import difflib
import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xner.batching import token_budget_batches
from xner.errors import LimitError, MismatchError
from xner.languages import CODE_ALIASES, UnknownLanguageError, iso639_1, normalise_language, uses_spaces
from xner.translate import defaults
from xner.translate.split import join_pieces, split_to_fit


@dataclass(frozen=True, slots=True)
class DecodingSettings:
    """Decoding and batching settings of a subword translator (defaults in :mod:`xner.translate.defaults`)."""

    num_beams: int = defaults.NUM_BEAMS
    max_length_a: float = defaults.MAX_LENGTH_A
    max_length_b: int = defaults.MAX_LENGTH_B
    max_input_tokens: int = defaults.MAX_INPUT_TOKENS
    batch_tokens: int = defaults.BATCH_TOKENS
    max_batch_sentences: int = defaults.MAX_BATCH_SENTENCES

    def max_new_tokens(self, source_length: int, cap: int) -> int:
        """Generation limit for a batch whose longest source has ``source_length`` tokens."""
        return max(2, min(cap, math.ceil(self.max_length_a * source_length + self.max_length_b)))

    def describe(self) -> str:
        """The settings that change the output (the cache fingerprint uses them)."""
        return f"beams={self.num_beams},a={self.max_length_a},b={self.max_length_b},max_in={self.max_input_tokens}"


class SubwordTranslator(ABC):
    """Base of the NLLB-family backends. ``tokenizer`` is a Hugging Face tokenizer of the model."""

    name = "subword"

    def __init__(self, model: str, tokenizer: Any, settings: DecodingSettings, model_limit: int) -> None:
        self.model_name = model
        self.tokenizer = tokenizer
        self.settings = settings
        self.input_limit = max(8, min(settings.max_input_tokens, model_limit))
        self.output_limit = max(8, model_limit)
        self.eos_id: int = tokenizer.eos_token_id
        self.fingerprint = f"{self.name}:{model}:{settings.describe()}"

    # -- languages -------------------------------------------------------------------------------------

    def language_token_id(self, lang: str) -> int:
        """The id of the model's token for ``lang``; an error if the model does not know the language."""
        code = normalise_language(lang)
        candidates = [code, *(alias for alias, target in CODE_ALIASES.items() if target == code)]
        two = iso639_1(code)
        candidates += [f"__{two}__"] if two else []
        candidates.append(f"__{code[:3]}__")
        unk = self.tokenizer.unk_token_id
        for token in candidates:
            token_id = self.tokenizer.convert_tokens_to_ids(token)
            if isinstance(token_id, int) and token_id != unk:
                return token_id
        supported = self.supported_languages()
        raise UnknownLanguageError(
            code,
            ([c for c in supported if c[:3] == code[:3]] + difflib.get_close_matches(code, supported, n=3, cutoff=0.3))[
                :3
            ],
            reason=f"the model {self.model_name!r} has no language token for it; it has {len(supported)}",
        )

    def supported_languages(self) -> list[str]:
        """The FLORES-style language tokens in the tokenizer's vocabulary."""
        vocab = self.tokenizer.get_vocab()
        return sorted(t for t in vocab if len(t) == 8 and t[3] == "_" and t[:3].isalpha() and t[4:].isalpha())

    # -- encoding --------------------------------------------------------------------------------------

    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        if not texts:
            return []
        ids: list[list[int]] = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return ids

    def _length(self, text: str) -> int:
        return len(self._encode([text])[0]) + 2

    # -- translation -----------------------------------------------------------------------------------

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """Translate; over-long inputs are split at clause boundaries and re-joined (never truncated)."""
        src_id = self.language_token_id(src_lang)
        tgt_id = self.language_token_id(tgt_lang)
        texts = [" ".join(sentence.split()) for sentence in sentences]
        encoded = self._encode(texts)
        pieces: list[list[int]] = []
        owners: list[int] = []
        for index, (text, ids) in enumerate(zip(texts, encoded, strict=True)):
            if not text:
                continue
            if len(ids) + 2 <= self.input_limit:
                pieces.append(ids)
                owners.append(index)
                continue
            for piece in split_to_fit(text, self._length, self.input_limit):
                if piece.strip():
                    pieces.extend(self._encode([piece.strip()]))
                    owners.append(index)
        sources = [[src_id, *ids, self.eos_id] for ids in pieces]
        outputs: list[str] = [""] * len(sources)
        for batch in token_budget_batches(
            [len(s) for s in sources], self.settings.batch_tokens, self.settings.max_batch_sentences
        ):
            limits = [self.settings.max_new_tokens(len(sources[i]), self.output_limit) for i in batch]
            generated = self._generate([sources[i] for i in batch], tgt_id, limits)
            texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            for i, text in zip(batch, texts, strict=True):
                outputs[i] = text.strip()
        grouped: list[list[str]] = [[] for _ in sentences]
        for owner, text in zip(owners, outputs, strict=True):
            grouped[owner].append(text)
        spaced = uses_spaces(tgt_lang)
        return [join_pieces(parts, spaced) for parts in grouped]

    # -- scoring ---------------------------------------------------------------------------------------

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        """Mean log-probability per target token (language token excluded, ``</s>`` included)."""
        if len(src) != len(tgt):
            raise MismatchError(f"{len(src)} sources but {len(tgt)} targets to score")
        src_id = self.language_token_id(src_lang)
        tgt_id = self.language_token_id(tgt_lang)
        sources = [[src_id, *ids, self.eos_id] for ids in self._encode([" ".join(s.split()) for s in src])]
        targets = [[tgt_id, *ids, self.eos_id] for ids in self._encode([" ".join(t.split()) for t in tgt])]
        for index, (s, t) in enumerate(zip(sources, targets, strict=True)):
            if len(s) > self.input_limit or len(t) > self.output_limit:
                raise LimitError(
                    f"pair {index}: {len(s)} source / {len(t)} target tokens is over the scoring limit "
                    f"({self.input_limit} / {self.output_limit}); split the sentence first"
                )
        scores: list[float] = [0.0] * len(sources)
        lengths = [max(len(s), len(t)) for s, t in zip(sources, targets, strict=True)]
        for batch in token_budget_batches(lengths, self.settings.batch_tokens, self.settings.max_batch_sentences):
            values = self._score([sources[i] for i in batch], [targets[i] for i in batch])
            for i, value in zip(batch, values, strict=True):
                scores[i] = value
        return scores

    # -- model calls -----------------------------------------------------------------------------------

    @abstractmethod
    def _generate(self, sources: list[list[int]], tgt_id: int, limits: list[int]) -> list[list[int]]:
        """Translate one batch of source ids (specials included), generating at most ``limits[i]`` tokens for
        source ``i`` (the forced language token included); return the generated ids of each."""

    @abstractmethod
    def _score(self, sources: list[list[int]], targets: list[list[int]]) -> list[float]:
        """Mean log-probability of ``targets[i][1:]`` given ``sources[i]`` and the forced ``targets[i][0]``."""
