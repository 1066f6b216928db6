"""Easy-Label-Projection's file-to-file driver, re-implemented for the benches: the baseline of
``python -m bench.file_to_file``.

Easy-Label-Projection (García-Ferrero et al. 2022; Apache License 2.0) projects a labelled TSV corpus onto target
sentences with given word alignments in ``projection/annotation_proyection.py::dataset_projection``: its data
loader (``projection/dataset.py``) reads the source TSV (``word tag`` lines; entities as lists of word ids), the
target text and the Pharaoh (talp) alignments as ``src -> [tgt]`` dictionaries, in batches of 10,000 sentences;
each batch is split over ``os.cpu_count()`` worker processes (a new ``multiprocessing.Pool`` per batch) that run
``sentence_projection`` (:func:`bench.speed.reference_sentence_projection`, statement by statement) and join the
``word tag`` lines, written while the next batch is read. Kept as the original does it, including reading every
file twice (once to count its lines, once to stream it).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.speed import reference_sentence_projection

BATCH_SIZE = 10_000
"""Sentences per batch, as the original's ``run_projection`` calls ``dataset_projection``."""


def _count_lines(path: Path) -> int:
    with open(path, encoding="utf8") as handle:
        return sum(1 for _ in handle)


def _count_sentences(path: Path) -> int:
    sentences, open_sentence = 0, False
    with open(path, encoding="utf8") as handle:
        for line in handle:
            if line.strip() == "":
                sentences += 1
                open_sentence = False
            else:
                open_sentence = True
    return sentences + (1 if open_sentence else 0)


def _sources(path: Path) -> Iterator[tuple[list[str], list[str], list[list[int]]]]:
    with open(path, encoding="utf8") as handle:
        words: list[str] = []
        ids: list[list[int]] = []
        types: list[str] = []
        for line in handle:
            line = line.rstrip().strip()
            if line == "":
                yield words, types, ids
                words, ids, types = [], [], []
                continue
            word, tag = line.split()
            if tag.startswith(("B", "U")):
                ids.append([len(words)])
                types.append(tag.split("-")[1])
            elif tag.startswith("I"):
                tag_type = tag.split("-")[1]
                if ids[-1][-1] == len(words) - 1 and types[-1] == tag_type:
                    ids[-1].append(len(words))
                else:
                    ids.append([len(words)])
                    types.append(tag_type)
            words.append(word)
        if words:
            yield words, types, ids


def _targets(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf8") as handle:
        for sentence in handle:
            yield sentence.rstrip().strip().split()


def _alignments(path: Path) -> Iterator[dict[int, list[int]]]:
    with open(path, encoding="utf8") as handle:
        for alignment in handle:
            table: dict[int, list[int]] = {}
            for pair in alignment.rstrip().strip().split():
                source, target = pair.split("-")
                table.setdefault(int(source), []).append(int(target))
            yield table


def _batches(source: Path, target: Path, alignments: Path) -> Iterator[list[list[Any]]]:
    counts = (_count_sentences(source), _count_lines(target), _count_lines(alignments))
    assert counts[0] == counts[1] == counts[2], counts
    batch: list[list[Any]] = [[], [], [], [], []]
    for (words, types, ids), target_words, table in zip(
        _sources(source), _targets(target), _alignments(alignments), strict=True
    ):
        for column, value in zip(batch, (words, types, ids, target_words, table), strict=True):
            column.append(value)
        if len(batch[0]) == BATCH_SIZE:
            yield batch
            batch = [[], [], [], [], []]
    if batch[0]:
        yield batch


def _split(items: list[Any], parts: int) -> list[list[Any]]:
    size = math.ceil(len(items) / parts)
    return [items[k : k + size] for k in range(0, len(items), size)]


def _project_many(
    words: list[list[str]],
    types: list[list[str]],
    ids: list[list[list[int]]],
    targets: list[list[str]],
    tables: list[dict[int, list[int]]],
) -> str:
    output = []
    for source_words, source_types, source_ids, target_words, table in zip(
        words, types, ids, targets, tables, strict=True
    ):
        if target_words and source_words:
            tags = reference_sentence_projection(source_words, source_types, source_ids, target_words, table)
            output.append("\n".join(f"{w} {t}" for w, t in zip(target_words, tags, strict=True)))
    return "\n\n".join(output)


def dataset_projection(source: Path, target: Path, alignments: Path, output: Path) -> None:
    """Project ``source`` (TSV) onto ``target`` (text) through ``alignments`` (Pharaoh) into ``output``."""
    cpus = os.cpu_count() or 1
    projections: list[str] = []
    with open(output, "w", encoding="utf8") as out:
        for batch in _batches(source, target, alignments):
            with multiprocessing.Pool(cpus) as pool:
                job = pool.starmap_async(_project_many, zip(*(_split(column, cpus) for column in batch), strict=True))
                if projections:
                    print("\n\n".join(projections), file=out)
                    print(file=out)
                projections = job.get()
        if projections:
            print("\n\n".join(projections), file=out)
            print(file=out)
