"""The capacity planner's arithmetic and the real model shapes docs/deploy.md sizes GPU workers with."""

from __future__ import annotations

import pytest

from bench.capacity import STEPS, plan
from bench.model_shapes import SHAPES, parameters


def test_plan_sizes_each_pool_for_the_turnaround_and_never_past_one_worker_per_job():
    rates = {"translate": 100.0, "align": 50.0, "project": 2000.0, "ner": 250.0}
    rows = {row[0]: row for row in plan(rates, sentences=1_000_000, hours=2, chunk=64, block=20_000)}
    assert list(rows) == list(STEPS)
    _, per_second, per_hour, jobs, alone, workers = rows["translate"]
    assert (per_second, per_hour, jobs) == (100.0, 360_000.0, 15_625)  # one job per 64-sentence chunk
    assert alone == pytest.approx(1_000_000 / 360_000)
    assert workers == 2  # 2.78 hours of one worker -> 2 workers finish within 2 hours
    assert rows["align"][3] == 50 and rows["align"][5] == 3  # 5.6 hours over 2: 3 of its 50 blocks at once
    slow = {**rates, "align": 1.0}
    assert plan(slow, sentences=1_000_000, hours=1, chunk=64, block=20_000)[1][5] == 50  # capped at its jobs


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_the_model_shapes_have_their_published_sizes(shape):
    pytest.importorskip("transformers")
    published = {  # the sizes the model cards give, in millions of parameters
        "facebook/nllb-200-distilled-600M": 600,
        "facebook/nllb-200-3.3B": 3300,
        "bert-base-multilingual-cased": 179,
        "FacebookAI/xlm-roberta-large-finetuned-conll03-english": 560,
    }[shape.name]
    assert parameters(shape) / 1e6 == pytest.approx(published, rel=0.03)
