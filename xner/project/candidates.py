"""Target-side candidate spans for candidate matching (arXiv 2501.18750): n-grams, NER spans, or both.

A candidate is a half-open token range ``(start, end)`` of the target sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from xner.corpus import Span
from xner.errors import UnknownNameError
from xner.project import defaults
from xner.project._tokens import is_punct

Candidate = tuple[int, int]

#: Where candidates come from.
CANDIDATE_SOURCES = ("ngram", "ner", "both")


def ngram_candidates(
    tokens: Sequence[str],
    max_len: int = defaults.MAX_CANDIDATE_LEN,
    *,
    stop: frozenset[str] = defaults.SENTENCE_FINAL,
    trim_punct: bool = True,
) -> list[Candidate]:
    """Every n-gram of at most ``max_len`` tokens that contains no sentence-final token (``stop``).

    With ``trim_punct`` (a choice, not in the paper) n-grams that begin or end with a punctuation-only token
    are left out: gold entity spans practically never do, and such n-grams only compete with the trimmed one.
    Ordered by start, then length.
    """
    n = len(tokens)
    blocked = [token in stop for token in tokens]
    edge_bad = [is_punct(token) for token in tokens] if trim_punct else [False] * n
    found: list[Candidate] = []
    for start in range(n):
        if blocked[start] or edge_bad[start]:
            continue
        for end in range(start + 1, min(n, start + max_len) + 1):
            if blocked[end - 1]:
                break
            if not edge_bad[end - 1]:
                found.append((start, end))
    return found


def merge_candidates(*groups: Iterable[Candidate]) -> list[Candidate]:
    """The union of candidate lists, without duplicates, ordered by start then length."""
    return sorted({c for group in groups for c in group}, key=lambda c: (c[0], c[1] - c[0]))


def select_candidates(
    source: str,
    tokens: Sequence[str],
    ner_spans: Sequence[Span] | None,
    *,
    max_len: int = defaults.MAX_CANDIDATE_LEN,
    trim_punct: bool = True,
) -> list[Candidate]:
    """Candidates of kind ``source`` (``ngram``, ``ner`` or ``both``) for one sentence."""
    if source not in CANDIDATE_SOURCES:
        raise UnknownNameError("candidate source", source, CANDIDATE_SOURCES)
    ner = [(s.start, s.end) for s in ner_spans or ()]
    if source == "ner":
        return merge_candidates(ner)
    grams = ngram_candidates(tokens, max_len, trim_punct=trim_punct)
    return grams if source == "ngram" else merge_candidates(grams, ner)
