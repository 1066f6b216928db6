"""Span-level precision, recall and F1, overall (micro) and per entity type, with seqeval's semantics.

* ``mode="default"``: spans are decoded from tags as seqeval's default mode (conlleval) does, which is
  :func:`xner.corpus.tags_to_spans`; any mix of IOB1/IOB2/IOBES/BILOU prefixes is read.
* ``mode="strict"``: spans are decoded as seqeval's strict mode does for ``scheme`` (IOB2 unless named):
  ill-formed chunks do not count, and prefixes the scheme does not allow are an error.

A span is correct when its start, end and type all match a gold span of the same sentence. Precision is 0
when nothing is predicted, recall is 0 when there is no gold span, F1 is 0 when both are 0 (seqeval's
``zero_division`` default). Types are reported in sorted order; every type that occurs in gold or prediction
is reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import zip_longest
from typing import Any

from xner.corpus import Sentence, normalise_scheme, spans_to_tags, strict_tags_to_spans, tags_to_spans
from xner.errors import InputError, MismatchError, UnknownNameError

MODES = ("default", "strict")

SpanKey = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Scores:
    """Scores of one entity type (or of all, micro-averaged)."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int
    correct: int

    @classmethod
    def from_counts(cls, correct: int, predicted: int, support: int) -> Scores:
        precision = correct / predicted if predicted else 0.0
        recall = correct / support if support else 0.0
        denominator = precision + recall
        f1 = 2 * precision * recall / denominator if denominator else 0.0
        return cls(precision, recall, f1, support, predicted, correct)


@dataclass(frozen=True, slots=True)
class Report:
    """Overall (micro) and per-type scores."""

    overall: Scores
    per_type: dict[str, Scores]
    mode: str = "default"

    def average(self, weighted: bool = False) -> dict[str, float]:
        """Macro average of the per-type precision, recall and F1 (support-weighted if ``weighted``)."""
        rows = list(self.per_type.values())
        weights = [s.support if weighted else 1 for s in rows]
        total = sum(weights)
        return {
            metric: (sum(getattr(s, metric) * w for s, w in zip(rows, weights, strict=True)) / total if total else 0.0)
            for metric in ("precision", "recall", "f1")
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": asdict(self.overall),
            "per_type": {label: asdict(scores) for label, scores in self.per_type.items()},
            "macro_avg": self.average(),
            "weighted_avg": self.average(weighted=True),
            "mode": self.mode,
        }


def score_span_sets(gold: Iterable[Iterable[SpanKey]], pred: Iterable[Iterable[SpanKey]], mode: str) -> Report:
    """Score per-sentence collections of ``(start, end, type)`` against each other."""
    support: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for gold_spans, pred_spans in zip(gold, pred, strict=True):
        gold_set, pred_set = set(gold_spans), set(pred_spans)
        support.update(label for _, _, label in gold_set)
        predicted.update(label for _, _, label in pred_set)
        correct.update(label for _, _, label in gold_set & pred_set)
    per_type = {
        label: Scores.from_counts(correct[label], predicted[label], support[label])
        for label in sorted(support.keys() | predicted.keys())
    }
    overall = Scores.from_counts(sum(correct.values()), sum(predicted.values()), sum(support.values()))
    return Report(overall, per_type, mode)


def _decode(tags: Sequence[str], mode: str, scheme: str) -> list[SpanKey]:
    spans = tags_to_spans(tags) if mode == "default" else strict_tags_to_spans(tags, scheme)
    return [s.key for s in spans]


def evaluate_tags(
    gold: Sequence[Sequence[str]],
    pred: Sequence[Sequence[str]],
    *,
    mode: str = "default",
    scheme: str | None = None,
) -> Report:
    """Score tag sequences (one list of tags per sentence), as ``seqeval.metrics`` would."""
    mode, scheme_name = _check_mode(mode, scheme)
    if len(gold) != len(pred):
        raise MismatchError(f"{len(gold)} gold sentences but {len(pred)} predicted")
    for index, (g, p) in enumerate(zip(gold, pred, strict=True)):
        if len(g) != len(p):
            raise MismatchError(f"sentence {index}: {len(g)} gold tags but {len(p)} predicted")
    try:
        return score_span_sets(
            (_decode(g, mode, scheme_name) for g in gold),
            (_decode(p, mode, scheme_name) for p in pred),
            mode,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None


def evaluate(
    gold: Iterable[Sentence],
    pred: Iterable[Sentence],
    *,
    mode: str = "default",
    scheme: str | None = None,
    gold_name: str = "gold",
    pred_name: str = "pred",
) -> Report:
    """Score predicted sentences against gold ones, sentence by sentence.

    The two inputs must have the same number of sentences with the same tokens; otherwise a
    :class:`MismatchError` names the first sentence that differs (and its line in each file when known).
    """
    mode, scheme_name = _check_mode(mode, scheme)
    gold_keys: list[list[SpanKey]] = []
    pred_keys: list[list[SpanKey]] = []
    for index, (g, p) in enumerate(zip_longest(gold, pred)):
        if g is None or p is None:
            longer, shorter = (pred_name, gold_name) if g is None else (gold_name, pred_name)
            raise MismatchError(f"{longer} has more sentences than {shorter} ({shorter} ends after {index})")
        if g.tokens != p.tokens:
            raise MismatchError(_token_mismatch(index, g, p, gold_name, pred_name))
        try:
            gold_keys.append(_sentence_keys(g, mode, scheme_name))
            pred_keys.append(_sentence_keys(p, mode, scheme_name))
        except ValueError as exc:
            raise InputError(f"sentence {index + 1}: {exc}") from None
    return score_span_sets(gold_keys, pred_keys, mode)


def _sentence_keys(sentence: Sentence, mode: str, scheme: str) -> list[SpanKey]:
    if mode == "default":
        return [s.key for s in sentence.spans]
    tags = sentence.tags if sentence.tags is not None else spans_to_tags(sentence.spans, len(sentence), scheme)
    return _decode(tags, mode, scheme)


def _token_mismatch(index: int, gold: Sentence, pred: Sentence, gold_name: str, pred_name: str) -> str:
    where = f"sentence {index + 1}"
    lines = [f"{name} line {s.meta['line']}" for name, s in ((gold_name, gold), (pred_name, pred)) if "line" in s.meta]
    if lines:
        where += f" ({', '.join(lines)})"
    if len(gold.tokens) != len(pred.tokens):
        return f"{where}: {len(gold.tokens)} tokens in {gold_name} but {len(pred.tokens)} in {pred_name}"
    position = next(i for i, (a, b) in enumerate(zip(gold.tokens, pred.tokens, strict=True)) if a != b)
    return (
        f"{where}: token {position + 1} differs: {gold.tokens[position]!r} in {gold_name}, "
        f"{pred.tokens[position]!r} in {pred_name}"
    )


def _check_mode(mode: str, scheme: str | None) -> tuple[str, str]:
    if mode not in MODES:
        raise UnknownNameError("evaluation mode", mode, MODES)
    return mode, normalise_scheme(scheme or "IOB2")
