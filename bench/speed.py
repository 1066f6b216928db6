"""Projection speed with given alignments: ours vs the reference ``sentence_projection``.

    python -m bench.speed [--cache DIR] [--repeat 20]

The reference is Easy-Label-Projection's ``projection/annotation_proyection.py::sentence_projection``
(García-Ferrero et al. 2022), re-implemented below statement by statement, quirks included (gap fill by merged
extent, neighbour-only collisions, tag overwriting). Each implementation is given its own inputs ready-made,
as it would hold them after reading a corpus: the reference its entity types, index lists and ``src -> [tgt]``
dictionaries; the columnar one its tables (:mod:`xner.project.columnar`). The time to build those tables from
Python lists is printed too, and so is the list-in, objects-out path (``project_heuristic_corpus``).
"""

from __future__ import annotations

import argparse
import string
import time
from collections.abc import Sequence
from pathlib import Path

from xner.corpus import Sentence, Span, tags_to_spans
from xner.project.columnar import EntityTable, IntArray, LinkTable, TokenTable, offsets_of
from xner.project.fast import project_heuristic_corpus, project_heuristic_table, to_projections
from xner.project.heuristic import project_heuristic
from xner.project.links import Link
from xner.project.status import Projection

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


def _reference_inputs(
    sources: Sequence[Sentence], alignments: Sequence[Sequence[Link]]
) -> list[tuple[list[str], list[str], list[list[int]], dict[int, list[int]]]]:
    prepared = []
    for source, links in zip(sources, alignments, strict=True):
        table: dict[int, list[int]] = {}
        for i, j in links:
            table.setdefault(i, []).append(j)
        types = [s.label for s in source.spans]
        ids = [list(range(s.start, s.end)) for s in source.spans]
        prepared.append((source.tokens, types, ids, table))
    return prepared


def _best_of(runs: int, work: object) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def compare(
    english: list[Sentence], targets: dict[str, list[Sentence]], links: dict[str, list[list[Link]]], repeat: int = 20
) -> float:
    """Time every implementation on every language's corpus repeated ``repeat`` times; print a table and
    return ours (columnar) / reference in sentences per second."""
    sources: list[Sentence] = []
    target_words: list[list[str]] = []
    all_links: list[list[Link]] = []
    for lang in targets:
        sources += english
        target_words += [t.tokens for t in targets[lang]]
        all_links += links[lang]
    sources, target_words, all_links = sources * repeat, target_words * repeat, all_links * repeat
    n = len(sources)
    prepared = _reference_inputs(sources, all_links)
    spans: list[list[Span]] = [s.spans for s in sources]
    lengths = [len(s) for s in sources]
    tables: list[tuple[EntityTable, IntArray, TokenTable, LinkTable]] = []

    def reference() -> None:
        for (words, types, ids, table), target in zip(prepared, target_words, strict=True):
            reference_sentence_projection(words, types, ids, target, table)

    def ours_per_sentence() -> None:
        for entities, length, target, sentence_links in zip(spans, lengths, target_words, all_links, strict=True):
            project_heuristic(entities, target, sentence_links, n_source=length)

    def build_tables() -> None:
        source_offsets = offsets_of(lengths)
        target = TokenTable.from_sentences(target_words)
        link_table = LinkTable.from_links(all_links, source_offsets, target.offsets)
        tables[:] = [(EntityTable.from_spans(spans), source_offsets, target, link_table)]

    def build_flags() -> None:
        entity_table, source_offsets, _, link_table = tables[0]
        flagged = TokenTable.from_sentences(target_words, with_punct=True)
        tables[1:] = [(entity_table, source_offsets, flagged, link_table)]

    def ours_columnar() -> None:
        project_heuristic_table(*tables[0])

    def ours_columnar_flags() -> None:
        project_heuristic_table(*tables[1])

    def ours_from_lists() -> None:
        project_heuristic_corpus(spans, lengths, target_words, all_links)

    t_ref = _best_of(3, reference)
    t_one = _best_of(3, ours_per_sentence)
    t_build = _best_of(3, build_tables)
    t_flags = _best_of(3, build_flags)
    t_col = _best_of(5, ours_columnar)
    t_col_flags = _best_of(5, ours_columnar_flags)
    t_lists = _best_of(3, ours_from_lists)
    one = n // repeat
    columnar = to_projections(project_heuristic_table(*tables[0]), spans)[:one]
    per_sentence = [
        project_heuristic(e, t, a, n_source=m)
        for e, m, t, a in zip(spans[:one], lengths[:one], target_words[:one], all_links[:one], strict=True)
    ]
    identical = sum(summary(a) == summary(b) for a, b in zip(columnar, per_sentence, strict=True))
    same = sum(
        p.spans == tags_to_spans(reference_sentence_projection(w, ty, ids, t, tb))
        for p, (w, ty, ids, tb), t in zip(columnar, prepared[:one], target_words[:one], strict=True)
    )
    print(f"\nheuristic projection with given alignments, {n:,} sentence pairs (best of 3 or 5 runs)")
    print(f"{'implementation':<52}{'sentences/s':>14}{'vs reference':>14}")
    for name, seconds in (
        ("reference sentence_projection (its prepared inputs)", t_ref),
        ("ours, per sentence (project_heuristic)", t_one),
        ("ours, columnar (project_heuristic_table)", t_col),
        ("ours, columnar, punctuation flags read with words", t_col_flags),
        ("ours, from lists (project_heuristic_corpus)", t_lists),
    ):
        print(f"{name:<52}{n / seconds:>14,.0f}{t_ref / seconds:>13.1f}x")
    print(f"building the tables from lists: {t_build * 1e3:.0f} ms ({n / t_build:,.0f} sentences/s)")
    print(f"flagging punctuation-only words while reading: {t_flags * 1e3:.0f} ms ({n / t_flags:,.0f} sentences/s)")
    print(f"columnar = per sentence on {identical} of {one} sentence pairs (spans, losses, reasons)")
    print(f"same spans as the reference on {same} of {one} sentence pairs (the rest: documented choices)")
    return t_ref / t_col


def summary(p: Projection) -> tuple[object, ...]:
    return ([s.key for s in p.spans], [(x.entity.key, x.reason) for x in p.lost], p.origin)


def main() -> None:
    from bench.europarl_data import alignments, load

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aligner", default="eflomal")
    parser.add_argument("--cache", type=Path, default=None, help="directory for cached alignments")
    parser.add_argument("--repeat", type=int, default=20, help="times the corpus is repeated")
    args = parser.parse_args()
    english = load("en")
    targets = {lang: load(lang) for lang in ("de", "es", "it")}
    links = {lang: alignments(args.aligner, english, targets[lang], lang, args.cache) for lang in targets}
    compare(english, targets, links, args.repeat)


if __name__ == "__main__":
    main()
