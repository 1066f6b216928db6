"""Typological distances of target languages from the source: the carried URIEL table, or a file of one's own.

The bundled ``data/uriel_distances.tsv`` holds, for 59 languages (MasakhaNER 2.0, XTREME PAN-X, Europarl-NER),
the URIEL distances from English (syntactic, phonological, inventory, featural, genetic), computed by
``scripts/uriel_distances.py`` from the URIEL arrays shipped in the lang2vec 1.1.2 wheel (that script states
the method). lang2vec itself is not used at run time: 1.1.2 needs ``pkg_resources``, and later versions download
their distance tables.

A table of one's own (``distances:`` in the configuration) has the same shape: a ``code`` column (a language
code as the data set names it, or its ISO 639-3 / FLORES-200 prefix) and one column per distance kind.
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from xner.errors import InputError
from xner.languages import UnknownLanguageError, normalise_language

BUNDLED_SOURCE = "eng"
"""The source language of the bundled table (its distances are from English)."""

_BUNDLED = "uriel_distances.tsv"


def language_key(code: str) -> str:
    """The 3-letter key of a language code: its FLORES-200 prefix (``de`` -> ``deu``, ``sw`` -> ``swh``), or the
    code itself, lower-cased, when FLORES-200 does not know it (``pcm``, ``bbj``)."""
    try:
        return normalise_language(code)[:3]
    except UnknownLanguageError:
        return code.strip().lower()


class DistanceTable:
    """Distances of target languages from one source, by distance kind."""

    def __init__(self, rows: dict[str, dict[str, float]], origin: str) -> None:
        self.rows = rows
        self.origin = origin

    @classmethod
    def read(cls, text: str, origin: str) -> DistanceTable:
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        rows: dict[str, dict[str, float]] = {}
        for number, record in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
            code = record.pop("code", None)
            if not code:
                raise InputError(f"{origin}: row {number} has no 'code'")
            record.pop("uriel", None)
            try:
                rows[language_key(code)] = {kind: float(value) for kind, value in record.items() if value}
            except ValueError as exc:
                raise InputError(f"{origin}: row {number}: {exc}") from None
        return cls(rows, origin)

    @classmethod
    def bundled(cls) -> DistanceTable:
        """The URIEL table carried with xner (distances from English)."""
        text = resources.files("xner.experiment").joinpath("data", _BUNDLED).read_text(encoding="utf-8")
        return cls.read(text, f"URIEL ({_BUNDLED})")

    @classmethod
    def from_file(cls, path: Path) -> DistanceTable:
        try:
            return cls.read(path.read_text(encoding="utf-8"), str(path))
        except OSError as exc:
            raise InputError(f"cannot read the distance table {path}: {exc.strerror or exc}") from None

    def distance(self, lang: str, kind: str) -> float | None:
        """The ``kind`` distance of ``lang``, or ``None`` when the table lacks it."""
        return self.rows.get(language_key(lang), {}).get(kind)


def load_distances(source: str, path: Path | None) -> DistanceTable | None:
    """The table for ``source``: the file at ``path``, else the bundled one if ``source`` is English, else none."""
    if path is not None:
        return DistanceTable.from_file(path)
    if language_key(source) == BUNDLED_SOURCE:
        return DistanceTable.bundled()
    return None
