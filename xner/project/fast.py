"""The heuristic projection of a whole corpus at once, on columns (:mod:`xner.project.columnar`).

:func:`project_heuristic_table` gives exactly the projections of
:func:`~xner.project.heuristic.project_heuristic` (same spans, same losses, same reasons; tests hold it to
that) with a fixed number of numpy passes over the corpus instead of a Python loop per sentence:

1. each entity's links are one slice of the (source-sorted) link table: ``(entity, target word)`` pairs,
   overlapping entities included;
2. the pairs are sorted and made distinct, and those with punctuation-only target words dropped;
3. the pairs are cut into runs wherever the entity changes or more than ``gap`` words are missing; the
   longest run of each entity (leftmost on ties) is its projection;
4. only sentences where two projections overlap go through the per-sentence collision rules
   (:func:`~xner.project.heuristic.resolve_collisions`) — a few percent of a real corpus.

:func:`project_heuristic_corpus` is the same from plain Python lists (spans, words, link lists) to one
:class:`~xner.project.status.Projection` per sentence; building the tables and the per-sentence objects is
most of its time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from xner.corpus import Span
from xner.errors import MismatchError
from xner.project import defaults
from xner.project.columnar import (
    EntityTable,
    IntArray,
    LinkTable,
    Outcome,
    ProjectedTable,
    SentenceName,
    TokenTable,
    offsets_of,
    slices,
)
from xner.project.heuristic import resolve_collisions
from xner.project.links import Links
from xner.project.status import Lost, Projection


def project_heuristic_table(
    entities: EntityTable,
    source_offsets: IntArray,
    target: TokenTable,
    links: LinkTable,
    *,
    gap: int = defaults.GAP,
    drop_punct: bool = defaults.DROP_PUNCT,
) -> ProjectedTable:
    """Project every entity of the corpus (see the module doc). ``source_offsets`` are the source sentences'
    word offsets (:func:`~xner.project.columnar.offsets_of` of their lengths)."""
    n_ent = len(entities)
    first_word = source_offsets[entities.sentence] + entities.start
    # 1. the links of each entity: a slice of the source-sorted link table
    pair_ent, link_rows = slices(*links.rows_of(first_word, first_word + (entities.end - entities.start)))
    pair_j = links.target[link_rows]
    outcome = np.full(n_ent, Outcome.UNALIGNED, dtype=np.int8)
    outcome[pair_ent] = Outcome.PUNCTUATION_ONLY
    # 2. sorted, distinct, without punctuation (target positions are corpus-wide: one key per pair)
    width = int(target.offsets[-1]) + 1
    key = pair_ent * width + pair_j
    key.sort(kind="stable")  # pairs come grouped by entity already: the stable sort is close to linear
    if len(key):
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    pair_ent, pair_j = key // width, key % width
    if drop_punct:
        keep = ~target.punct_at(pair_j)
        pair_ent, pair_j = pair_ent[keep], pair_j[keep]
    # 3. runs, and the longest (leftmost on ties) of each entity; runs are in (entity, start) order
    cut = np.ones(len(pair_j), dtype=bool)
    cut[1:] = (pair_ent[1:] != pair_ent[:-1]) | (pair_j[1:] - pair_j[:-1] - 1 > gap)
    run_first = np.flatnonzero(cut)
    run_last = np.append(run_first[1:], len(pair_j))[: len(run_first)] - 1
    run_ent, run_start, run_end = pair_ent[run_first], pair_j[run_first], pair_j[run_last] + 1
    run_len = run_end - run_start
    group = np.flatnonzero(np.concatenate(([True], run_ent[1:] != run_ent[:-1]))) if len(run_ent) else run_ent
    longest = np.repeat(np.maximum.reduceat(run_len, group), np.diff(np.append(group, len(run_ent))))
    best = np.flatnonzero(run_len == longest)
    best = best[np.concatenate(([True], run_ent[best][1:] != run_ent[best][:-1]))] if len(best) else best
    win_ent, win_start, win_end = run_ent[best], run_start[best], run_end[best]
    outcome[win_ent] = Outcome.KEPT
    # 4. sentences where two projections overlap: the collision rules, one sentence at a time
    by_start = np.argsort(win_start, kind="stable")
    win_ent, win_start, win_end = win_ent[by_start], win_start[by_start], win_end[by_start]
    win_sent = entities.sentence[win_ent]
    overlap = np.flatnonzero(win_start[1:] < win_end[:-1])  # corpus-wide positions: never across sentences
    if len(overlap):
        clash = np.zeros(len(target), dtype=bool)
        clash[win_sent[overlap]] = True
        in_clash = clash[win_sent]
        fixed = [
            _resolve(entities, target.offsets, win_ent, win_start, win_end, np.flatnonzero(win_sent == s))
            for s in np.flatnonzero(clash).tolist()
        ]
        ent_parts, start_parts, end_parts = [win_ent[~in_clash]], [win_start[~in_clash]], [win_end[~in_clash]]
        for kept, removed in fixed:
            outcome[removed[:, 0]] = removed[:, 1]
            ent_parts.append(kept[:, 0])
            start_parts.append(kept[:, 1])
            end_parts.append(kept[:, 2])
        win_ent, win_start, win_end = np.concatenate(ent_parts), np.concatenate(start_parts), np.concatenate(end_parts)
        order = np.argsort(win_start, kind="stable")
        win_ent, win_start, win_end = win_ent[order], win_start[order], win_end[order]
        win_sent = entities.sentence[win_ent]
    sentence_start = target.offsets[win_sent]
    return ProjectedTable(
        sentence=win_sent,
        start=win_start - sentence_start,
        end=win_end - sentence_start,
        label=entities.label[win_ent],
        entity=win_ent,
        outcome=outcome,
    )


def _resolve(
    entities: EntityTable, target_offsets: IntArray, ent: IntArray, start: IntArray, end: IntArray, rows: IntArray
) -> tuple[IntArray, IntArray]:
    """The collision rules on one sentence's projections ``rows``: kept ``[entity, start, end]`` rows
    (corpus-wide positions; a merged span takes the extent of both) and removed ``[entity, outcome]`` rows."""
    base = int(target_offsets[int(entities.sentence[int(ent[rows[0]])])])
    projected = [
        (e, Span(a - base, b - base, str(int(entities.label[e]))))
        for e, a, b in zip(ent[rows].tolist(), start[rows].tolist(), end[rows].tolist(), strict=True)
    ]
    kept, removed = resolve_collisions(projected)
    kept_rows = np.array([(e, s.start + base, s.end + base) for e, s in kept], dtype=np.int64).reshape(-1, 3)
    outcomes = {"merged": Outcome.MERGED, "collision": Outcome.COLLISION}
    removed_rows = np.array([(e, outcomes[r.value]) for e, r in removed], dtype=np.int64).reshape(-1, 2)
    return kept_rows, removed_rows


def project_heuristic_corpus(
    entities: Sequence[Sequence[Span]],
    source_lengths: Sequence[int],
    targets: Sequence[Sequence[str]],
    alignments: Sequence[Links],
    *,
    gap: int = defaults.GAP,
    drop_punct: bool = defaults.DROP_PUNCT,
    name: SentenceName | None = None,
) -> list[Projection]:
    """:func:`project_heuristic_table` from plain lists, one :class:`Projection` per sentence (spans sorted by
    start, losses in source order). ``name(k)`` names sentence ``k`` in error messages."""
    n = len(entities)
    if not (len(source_lengths) == len(targets) == len(alignments) == n):
        raise MismatchError(
            f"{n} entity lists, {len(source_lengths)} source lengths, {len(targets)} targets, "
            f"{len(alignments)} alignments"
        )
    source_offsets = offsets_of(source_lengths)
    entity_table = EntityTable.from_spans(entities)
    entity_table.check(np.diff(source_offsets), name)
    target_table = TokenTable.from_sentences(targets)
    link_table = LinkTable.from_links(alignments, source_offsets, target_table.offsets, name)
    table = project_heuristic_table(
        entity_table, source_offsets, target_table, link_table, gap=gap, drop_punct=drop_punct
    )
    return to_projections(table, entities)


def to_projections(table: ProjectedTable, entities: Sequence[Sequence[Span]]) -> list[Projection]:
    """One :class:`Projection` per sentence from ``table`` (``entities``: the source spans it was built from)."""
    n = len(entities)
    span_offsets = offsets_of(np.bincount(table.sentence, minlength=n)).tolist()
    entity_counts = np.fromiter(map(len, entities), dtype=np.int64, count=n)
    entity_offsets = offsets_of(entity_counts).tolist()
    with_losses = set(np.repeat(np.arange(n), entity_counts)[table.outcome != Outcome.KEPT].tolist())
    starts, ends, origins, outcomes = (
        table.start.tolist(),
        table.end.tolist(),
        table.entity.tolist(),
        table.outcome.tolist(),
    )
    reasons = {int(o): o.reason for o in Outcome if o is not Outcome.KEPT}
    results: list[Projection] = []
    for k, sentence_entities in enumerate(entities):
        base, first, last = entity_offsets[k], span_offsets[k], span_offsets[k + 1]
        origin = [o - base for o in origins[first:last]]
        spans = [
            Span(a, b, sentence_entities[o].label)
            for a, b, o in zip(starts[first:last], ends[first:last], origin, strict=True)
        ]
        lost = []
        if k in with_losses:
            for entity, code in zip(sentence_entities, outcomes[base : base + len(sentence_entities)], strict=True):
                if code != Outcome.KEPT:
                    lost.append(Lost(entity, reasons[code]))
        results.append(Projection(spans=spans, lost=lost, n_source=len(sentence_entities), origin=origin))
    return results
