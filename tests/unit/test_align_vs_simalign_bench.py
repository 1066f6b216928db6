"""``python -m bench.align_vs_simalign`` on a tiny random BERT: every method's contest finds the two aligners'
links identical, times both sides the same number of rounds, and ``--method`` selects as documented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.align_vs_simalign import BASELINE, METHODS, contest, methods_of
from tests.unit.align.conftest import SENTENCES


def _pairs() -> tuple[list[list[str]], list[list[str]]]:
    words = [sentence.split() for sentence in SENTENCES]
    src = [words[0], words[0][:6], words[3], words[0][5:], ["Barroso"]]
    tgt = [words[1], words[2][:9], words[2][-5:], words[1][::-1], words[3]]
    return src, tgt


@pytest.fixture
def one_thread() -> Iterator[None]:
    """One torch thread, as the bench pins by default (on a busy machine several threads make a tiny model many
    times slower), restored afterwards."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("method", METHODS)
def test_each_method_gives_simaligns_links(tiny_bert: Path, one_thread: None, method: str) -> None:
    pytest.importorskip("simalign")
    src, tgt = _pairs()
    outcome = contest(str(tiny_bert), method, src, tgt, rounds=1)
    assert (outcome.method, outcome.identical, outcome.pairs) == (method, 5, 5)
    assert set(outcome.speed) == {BASELINE, "xner"}


def test_method_all_is_every_method_in_order() -> None:
    assert methods_of(["all"]) == list(METHODS) == ["argmax", "itermax", "match"]
    assert methods_of(["match", "argmax"]) == ["argmax", "match"]
