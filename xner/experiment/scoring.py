"""Scoring a cell: span-level seqeval scores, or surface-form scores where the target words differ (translate-train).

Translate-train projects the source gold onto a *machine* translation, which has no gold of its own. Where the
data set is parallel, the human translation's gold says which entities the target sentence should hold, so
:func:`surface_report` compares, sentence by sentence, the multiset of ``(type, lower-cased text)`` of the
projected spans with that of the gold spans. It is a lower bound on projection quality: an entity the MT system
words differently from the human translator counts as an error even when its projection is right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from xner.corpus import Sentence, Span
from xner.evaluate import Report, Scores, evaluate


def span_report(gold: Sequence[Sentence], predicted: Sequence[Sequence[Span]]) -> Report:
    """seqeval-style span scores of ``predicted`` spans on the gold sentences' tokens."""
    pred = [replace(g, spans=list(spans), tags=None) for g, spans in zip(gold, predicted, strict=True)]
    return evaluate([replace(g, tags=None) for g in gold], pred)


def _surface(tokens: Sequence[str], spans: Sequence[Span]) -> Counter[tuple[str, str]]:
    return Counter((s.label, " ".join(tokens[s.start : s.end]).lower()) for s in spans)


def surface_report(
    gold: Sequence[Sentence], predicted_tokens: Sequence[Sequence[str]], predicted: Sequence[Sequence[Span]]
) -> Report:
    """Scores of predicted ``(type, text)`` multisets against the gold ones, sentence by sentence."""
    support: Counter[str] = Counter()
    guessed: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for sentence, tokens, spans in zip(gold, predicted_tokens, predicted, strict=True):
        want, got = _surface(sentence.tokens, sentence.spans), _surface(tokens, spans)
        for (label, _), n in want.items():
            support[label] += n
        for (label, _), n in got.items():
            guessed[label] += n
        for (label, _), n in (want & got).items():
            correct[label] += n
    per_type = {
        label: Scores.from_counts(correct[label], guessed[label], support[label])
        for label in sorted(support.keys() | guessed.keys())
    }
    overall = Scores.from_counts(sum(correct.values()), sum(guessed.values()), sum(support.values()))
    return Report(overall, per_type, "surface")
