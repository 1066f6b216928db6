"""The step cache: content-hash keys, hits and misses, no partial files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xner.experiment.cache import StepCache, content_hash


def test_content_hash_is_stable_and_order_free_for_mappings() -> None:
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})


def test_second_lookup_is_a_hit_and_does_not_compute(tmp_path: Path) -> None:
    calls: list[int] = []

    def compute() -> list[int]:
        calls.append(1)
        return [1, 2, 3]

    cache = StepCache(tmp_path)
    for _ in range(2):
        assert cache.get_or_compute("step", {"k": 1}, compute, encode=list, decode=list) == [1, 2, 3]
    assert (len(calls), cache.hits, cache.misses) == (1, 1, 1)
    fresh = StepCache(tmp_path)  # a new run reads what the first wrote
    assert fresh.get_or_compute("step", {"k": 1}, compute, encode=list, decode=list) == [1, 2, 3]
    assert fresh.hits == 1 and len(calls) == 1


def test_no_resume_recomputes(tmp_path: Path) -> None:
    StepCache(tmp_path).get_or_compute("s", 1, lambda: "old", encode=str, decode=str)
    cache = StepCache(tmp_path, resume=False)
    assert cache.get_or_compute("s", 1, lambda: "new", encode=str, decode=str) == "new"
    assert cache.misses == 1


def test_a_failing_step_leaves_nothing_behind(tmp_path: Path) -> None:
    cache = StepCache(tmp_path)

    def broken() -> str:
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        cache.get_or_compute("s", 1, broken, encode=str, decode=str)
    assert not list(tmp_path.rglob("*.json")) and not list(tmp_path.rglob("*.tmp"))
    cache.get_or_compute("s", 1, lambda: "done", encode=str, decode=str)
    (stored,) = tmp_path.rglob("*.json")
    assert json.loads(stored.read_text()) == "done"
