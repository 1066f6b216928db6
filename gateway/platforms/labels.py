"""The label mapping rule of the platform endpoints: model labels -> the labels a project defines.

A model label is kept when the project has it; otherwise it takes the project label given for it in the project's
``label_map``; otherwise the project label that equals it ignoring case, or one of its synonyms
(:data:`SYNONYMS`: ``PER`` ~ ``PERSON``, ``LOC`` ~ ``LOCATION``/``GPE``, ``ORG`` ~ ``ORGANIZATION``, ``MISC`` ~
``MISCELLANEOUS``); otherwise the entity is dropped (logged, and counted in the response where the contract has
room). With no project label set, every label is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

log = logging.getLogger("xner.platforms")

SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"PER", "PERSON", "PERS"}),
    frozenset({"LOC", "LOCATION", "GPE", "PLACE"}),
    frozenset({"ORG", "ORGANIZATION", "ORGANISATION", "CORPORATION"}),
    frozenset({"MISC", "MISCELLANEOUS", "OTHER"}),
)
"""Label spellings that mean the same entity type (compared in upper case)."""


class LabelMapper:
    """Map model labels onto a project's label set by the rule in the module docstring."""

    def __init__(self, project_labels: Iterable[str] | None, label_map: Mapping[str, str] | None = None) -> None:
        self.labels = list(project_labels) if project_labels is not None else None
        self.label_map = dict(label_map or {})
        self.dropped: dict[str, int] = {}
        self._by_upper = {name.upper(): name for name in self.labels or ()}
        self._by_synonym = {
            spelling: name
            for name in reversed(self.labels or ())
            for group in SYNONYMS
            if name.upper() in group
            for spelling in group
        }
        """Each synonym spelling -> the first project label of its group."""

    def __call__(self, label: str) -> str | None:
        """The project's label for ``label``, or ``None`` to drop the entity."""
        if self.labels is None or not self.labels:
            return self.label_map.get(label, label)
        if label in self.labels:
            return label
        if self.label_map.get(label) in self.labels:
            return self.label_map[label]
        mapped = self._by_upper.get(label.upper()) or self._by_synonym.get(label.upper())
        if mapped is not None:
            return mapped
        self.dropped[label] = self.dropped.get(label, 0) + 1
        return None

    def log_dropped(self, where: str) -> None:
        if self.dropped:
            log.info("%s: dropped entities whose label the project lacks: %s", where, self.dropped)
