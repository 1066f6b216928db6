"""Readers and writers by format name: ``conll``, ``jsonl``, ``doccano``, ``labelstudio``, ``text``.

``read(path, fmt)`` streams :class:`~xner.corpus.Sentence` objects; ``write(sentences, path, fmt)`` writes
them (``-`` is standard output) and returns the count. Without a format name, the file extension decides
(:func:`detect_format`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from xner.corpus import Sentence
from xner.errors import UnknownNameError
from xner.formats.conll import read_conll, write_conll
from xner.formats.jsonl import read_doccano, read_jsonl, write_doccano, write_jsonl
from xner.formats.labelstudio import read_labelstudio, write_labelstudio
from xner.formats.text import read_text, write_text

Reader = Callable[..., Iterator[Sentence]]
Writer = Callable[..., int]

READERS: dict[str, Reader] = {
    "conll": read_conll,
    "jsonl": read_jsonl,
    "doccano": read_doccano,
    "labelstudio": read_labelstudio,
    "text": read_text,
}
WRITERS: dict[str, Writer] = {
    "conll": write_conll,
    "jsonl": write_jsonl,
    "doccano": write_doccano,
    "labelstudio": write_labelstudio,
    "text": write_text,
}
FORMATS = tuple(READERS)

_EXTENSIONS = {
    ".conll": "conll",
    ".conll02": "conll",
    ".conll03": "conll",
    ".conllu": "conll",
    ".iob": "conll",
    ".iob2": "conll",
    ".bio": "conll",
    ".tsv": "conll",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "labelstudio",
    ".txt": "text",
    ".tok": "text",
}


def check_format(name: str) -> str:
    """Return ``name`` if it is a known format, else raise listing the valid ones."""
    if name not in READERS:
        raise UnknownNameError("format", name, FORMATS)
    return name


def detect_format(path: str | Path, default: str = "conll") -> str:
    """The format implied by a file's extension (``.conll*``/``.iob``/``.tsv`` -> conll, ``.jsonl`` -> jsonl,
    ``.json`` -> labelstudio, ``.txt`` -> text), else ``default``."""
    return _EXTENSIONS.get(Path(str(path)).suffix.lower(), default)


def read(path: str | Path, fmt: str | None = None, **options: Any) -> Iterator[Sentence]:
    """Stream the sentences of ``path`` in format ``fmt`` (detected from the extension when ``None``)."""
    return READERS[check_format(fmt or detect_format(path))](path, **options)


def write(sentences: Iterable[Sentence], path: str | Path, fmt: str | None = None, **options: Any) -> int:
    """Write ``sentences`` to ``path`` (``-`` = stdout). The file appears only once complete."""
    writer = WRITERS[check_format(fmt or detect_format(path))]
    if str(path) == "-":
        return writer(sentences, sys.stdout, **options)
    with atomic_text_file(path) as out:
        return writer(sentences, out, **options)


def read_string(
    data: str, fmt: str, *, source: str = "<data>", limit: int | None = None, **options: Any
) -> list[Sentence]:
    """Parse an in-memory document (an upload or a JSON field) with the reader of ``fmt``; with ``limit``, stop
    after that many sentences (the rest of the document is never tokenised).

    Errors name ``source`` instead of a temporary path.
    """
    reader = READERS[check_format(fmt)]
    with tempfile.TemporaryDirectory(prefix="xner-") as directory:
        path = Path(directory) / "data"
        path.write_bytes(data.encode("utf-8", errors="surrogatepass"))
        return list(itertools.islice(reader(path, source=source, **options), limit))


@contextlib.contextmanager
def atomic_text_file(path: str | Path) -> Iterator[TextIO]:
    """Open a temporary file next to ``path`` and move it into place only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


__all__ = [
    "FORMATS",
    "READERS",
    "WRITERS",
    "atomic_text_file",
    "check_format",
    "detect_format",
    "read",
    "read_string",
    "write",
]
