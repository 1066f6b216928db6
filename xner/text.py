"""Tokenising raw text: the default tokeniser of xner, for text that comes without tokens.

Runs of word characters (letters, digits, combining marks; inner ``.``, apostrophes and hyphens joined: ``U.S``,
``don't``, ``EU-Kommission``) are tokens, and every other non-space character is a token alone.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

from xner.corpus import Sentence

#: Characters that join two word parts into one token ("U.S", "don't", "EU-Kommission").
WORD_JOINERS = frozenset(".'’-")


def _is_word_char(ch: str) -> bool:
    """Letters, digits and combining marks (so "Zoe\u0301" and Devanagari vowel signs stay in the word)."""
    return unicodedata.category(ch)[0] in "LNM" or ch == "_"


def tokenize(text: str, boundaries: Sequence[int] = ()) -> list[tuple[int, int]]:
    """Token offsets of ``text``: runs of word characters (letters, digits, combining marks; inner ``.``,
    apostrophes and hyphens joined) and every other non-space character alone; then split at each offset
    in ``boundaries``."""
    offsets: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if _is_word_char(ch):
            i += 1
            while i < n and (
                _is_word_char(text[i]) or (text[i] in WORD_JOINERS and i + 1 < n and _is_word_char(text[i + 1]))
            ):
                i += 1
        else:
            i += 1
        offsets.append((start, i))
    cuts = sorted(set(boundaries))
    if not cuts:
        return offsets
    split: list[tuple[int, int]] = []
    for start, end in offsets:
        for cut in cuts[bisect_right(cuts, start) : bisect_left(cuts, end)]:
            split.append((start, cut))
            start = cut
        split.append((start, end))
    return split


def tokenize_text(text: str) -> Sentence:
    """A sentence of ``text`` tokenised by :func:`tokenize`, with text and offsets set."""
    offsets = tokenize(text)
    return Sentence(tokens=[text[s:e] for s, e in offsets], text=text, offsets=offsets)


_NO_SPACE_BEFORE = frozenset(".,;:!?)]}%»”’…")
_NO_SPACE_AFTER = frozenset("([{¿¡«“‘")

QUOTES = frozenset({'"', "''", "``"})
"""Undirected quote tokens: odd occurrences open a quotation (no space after), even ones close it."""

APOSTROPHES = frozenset({"'", "’"})
"""Apostrophe tokens, joined to both neighbours where they mark a clitic or an elision."""

CLITICS = frozenset({"s", "t", "re", "ve", "ll", "d", "m"})
"""Words that follow an apostrophe as a clitic: ``Union ' s`` -> ``Union's``, ``don ' t`` -> ``don't``."""

ELISIONS = frozenset(
    {
        "c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
        "all", "coll", "dall", "dell", "nell", "pell", "sull", "quell", "quest", "un", "nessun", "alcun",
        "ciascun", "qualcun", "buon", "bell", "sant", "tutt",
    }
)  # fmt: skip
"""Elided words (French, Italian, Catalan) joined to the next word: ``l ' Europa`` -> ``l'Europa``."""

Tokenizer = Callable[[str], list[str]]
"""Splits a text into words."""


def _is_clitic_token(token: str) -> bool:
    """A PTB-style clitic token that attaches to the word before it: ``'s``, ``’re``, ``n't``."""
    lower = token.lower()
    if lower in ("n't", "n’t"):
        return True
    return lower[:1] in APOSTROPHES and lower[1:] in CLITICS


def _word(token: str) -> bool:
    return bool(token) and token[0].isalpha()


def _joins_apostrophe(left: str, right: str) -> bool:
    """Whether an apostrophe between ``left`` and ``right`` marks a clitic or an elision (not a quote)."""
    if not (_word(left) and left[-1].isalpha() and _word(right)):
        return False
    return right.lower() in CLITICS or left.lower() in ELISIONS


def detokenize(tokens: Sequence[str]) -> str:
    """Join tokens into text for a translator (the translator should see text, not tokens).

    No space before closing punctuation or after opening brackets; undirected quotes ``"`` alternate between
    opening and closing (``" efecto del año 2000 "`` -> ``"efecto del año 2000"``); an apostrophe token between
    two words that reads as a clitic (``Union ' s``, ``don ' t``) or an elision (``l ' Europa``) is joined to
    both; a clitic token (``Union 's``, ``do n't``) is joined to the word before it.
    """
    out: list[str] = []
    quotes_open = False
    glue_next = False
    for k, token in enumerate(tokens):
        space = bool(out)
        if token in QUOTES:
            if quotes_open:
                space = False
            quotes_open = not quotes_open
        elif (token[:1] in _NO_SPACE_BEFORE and len(token) == 1 and token not in APOSTROPHES) or (
            out and _is_clitic_token(token)
        ):
            space = False
        if out and (out[-1][-1:] in _NO_SPACE_AFTER or glue_next):
            space = False
        glue_next = token in QUOTES and quotes_open
        if token in APOSTROPHES and 0 < k < len(tokens) - 1 and _joins_apostrophe(tokens[k - 1], tokens[k + 1]):
            space, glue_next = False, True
        if space:
            out.append(" ")
        out.append(token)
    return "".join(out)


def default_tokenizer(text: str) -> list[str]:
    """xner's own tokeniser (:func:`tokenize`) as a word list."""
    return [text[s:e] for s, e in tokenize(text)]
