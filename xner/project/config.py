"""The projection configuration: every choice of how labels are carried across, in one typed object.

:class:`ProjectionConfig` is parsed once (:func:`parse_projection`, one error vocabulary: ``field: message``) and
used unchanged by every surface: ``xner project`` and ``xner tag`` (one option per field, generated from this
class by :mod:`xner.cli.projection_options`), the REST corpus jobs (``options``) and ``/v1/ner/{lang}``
(``projection``), the platform backends (a project's ``projection``) and the experiment grid (a method is a named
configuration). A field added here is reachable from all of them; ``tests/service/test_projection_surfaces.py``
fails when a surface cannot express a configuration.

Which fields apply depends on the pipeline (:data:`PIPELINES`); :meth:`ProjectionConfig.check_for` names a field
set for a pipeline that does not use it, instead of ignoring it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from xner.align.registry import takes_extraction
from xner.align.symmetrise import canonical
from xner.errors import InputError, XnerError, field_message, field_path
from xner.languages import normalise_language
from xner.project.candidate_options import CandidateOptions
from xner.project.casing import CaseRepair

Method = Literal["heuristic", "heuristic-paper", "candidates", "markers"]
Extraction = Literal["argmax", "itermax", "match", "softmax"]
Score = Literal["align", "ner", "translation", "surface", "consistency"]
Pipeline = Literal["parallel", "translate-train", "translate-test"]
PIPELINES: tuple[Pipeline, ...] = get_args(Pipeline)
"""``parallel``: gold source onto a given target; ``translate-train``: onto its machine translation;
``translate-test``: a tagger's spans on the translation of the target, back onto the target."""

DEFAULT_METHOD: dict[Pipeline, Method] = {
    "parallel": "candidates",
    "translate-train": "candidates",
    "translate-test": "heuristic",
}
"""The method used when none is set: candidates where gold spans are projected; heuristic where a tagger's output
is projected back (translate-test: the same F1 on Europarl-NER, and faster; docs/pipelines.md)."""

CANDIDATE_FIELDS: tuple[str, ...] = (
    "candidates",
    "matching",
    "preset",
    "weights",
    "candidate_tagger",
    "scorer",
    "case_repair",
)
"""Fields only the ``candidates`` method reads."""

PRESET_FIELDS: tuple[str, ...] = ("matching", "case_repair")
"""Candidate fields a preset chooses for itself (``paper``: greedy, no case repair) unless the field is set."""

ALIGNMENT_FIELDS: tuple[str, ...] = ("extraction", "layer", "symmetrise")
"""Choices of how links are extracted, which a method that aligns nothing does not read."""

ALIGNING_FIELDS: tuple[str, ...] = ("aligner", *ALIGNMENT_FIELDS)
"""Every field that chooses how sentences are aligned (nothing reads them where the links are given)."""

ENCODER_FIELDS: dict[str, str] = {"extraction": "link extraction method", "layer": "encoder layer"}
"""Fields only an encoder aligner reads, with what each names (an error for another aligner says it has none)."""

TRANSLATING_METHODS: frozenset[str] = frozenset({"markers"})
"""Methods that translate the labelled side themselves (so they need translate-train: the target is their output)."""


# The alignment fields, typed once for every request model that takes them (the configuration, ``/v1/align``).
ExtractionField = Annotated[
    Extraction | None,
    Field(description="Encoder aligner's link extraction: itermax (default) | argmax | match | softmax"),
]


def _not_a_bool(value: Any) -> Any:
    """A layer number is a number: JSON ``true`` is not layer 1."""
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true or false")
    return value


LayerField = Annotated[
    Annotated[int, Field(ge=0)] | None,
    BeforeValidator(_not_a_bool),
    Field(
        description="Encoder aligner's hidden layer, 0 = the embeddings (default 8, mBERT's best; "
        "multilingual-e5-small does best at 7, docs/align.md)",
    ),
]
SymmetriseField = Annotated[
    str | None,
    Field(
        description="Symmetrisation: majority-fill (eflomal default) | majority | intersection | union | "
        "grow-diag-final-and | ..."
    ),
]


