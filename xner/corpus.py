"""Domain types: :class:`Span`, :class:`Sentence`, :class:`Corpus`, and tag schemes <-> spans.

Conventions
-----------
* Token spans are half-open ``[start, end)`` token indices.
* Character offsets are Python code points, half-open ``[char_start, char_end)``.
* Tags have the form ``P-TYPE`` with the prefix ``P`` in ``B I E S L U`` or the single tag ``O``.

Tag schemes and the policy for ill-formed sequences
---------------------------------------------------
:func:`tags_to_spans` reads IOB1, IOB2, IOBES (BIOES) and BILOU with one rule set, the one of conlleval and
of seqeval's default mode (BILOU's ``L``/``U`` read as ``E``/``S``). Well-formed sequences of every scheme
decode to their intended spans. Ill-formed sequences are never rejected; they decode as seqeval does:

* ``I-X`` (or ``E-X``) after ``O``, after the end of a span, or after a tag of another type begins a new span
  (so ``O I-PER I-PER`` is one PER span, as in IOB1);
* a change of type always closes the open span (``B-PER I-LOC`` is two spans);
* ``B-X`` and ``S-X`` always begin a new span; ``E-X`` and ``S-X`` always close it.

:func:`spans_to_tags` writes any scheme; writing always produces well-formed tags.
:func:`strict_tags_to_spans` is seqeval's *strict* mode: only chunks that are well formed in the named scheme
count, and tags whose prefix the scheme does not allow are an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from xner.errors import InputError, UnknownNameError

#: Tag schemes xner reads and writes.
SCHEMES = ("IOB1", "IOB2", "IOBES", "BILOU")

#: Prefixes each scheme allows (``O`` is always allowed).
SCHEME_PREFIXES: dict[str, frozenset[str]] = {
    "IOB1": frozenset("IB"),
    "IOB2": frozenset("IB"),
    "IOBES": frozenset("IBES"),
    "BILOU": frozenset("BILU"),
}

_SCHEME_ALIASES = {
    "IOB1": "IOB1",
    "IOB": "IOB1",
    "IOB2": "IOB2",
    "BIO": "IOB2",
    "IOBES": "IOBES",
    "BIOES": "IOBES",
    "BILOU": "BILOU",
    "BIOLU": "BILOU",
}

_TAG_RE = re.compile(r"^([BIESLU])-([^\s-](?:\S*[^\s-])?)$")


def normalise_scheme(name: str) -> str:
    """Return the canonical scheme name for ``name`` (case-insensitive; ``BIO`` = IOB2, ``BIOES`` = IOBES)."""
    canonical = _SCHEME_ALIASES.get(name.upper())
    if canonical is None:
        raise UnknownNameError("tag scheme", name, SCHEMES)
    return canonical


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled span of tokens ``[start, end)``, with optional score and code-point character offsets."""

    start: int
    end: int
    label: str
    score: float | None = None
    char_start: int | None = None
    char_end: int | None = None

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise InputError(f"span [{self.start}, {self.end}) is empty or negative")
        if not self.label:
            raise InputError(f"span [{self.start}, {self.end}) has an empty label")

    def __len__(self) -> int:
        return self.end - self.start

    @property
    def key(self) -> tuple[int, int, str]:
        """Identity of the span for scoring: token boundaries and label."""
        return (self.start, self.end, self.label)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(slots=True)
class Sentence:
    """A tokenised sentence with its entity spans.

    ``text`` and ``offsets`` are optional: when known, ``offsets[i]`` is the code-point ``[start, end)`` of
    ``tokens[i]`` in ``text``. ``tags`` keeps the tags as read from a tagged file (needed by strict
    evaluation); ``spans`` is always the authoritative annotation.
    """

    tokens: list[str]
    spans: list[Span] = field(default_factory=list)
    text: str | None = None
    offsets: list[tuple[int, int]] | None = None
    lang: str | None = None
    id: str | None = None
    tags: list[str] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.tokens)
        for span in self.spans:
            if span.end > n:
                raise InputError(f"span [{span.start}, {span.end}) is past the sentence end ({n} tokens)")
        if self.offsets is not None and len(self.offsets) != n:
            raise InputError(f"{len(self.offsets)} offsets for {n} tokens")
        if self.tags is not None and len(self.tags) != n:
            raise InputError(f"{len(self.tags)} tags for {n} tokens")

    def __len__(self) -> int:
        return len(self.tokens)

    def with_text(self) -> Sentence:
        """This sentence with ``text`` and ``offsets`` set (tokens joined by one space when text is unknown)."""
        if self.text is not None and self.offsets is not None:
            return self
        if self.text is not None:
            offsets = locate_tokens(self.text, self.tokens)
            return replace(self, offsets=offsets)
        text, offsets = join_tokens(self.tokens)
        return replace(self, text=text, offsets=offsets)

    def char_spans(self) -> list[Span]:
        """The spans with ``char_start``/``char_end`` filled from the offsets (text is synthesised if needed)."""
        sentence = self.with_text()
        assert sentence.offsets is not None
        return [
            replace(s, char_start=sentence.offsets[s.start][0], char_end=sentence.offsets[s.end - 1][1])
            for s in sentence.spans
        ]

    def iob2(self) -> list[str]:
        """The spans as IOB2 tags."""
        return spans_to_tags(self.spans, len(self.tokens), "IOB2")


