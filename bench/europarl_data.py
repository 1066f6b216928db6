"""Europarl-NER for the benches: one side with its gold, and word links cached as Pharaoh files."""

from __future__ import annotations

from pathlib import Path

from bench.common import europarl_dir
from xner import backends, formats
from xner.corpus import Sentence
from xner.project import format_pharaoh, read_pharaoh
from xner.project.links import Link, align_links


def load(lang: str) -> list[Sentence]:
    """One side of Europarl-NER (``en``, ``de``, ``es``, ``it``) with its gold."""
    return list(formats.read(europarl_dir() / f"{lang}-europarl.test.conll02", "conll"))


def cached_links(aligner: str, src: list[Sentence], tgt: list[Sentence], path: Path | None) -> list[list[Link]]:
    """Links src -> tgt from the aligner ``aligner`` names, over the whole side at once; read from ``path`` when it
    exists, else computed and written there (so every method of a run is compared on the same links)."""
    if path is not None and path.is_file():
        return list(read_pharaoh(path))
    links = align_links(backends.load("aligner", aligner), [s.tokens for s in src], [t.tokens for t in tgt])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(format_pharaoh(x) + "\n" for x in links), encoding="utf-8")
    return links


def alignments(
    aligner: str, src: list[Sentence], tgt: list[Sentence], lang: str, cache: Path | None
) -> list[list[Link]]:
    """Links en->lang (:func:`cached_links`, cached as ``en-LANG.ALIGNER.links`` under ``cache``)."""
    return cached_links(aligner, src, tgt, cache / f"en-{lang}.{aligner}.links" if cache else None)
