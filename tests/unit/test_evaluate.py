"""Evaluation agrees with the seqeval package (dev dependency) to 1e-9, in default and strict modes.

Random comparisons: 6 seeds x 100 pairs (default mode) + 4 schemes x 2 seeds x 100 (strict) = 1,400 pairs.
"""

from __future__ import annotations

import random
import warnings

import pytest
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES

from xner.corpus import Sentence, Span
from xner.errors import InputError, MismatchError, UnknownNameError
from xner.evaluate import evaluate, evaluate_tags

TYPES = ["PER", "LOC", "ORG", "MISC"]
SEQEVAL_SCHEMES = {"IOB1": IOB1, "IOB2": IOB2, "IOBES": IOBES, "BILOU": BILOU}
PREFIXES = {"IOB1": "BI", "IOB2": "BI", "IOBES": "BIES", "BILOU": "BILU"}


def random_sequences(rng: random.Random, prefixes: str, n: int) -> tuple[list[list[str]], list[list[str]]]:
    """Random gold/pred tag pairs, with pred a noisy copy of gold so that some spans match."""

    def tag() -> str:
        return "O" if rng.random() < 0.4 else f"{rng.choice(prefixes)}-{rng.choice(TYPES[: rng.randint(1, 4)])}"

    gold, pred = [], []
    for _ in range(n):
        g = [tag() for _ in range(rng.randint(0, 15))]
        p = [t if rng.random() < 0.7 else tag() for t in g]
        gold.append(g)
        pred.append(p)
    return gold, pred


def assert_matches_seqeval(gold, pred, report, **seqeval_kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = classification_report(gold, pred, output_dict=True, zero_division=0, **seqeval_kwargs)
        p = precision_score(gold, pred, zero_division=0, **seqeval_kwargs)
        r = recall_score(gold, pred, zero_division=0, **seqeval_kwargs)
        f = f1_score(gold, pred, zero_division=0, **seqeval_kwargs)
    assert report.overall.precision == pytest.approx(p, abs=1e-9)
    assert report.overall.recall == pytest.approx(r, abs=1e-9)
    assert report.overall.f1 == pytest.approx(f, abs=1e-9)
    types = {k for k in expected if not k.endswith(" avg")}
    assert set(report.per_type) == types
    for label in types:
        ours, theirs = report.per_type[label], expected[label]
        assert ours.precision == pytest.approx(theirs["precision"], abs=1e-9)
        assert ours.recall == pytest.approx(theirs["recall"], abs=1e-9)
        assert ours.f1 == pytest.approx(theirs["f1-score"], abs=1e-9)
        assert ours.support == theirs["support"]
    if types:
        for ours_key, theirs_key in (("macro_avg", "macro avg"), ("weighted_avg", "weighted avg")):
            for metric, their_metric in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
                assert report.to_dict()[ours_key][metric] == pytest.approx(expected[theirs_key][their_metric], abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_default_mode_matches_seqeval_on_random_mixed_sequences(seed):
    rng = random.Random(seed)
    gold, pred = random_sequences(rng, "BIESLU"[: rng.choice([2, 4])], 100)
    assert_matches_seqeval(gold, pred, evaluate_tags(gold, pred))


@pytest.mark.parametrize("scheme", ["IOB1", "IOB2", "IOBES", "BILOU"])
@pytest.mark.parametrize("seed", range(2))
def test_strict_mode_matches_seqeval_on_random_sequences(scheme, seed):
    rng = random.Random(100 + seed)
    gold, pred = random_sequences(rng, PREFIXES[scheme], 100)
    report = evaluate_tags(gold, pred, mode="strict", scheme=scheme)
    assert_matches_seqeval(gold, pred, report, mode="strict", scheme=SEQEVAL_SCHEMES[scheme])


def test_no_predictions_and_no_gold_score_zero():
    report = evaluate_tags([["O", "O"]], [["O", "O"]])
    assert (report.overall.precision, report.overall.recall, report.overall.f1) == (0.0, 0.0, 0.0)
    assert report.per_type == {}


def test_evaluate_sentences_checks_tokens_and_counts():
    gold = [Sentence(tokens=["a", "b"], spans=[Span(0, 1, "PER")], meta={"line": 1})]
    with pytest.raises(MismatchError, match=r"token 2 differs: 'b' in gold, 'c' in pred"):
        evaluate(gold, [Sentence(tokens=["a", "c"], meta={"line": 1})])
    with pytest.raises(MismatchError, match="2 tokens in gold but 1 in pred"):
        evaluate(gold, [Sentence(tokens=["a"])])
    with pytest.raises(MismatchError, match="more sentences"):
        evaluate(gold, [*gold, *gold])
    with pytest.raises(MismatchError, match="tags"):
        evaluate_tags([["O"]], [["O", "O"]])


def test_unknown_mode_and_bad_strict_prefix():
    with pytest.raises(UnknownNameError, match="default, strict"):
        evaluate_tags([["O"]], [["O"]], mode="lenient")
    with pytest.raises(InputError, match="not allowed"):
        evaluate_tags([["S-PER"]], [["O"]], mode="strict", scheme="IOB2")


def test_strict_mode_on_sentences_uses_tags_as_read():
    ill = Sentence(tokens=["a", "b"], spans=[Span(0, 2, "PER")], tags=["I-PER", "I-PER"])
    well = Sentence(tokens=["a", "b"], spans=[Span(0, 2, "PER")])
    assert evaluate([well], [ill]).overall.f1 == 1.0
    assert evaluate([well], [ill], mode="strict").overall.f1 == 0.0
