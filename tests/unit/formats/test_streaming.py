"""Readers stream: memory stays flat however large the file (a 1 GB corpus must not be loaded whole)."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from xner import formats
from xner.corpus import Sentence, Span

#: Size of the generated files; the peak of traced memory must stay far below it.
FILE_BYTES = 4_000_000
PEAK_LIMIT = 1_000_000


def sentences() -> Iterator[Sentence]:
    i = 0
    while True:
        yield Sentence(
            tokens=["Kofi", "Annan", "visited", f"Accra{i}", "."], spans=[Span(0, 2, "PER"), Span(3, 4, "LOC")]
        )
        i += 1


def make(path: Path, fmt: str) -> Path:
    with formats.atomic_text_file(path) as out:
        for sentence in sentences():
            formats.WRITERS[fmt]([sentence], out)
            if out.tell() > FILE_BYTES:
                break
    return path


def make_labelstudio(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        i = 0
        while out.tell() < FILE_BYTES:
            text = f"Kofi Annan visited Accra{i} ."
            value = {"start": 0, "end": 10, "text": "Kofi Annan", "labels": ["PER"]}
            out.write(
                ("," if i else "")
                + json.dumps({"data": {"text": text}, "annotations": [{"result": [{"value": value}]}]})
            )
            i += 1
        out.write("]")
    return path


@pytest.mark.parametrize("fmt", ["conll", "jsonl", "labelstudio"])
def test_reading_a_large_file_keeps_memory_flat(tmp_path, fmt):
    path = tmp_path / f"big.{fmt}"
    make_labelstudio(path) if fmt == "labelstudio" else make(path, fmt)
    assert path.stat().st_size > FILE_BYTES
    tracemalloc.start()
    try:
        count = sum(1 for _ in formats.read(path, fmt))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 20_000
    assert peak < PEAK_LIMIT, f"peak {peak} bytes while streaming a {path.stat().st_size}-byte file"
