"""One command-line option per field of :class:`~xner.project.config.ProjectionConfig`, generated from the class.

``@projection_options`` on a command adds ``--translator``, ``--aligner``, ``--extraction``, ... ``--via`` (a flag
for a bool field, ``KEY=VALUE,...`` for a mapping), with each field's description as its help, under a
"Projection" panel; the command receives the parsed configuration as its ``projection`` argument. A field added
to the configuration is an option of every projecting command without touching them.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Annotated, Any, get_args, get_origin

import typer

from xner.errors import InputError
from xner.project.config import ProjectionConfig, parse_projection

PANEL = "Projection"
"""The help panel grouping the generated options."""

SPEC_FIELDS = frozenset({"translator", "aligner", "candidate_tagger", "scorer"})
"""Fields naming a backend (``NAME[:MODEL]``)."""

LANGUAGE_FIELDS = frozenset({"via"})
"""Fields naming a language."""

PREFIX = "projection__"
"""Prefix of the generated parameters' names (kept apart from the command's own)."""


def option_name(field: str) -> str:
    """The command-line spelling of a field: ``candidate_tagger`` -> ``--candidate-tagger``."""
    return "--" + field.replace("_", "-")


def _is_mapping(annotation: Any) -> bool:
    return get_origin(annotation) is dict


def _is_flag(annotation: Any) -> bool:
    return annotation is bool


def _help(name: str) -> str:
    field = ProjectionConfig.model_fields[name]
    default = field.get_default(call_default_factory=True)
    text = field.description or name
    if default not in (None, {}, False) and "default" not in text:
        text += f" (default: {default})"
    return text


def _parameters() -> list[inspect.Parameter]:
    parameters = []
    for name, field in ProjectionConfig.model_fields.items():
        if _is_flag(field.annotation):
            annotation: Any = Annotated[bool, typer.Option(option_name(name), help=_help(name), rich_help_panel=PANEL)]
            default: Any = False
        else:
            metavar = "KEY=VALUE,..." if _is_mapping(field.annotation) else _metavar(name, field.annotation)
            annotation = Annotated[
                str | None,
                typer.Option(
                    option_name(name), help=_help(name), metavar=metavar, rich_help_panel=PANEL, show_default=False
                ),
            ]
            default = None
        parameters.append(
            inspect.Parameter(PREFIX + name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        )
    return parameters


def _metavar(name: str, annotation: Any) -> str:
    """``SPEC`` for a backend spec, ``LANG`` for a language, ``NAME`` for a choice (the help lists them), ``N`` for
    a number."""
    if name in SPEC_FIELDS:
        return "SPEC"
    if name in LANGUAGE_FIELDS:
        return "LANG"
    choices = [annotation, *get_args(annotation)]
    if int in choices:
        return "N"
    return "NAME" if any(get_origin(arg) is typing.Literal for arg in choices) else "TEXT"


def parse_mapping(text: str, option: str) -> dict[str, float]:
    """``align=1,surface=0.5`` -> ``{"align": 1.0, "surface": 0.5}``; an :class:`InputError` naming the option."""
    out: dict[str, float] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise InputError(f"{option}: {item!r} is not KEY=NUMBER (e.g. align=1,surface=0.5)") from None
    return out


def config_from_options(values: dict[str, Any]) -> ProjectionConfig:
    """The configuration from the generated options' values (unset options leave their fields unset)."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or value is False:
            continue
        if _is_mapping(ProjectionConfig.model_fields[name].annotation):
            value = parse_mapping(value, option_name(name))
        data[name] = value
    return parse_projection(data)


def as_options(message: str) -> str:
    """A configuration error in the command line's words: ``weights.bogus: ...`` -> ``--weights: bogus: ...``."""
    problems = []
    for problem in message.split("; "):
        where, sep, rest = problem.partition(": ")
        field, _, key = where.partition(".")
        if sep and field in ProjectionConfig.model_fields:
            problem = f"{option_name(field)}: {key + ': ' if key else ''}{rest}"
        problems.append(problem)
    return "; ".join(problems)


def projection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``command`` one option per configuration field; it is called with ``projection=`` the configuration."""
    signature = inspect.signature(command)
    own = [p for p in signature.parameters.values() if p.name != "projection"]
    added = _parameters()
    hints = typing.get_type_hints(command, include_extras=True)

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        values = {name.removeprefix(PREFIX): kwargs.pop(name) for name in list(kwargs) if name.startswith(PREFIX)}
        try:
            return command(**kwargs, projection=config_from_options(values))
        except InputError as exc:  # name the options as the user typed them
            message = as_options(str(exc))
            if type(exc) is not InputError or message == str(exc):
                raise
            raise InputError(message, details=exc.details) from None

    parameters = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in own]
    wrapper.__signature__ = signature.replace(parameters=[*parameters, *added])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in [*parameters, *added]}
    return wrapper
