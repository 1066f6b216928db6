"""Heuristic projection with the links given, in memory: xner against the reference ``sentence_projection``.

    python -m bench.speed [--repeat 20] [--rounds 5] [--threads 1] [--langs de es it] [--cache DIR]

This is the in-memory view: sentences already read, links already computed (``--aligner``, default eflomal, on
Europarl-NER en-de/es/it, cached under ``--cache``), nothing read or written. File to file, start-up included,
against Easy-Label-Projection's own driver, is ``python -m bench.file_to_file`` (:mod:`bench.elp_driver`).

The reference is Easy-Label-Projection's ``projection/annotation_proyection.py::sentence_projection``
(García-Ferrero et al. 2022), re-implemented below statement by statement, quirks included (gap fill by merged
extent, neighbour-only collisions, tag overwriting). Every row is labelled:

* ``kernel``: a projection function on the inputs it wants, built before the clock starts (the reference on its
  entity types, index lists and ``src -> [tgt]`` dictionaries; xner's ``project_heuristic_table`` on its tables,
  :mod:`xner.project.columnar`), or xner's plus building its tables from the lists a caller holds (spans, words,
  link lists);
* ``user path``: what callers run from those lists. For the reference that is the in-memory part of its driver
  (build each sentence's inputs, call ``sentence_projection``: the counterpart of xner's kernel building its
  tables); for xner, ``project_heuristic_corpus`` (lists in,
  one ``Projection`` per sentence out) and ``project_corpus`` (:mod:`xner.project.parallel`: sentences in,
  projected sentences out), which :mod:`xner.pipeline` calls for the REST project jobs, the experiment harness
  and ``xner project`` (except its file-to-file path for plain CoNLL files, :mod:`xner.project.columnar_files`,
  timed by ``bench.file_to_file``), with the heuristic method and with the default configuration (candidates)
  as ``xner project`` builds it (:class:`~xner.project.config.ProjectionConfig`).

The rows run in interleaved rounds (:mod:`bench.paired`: the same number of rounds each, the order reversed every
other round) on the corpus repeated ``--repeat`` times; the script prints the pinned thread counts, the median
sentences/s of every row with its range, the ratio of medians against the reference on its ready inputs, and
the ratios of counterparts (:data:`COUNTERPARTS`). Before timing, every row runs once on the corpus (untimed;
it also warms caches) and the script counts on how many sentence pairs its tags equal the reference's, and for
xner's heuristic rows whether they all equal the per-sentence ``project_heuristic`` (the bench's identity claim;
tests/unit/test_speed_bench.py checks it). The heuristic differs from the reference on a few pairs by
documented choices (:mod:`xner.project.heuristic`); candidates is another method.
"""

from __future__ import annotations

import argparse
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.paired import Spread, alternate, pin_threads, rates, table
from xner.corpus import Sentence, Span, spans_to_tags
from xner.project.columnar import EntityTable, IntArray, LinkTable, ProjectedTable, TokenTable, offsets_of
from xner.project.config import ProjectionConfig
from xner.project.fast import project_heuristic_corpus, project_heuristic_table, to_projections
from xner.project.heuristic import project_heuristic
from xner.project.links import Link
from xner.project.parallel import project_corpus
from xner.project.status import Projection, ProjectionResult

_PUNCT = set(string.punctuation)


