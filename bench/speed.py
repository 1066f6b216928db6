"""Projection speed with given alignments: ours vs the reference ``sentence_projection``.

    python -m bench.speed [--cache DIR] [--repeat 20]

The reference is Easy-Label-Projection's ``projection/annotation_proyection.py::sentence_projection``
(García-Ferrero et al. 2022), re-implemented below step by step from its published behaviour, quirks
included (gap fill by merged extent, neighbour-only collisions, tag overwriting). It is given its inputs
ready-made (entity types and index lists, the ``src -> [tgt]`` dictionary), so only the projection itself
is timed; ours is timed from plain spans and link lists, conversions included.
"""

from __future__ import annotations

import argparse
import string
import time
from collections.abc import Sequence
from pathlib import Path

from xner.corpus import Sentence, Span, tags_to_spans
from xner.project.fast import project_heuristic_corpus
from xner.project.heuristic import project_heuristic
from xner.project.links import Link

_PUNCT = set(string.punctuation)


def reference_sentence_projection(
    source_words: list[str],
    source_tags_type: list[str],
    source_tags_ids: list[list[int]],
    target_words: list[str],
    alignments: dict[int, list[int]],
) -> list[str]:
    """Re-implementation of the reference function (see the module doc): IOB2 tags of the target."""
    if not target_words or not source_words:
        return ["O"] * len(target_words)
    ids: list[list[int]] = []
    types: list[str] = []
    for tag_ids, tag_type in zip(source_tags_ids, source_tags_type, strict=True):
        found: list[int] = []
        for i in tag_ids:
            found.extend(alignments.get(i, ()))
        found = sorted(set(found))
        if found:
            ids.append(found)
            types.append(tag_type)
    for k in range(len(ids) - 1, -1, -1):  # remove punctuation-only words, then empty tags
        for m in range(len(ids[k]) - 1, -1, -1):
            if all(ch in _PUNCT for ch in target_words[ids[k][m]].strip()):
                del ids[k][m]
        if not ids[k]:
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
        if ids[k][-1] >= ids[k + 1][0] and types[k] == types[k + 1]:
            ids[k] = sorted(set(ids[k] + ids[k + 1]))
            del ids[k + 1]
            del types[k + 1]
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
    """Time the three implementations on every language's corpus repeated ``repeat`` times; print and
    return ours (vectorised) / reference in sentences per second."""
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

    def reference() -> None:
        for (words, types, ids, table), target in zip(prepared, target_words, strict=True):
            reference_sentence_projection(words, types, ids, target, table)

    def ours_per_sentence() -> None:
        for entities, length, target, sentence_links in zip(spans, lengths, target_words, all_links, strict=True):
            project_heuristic(entities, target, sentence_links, n_source=length)

    def ours_vectorised() -> None:
        project_heuristic_corpus(spans, lengths, target_words, all_links)

    t_ref = _best_of(3, reference)
    t_one = _best_of(3, ours_per_sentence)
    t_vec = _best_of(3, ours_vectorised)
    same = sum(
        p.spans == tags_to_spans(tags)
        for p, tags in zip(
            project_heuristic_corpus(
                spans[: n // repeat], lengths[: n // repeat], target_words[: n // repeat], all_links[: n // repeat]
            ),
            (
                reference_sentence_projection(w, ty, ids, t, tb)
                for (w, ty, ids, tb), t in zip(prepared[: n // repeat], target_words[: n // repeat], strict=True)
            ),
            strict=True,
        )
    )
    print(f"\nheuristic projection with given alignments, {n} sentence pairs (best of 3)")
    print(f"{'implementation':<34}{'sentences/s':>14}{'vs reference':>14}")
    for name, seconds in (
        ("reference sentence_projection", t_ref),
        ("ours, per sentence", t_one),
        ("ours, vectorised corpus", t_vec),
    ):
        print(f"{name:<34}{n / seconds:>14,.0f}{t_ref / seconds:>13.1f}x")
    print(f"same spans as the reference on {same} of {n // repeat} sentence pairs (the rest: documented choices)")
    return t_ref / t_vec


def main() -> None:
    from bench.europarl import alignments, load

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
