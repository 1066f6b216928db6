"""Heuristic alignment projection (García-Ferrero et al. 2022), and the variant of arXiv 2501.18750's code.

:func:`project_heuristic` (method ``heuristic``), for each source entity:

1. collect the target words aligned to any of its words;
2. drop the punctuation-only ones (``drop_punct``; see :func:`xner.project._tokens.is_punct`);
3. split them into runs of consecutive words and merge neighbouring runs separated by at most ``gap``
   unaligned words (**choice**: the README semantics of Easy-Label-Projection, ``O B I O I -> O B I I I``;
   its code instead merges only when the merged extent is at most ``gap + 2`` words, so ``[1,2] + [4]`` is
   not merged there but is here);
4. keep the longest run (the leftmost among equally long ones).

Then collisions between the projections of different entities (:func:`resolve_collisions`):
overlapping projections of the same type are united (the extent of both); then, of overlapping projections
of different types, the longer is kept (**choice**: on equal length the earlier source entity wins; the
reference keeps the later one). Unlike the reference, which only compares neighbours in source order and lets
later spans overwrite earlier ones when writing tags, every pair is compared, so the output never depends
on tag overwriting and spans are always contiguous.

:func:`project_heuristic_paper` (method ``heuristic-paper``) follows the paper repository's
``match_entities_based_on_word_alignments``: every maximal run of aligned words, runs merged when at most
``merge_distance`` words separate them, a run kept only if ``len(run) / len(entity) > ratio`` (strict), all
surviving runs labelled in entity order with later entities overwriting earlier ones at the tag level.
No punctuation is dropped unless asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from xner.corpus import Span, tags_to_spans
from xner.project import defaults
from xner.project._tokens import is_punct
from xner.project.links import Link, check_links
from xner.project.status import Lost, Projection, Reason


def runs(indices: Sequence[int], gap: int) -> list[tuple[int, int]]:
    """Half-open runs of the sorted, distinct ``indices``; runs separated by ``<= gap`` missing words merge."""
    if not indices:
        return []
    found: list[tuple[int, int]] = []
    start = previous = indices[0]
    for index in indices[1:]:
        if index - previous - 1 > gap:
            found.append((start, previous + 1))
            start = index
        previous = index
    found.append((start, previous + 1))
    return found


def aligned_targets(links: Iterable[Link]) -> dict[int, list[int]]:
    """Map each source index to its aligned target indices."""
    by_source: dict[int, list[int]] = defaultdict(list)
    for i, j in links:
        by_source[i].append(j)
    return by_source


def _targets_of(entity: Span, by_source: dict[int, list[int]]) -> list[int]:
    found: set[int] = set()
    for i in range(entity.start, entity.end):
        found.update(by_source.get(i, ()))
    return sorted(found)


def project_heuristic(
    entities: Sequence[Span],
    target: Sequence[str],
    links: Iterable[Link],
    *,
    n_source: int | None = None,
    gap: int = defaults.GAP,
    drop_punct: bool = defaults.DROP_PUNCT,
    where: str = "sentence",
) -> Projection:
    """Project ``entities`` (source spans) onto the ``target`` words through ``links`` (see the module doc).

    ``n_source`` (the source sentence length) enables the range check of the links; ``where`` names the
    sentence in error messages.
    """
    links = check_links(links, n_source, len(target), where=where)
    by_source = aligned_targets(links)
    projected: list[tuple[int, Span]] = []
    lost: list[tuple[int, Reason]] = []
    for order, entity in enumerate(entities):
        indices = _targets_of(entity, by_source)
        if not indices:
            lost.append((order, Reason.UNALIGNED))
            continue
        if drop_punct:
            indices = [j for j in indices if not is_punct(target[j])]
            if not indices:
                lost.append((order, Reason.PUNCTUATION_ONLY))
                continue
        start, end = max(runs(indices, gap), key=lambda run: run[1] - run[0])
        projected.append((order, Span(start, end, entity.label)))
    kept, collided = resolve_collisions(projected)
    return Projection(
        spans=[span for _, span in kept],
        lost=[Lost(entities[order], reason) for order, reason in sorted(lost + collided)],
        n_source=len(entities),
        origin=[order for order, _ in kept],
    )


def resolve_collisions(
    projected: Sequence[tuple[int, Span]],
) -> tuple[list[tuple[int, Span]], list[tuple[int, Reason]]]:
    """Resolve overlaps among ``(source order, target span)`` pairs (see the module doc).

    Returns the kept ``(source order, span)`` pairs sorted by start, and ``(source order, reason)`` (sorted by
    source order) for every projection that was merged into another (:attr:`Reason.MERGED`) or removed
    (:attr:`Reason.COLLISION`).
    """
    items = sorted(projected)
    removed: list[tuple[int, Reason]] = []
    merged = True
    while merged:  # unite overlapping same-type projections until none are left
        merged = False
        for a in range(len(items)):
            for b in range(a + 1, len(items)):
                (order_a, span_a), (order_b, span_b) = items[a], items[b]
                if span_a.label == span_b.label and span_a.overlaps(span_b):
                    union = Span(min(span_a.start, span_b.start), max(span_a.end, span_b.end), span_a.label)
                    items[a] = (order_a, union)
                    removed.append((order_b, Reason.MERGED))
                    del items[b]
                    merged = True
                    break
            if merged:
                break
    kept: list[tuple[int, Span]] = []
    for order, span in sorted(items, key=lambda item: (-len(item[1]), item[0])):
        if any(span.overlaps(other) for _, other in kept):
            removed.append((order, Reason.COLLISION))
        else:
            kept.append((order, span))
    kept.sort(key=lambda item: item[1].start)
    return kept, sorted(removed)


def project_heuristic_paper(
    entities: Sequence[Span],
    target: Sequence[str],
    links: Iterable[Link],
    *,
    n_source: int | None = None,
    merge_distance: int = defaults.PAPER_MERGE_DISTANCE,
    ratio: float = defaults.PAPER_LENGTH_RATIO,
    drop_punct: bool = False,
    where: str = "sentence",
) -> Projection:
    """The paper code's heuristic (see the module doc): all runs over the length ratio, tags overwritten."""
    links = check_links(links, n_source, len(target), where=where)
    by_source = aligned_targets(links)
    tags = ["O"] * len(target)
    writer = [-1] * len(target)
    lost: list[Lost] = []
    lost_orders: set[int] = set()
    for order, entity in enumerate(entities):
        indices = _targets_of(entity, by_source)
        if drop_punct:
            indices = [j for j in indices if not is_punct(target[j])]
        if not indices:
            lost.append(Lost(entity, Reason.UNALIGNED))
            lost_orders.add(order)
            continue
        kept = [run for run in runs(indices, merge_distance) if (run[1] - run[0]) / len(entity) > ratio]
        if not kept:
            lost.append(Lost(entity, Reason.TOO_SHORT))
            lost_orders.add(order)
            continue
        for start, end in kept:
            tags[start] = f"B-{entity.label}"
            writer[start] = order
            for j in range(start + 1, end):
                tags[j] = f"I-{entity.label}"
                writer[j] = order
    spans = tags_to_spans(tags)
    survivors = {writer[span.start] for span in spans}
    for order, entity in enumerate(entities):
        if order not in survivors and order not in lost_orders:
            lost.append(Lost(entity, Reason.COLLISION))
    return Projection(spans=spans, lost=lost, n_source=len(entities))
