"""Label handling shared by the taggers: model labels -> tags, and a label map applied to predicted spans.

Model labels are read as tags: ``B-PER``, ``I-PER``, ``E-``/``S-``/``L-``/``U-`` prefixes and ``O`` as they are;
a label without a prefix (``PER``) is read as ``I-PER`` (IOB1), so a run of it is one span.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from xner.corpus import Span, parse_tag
from xner.errors import InputError

#: OntoNotes 5 entity types (spaCy's English pipelines) -> CoNLL types; ``None`` drops the type. CoNLL types map
#: to themselves, so pipelines trained on CoNLL/WikiNER labels (``fr_core_news_sm``: PER/LOC/ORG/MISC) pass.
ONTONOTES_TO_CONLL: dict[str, str | None] = {
    "PERSON": "PER",
    "PER": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "PRODUCT": "MISC",
    "MISC": "MISC",
    "DATE": None,
    "TIME": None,
    "PERCENT": None,
    "MONEY": None,
    "QUANTITY": None,
    "ORDINAL": None,
    "CARDINAL": None,
}


def model_label_to_tag(label: str) -> str:
    """Read a model's label as a tag (see the module docstring)."""
    if label == "O":
        return label
    try:
        parse_tag(label)
    except ValueError:
        return f"I-{label}"
    return label


@dataclass(frozen=True)
class LabelMap:
    """Rename or drop predicted span labels, then keep only ``keep`` (the target corpus's label set) if given.

    ``mapping`` sends a label to a new one or to ``None`` (dropped); labels it does not name pass unchanged,
    unless ``only_mapped`` is set, in which case they are dropped.
    """

    mapping: Mapping[str, str | None] = field(default_factory=dict)
    keep: frozenset[str] | None = None
    only_mapped: bool = False

    def __call__(self, label: str) -> str | None:
        default = None if self.only_mapped else label
        mapped = self.mapping.get(label, default)
        if mapped is not None and self.keep is not None and mapped not in self.keep:
            return None
        return mapped

    def apply(self, spans: Iterable[Span]) -> list[Span]:
        """The spans with their labels mapped; dropped labels drop their spans."""
        out: list[Span] = []
        for span in spans:
            label = self(span.label)
            if label is not None:
                out.append(span if label == span.label else replace(span, label=label))
        return out

    @classmethod
    def build(
        cls,
        mapping: str | Mapping[str, str | None] | None = None,
        *,
        keep: Iterable[str] | str | None = None,
        drop: Iterable[str] | str | None = None,
        base: Mapping[str, str | None] | None = None,
        only_mapped: bool = False,
    ) -> LabelMap:
        """A map from ``base`` updated by ``mapping`` (a dict or ``"PERSON=PER,MISC="``), with ``drop`` labels
        sent to ``None`` and the result restricted to ``keep``; strings are comma-separated lists."""
        table: dict[str, str | None] = dict(base or {})
        table.update(parse_mapping(mapping) if isinstance(mapping, str) else dict(mapping or {}))
        for label in _names(drop):
            table[label] = None
        kept = frozenset(_names(keep)) if keep is not None else None
        return cls(table, kept, only_mapped)


def _names(value: Iterable[str] | str | None) -> list[str]:
    if value is None:
        return []
    items: Sequence[str] = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item.strip()]


def parse_mapping(text: str) -> dict[str, str | None]:
    """Parse ``"PERSON=PER,GPE=LOC,MISC="`` (an empty right side drops the label)."""
    table: dict[str, str | None] = {}
    for item in _names(text):
        source, sep, target = item.partition("=")
        if not sep or not source.strip():
            raise InputError(f"label map entry {item!r} is not SOURCE=TARGET (TARGET empty to drop)")
        table[source.strip()] = target.strip() or None
    return table