def reference_sentence_projection(
    source_words: list[str],
    source_tags_type: list[str],
    source_tags_ids: list[list[int]],
    target_words: list[str],
    alignments: dict[int, list[int]],
) -> list[str]:
    """Re-implementation of the reference function, statement by statement (see the module doc): IOB2 tags."""
    if len(target_words) == 0 or len(source_words) == 0:
        return ["O"] * len(target_words)
    ids: list[list[int]] = []
    types: list[str] = []
    for tag_ids, tag_type in zip(source_tags_ids, source_tags_type, strict=True):
        found: list[int] = []
        for i in tag_ids:
            try:
                found.extend(alignments[i])
            except KeyError:
                continue
        found = sorted(list(set(found)))  # noqa: C414 (as the reference writes it)
        if found:
            ids.append(found)
            types.append(tag_type)
    for k in range(len(ids) - 1, -1, -1):  # remove punctuation-only words, then empty tags
        kept_copy = ids[k].copy()  # noqa: F841 (the reference keeps a copy for its error message)
        for m in range(len(ids[k]) - 1, -1, -1):
            word = target_words[ids[k][m]].strip()
            if all([ch in _PUNCT for ch in word]):  # noqa: C419 (as the reference writes it)
                del ids[k][m]
        if len(ids[k]) == 0:
            del ids[k]
            del types[k]
    for k, tag_ids in enumerate(ids):  # split into groups, merge when the merged extent is <= 3 words
        groups = [[tag_ids[0]]]
        for j in tag_ids[1:]:
            if j != groups[-1][-1] + 1:
                groups.append([j])
            else:
                groups[-1].append(j)
        g = 0
        while g < len(groups) - 1:
            if groups[g + 1][-1] - groups[g][0] <= 2:
                groups[g] = groups[g] + list(range(groups[g][-1] + 1, groups[g + 1][0])) + groups[g + 1]
                del groups[g + 1]
            else:
                g += 1
        ids[k] = max(groups, key=len)
    k = 0
    while k < len(ids) - 1:  # neighbours of the same type that overlap are united
        if ids[k][-1] >= ids[k + 1][0]:
            if types[k] == types[k + 1]:
                ids[k] = sorted(list(set(ids[k] + ids[k + 1])))  # noqa: C414
                del ids[k + 1]
                del types[k + 1]
            else:
                k += 1
        else:
            k += 1
    k = 0
    while k < len(ids) - 1:  # overlapping neighbours: the shorter goes (the earlier one on ties)
        if ids[k][-1] >= ids[k + 1][0]:
            if len(ids[k]) > len(ids[k + 1]):
                del types[k + 1]
                del ids[k + 1]
            else:
                del types[k]
                del ids[k]
        else:
            k += 1
    tags = ["O"] * len(target_words)
    for tag_ids, tag_type in zip(ids, types, strict=True):
        if tag_ids:
            tags[tag_ids[0]] = f"B-{tag_type}"
            for j in tag_ids[1:]:
                tags[j] = f"I-{tag_type}"
    return tags


Tags = list[list[str]]
ReferenceInput = tuple[list[str], list[str], list[list[int]], dict[int, list[int]]]
Tables = tuple[EntityTable, IntArray, TokenTable, LinkTable]

KERNEL = "kernel"
USER_PATH = "user path"


@dataclass(frozen=True)
class Corpus:
    """Sentence pairs as a caller holds them once read: the sentences, and the plain lists taken from them
    (source spans and words, target words) with each pair's links."""

    sources: list[Sentence]
    targets: list[Sentence]
    links: list[list[Link]]
    spans: list[list[Span]]
    source_words: list[list[str]]
    target_words: list[list[str]]

    @classmethod
    def of(cls, sources: Sequence[Sentence], targets: Sequence[Sentence], links: Sequence[list[Link]]) -> Corpus:
        return cls(
            list(sources),
            list(targets),
            list(links),
            [s.spans for s in sources],
            [s.tokens for s in sources],
            [t.tokens for t in targets],
        )

    def __len__(self) -> int:
        return len(self.sources)

    def repeated(self, times: int) -> Corpus:
        return Corpus.of(self.sources * times, self.targets * times, self.links * times)


def reference_input(words: list[str], spans: Sequence[Span], links: Sequence[Link]) -> ReferenceInput:
    """The reference's inputs for one sentence, as its data loader builds them: entity types, word-id lists and
    the ``src -> [tgt]`` dictionary of the links."""
    alignment: dict[int, list[int]] = {}
    for i, j in links:
        alignment.setdefault(i, []).append(j)
    return words, [s.label for s in spans], [list(range(s.start, s.end)) for s in spans], alignment


def build_tables(corpus: Corpus, *, with_punct: bool = False) -> Tables:
    """xner's columnar inputs from the lists (``with_punct``: punctuation-only words flagged while reading)."""
    source_offsets = offsets_of([len(words) for words in corpus.source_words])
    target = TokenTable.from_sentences(corpus.target_words, with_punct=with_punct)
    links = LinkTable.from_links(corpus.links, source_offsets, target.offsets)
    return EntityTable.from_spans(corpus.spans), source_offsets, target, links


def _reference_ready(corpus: Corpus) -> Callable[[], Tags]:
    prepared = [
        reference_input(w, s, x) for w, s, x in zip(corpus.source_words, corpus.spans, corpus.links, strict=True)
    ]
    targets = corpus.target_words

    def run() -> Tags:
        return [
            reference_sentence_projection(words, types, ids, target, alignment)
            for (words, types, ids, alignment), target in zip(prepared, targets, strict=True)
        ]

    return run


def _reference_from_lists(corpus: Corpus) -> Callable[[], Tags]:
    def run() -> Tags:
        tags = []
        for words, spans, links, target in zip(
            corpus.source_words, corpus.spans, corpus.links, corpus.target_words, strict=True
        ):
            _, types, ids, alignment = reference_input(words, spans, links)
            tags.append(reference_sentence_projection(words, types, ids, target, alignment))
        return tags

    return run