class Corpus:
    """A re-iterable, streaming collection of sentences.

    Built from a list, or from a zero-argument factory that returns a fresh iterator on each pass (a file
    reader), so a corpus of any size can be read several times without holding it in memory.
    """

    def __init__(self, source: Iterable[Sentence] | Callable[[], Iterator[Sentence]]) -> None:
        self._source = source

    def __iter__(self) -> Iterator[Sentence]:
        if callable(self._source):
            return iter(self._source())
        return iter(self._source)

    def to_list(self) -> list[Sentence]:
        return list(self)


def join_tokens(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join tokens with single spaces; return the text and each token's code-point offsets."""
    offsets: list[tuple[int, int]] = []
    position = 0
    for token in tokens:
        offsets.append((position, position + len(token)))
        position += len(token) + 1
    return " ".join(tokens), offsets


def locate_tokens(text: str, tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Find each token in ``text`` in order (whitespace between them is skipped); raise if one is absent."""
    offsets: list[tuple[int, int]] = []
    position = 0
    for index, token in enumerate(tokens):
        start = text.find(token, position)
        if start < 0 or text[position:start].strip():
            raise InputError(f"token {index} {token!r} not found in the text after offset {position}")
        offsets.append((start, start + len(token)))
        position = start + len(token)
    return offsets


def parse_tag(tag: str) -> tuple[str, str]:
    """Split a tag into ``(prefix, type)``; ``O`` gives ``("O", "")``. Raise ``ValueError`` if malformed."""
    if tag == "O":
        return "O", ""
    match = _TAG_RE.match(tag)
    if match is None:
        if re.match(r"^[BIESLU]-?$", tag):
            raise ValueError(f"tag {tag!r} has no entity type")
        raise ValueError(f"unknown tag {tag!r} (expected O or B-/I-/E-/S-/L-/U- followed by a type)")
    return match.group(1), match.group(2)


_READ_AS = {"L": "E", "U": "S"}


def tags_to_spans(tags: Sequence[str]) -> list[Span]:
    """Decode tags of any scheme into spans, with seqeval's default-mode rules (see the module docstring)."""
    spans: list[Span] = []
    prev_prefix, prev_type = "O", ""
    begin = 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, type_ = parse_tag(tag)
        prefix = _READ_AS.get(prefix, prefix)
        if _ends_chunk(prev_prefix, prefix, prev_type, type_):
            spans.append(Span(begin, i, prev_type))
        if _starts_chunk(prev_prefix, prefix, prev_type, type_):
            begin = i
        prev_prefix, prev_type = prefix, type_
    return spans


def _ends_chunk(prev: str, cur: str, prev_type: str, cur_type: str) -> bool:
    if prev in ("E", "S"):
        return True
    if prev in ("B", "I") and cur in ("B", "S", "O"):
        return True
    return prev != "O" and prev_type != cur_type


def _starts_chunk(prev: str, cur: str, prev_type: str, cur_type: str) -> bool:
    if cur in ("B", "S"):
        return True
    if prev in ("E", "S", "O") and cur in ("E", "I"):
        return True
    return cur != "O" and prev_type != cur_type


def spans_to_tags(spans: Iterable[Span], length: int, scheme: str = "IOB2") -> list[str]:
    """Encode non-overlapping spans as tags of ``scheme``. Overlapping spans are an error."""
    scheme = normalise_scheme(scheme)
    tags = ["O"] * length
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    previous: Span | None = None
    for span in ordered:
        if span.end > length:
            raise InputError(f"span [{span.start}, {span.end}) is past the sentence end ({length} tokens)")
        if previous is not None and span.start < previous.end:
            raise InputError(
                f"spans [{previous.start}, {previous.end}) {previous.label} and "
                f"[{span.start}, {span.end}) {span.label} overlap"
            )
        touches_same = previous is not None and previous.end == span.start and previous.label == span.label
        tags[span.start : span.end] = _encode(len(span), span.label, scheme, touches_same)
        previous = span
    return tags


def _encode(n: int, label: str, scheme: str, touches_same: bool) -> list[str]:
    if scheme == "IOB1":
        first = "B" if touches_same else "I"
        return [f"{first}-{label}"] + [f"I-{label}"] * (n - 1)
    if scheme == "IOB2":
        return [f"B-{label}"] + [f"I-{label}"] * (n - 1)
    single, last = ("S", "E") if scheme == "IOBES" else ("U", "L")
    if n == 1:
        return [f"{single}-{label}"]
    return [f"B-{label}"] + [f"I-{label}"] * (n - 2) + [f"{last}-{label}"]


def detect_scheme(tags: Iterable[str]) -> str:
    """Guess the scheme of a tag sequence: BILOU if L-/U- occur, IOBES if E-/S- occur, IOB1 if a span opens
    with I- (I- after O, at the start, or after another type), else IOB2."""
    prefixes: set[str] = set()
    iob1 = False
    prev_prefix, prev_type = "O", ""
    for tag in tags:
        prefix, type_ = parse_tag(tag)
        prefixes.add(prefix)
        if prefix == "I" and (prev_prefix == "O" or prev_type != type_):
            iob1 = True
        prev_prefix, prev_type = prefix, type_
    if prefixes & {"L", "U"}:
        return "BILOU"
    if prefixes & {"E", "S"}:
        return "IOBES"
    return "IOB1" if iob1 else "IOB2"


def check_scheme(tags: Sequence[str], scheme: str) -> None:
    """Raise ``ValueError`` naming the first tag whose prefix ``scheme`` does not allow."""
    allowed = SCHEME_PREFIXES[normalise_scheme(scheme)]
    for i, tag in enumerate(tags):
        prefix, _ = parse_tag(tag)
        if prefix != "O" and prefix not in allowed:
            raise ValueError(f"tag {tag!r} (token {i}) is not allowed in scheme {scheme}")


# --- seqeval strict mode --------------------------------------------------------------------------------
# A chunk counts only if it starts, continues and ends by the scheme's patterns (seqeval.scheme).

_ANY, _SAME, _DIFF = "any", "same", "diff"
_Pattern = tuple[str, str, str]  # (previous prefix or "*", current prefix, type condition)

_STRICT: dict[str, tuple[set[_Pattern], set[_Pattern], set[_Pattern]]] = {
    # scheme: (start patterns, inside patterns, end patterns)
    "IOB2": (
        {("*", "B", _ANY)},
        {("B", "I", _SAME), ("I", "I", _SAME)},
        {
            ("I", "O", _ANY),
            ("I", "I", _DIFF),
            ("I", "B", _ANY),
            ("B", "O", _ANY),
            ("B", "I", _DIFF),
            ("B", "B", _ANY),
        },
    ),
    "IOB1": (
        {("O", "I", _ANY), ("I", "I", _DIFF), ("B", "I", _ANY), ("I", "B", _SAME), ("B", "B", _SAME)},
        {("B", "I", _SAME), ("I", "I", _SAME)},
        {
            ("I", "I", _DIFF),
            ("I", "O", _ANY),
            ("I", "B", _ANY),
            ("B", "O", _ANY),
            ("B", "I", _DIFF),
            ("B", "B", _SAME),
        },
    ),
    "IOBES": (
        {("*", "B", _ANY), ("*", "S", _ANY)},
        {("B", "I", _SAME), ("B", "E", _SAME), ("I", "I", _SAME), ("I", "E", _SAME)},
        {
            ("S", "*", _ANY),
            ("E", "*", _ANY),
        },
    ),
    "BILOU": (
        {("*", "B", _ANY), ("*", "U", _ANY)},
        {("B", "I", _SAME), ("B", "L", _SAME), ("I", "I", _SAME), ("I", "L", _SAME)},
        {
            ("U", "*", _ANY),
            ("L", "*", _ANY),
        },
    ),
}


def _matches(patterns: set[_Pattern], prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    for p_prev, p_cur, cond in patterns:
        if p_prev not in ("*", prev[0]) or p_cur not in ("*", cur[0]):
            continue
        if cond == _ANY or (cond == _SAME) == (prev[1] == cur[1]):
            return True
    return False


def strict_tags_to_spans(tags: Sequence[str], scheme: str) -> list[Span]:
    """Decode tags as seqeval's strict mode does for ``scheme``; prefixes outside the scheme are an error."""
    scheme = normalise_scheme(scheme)
    check_scheme(tags, scheme)
    start_p, inside_p, end_p = _STRICT[scheme]
    parsed = [parse_tag(t) for t in tags]
    extended = [*parsed, ("O", "")]
    spans: list[Span] = []
    outside = ("O", "")
    i = 0
    prev = outside
    while i < len(extended):
        token = extended[i]
        if _matches(start_p, prev, token):
            end = i + 1
            inside_prev = token
            while end < len(extended) and _matches(inside_p, inside_prev, extended[end]):
                inside_prev = extended[end]
                end += 1
            if _matches(end_p, extended[end - 1], extended[end]):
                spans.append(Span(i, end, token[1]))
            i = end
        else:
            i += 1
        prev = extended[i - 1]
    return spans
