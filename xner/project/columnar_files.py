"""File to file without a per-sentence object graph: plain CoNLL, text and Pharaoh files read straight into the
columnar tables (:mod:`xner.project.columnar`), projected by the heuristic's kernel
(:func:`~xner.project.fast.project_heuristic_table`), and written as CoNLL from the tables.

This is the fast path of ``xner project --alignments`` with the heuristic. It takes only the plain case -- a CoNLL
source with two columns (token, IOB1/IOB2 tag) and no comments or ``-DOCSTART-`` lines, a text target, a Pharaoh
file with one line per pair, UTF-8 with ``\\n`` line ends -- and answers ``None`` for anything else (or anything
wrong), so the general readers handle it and report any error with its file, line and field. On the plain case
its output is the same, byte for byte, as the general path's (``tests/unit/project/test_columnar_files.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TextIO

import numpy as np
import numpy.typing as npt

from xner.corpus import parse_tag
from xner.formats.conll import DOCSTART
from xner.project.candidate_options import CandidateOptions
from xner.project.columnar import (
    EntityTable,
    IntArray,
    LinkTable,
    Outcome,
    ProjectedTable,
    TokenTable,
    offsets_of,
    slices,
)
from xner.project.defaults import ADJECTIVE_LABEL, DROP_PUNCT, GAP
from xner.project.fast import project_heuristic_table
from xner.project.status import Counts, Reason

_BOM = "\ufeff"

O, B, I = 0, 1, 2  # noqa: E741  (tag prefixes as codes)


def _text_of(path: Path) -> str | None:
    """The file's text when it is plain: UTF-8, ``\\n`` line ends (no ``\\r``); else ``None``."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if "\r" in text:
        return None
    return text[1:] if text.startswith(_BOM) else text


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@dataclass(frozen=True, slots=True)
class SourceTables:
    """A labelled source corpus as tables: its words and its entities."""

    tokens: TokenTable
    entities: EntityTable


