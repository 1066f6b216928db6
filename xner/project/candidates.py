"""Target-side candidate spans for candidate matching (arXiv 2501.18750): n-grams, NER spans, or both.

A candidate is a half-open token range ``(start, end)`` of the target sentence. :func:`ngram_candidates` makes
one sentence's n-grams; :func:`ngram_table` makes the same n-grams for every sentence of a corpus at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

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

#: A number for every bracket or quote of :data:`PAIRS` (opening or closing), for :class:`TokenFlags`.
PAIR_CODES = {token: code for code, token in enumerate(sorted(set(PAIRS) | set(PAIRS.values())))}

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


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


@dataclass(frozen=True, slots=True)
class TokenFlags:
    """What n-gram extraction needs to know of each token, as arrays (one entry per token).

    ``code`` numbers the brackets and quotes of :data:`PAIRS` (:data:`PAIR_CODES`, ``-1`` for other tokens);
    ``opens`` is the code of the closing partner of an opening one; ``partner`` is the code of the opening
    partner of a closing one (``-1`` where none).
    """

    blocked: BoolArray
    punct: BoolArray
    code: IntArray
    opens: IntArray
    partner: IntArray

    @classmethod
    def of(cls, tokens: Sequence[str], stop: frozenset[str] = defaults.SENTENCE_FINAL) -> TokenFlags:
        opener_of = {closer: opener for opener, closer in PAIRS.items()}
        n = len(tokens)
        return cls(
            blocked=np.fromiter((t in stop for t in tokens), dtype=bool, count=n),
            punct=np.fromiter(map(is_punct, tokens), dtype=bool, count=n),
            code=np.fromiter((PAIR_CODES.get(t, -1) for t in tokens), dtype=np.int64, count=n),
            opens=np.fromiter((PAIR_CODES[PAIRS[t]] if t in PAIRS else -1 for t in tokens), dtype=np.int64, count=n),
            partner=np.fromiter(
                (PAIR_CODES[opener_of[t]] if t in opener_of else -1 for t in tokens), dtype=np.int64, count=n
            ),
        )

    def take(self, index: IntArray) -> TokenFlags:
        """The flags of the tokens at ``index`` (e.g. a corpus's word ids into flags of its vocabulary)."""
        return TokenFlags(
            self.blocked[index], self.punct[index], self.code[index], self.opens[index], self.partner[index]
        )


def ngram_table(
    offsets: IntArray, limits: IntArray, flags: TokenFlags, *, trim_punct: bool = True
) -> tuple[IntArray, IntArray]:
    """The n-grams :func:`ngram_candidates` gives each sentence, for every sentence at once.

    ``offsets``: sentence ``k`` owns tokens ``offsets[k]:offsets[k + 1]`` of ``flags``; ``limits[k]``: its longest
    n-gram. Returns ``(start, end)`` in corpus-wide token positions, ordered by sentence, start, then length,
    exactly as :func:`ngram_candidates` orders each sentence's list.

    ``ngram_candidates`` keeps ``(a, b)`` when no token of it is sentence-final and, with ``trim_punct``:

    * the first token is not punctuation, or it opens a bracket whose partner occurs in ``(a, b)``;
    * the last token (``b - 1 > a``) is not punctuation, or it closes the first token's bracket, or it closes a
      bracket opened at some ``r`` with ``a < r < b - 1`` (not counting an ``r`` that is the first token's
      partner itself: that one closes, it does not open).

    Only n-grams with a bracket or quote at an edge need the last two rules; the partners they look for are
    found in one pass over the (few) bracket and quote tokens.
    """
    n_tokens = int(offsets[-1])
    lengths = np.diff(offsets)
    sentence = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    position = np.arange(n_tokens, dtype=np.int64)
    sentence_end = offsets[1:][sentence]
    blocked_at = np.flatnonzero(flags.blocked)
    next_block = np.append(blocked_at, n_tokens)[np.searchsorted(blocked_at, position)]
    last_end = np.minimum(np.minimum(sentence_end, position + limits[sentence]), next_block)
    first, end = _ranges(position + 1, np.maximum(last_end, position) + 1)
    start = position[first]
    if not trim_punct or n_tokens == 0:
        return start, end
    last = end - 1
    punct = flags.punct
    keep = ~punct[start] & ~punct[last]
    opener = punct & (flags.opens >= 0)
    edge = np.flatnonzero(opener[start] | (punct[last] & (flags.code[last] >= 0) & (last > start)))
    if len(edge):
        close_at, open_before = _partners(offsets, flags)
        a, z = start[edge], last[edge]
        opens_a = np.where(opener[a], flags.opens[a], -2)
        start_ok = ~punct[a] | (opener[a] & (close_at[a] <= z))
        closes = (flags.code[z] == opens_a) | ((open_before[z] > a) & (flags.partner[z] != opens_a))
        end_ok = ~punct[z] | (z == a) | ((flags.code[z] >= 0) & closes)
        keep[edge] = start_ok & end_ok
    return start[keep], end[keep]


def _ranges(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """The concatenated ranges ``[lo[k], hi[k])``: for each element, its range ``k`` and its value."""
    counts = hi - lo
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    value = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts - lo, counts)
    return owner, value


def _partners(offsets: IntArray, flags: TokenFlags) -> tuple[IntArray, IntArray]:
    """For each opening bracket, the position of the next token in its sentence that is its closing partner
    (``close_at``; past the corpus end if none); for each closing one, the position of the last token before it
    in its sentence that opens it (``open_before``; ``-1`` if none). Other entries are those defaults."""
    n_tokens = int(offsets[-1])
    close_at = np.full(n_tokens, n_tokens + 1, dtype=np.int64)
    open_before = np.full(n_tokens, -1, dtype=np.int64)
    special = np.flatnonzero(flags.code >= 0)
    sentence_of = (np.searchsorted(offsets, special, side="right") - 1).tolist()
    codes, opens = flags.code[special].tolist(), flags.opens[special].tolist()
    positions = special.tolist()
    seen: dict[int, int] = {}  # code of a closing token -> the last position of a token opening it
    current = -1
    for q, k, code, opened in zip(positions, sentence_of, codes, opens, strict=True):
        if k != current:
            seen, current = {}, k
        open_before[q] = seen.get(code, -1)
        if opened >= 0:
            seen[opened] = q
    ahead: dict[int, int] = {}  # code -> the next position of a token with that code
    current = -1
    for q, k, code, opened in zip(positions[::-1], sentence_of[::-1], codes[::-1], opens[::-1], strict=True):
        if k != current:
            ahead, current = {}, k
        if opened >= 0:
            close_at[q] = ahead.get(opened, n_tokens + 1)
        ahead[code] = q
    return close_at, open_before
