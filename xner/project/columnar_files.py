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
from pathlib import Path
from typing import TextIO, TypeVar

import numpy as np

from xner.corpus import Span, parse_tag
from xner.formats.conll import DOCSTART
from xner.project._tokens import is_punct
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
from xner.project.defaults import DROP_PUNCT, GAP
from xner.project.fast import project_heuristic_table
from xner.project.status import Counts, Status

T = TypeVar("T")

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


_ODD_WHITESPACE = re.compile(r"[^\S \t\n]")
"""Whitespace other than space, tab and newline: the general readers treat it in ways the fast path does not."""


_TWO_TABS = re.compile(r"\t[^\n]*\t")
_ONE_FIELD = re.compile(r"^ *[^ \n]+ *$", re.MULTILINE)
_THREE_FIELDS = re.compile(r"^ *[^ \n]+ +[^ \n]+ +[^ \n]", re.MULTILINE)


def read_conll_tables(path: Path) -> SourceTables | None:
    """The words and entities of a plain two-column CoNLL file (see the module doc), else ``None``.

    The file is cut with a few whole-text operations, not line by line: sentences are the blocks between empty
    lines, and the fields are the text split on its separators once every line is known to hold two of them."""
    text = _text_of(path)
    if text is None or "#" in text or DOCSTART in text or _ODD_WHITESPACE.search(text):
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
        fields = [field for field in text.replace("\t", "\n").split("\n") if field]
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
    """The words of a text file, one sentence per line split on whitespace (as the text reader does), with the
    punctuation flag of every word (computed once per distinct word)."""
    text = _text_of(path)
    if text is None or _ODD_WHITESPACE.search(text):
        return None
    lines = _lines(text)
    if not lines:
        return None
    words = text.split()
    if _irregular_spacing(text):  # words not separated by single spaces: count them line by line
        lengths = [len(line.split()) for line in lines]
    else:
        lengths = [line.count(" ") + 1 if line else 0 for line in lines]
    flags = {word: is_punct(word) for word in set(words)}
    punct = np.fromiter(map(flags.__getitem__, words), dtype=bool, count=len(words))
    return TokenTable(offsets=offsets_of(lengths), words=words, punct=punct)


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
    statuses, counts = _counts(labelled.entities, projected, len(targets))
    return FileProjection(targets, projected, labelled.entities.labels, statuses, counts)


def _candidates(
    labelled: SourceTables, targets: TokenTable, links: LinkTable, options: CandidateOptions
) -> FileProjection:
    """The candidates method on the tables: per-sentence lists for its corpus path, the projections back as a
    table (the counts and statuses as :class:`~xner.project.status.Counts` makes them)."""
    from xner.project.candidates_fast import project_candidates_corpus

    entities, labels, n = labelled.entities, labelled.entities.labels, len(targets)
    flat = map(Span, entities.start.tolist(), entities.end.tolist(), (labels[c] for c in entities.label.tolist()))
    sentence = np.searchsorted(labelled.tokens.offsets, links.source, side="right") - 1
    i = (links.source - labelled.tokens.offsets[sentence]).tolist()
    j = (links.target - targets.offsets[sentence]).tolist()
    projections = project_candidates_corpus(
        _split(list(flat), entities.offsets),
        _split(labelled.tokens.words, labelled.tokens.offsets),
        _split(targets.words, targets.offsets),
        _split(list(zip(i, j, strict=True)), offsets_of(np.bincount(sentence, minlength=n))),
        options,
    )
    codes = {label: code for code, label in enumerate(labels)}
    rows = [
        (k, s.start, s.end, codes[s.label])
        for k, p in enumerate(projections)
        for s in sorted(p.spans, key=lambda x: x.start)
    ]
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    projected = ProjectedTable(
        sentence=table[:, 0],
        start=table[:, 1],
        end=table[:, 2],
        label=table[:, 3],
        entity=np.zeros(len(table), dtype=np.int64),
        outcome=np.zeros(0, dtype=np.int8),
    )
    statuses = np.array([_STATUS_CODES[p.status] for p in projections], dtype=np.int64)
    return FileProjection(targets, projected, labels, statuses, Counts.of(projections))


def _split(items: Sequence[T], offsets: IntArray) -> list[list[T]]:
    """``items`` cut into one list per sentence at ``offsets``."""
    bounds = offsets.tolist()
    return [list(items[bounds[k] : bounds[k + 1]]) for k in range(len(bounds) - 1)]


_PROJECTED, _PARTIAL, _DROPPED = 0, 1, 2
_STATUS_CODES = {Status.PROJECTED: _PROJECTED, Status.PARTIAL: _PARTIAL, Status.DROPPED: _DROPPED}


def _counts(entities: EntityTable, projected: ProjectedTable, n: int) -> tuple[IntArray, Counts]:
    """Each sentence's status (as :attr:`xner.project.status.Projection.status` decides it) and the corpus counts."""
    n_source = np.diff(entities.offsets)
    real_loss = (projected.outcome != Outcome.KEPT) & (projected.outcome != Outcome.MERGED)
    losses = np.bincount(entities.sentence[real_loss], minlength=n)
    statuses = np.where(losses == 0, _PROJECTED, np.where(losses >= n_source, _DROPPED, _PARTIAL))
    found = np.bincount(projected.outcome, minlength=len(Outcome))
    lost = {Outcome(o).reason.value: int(found[o]) for o in Outcome if o is not Outcome.KEPT and found[o]}
    by_status = np.bincount(statuses, minlength=3)
    dropped = int(by_status[_DROPPED])
    counts = Counts(
        sentences_in=n,
        projected=int(by_status[_PROJECTED]),
        partial=int(by_status[_PARTIAL]),
        dropped=dropped,
        entities_in=len(entities),
        entities_out=len(projected.sentence),
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
    lines = list(map("{}\t{}\n".format, targets.words, [names[c] for c in code.tolist()]))
    offsets = targets.offsets
    if np.all(keep) and np.all(offsets[1:] > offsets[:-1]):  # every sentence, none empty: one write
        for end in (offsets[1:] - 1).tolist():
            lines[end] += "\n"
        out.write("".join(lines))
        return
    bounds = offsets.tolist()
    for k in np.flatnonzero(keep).tolist():
        out.write("".join(lines[bounds[k] : bounds[k + 1]]) + "\n")