class ProjectionConfig(BaseModel):
    """How to translate, align and project. Unset fields take the surface's defaults (the server's settings, the
    CLI's defaults); :func:`parse_projection` reads one from a mapping."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    translator: str | None = Field(
        None, description="Translator SPEC (translate modes, markers, back-translation), e.g. apertium, nllb:MODEL"
    )
    aligner: str | None = Field(None, description="Aligner SPEC, e.g. eflomal, encoder:bert-base-multilingual-cased")
    extraction: ExtractionField = None
    layer: LayerField = None
    symmetrise: SymmetriseField = None
    method: Method | None = Field(
        None,
        description="heuristic | heuristic-paper | candidates | markers (default: candidates; heuristic in "
        "translate-test)",
    )
    candidates: Literal["ngram", "ner", "both"] = Field("ngram", description="Candidate spans: ngram | ner | both")
    matching: Literal["greedy", "exact"] = Field("exact", description="Candidate matching: greedy (the paper) | exact")
    preset: Literal["library", "paper"] = Field(
        "library", description="Candidate scoring preset: library (all scores) | paper (alignment only, greedy)"
    )
    weights: dict[Score, float] = Field(
        default_factory=dict,
        description="Fusion weights over the preset, e.g. align=1,surface=0.5 (align, ner, translation, surface, "
        "consistency)",
    )
    case_repair: CaseRepair = Field(
        "misc",
        description="A name matched to lower-case target words: misc (a word derived from a LOC/ORG name becomes "
        "MISC, one resembling none of its words is dropped) | drop (only the drop) | off (default misc; off in "
        "the paper preset)",
    )
    candidate_tagger: str | None = Field(None, description="Tagger SPEC proposing NER candidates on the target")
    scorer: str | None = Field(
        None, description="Translator SPEC scoring translations for the 'translation' weight (NMTScore), e.g. nllb"
    )
    backtranslation: bool = Field(
        False,
        description="Back-translation refinement: translate the labelled side into the target language with markers "
        "and align same-language",
    )
    via: str | None = Field(None, description="Translate-test pivot language (default eng_Latn)")

    @field_validator("symmetrise")
    @classmethod
    def _symmetrise(cls, value: str | None) -> str | None:
        return None if value is None else _checked(canonical, value)

    @field_validator("via")
    @classmethod
    def _via(cls, value: str | None) -> str | None:
        return None if value is None else _checked(normalise_language, value)

    @field_validator("translator", "aligner", "candidate_tagger", "scorer")
    @classmethod
    def _spec(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("a backend SPEC cannot be empty")
        return None if value is None else value.strip()

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        negative = sorted(name for name, weight in value.items() if weight < 0)
        if negative:
            raise ValueError(f"weights cannot be negative ({', '.join(negative)})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ProjectionConfig:
        if self.method == "markers" and self.backtranslation:
            raise ValueError(
                "backtranslation: method markers already translates with markers; backtranslation is for the others"
            )
        if self.weights.get("translation") and self.scorer is None:
            raise ValueError("weights: 'translation' needs a scorer (a translator SPEC that scores, e.g. nllb)")
        if self.scorer is not None and self.backtranslation:
            raise ValueError(
                "scorer: the translation score compares an entity with its translation, and back-translation "
                "projects within one language; use one or the other"
            )
        return self

    def method_for(self, pipeline: Pipeline) -> Method:
        """The projection method: the one set, else the pipeline's default (:data:`DEFAULT_METHOD`)."""
        return self.method or DEFAULT_METHOD[pipeline]

    def candidate_options(self) -> CandidateOptions:
        """The candidate projection's options: the preset, with :attr:`weights` over its own."""
        base = CandidateOptions.paper(self.candidates) if self.preset == "paper" else CandidateOptions(self.candidates)
        weights: dict[str, float] = dict(base.weights)
        weights.update({str(name): value for name, value in self.weights.items()})
        if self.scorer is None:  # no scorer, no translation score (explicit, not silently skipped)
            weights.pop("translation", None)
        paper = self.preset == "paper"  # the paper preset keeps its own choice of a field that is not set
        chosen = {field: getattr(self, field) for field in PRESET_FIELDS if not paper or field in self.model_fields_set}
        return replace(base, weights=weights, **chosen)

    def aligner_options(self) -> dict[str, Any]:
        """Options of :func:`xner.backends.load` for the aligner (``method``, ``layer``, ``symmetrise``), those set
        only."""
        options = {"method": self.extraction, "layer": self.layer, "symmetrise": self.symmetrise}
        return {key: value for key, value in options.items() if value is not None}

    def aligning_fields(self) -> list[str]:
        """The fields of :data:`ALIGNING_FIELDS` this configuration sets (to something other than ``None``)."""
        return [field for field in ALIGNING_FIELDS if getattr(self, field) is not None]

    def check_aligner(self, aligner: str, *, where: str = "") -> ProjectionConfig:
        """This configuration, after checking that no encoder-only field (:data:`ENCODER_FIELDS`) is set when
        ``aligner`` (a spec) is not an encoder: an :class:`InputError` naming the field otherwise. No model loads."""
        for field, what in ENCODER_FIELDS.items():
            if getattr(self, field) is not None and not takes_extraction(aligner):
                raise InputError(f"{where + '.' if where else ''}{field}: the {aligner} aligner has no {what}")
        return self

    @property
    def needs_tagger(self) -> bool:
        """Whether candidate projection asks a tagger for NER candidates."""
        return self.candidates in ("ner", "both")

    def check_for(self, pipeline: Pipeline, *, where: str = "") -> ProjectionConfig:
        """This configuration, after checking that every field set applies to ``pipeline`` and to the method it
        runs there: an :class:`InputError` naming the field (``where.field: ...``) otherwise, never a field
        silently ignored."""
        method = self.method_for(pipeline)
        name = (where + ".") if where else ""
        if method in TRANSLATING_METHODS and pipeline != "translate-train":
            raise InputError(
                f"{name}method: {method} translates the labelled sentences itself, so it needs translate-train (a "
                "target language, no target text); for a given target use backtranslation"
            )
        if self.via is not None and pipeline != "translate-test":
            raise InputError(f"{name}via: the pivot language applies to translate-test only, not to {pipeline}")
        changed = self.changed()
        if method != "candidates":
            for field in CANDIDATE_FIELDS:
                if field in changed:
                    raise InputError(f"{name}{field}: applies to method candidates only (the method is {method})")
        if method in TRANSLATING_METHODS:
            for field in ALIGNMENT_FIELDS:
                if field in changed:
                    raise InputError(f"{name}{field}: method {method} aligns nothing")
        return self

    def payload(self) -> dict[str, Any]:
        """The configuration as JSON for a job payload: the fields set, so that :func:`parse_projection` on the
        other side gives the same configuration, which fields were set included (a preset's own choices, such as
        ``paper``'s greedy matching and no case repair, hold unless a field overrides them)."""
        return self.model_dump(mode="json", exclude_unset=True)

    def changed(self) -> dict[str, Any]:
        """The fields set to something other than their default, JSON-ready (a compact label and cache key)."""
        default = ProjectionConfig()
        return {
            name: value
            for name, value in self.model_dump(mode="json").items()
            if value != getattr(default, name) and value not in (None, {})
        }

    def label(self) -> str:
        """A short name: ``candidates`` for the defaults, else the changed fields, e.g.
        ``heuristic+backtranslation`` or ``candidates,matching=greedy``."""
        changed = self.changed()
        parts = [str(changed.pop("method", "default"))]
        for name, value in changed.items():
            if value is True:
                parts.append(f"+{name}")
            elif isinstance(value, dict):
                parts.append(f",{name}=" + ",".join(f"{k}:{v:g}" for k, v in value.items()))
            else:
                parts.append(f",{name}={value}")
        return "".join(parts)