ODD_WHITESPACE = (
    "\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
"""Whitespace other than space, tab and newline (every character ``str.isspace`` accepts, less those three): the
general readers treat it in ways the fast path does not."""


def _odd_whitespace(text: str) -> bool:
    """Whether ``text`` holds any of :data:`ODD_WHITESPACE` (one substring search each: far faster than a regular
    expression's character class over a large text)."""
    return any(character in text for character in ODD_WHITESPACE)


_TWO_TABS = re.compile(r"\t[^\n]*\t")
_ONE_FIELD = re.compile(r"^ *[^ \n]+ *$", re.MULTILINE)
_THREE_FIELDS = re.compile(r"^ *[^ \n]+ +[^ \n]+ +[^ \n]", re.MULTILINE)


def read_conll_tables(path: Path) -> SourceTables | None:
    """The words and entities of a plain two-column CoNLL file (see the module doc), else ``None``.

    The file is cut with a few whole-text operations, not line by line: sentences are the blocks between empty
    lines, and the fields are the text split on its separators once every line is known to hold two of them."""
    text = _text_of(path)
    if text is None or "#" in text or DOCSTART in text or _odd_whitespace(text):
        return None
    blocks = [block for block in text.split("\n\n") if block.strip("\n")]
    if not blocks:
        return None
    lengths = [block.strip("\n").count("\n") + 1 for block in blocks]
    n_lines = sum(lengths)
    if "\t" in text:  # every token line holds exactly one tab and two non-empty fields
        empty_field = text.startswith("\t") or "\n\t" in text or "\t\n" in text or text.endswith("\t")
        if text.count("\t") != n_lines or empty_field or _TWO_TABS.search(text):
            return None
        # with a space in a word or tag, split on the separators only; else tabs and newlines are all the
        # whitespace there is (odd whitespace is ruled out above), and a plain split cuts the same fields
        spaced = " " in text
        fields = [field for field in text.replace("\t", "\n").split("\n") if field] if spaced else text.split()
    else:  # every token line holds exactly two space-separated fields
        if _ONE_FIELD.search(text) or _THREE_FIELDS.search(text):
            return None
        fields = text.split()
    if len(fields) != 2 * n_lines:
        return None
    words, tags = fields[0::2], fields[1::2]
    entities = _entities(tags, lengths)
    if entities is None:
        return None
    return SourceTables(TokenTable(offsets=offsets_of(lengths), words=words), entities)


def _entities(tags: list[str], lengths: list[int]) -> EntityTable | None:
    """Decode IOB1/IOB2 tags as :func:`xner.corpus.tags_to_spans` does, for the whole corpus at once; ``None`` when
    a tag has another prefix (the general reader then decodes, or reports, it)."""
    labels: dict[str, int] = {}
    codes: dict[str, int] = {}  # tag -> prefix + 3 * (label + 1)
    for tag in dict.fromkeys(tags):
        try:
            head, label = parse_tag(tag)
        except ValueError:
            return None
        if head not in ("B", "I", "O"):
            return None
        kind_of_tag = -1 if head == "O" else labels.setdefault(label, len(labels))
        codes[tag] = {"O": O, "B": B, "I": I}[head] + 3 * (kind_of_tag + 1)
    n_sentences = len(lengths)
    offsets = offsets_of(lengths)
    # one "O" after each sentence: the sequence decodes like each sentence with its closing "O"
    total = int(offsets[-1]) + n_sentences
    position = np.arange(int(offsets[-1]), dtype=np.int64) + np.repeat(np.arange(n_sentences), lengths)
    coded = np.fromiter(map(codes.__getitem__, tags), dtype=np.int64, count=len(tags))
    prefix = np.zeros(total, dtype=np.int8)
    kind = np.full(total, -1, dtype=np.int64)
    prefix[position], kind[position] = coded % 3, coded // 3 - 1
    previous_prefix = np.concatenate(([O], prefix[:-1]))
    previous_kind = np.concatenate(([-1], kind[:-1]))
    changed = kind != previous_kind
    starts = (prefix == B) | ((previous_prefix == O) & (prefix == I)) | ((prefix != O) & changed)
    ends = (previous_prefix != O) & ((prefix != I) | changed)
    start_at, end_at = np.flatnonzero(starts), np.flatnonzero(ends)
    sentence = np.searchsorted(offsets[1:] + np.arange(1, n_sentences + 1), start_at, side="right")
    base = offsets[sentence] + sentence  # where the sentence starts in the sequence with the closing "O"s
    return EntityTable(
        offsets=offsets_of(np.bincount(sentence, minlength=n_sentences)),
        sentence=sentence.astype(np.int64),
        start=start_at - base,
        end=end_at - base,
        label=kind[start_at],
        labels=tuple(labels),
    )


def _irregular_spacing(text: str) -> bool:
    """Anything but single spaces between the words of a line (substring searches, no regular expression)."""
    return any(part in text for part in ("  ", "\t", "\n ", " \n")) or text.startswith(" ") or text.endswith(" ")


def read_text_table(path: Path) -> TokenTable | None:
    """The words of a text file, one sentence per line split on whitespace (as the text reader does)."""
    text = _text_of(path)
    if text is None or _odd_whitespace(text):
        return None
    lines = _lines(text)
    if not lines:
        return None
    words = text.split()
    if _irregular_spacing(text):  # words not separated by single spaces: count them line by line
        lengths = [len(line.split()) for line in lines]
    else:
        lengths = [line.count(" ") + 1 if line else 0 for line in lines]
    return TokenTable(offsets=offsets_of(lengths), words=words)  # punctuation flags only where asked for


_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[ord("0") : ord("9") + 1] = True
_MAX_DIGITS = len(str(np.iinfo(np.int64).max)) // 2
"""Longest word index read from the bytes: any product of two fits in int64 (longer numbers go to the general
reader)."""
_PHARAOH_BYTES = _DIGIT.copy()
_PHARAOH_BYTES[[ord("-"), ord(" "), ord("\t"), ord("\n")]] = True


def read_pharaoh_table(path: Path, source_offsets: IntArray, target_offsets: IntArray) -> LinkTable | None:
    """The links of a plain Pharaoh file (``i-j`` pairs, one line per sentence pair, as many lines as pairs), in
    range for every pair, sorted and unique as the Pharaoh reader makes them; else ``None``.

    The numbers are read from the bytes at once: runs of digits, each run's value from its digits' place values,
    and a run followed by ``-`` is a pair's source word, the next run its target word."""
    try:
        data = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    except OSError:
        return None
    if len(data) and data[-1] != ord("\n"):
        data = np.append(data, np.uint8(ord("\n")))
    if not np.all(_PHARAOH_BYTES[data]):
        return None
    newline = np.flatnonzero(data == ord("\n"))
    n = len(source_offsets) - 1
    if len(newline) != n:
        return None
    digit = _DIGIT[data]
    edges = np.diff(np.concatenate(([False], digit, [False])).astype(np.int8))
    run_start, run_end = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    length = run_end - run_start
    if len(run_start) % 2 or np.any(length > _MAX_DIGITS):
        return None
    first, second = run_start[0::2], run_start[1::2]
    first_end, second_end = run_end[0::2], run_end[1::2]
    dash = ord("-")
    previous = np.concatenate(([ord("\n")], data))[first]  # the byte before each pair
    if np.any(second != first_end + 1) or np.any(data[first_end] != dash) or np.any(data[second_end] == dash):
        return None
    if np.any(previous == dash) or int(np.count_nonzero(data == dash)) != len(first):
        return None
    owner = np.repeat(np.arange(len(run_start)), length)
    place = run_end[owner] - 1 - np.flatnonzero(digit)
    weighted = (data[digit] - ord("0")).astype(np.int64) * 10**place
    values = np.add.reduceat(weighted, offsets_of(length)[:-1]) if len(run_start) else np.zeros(0, dtype=np.int64)
    i, j = values[0::2], values[1::2]
    sentence = np.searchsorted(newline, first)
    src_len, tgt_len = np.diff(source_offsets), np.diff(target_offsets)
    if np.any((i >= src_len[sentence]) | (j >= tgt_len[sentence])):
        return None
    width = int(target_offsets[-1]) + 1
    key = np.sort((i + source_offsets[sentence]) * width + j + target_offsets[sentence])
    if len(key):  # unique, sorted by source then target
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    source, target = key // width, key % width
    by_source = offsets_of(np.bincount(source, minlength=int(source_offsets[-1])))
    return LinkTable(source=source, target=target, by_source=by_source)


@dataclass(frozen=True, slots=True)
class FileProjection:
    """A projected corpus as tables: the target words, the projected spans, each sentence's status, the counts."""

    targets: TokenTable
    projected: ProjectedTable
    labels: tuple[str, ...]
    statuses: IntArray
    counts: Counts

    def write_conll(self, out: TextIO, *, skip_dropped: bool = False) -> int:
        """Write the projected target sentences as CoNLL (IOB2; dropped ones left out with ``skip_dropped``);
        return how many were written."""
        keep = self.statuses != _DROPPED if skip_dropped else np.ones(len(self.targets), dtype=bool)
        _write_conll(out, self.targets, self.projected, self.labels, keep)
        return int(keep.sum())


def project_files(
    source: Path, target: Path, alignments: Path, *, method: str = "heuristic", options: CandidateOptions | None = None
) -> FileProjection | None:
    """Project plain-case files with ``method`` -- ``heuristic`` (the table kernel) or ``candidates`` (the corpus
    path of :mod:`xner.project.candidates_fast`, with ``options``) -- (see the module doc); ``None`` when a file is
    not the plain case or the files do not agree (the general path then reads them and reports what is wrong)."""
    labelled = read_conll_tables(source)
    if labelled is None:
        return None
    targets = read_text_table(target)
    if targets is None or len(targets) != len(labelled.tokens):
        return None
    links = read_pharaoh_table(alignments, labelled.tokens.offsets, targets.offsets)
    if links is None:
        return None
    if method == "candidates":
        return _candidates(labelled, targets, links, options or CandidateOptions())
    projected = project_heuristic_table(
        labelled.entities, labelled.tokens.offsets, targets, links, gap=GAP, drop_punct=DROP_PUNCT
    )
    statuses, counts = _counts(
        labelled.entities, projected.outcome, _HEURISTIC_REASONS, len(projected.sentence), len(targets)
    )
    return FileProjection(targets, projected, labelled.entities.labels, statuses, counts)


def _candidates(
    labelled: SourceTables, targets: TokenTable, links: LinkTable, options: CandidateOptions
) -> FileProjection | None:
    """The candidates method on the tables (:func:`~xner.project.candidates_fast.project_candidates_columns`), its
    matches back as a table; ``None`` when the options need the sentence-by-sentence path."""
    from xner.project.candidates_fast import LOSS_REASONS, project_candidates_columns

    entities, n = labelled.entities, len(targets)
    matched = project_candidates_columns(labelled.tokens, targets, entities, links, options)
    if matched is None:
        return None
    kept = np.flatnonzero(matched.start >= 0)
    order = kept[np.lexsort((matched.start[kept], entities.sentence[kept]))]
    labels, label = entities.labels, entities.label[order]
    if matched.adjective.any():  # case repair's derived adjectives take their label, added if the corpus lacks it
        if ADJECTIVE_LABEL not in labels:
            labels = (*labels, ADJECTIVE_LABEL)
        label = np.where(matched.adjective[order], labels.index(ADJECTIVE_LABEL), label)
    projected = ProjectedTable(
        sentence=entities.sentence[order],
        start=matched.start[order],
        end=matched.end[order],
        label=label,
        entity=order,
        outcome=np.zeros(0, dtype=np.int8),
    )
    statuses, counts = _counts(entities, matched.loss_codes(), LOSS_REASONS, len(order), n)
    return FileProjection(targets, projected, labels, statuses, counts)


_PROJECTED, _PARTIAL, _DROPPED = 0, 1, 2
_HEURISTIC_REASONS = tuple(None if o is Outcome.KEPT else o.reason for o in Outcome)
"""Why a source entity was lost, by its heuristic :class:`~xner.project.columnar.Outcome` (``None``: projected)."""


def _counts(
    entities: EntityTable, code: npt.NDArray[np.integer], reasons: Sequence[Reason | None], n_out: int, n: int
) -> tuple[IntArray, Counts]:
    """Each sentence's status (as :attr:`xner.project.status.Projection.status` decides it) and the corpus counts,
    from each source entity's outcome ``code`` (``reasons[code]``: why it was lost, ``None`` when projected) and
    the number of spans projected."""
    n_source = np.diff(entities.offsets)
    real = np.array([r is not None and r is not Reason.MERGED for r in reasons])
    losses = np.bincount(entities.sentence[real[code]], minlength=n)
    statuses = np.where(losses == 0, _PROJECTED, np.where(losses >= n_source, _DROPPED, _PARTIAL))
    found = np.bincount(code, minlength=len(reasons))
    lost = {r.value: int(found[c]) for c, r in enumerate(reasons) if r is not None and found[c]}
    by_status = np.bincount(statuses, minlength=3)
    dropped = int(by_status[_DROPPED])
    counts = Counts(
        sentences_in=n,
        projected=int(by_status[_PROJECTED]),
        partial=int(by_status[_PARTIAL]),
        dropped=dropped,
        entities_in=len(entities),
        entities_out=n_out,
        lost_by_reason=dict(sorted(lost.items())),
        dropped_by_reason={"no entity projected": dropped} if dropped else {},
    )
    return statuses, counts


def _write_conll(
    out: TextIO, targets: TokenTable, projected: ProjectedTable, labels: tuple[str, ...], keep: IntArray
) -> None:
    """``word<TAB>tag`` lines in IOB2 and a blank line after each kept sentence."""
    n_words = int(targets.offsets[-1])
    code = np.zeros(n_words, dtype=np.int64)  # 0 = O, 1 + 2*label = B-label, 2 + 2*label = I-label
    first = targets.offsets[projected.sentence] + projected.start
    length = projected.end - projected.start
    code[first] = 1 + 2 * projected.label
    owner, step = slices(first + 1, first + length)  # the words after each span's first
    code[step] = 2 + 2 * projected.label[owner]
    names = ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]
    # each word's "<TAB>tag<NL>", with the blank line after the last word of a sentence: words and these alternate
    tails = [f"\t{name}\n" for name in names] + [f"\t{name}\n\n" for name in names]
    offsets = targets.offsets
    nonempty = offsets[1:] > offsets[:-1]
    code[offsets[1:][nonempty] - 1] += len(names)
    pieces = list(map(tails.__getitem__, code.tolist()))
    words = targets.words
    if np.all(keep) and np.all(nonempty):  # every sentence, none empty: one write
        out.write("".join(chain.from_iterable(zip(words, pieces, strict=True))))
        return
    bounds = offsets.tolist()
    for k in np.flatnonzero(keep).tolist():
        a, b = bounds[k], bounds[k + 1]
        out.write("".join(chain.from_iterable(zip(words[a:b], pieces[a:b], strict=True))) if b > a else "\n")
