"""Span conventions: rewrite an English tagger's OntoNotes-style spans into CoNLL-style spans.

spaCy's English pipelines are trained on OntoNotes 5, whose entity extents differ from CoNLL-2003's (and from
the CoNLL-style gold of most NER test sets, Europarl-NER, MasakhaNER and PAN-X included). A
:class:`SpanConventions` normaliser fixes the differences that matter when the spans are scored or projected,
one rule at a time, in this order (each rule can be switched off):

1. ``determiners``: a leading article is not part of a name (OntoNotes: *[the European Union]*, CoNLL:
   *the [European Union]*); leading words in :data:`LEADING_DETERMINERS` are cut off.
2. ``possessives``: a trailing possessive clitic is not part of a name (*[Parliament 's]* -> *[Parliament]* 's);
   trailing words in :data:`POSSESSIVE_CLITICS` are cut off. Punctuation-only words (quotes, brackets, a
   stray full stop) at either edge are cut off too.
3. ``titles``: titles and forms of address are not part of a name (CoNLL: *Mr [Evans]*, *President [Prodi]*).
   Leading :data:`HONORIFICS` are cut from any span, and the rest is a person (*[Mrs Lynne]/ORG* ->
   *Mrs [Lynne]/PER*); leading :data:`OFFICE_TITLES` are cut from person spans only (*[President Prodi]*).
   A span made only of such words is dropped: it names nobody. This also removes a machine-translation
   artefact: Apertium renders *Señor Presidente* word for word as *Gentleman President*, which the tagger
   takes for an organisation; :data:`HONORIFICS` therefore holds the literal renderings *gentleman* and
   *lady* beside *Mr*, *Mrs*, *Sir*, ...
4. ``honorific_context``: a span right after an honorific (an optional full stop between) is a person
   (*Mr [Rapkay]/GPE* -> *Mr [Rapkay]/PER*): the title says what the tagger guessed.

Words are compared case-insensitively. The normaliser works on any labels: it only needs the label that
means *person* (``PERSON`` before the OntoNotes -> CoNLL map, ``PER`` after it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from xner.corpus import Span
from xner.errors import InputError

LEADING_DETERMINERS: frozenset[str] = frozenset({"the", "a", "an"})
"""Articles cut from the start of a span (rule ``determiners``)."""

POSSESSIVE_CLITICS: frozenset[str] = frozenset({"'s", "’s", "'", "’", "s'", "s’"})
"""Possessive clitics cut from the end of a span (rule ``possessives``)."""

HONORIFICS: frozenset[str] = frozenset(
    {
        "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mister", "messrs", "messrs.", "madam", "madame",
        "sir", "dame", "lady", "lord", "dr", "dr.", "prof", "prof.", "gentleman", "gentlemen", "ladies",
    }
)  # fmt: skip
"""Forms of address that introduce a person's name (rules ``titles`` and ``honorific_context``); includes
*gentleman*/*lady*, the word-for-word machine translations of *señor*/*señora*."""

OFFICE_TITLES: frozenset[str] = frozenset(
    {
        "president", "vice-president", "commissioner", "minister", "chairman", "chairwoman", "chairperson",
        "rapporteur", "secretary", "chancellor", "king", "queen", "prince", "princess", "pope", "senator",
        "governor", "mayor", "general", "judge", "ambassador", "premier",
    }
)  # fmt: skip
"""Titles of office cut from the start of person spans; a span of nothing but titles is dropped (``titles``)."""


RULES = ("determiners", "possessives", "titles", "honorific_context")
"""The rules of :class:`SpanConventions`, in the order they apply."""


def _is_punct(word: str) -> bool:
    return bool(word) and not any(ch.isalnum() for ch in word)


@dataclass(frozen=True)
class SpanConventions:
    """Rewrite spans from OntoNotes to CoNLL conventions (see the module docstring for the rules)."""

    person: str = "PERSON"
    """The label of person spans (set it to the label the spans carry when the normaliser runs)."""
    determiners: bool = True
    possessives: bool = True
    titles: bool = True
    honorific_context: bool = True

    @classmethod
    def with_rules(cls, enabled: Iterable[str], *, person: str = "PERSON") -> SpanConventions:
        """A normaliser with only the rules named in ``enabled`` (from :data:`RULES`) switched on."""
        on = set(enabled)
        if unknown := on - set(RULES):
            raise InputError(f"unknown span-convention rules {sorted(unknown)}; the rules are {', '.join(RULES)}")
        return cls(
            person=person,
            determiners="determiners" in on,
            possessives="possessives" in on,
            titles="titles" in on,
            honorific_context="honorific_context" in on,
        )

    def normalise(self, words: Sequence[str], spans: Sequence[Span]) -> list[Span]:
        """The spans of one sentence of ``words`` rewritten by the enabled rules; dropped spans are left out."""
        out: list[Span] = []
        for span in spans:
            fixed = self._normalise_span(words, span)
            if fixed is not None:
                out.append(fixed)
        return out

    def _normalise_span(self, words: Sequence[str], span: Span) -> Span | None:
        lower = [w.lower() for w in words]
        start, end, label = span.start, span.end, span.label

        def trim() -> None:
            nonlocal start, end
            while start < end and (
                (self.possessives and _is_punct(words[start]))
                or (self.determiners and lower[start] in LEADING_DETERMINERS)
            ):
                start += 1
            while (
                start < end and self.possessives and (_is_punct(words[end - 1]) or lower[end - 1] in POSSESSIVE_CLITICS)
            ):
                end -= 1

        trim()
        if self.titles:
            if start < end and all(w in HONORIFICS or w in OFFICE_TITLES for w in lower[start:end]):
                return None
            honorific = False
            while start < end and lower[start] in HONORIFICS:
                start, honorific = start + 1, True
                trim()
            if honorific and start < end:
                label = self.person
            if label == self.person:
                while start < end - 1 and lower[start] in OFFICE_TITLES:
                    start += 1
                    trim()
        if start >= end:
            return None
        if self.honorific_context and label != self.person and self._after_honorific(lower, start):
            label = self.person
        if (start, end, label) == (span.start, span.end, span.label):
            return span
        return replace(span, start=start, end=end, label=label, char_start=None, char_end=None)

    @staticmethod
    def _after_honorific(lower: Sequence[str], start: int) -> bool:
        before = start - 1
        if before >= 0 and lower[before] == ".":
            before -= 1
        return before >= 0 and lower[before] in HONORIFICS