def _checked(check: Any, value: str) -> str:
    """``check(value)``, with the library's error turned into the message pydantic reports for the field."""
    try:
        result: str = check(value)
    except XnerError as exc:
        raise ValueError(str(exc)) from None
    return result


def describe_errors(error: ValidationError, prefix: str = "") -> str:
    """One ``field.path: message`` per problem, joined by ``; `` (the vocabulary of every configuration error)."""
    problems = []
    for item in error.errors():
        location, message = list(item["loc"]), field_message(str(item["msg"]))
        field, sep, rest = message.partition(": ")
        if sep and field in ProjectionConfig.model_fields:  # a rule over several fields names the one it blames
            location, message = [*location, field], rest
        where = field_path(location, prefix)
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)


def parse_projection(data: Mapping[str, Any] | ProjectionConfig | None, *, where: str = "") -> ProjectionConfig:
    """A :class:`ProjectionConfig` from a mapping (``None``: the defaults); an :class:`InputError` naming each field
    that is wrong (prefixed by ``where``, e.g. ``options``)."""
    if isinstance(data, ProjectionConfig):
        return data
    if data is not None and not isinstance(data, Mapping):
        raise InputError(f"{where or 'projection'}: must be a mapping of projection settings")
    try:
        return ProjectionConfig.model_validate(dict(data or {}))
    except ValidationError as exc:
        raise InputError(describe_errors(exc, where)) from None


def merged(base: ProjectionConfig, override: ProjectionConfig, *, where: str = "") -> ProjectionConfig:
    """``base`` with the fields ``override`` set explicitly (the server's configuration under a client's); a
    combination that is not valid is an :class:`InputError` naming the field (prefixed by ``where``)."""
    try:
        return ProjectionConfig.model_validate(
            {**base.model_dump(exclude_unset=True), **override.model_dump(exclude_unset=True)}
        )
    except ValidationError as exc:
        raise InputError(describe_errors(exc, where)) from None
