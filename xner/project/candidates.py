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


#: Opening brackets and quotes with their closing partners: an n-gram may begin or end with one of these
#: when its partner is inside the n-gram (``( COM ( 1999 ) 148 )``).
PAIRS = {"(": ")", "[": "]", "{": "}", '"': '"', "«": "»", "„": "“", "“": "”", "‘": "’", "‹": "›"}


def ngram_candidates(
    tokens: Sequence[str],
    max_len: int = defaults.MAX_CANDIDATE_LEN,
    *,
    stop: frozenset[str] = defaults.SENTENCE_FINAL,
    trim_punct: bool = True,
) -> list[Candidate]:
    """Every n-gram of at most ``max_len`` tokens that contains no sentence-final token (``stop``).

    With ``trim_punct`` (a choice, not in the paper) n-grams that begin or end with a punctuation-only token
    are left out, unless that token is a bracket or quote whose partner is inside the n-gram: gold entity
    spans practically never have loose punctuation at an edge, and such n-grams only compete with the
    trimmed one. Ordered by start, then length.
    """
    n = len(tokens)
    blocked = [token in stop for token in tokens]
    punct = [is_punct(token) for token in tokens] if trim_punct else [False] * n
    found: list[Candidate] = []
    for start in range(n):
        if blocked[start]:
            continue
        closer = PAIRS.get(tokens[start]) if punct[start] else None
        if punct[start] and closer is None:
            continue
        opened: set[str] = {closer} if closer else set()  # closing partners of brackets open in the n-gram
        closer_seen = False
        for end in range(start + 1, min(n, start + max_len) + 1):
            last = tokens[end - 1]
            if blocked[end - 1]:
                break
            closes = end - 1 > start and last in opened
            if closes and last == closer:
                closer_seen = True
            elif end - 1 > start and last in PAIRS:
                opened.add(PAIRS[last])
            if (closer is not None and not closer_seen) or (punct[end - 1] and end - 1 > start and not closes):
                continue
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
    longest_entity: int = 0,
) -> list[Candidate]:
    """Candidates of kind ``source`` (``ngram``, ``ner`` or ``both``) for one sentence.

    n-grams reach ``max(max_len, CANDIDATE_LEN_FACTOR * longest_entity)`` words, so long source entities
    (report titles) can still find their target.
    """
    if source not in CANDIDATE_SOURCES:
        raise UnknownNameError("candidate source", source, CANDIDATE_SOURCES)
    ner = [(s.start, s.end) for s in ner_spans or ()]
    if source == "ner":
        return merge_candidates(ner)
    limit = max(max_len, defaults.CANDIDATE_LEN_FACTOR * longest_entity)
    grams = ngram_candidates(tokens, limit, trim_punct=trim_punct)
    return grams if source == "ngram" else merge_candidates(grams, ner)
