"""Clause-boundary splitting of over-long inputs, and token-budget batching."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xner.batching import token_budget_batches
from xner.translate.split import join_pieces, split_to_fit


def words(text: str) -> int:
    return len(text.split())


def test_text_that_fits_is_one_piece() -> None:
    assert split_to_fit("a b c.", words, 3) == ["a b c."]


def test_sentence_ends_are_preferred_over_commas() -> None:
    text = "one two, three. four five, six."
    assert split_to_fit(text, words, 4) == ["one two, three. ", "four five, six."]


def test_commas_are_used_when_sentences_are_too_long() -> None:
    text = "one two three, four five six, seven eight."
    assert split_to_fit(text, words, 4) == ["one two three, ", "four five six, ", "seven eight."]


def test_cjk_punctuation_splits_without_spaces() -> None:
    text = "我们去了北京。他们去了上海。"
    pieces = split_to_fit(text, len, 8)
    assert pieces == ["我们去了北京。", "他们去了上海。"]


def test_numbers_with_commas_are_not_cut_when_spaces_suffice() -> None:
    pieces = split_to_fit("it cost 1,000 dollars and more words", words, 3)
    assert "1,000" in " ".join(pieces).split()


def test_a_word_longer_than_the_limit_is_cut_between_characters() -> None:
    assert split_to_fit("abcdefgh", len, 3) == ["abc", "def", "gh"]


@given(st.text(alphabet=st.sampled_from(list("ab ,.;!?\n")), max_size=80), st.integers(min_value=1, max_value=12))
def test_pieces_fit_and_concatenate_to_the_input(text: str, limit: int) -> None:
    pieces = split_to_fit(text, len, limit)
    assert "".join(pieces) == text
    assert all(len(p) <= limit for p in pieces)


def test_join_pieces_uses_spaces_only_where_the_language_does() -> None:
    assert join_pieces([" Hola. ", "", "Adiós."], True) == "Hola. Adiós."
    assert join_pieces(["你好。", "再见。"], False) == "你好。再见。"


@given(
    st.lists(st.integers(min_value=0, max_value=50), max_size=60),
    st.integers(min_value=1, max_value=200),
    st.integers(min_value=1, max_value=10),
)
def test_batches_respect_the_budget_and_cover_every_index_once(lengths: list[int], budget: int, size: int) -> None:
    batches = token_budget_batches(lengths, budget, size)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat, reverse=True)
    for batch in batches:
        assert len(batch) <= size
        if len(batch) > 1:
            assert len(batch) * max(lengths[i] for i in batch) <= budget


def test_an_item_over_the_budget_gets_its_own_batch() -> None:
    assert token_budget_batches([100, 3, 3], 10, 8) == [[0], [1, 2]]