def _kernel_ready(corpus: Corpus) -> Callable[[], ProjectedTable]:
    tables = build_tables(corpus)
    return lambda: project_heuristic_table(*tables)


def _kernel_ready_flags(corpus: Corpus) -> Callable[[], ProjectedTable]:
    tables = build_tables(corpus, with_punct=True)
    return lambda: project_heuristic_table(*tables)


def _kernel_from_lists(corpus: Corpus) -> Callable[[], ProjectedTable]:
    return lambda: project_heuristic_table(*build_tables(corpus))


def _heuristic_corpus(corpus: Corpus) -> Callable[[], list[Projection]]:
    lengths = [len(words) for words in corpus.source_words]  # a caller's list, as the CLI's reader holds it
    return lambda: project_heuristic_corpus(corpus.spans, lengths, corpus.target_words, corpus.links)


def _project_corpus(config: ProjectionConfig) -> Callable[[Corpus], Callable[[], ProjectionResult]]:
    """``project_corpus`` with ``config``'s method and candidate options, as :mod:`xner.pipeline` passes them."""
    method, options = config.method_for("parallel"), config.candidate_options()

    def prepare(corpus: Corpus) -> Callable[[], ProjectionResult]:
        return lambda: project_corpus(corpus.sources, corpus.targets, corpus.links, method=method, options=options)

    return prepare


def _tags_of_spans(spans: Sequence[Sequence[Span]], corpus: Corpus) -> Tags:
    return [spans_to_tags(s, len(words)) for s, words in zip(spans, corpus.target_words, strict=True)]


def _tags_of_table(projected: ProjectedTable, corpus: Corpus) -> Tags:
    return _tags_of_spans([p.spans for p in to_projections(projected, corpus.spans)], corpus)


def _tags_of_projections(projections: list[Projection], corpus: Corpus) -> Tags:
    return _tags_of_spans([p.spans for p in projections], corpus)


def _tags_of_result(result: ProjectionResult, corpus: Corpus) -> Tags:
    return _tags_of_projections(result.projections, corpus)


def _tags_as_given(tags: Tags, _corpus: Corpus) -> Tags:
    return tags


@dataclass(frozen=True)
class Row:
    """One timed row: ``prepare`` builds what the row is given ready-made (untimed) and returns the timed call;
    ``tags`` turns the call's result into IOB2 tags per target sentence; ``heuristic``: xner's heuristic method,
    claimed identical to the per-sentence :func:`~xner.project.heuristic.project_heuristic`."""

    name: str
    kind: str
    prepare: Callable[[Corpus], Callable[[], Any]]
    tags: Callable[[Any, Corpus], Tags]
    heuristic: bool

    @property
    def label(self) -> str:
        return f"{self.name} [{self.kind}]"

    def run_once(self, corpus: Corpus) -> Tags:
        """The row's tags on ``corpus`` (one untimed call)."""
        return self.tags(self.prepare(corpus)(), corpus)


REFERENCE = "reference sentence_projection, ready inputs"
REFERENCE_LISTS = "reference, its inputs built from the lists"
TABLE = "xner project_heuristic_table, ready tables"
TABLE_FLAGS = "xner project_heuristic_table, ready tables, punct flags"
TABLE_LISTS = "xner project_heuristic_table, tables built from the lists"
CORPUS = "xner project_heuristic_corpus"
PROJECT_HEURISTIC = "xner project_corpus, method heuristic"
PROJECT_DEFAULT = "xner project_corpus, default (candidates)"
ROWS = (
    Row(REFERENCE, KERNEL, _reference_ready, _tags_as_given, heuristic=False),
    Row(REFERENCE_LISTS, USER_PATH, _reference_from_lists, _tags_as_given, heuristic=False),
    Row(TABLE, KERNEL, _kernel_ready, _tags_of_table, heuristic=True),
    Row(TABLE_FLAGS, KERNEL, _kernel_ready_flags, _tags_of_table, heuristic=True),
    Row(TABLE_LISTS, KERNEL, _kernel_from_lists, _tags_of_table, heuristic=True),
    Row(CORPUS, USER_PATH, _heuristic_corpus, _tags_of_projections, heuristic=True),
    Row(PROJECT_HEURISTIC, USER_PATH, _project_corpus(ProjectionConfig(method="heuristic")), _tags_of_result, True),
    Row(PROJECT_DEFAULT, USER_PATH, _project_corpus(ProjectionConfig()), _tags_of_result, heuristic=False),
)
"""The rows, the baseline first."""
COUNTERPARTS = ((TABLE, REFERENCE), (TABLE_LISTS, REFERENCE_LISTS), (CORPUS, REFERENCE_LISTS))
"""(xner row, its counterpart): ratios printed beside the table's single baseline."""
LANGS = ("de", "es", "it")
"""Europarl-NER's target sides."""


