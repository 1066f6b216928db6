"""Job plans of a corpus-level aligner: one align and one project job per block of whole chunks, so one job's
memory stays bounded and a long corpus's blocks align on several workers; a corpus of one block is aligned in one
piece, as ``xner project`` does."""

from __future__ import annotations

import pytest

from gateway import plans
from gateway.plans import build_plan
from xner.project.config import ProjectionConfig


def records(n: int) -> list[dict]:
    return [{"tokens": ["Kofi", str(i)], "spans": [{"start": 0, "end": 1, "label": "PER"}]} for i in range(n)]


def plan_of(n: int, *, corpus_level: bool, parallel: bool = False) -> plans.Plan:
    return build_plan(
        sources=records(n),
        source_lang="eng_Latn",
        target_lang="spa_Latn",
        targets=[["Kofi", str(i)] for i in range(n)] if parallel else None,
        config=ProjectionConfig(),
        chunk_size=10,
        corpus_level_aligner=corpus_level,
    )


def test_a_long_corpus_is_aligned_in_blocks_of_whole_chunks(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(plans, "EFLOMAL_BLOCK_SENTENCES", 25)  # two 10-sentence chunks per block
    plan = plan_of(55, corpus_level=True)
    by_key = {job.key: job for job in plan.jobs}
    aligns = [job for job in plan.jobs if job.step == "align"]
    assert [job.key for job in aligns] == ["spa_Latn.align.0", "spa_Latn.align.1", "spa_Latn.align.2"]
    translates = [[k for k in job.depends_on if by_key[k].step == "translate"] for job in aligns]
    assert translates == [
        ["spa_Latn.translate.0", "spa_Latn.translate.1"],
        ["spa_Latn.translate.2", "spa_Latn.translate.3"],
        ["spa_Latn.translate.4", "spa_Latn.translate.5"],
    ]
    assert [job.sentences for job in aligns] == [20, 20, 15]
    assert all(job.allow_failure for job in aligns)  # a failed chunk fails only its own sentences
    projects = [by_key[key] for key in plan.outputs]
    assert [job.payload["offset"] for job in projects] == [0, 20, 40]
    assert [f"spa_Latn.align.{b}" in job.depends_on for b, job in enumerate(projects)] == [True] * 3
    assert plan.chunk_sizes == [20, 20, 15] and sum(plan.chunk_sizes) == 55


def test_a_corpus_of_one_block_is_aligned_in_one_piece_and_sentence_level_aligners_per_chunk():
    whole = plan_of(55, corpus_level=True, parallel=True)
    assert [job.key for job in whole.jobs] == ["spa_Latn.align", "spa_Latn.project"]
    assert len(whole.jobs[0].payload["src"]) == 55 and whole.chunk_sizes == [55]
    chunked = plan_of(55, corpus_level=False, parallel=True)
    assert [job.key for job in chunked.jobs if job.step == "align"] == [f"spa_Latn.align.{c}" for c in range(6)]
    assert chunked.chunk_sizes == [10, 10, 10, 10, 10, 5]
