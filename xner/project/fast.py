"""The heuristic projection of a whole corpus at once, vectorised with numpy.

:func:`project_heuristic_corpus` gives exactly the projections of
:func:`~xner.project.heuristic.project_heuristic` (same spans, same losses, same reasons; a test holds it to
that), but works on flat arrays of every link of the corpus instead of one sentence at a time:

1. each link is mapped to the entity owning its source word (an array over all source words);
2. links outside entities, and links to punctuation-only target words, are dropped;
3. the sorted distinct ``(entity, target word)`` pairs are cut into runs wherever the entity changes or
   more than ``gap`` words are missing; the longest run (leftmost on ties) of each entity is kept;
4. only sentences where two kept runs overlap go through the per-sentence collision rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
from numpy.typing import NDArray

from xner.corpus import Span
from xner.errors import InputError, MismatchError
from xner.project import defaults
from xner.project._tokens import is_punct
from xner.project.heuristic import resolve_collisions
from xner.project.links import Links
from xner.project.status import Lost, Projection, Reason

IntArray = NDArray[np.int64]


def _offsets(lengths: Sequence[int]) -> IntArray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=offsets[1:])
    return offsets


def project_heuristic_corpus(
    entities: Sequence[Sequence[Span]],
    source_lengths: Sequence[int],
    targets: Sequence[Sequence[str]],
    alignments: Sequence[Links],
    *,
    gap: int = defaults.GAP,
    drop_punct: bool = defaults.DROP_PUNCT,
    names: Sequence[str] | None = None,
) -> list[Projection]:
    """Project every sentence's ``entities`` onto its ``targets`` words (see the module doc).

    ``names[k]`` names sentence ``k`` in error messages (default ``sentence k+1``).
    """
    n = len(entities)
    if not (len(source_lengths) == len(targets) == len(alignments) == n):
        raise MismatchError(
            f"{n} entity lists, {len(source_lengths)} source lengths, {len(targets)} targets, "
            f"{len(alignments)} alignments"
        )
    src_off = _offsets(source_lengths)
    tgt_len = np.fromiter((len(t) for t in targets), dtype=np.int64, count=n)

    # entity table, in sentence order then source order
    ent_count = np.fromiter((len(e) for e in entities), dtype=np.int64, count=n)
    flat_entities = list(chain.from_iterable(entities))
    n_ent = len(flat_entities)
    ent_sent = np.repeat(np.arange(n, dtype=np.int64), ent_count)
    bounds = np.fromiter(chain.from_iterable((e.start, e.end) for e in flat_entities), np.int64, 2 * n_ent)
    ent_start, ent_end = bounds[0::2], bounds[1::2]
    if n_ent and np.any(ent_end > np.asarray(source_lengths, dtype=np.int64)[ent_sent]):
        bad = int(ent_sent[np.argmax(ent_end > np.asarray(source_lengths, dtype=np.int64)[ent_sent])])
        raise InputError(f"{_name(names, bad)}: an entity is past the end of the source sentence")

    # owner[g]: the entity owning global source word g, or -1
    owner = np.full(int(src_off[-1]), -1, dtype=np.int64)
    ent_len = ent_end - ent_start
    within = np.arange(int(ent_len.sum()), dtype=np.int64) - np.repeat(np.cumsum(ent_len) - ent_len, ent_len)
    owner[np.repeat(src_off[ent_sent] + ent_start, ent_len) + within] = np.repeat(np.arange(n_ent), ent_len)

    # every link of the corpus
    link_count = np.fromiter((len(a) for a in alignments), dtype=np.int64, count=n)
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(alignments)), np.int64, 2 * int(link_count.sum()))
    link_sent = np.repeat(np.arange(n, dtype=np.int64), link_count)
    src_i, tgt_j = flat[0::2], flat[1::2]
    out_of_range = (src_i < 0) | (tgt_j < 0) | (src_i >= src_off[link_sent + 1] - src_off[link_sent])
    out_of_range |= tgt_j >= tgt_len[link_sent]
    if np.any(out_of_range):
        bad_link = int(np.argmax(out_of_range))
        k = int(link_sent[bad_link])
        raise InputError(
            f"{_name(names, k)}: alignment link {int(src_i[bad_link])}-{int(tgt_j[bad_link])} is out of range "
            f"(source has {source_lengths[k]} words, target has {len(targets[k])})"
        )
    link_ent = owner[src_off[link_sent] + src_i]
    keep = link_ent >= 0
    link_ent, tgt_j = link_ent[keep], tgt_j[keep]
    aligned = np.zeros(n_ent, dtype=bool)
    aligned[link_ent] = True

    pairs = np.unique(link_ent * (int(tgt_len.max(initial=0)) + 1) + tgt_j)
    pair_ent = pairs // (int(tgt_len.max(initial=0)) + 1)
    pair_j = pairs - pair_ent * (int(tgt_len.max(initial=0)) + 1)
    if drop_punct and len(pairs):
        sent_of_pair = ent_sent[pair_ent]
        words = [targets[s][j] for s, j in zip(sent_of_pair.tolist(), pair_j.tolist(), strict=True)]
        not_punct = np.fromiter((not is_punct(w) for w in words), dtype=bool, count=len(words))
        pair_ent, pair_j = pair_ent[not_punct], pair_j[not_punct]

    # runs: cut where the entity changes or more than `gap` words are missing
    cut = np.ones(len(pair_j), dtype=bool)
    cut[1:] = (pair_ent[1:] != pair_ent[:-1]) | (pair_j[1:] - pair_j[:-1] - 1 > gap)
    run_first = np.flatnonzero(cut)
    run_last = np.append(run_first[1:], len(pair_j)) - 1 if len(run_first) else run_first  # no links at all
    run_ent, run_start, run_end = pair_ent[run_first], pair_j[run_first], pair_j[run_last] + 1
    order = np.lexsort((run_start, -(run_end - run_start), run_ent))  # per entity: longest, then leftmost
    run_ent, run_start, run_end = run_ent[order], run_start[order], run_end[order]
    best = np.ones(len(run_ent), dtype=bool)
    best[1:] = run_ent[1:] != run_ent[:-1]
    win_ent, win_start, win_end = run_ent[best], run_start[best], run_end[best]

    # sentences where two projections overlap go through the collision rules
    win_sent = ent_sent[win_ent]
    by_start = np.lexsort((win_start, win_sent))
    s_sorted, st_sorted, en_sorted = win_sent[by_start], win_start[by_start], win_end[by_start]
    clash = np.zeros(n, dtype=bool)
    overlap = (s_sorted[1:] == s_sorted[:-1]) & (st_sorted[1:] < en_sorted[:-1])
    clash[s_sorted[1:][overlap]] = True

    projected: list[list[tuple[int, Span]]] = [[] for _ in range(n)]
    ent_first = np.concatenate([[0], np.cumsum(ent_count)])
    for e, a, b in zip(win_ent.tolist(), win_start.tolist(), win_end.tolist(), strict=True):
        s = int(ent_sent[e])
        projected[s].append((e - int(ent_first[s]), Span(a, b, flat_entities[e].label)))
    has_run = np.zeros(n_ent, dtype=bool)
    has_run[win_ent] = True

    results: list[Projection] = []
    for s in range(n):
        sentence_entities = entities[s]
        lost: list[Lost] = []
        base = int(ent_first[s])
        for k, entity in enumerate(sentence_entities):
            if not has_run[base + k]:
                lost.append(Lost(entity, Reason.PUNCTUATION_ONLY if aligned[base + k] else Reason.UNALIGNED))
        items = projected[s]
        if clash[s]:
            spans, collided = resolve_collisions(items)
            lost.extend(Lost(sentence_entities[k], reason) for k, reason in collided)
        else:
            spans = sorted((span for _, span in items), key=lambda x: x.start)
        results.append(Projection(spans=spans, lost=lost, n_source=len(sentence_entities)))
    return results


def _name(names: Sequence[str] | None, index: int) -> str:
    return names[index] if names is not None else f"sentence {index + 1}"