def per_sentence_tags(corpus: Corpus) -> Tags:
    """xner's per-sentence heuristic, the rows' identity reference."""
    return _tags_of_projections(
        [
            project_heuristic(spans, target, links, n_source=len(words))
            for spans, words, target, links in zip(
                corpus.spans, corpus.source_words, corpus.target_words, corpus.links, strict=True
            )
        ],
        corpus,
    )


@dataclass(frozen=True)
class Identity:
    """How many sentence pairs of a row got the reference's tags, and (heuristic rows) the per-sentence
    heuristic's; ``per_sentence`` is None for rows that claim nothing."""

    as_reference: int
    per_sentence: int | None


def identities(corpus: Corpus, rows: Sequence[Row] = ROWS) -> dict[str, Identity]:
    """Every row's :class:`Identity` on ``corpus``."""
    reference = ROWS[0].run_once(corpus)
    heuristic = per_sentence_tags(corpus)
    found = {}
    for row in rows:
        tags = row.run_once(corpus)
        found[row.name] = Identity(
            sum(a == b for a, b in zip(tags, reference, strict=True)),
            sum(a == b for a, b in zip(tags, heuristic, strict=True)) if row.heuristic else None,
        )
    return found


def run(corpus: Corpus, repeat: int, rounds: int, rows: Sequence[Row] = ROWS) -> dict[str, Spread]:
    """Check every row on ``corpus`` (untimed), then time them on it repeated ``repeat`` times; print the table
    and return every row's sentences/s."""
    n = len(corpus)
    print(f"\nidentity on the {n:,} sentence pairs (untimed; each row's first call):")
    for name, found in identities(corpus, rows).items():
        claim = "" if found.per_sentence is None else f"; per-sentence project_heuristic {found.per_sentence}/{n}"
        print(f"  {name}: the reference's tags {found.as_reference}/{n}{claim}")
    big = corpus.repeated(repeat)
    calls = {row.label: row.prepare(big) for row in rows}
    spreads = rates(alternate(calls, rounds), len(big))
    print(f"\n{len(big):,} sentence pairs (the corpus x{repeat}), {rounds} interleaved rounds per row")
    print(table(spreads, rows[0].label, "sentences/s"))
    by_name = {row.name: spreads[row.label] for row in rows}
    for ours, theirs in COUNTERPARTS:
        if ours in by_name and theirs in by_name:
            print(f"{ours} vs {theirs}: {by_name[ours].median / by_name[theirs].median:.2f}x")
    return spreads


def compare(
    english: list[Sentence],
    targets: dict[str, list[Sentence]],
    links: dict[str, list[list[Link]]],
    repeat: int = 20,
    rounds: int = 5,
) -> float:
    """:func:`run` on ``english`` projected onto every language of ``targets`` through ``links`` (by language);
    return the median sentences/s of the table kernel on ready tables over the reference's on ready inputs."""
    sources: list[Sentence] = []
    pairs: list[Sentence] = []
    pair_links: list[list[Link]] = []
    for lang, target in targets.items():
        sources += english
        pairs += target
        pair_links += links[lang]
    print(f"threads: {pin_threads(None)}")
    print(f"corpus: {len(sources):,} sentence pairs ({'/'.join(targets)})")
    spreads = run(Corpus.of(sources, pairs, pair_links), repeat, rounds)
    label = {row.name: row.label for row in ROWS}
    return spreads[label[TABLE]].median / spreads[label[REFERENCE]].median


def main(argv: list[str] | None = None) -> None:
    from bench.europarl_data import alignments, load

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aligner", default="eflomal")
    parser.add_argument("--cache", type=Path, default=None, help="directory for cached alignments")
    parser.add_argument("--repeat", type=int, default=20, help="times the corpus is repeated for the timing")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timed calls of every row")
    parser.add_argument("--threads", type=int, default=1, help="torch and BLAS/OpenMP threads (0: leave them)")
    parser.add_argument("--langs", nargs="+", choices=LANGS, default=list(LANGS), help="target sides")
    args = parser.parse_args(argv)
    pin_threads(args.threads or None)
    english = load("en")
    targets = {lang: load(lang) for lang in args.langs}
    links = {lang: alignments(args.aligner, english, targets[lang], lang, args.cache) for lang in targets}
    print(f"Europarl-NER en-{'/'.join(targets)} with {args.aligner} links")
    compare(english, targets, links, args.repeat, args.rounds)


if __name__ == "__main__":
    main()
