"""The exception tree of xner.

Every error xner raises on purpose derives from :class:`XnerError`. The tree says who can fix it:

    XnerError
    ├── InputError              the caller can fix it (bad file, bad option, bad request): HTTP 4xx
    │   ├── FormatError         a file or payload does not parse; names the source, line and field
    │   ├── MismatchError       two inputs that must agree do not (pred vs gold, src vs tgt batches)
    │   ├── UnknownNameError    an unknown backend, method, scheme or language; lists the valid ones
    │   └── LimitError          an input is over a configured limit; names the limit and its value
    └── BackendError            a backend failed or is missing (model absent, package not installed)
        └── BackendUnavailable  a backend cannot run here (missing package or model); says what to install

The service layer maps each class to one HTTP status in one place; the CLI prints ``str(error)`` on one
line and exits non-zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


class XnerError(Exception):
    """Base of every error xner raises on purpose."""

    #: A short machine-readable name, used as ``error.type`` in JSON bodies.
    type_name = "xner_error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InputError(XnerError):
    """The input is wrong in a way the caller can fix."""

    type_name = "invalid_input"


class FormatError(InputError):
    """A file or payload does not parse. The message names where: source, line, field."""

    type_name = "format_error"

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        where = [part for part in (source, f"line {line}" if line is not None else None) if part]
        prefix = ":".join(where) if not field else ":".join([*where, field])
        message = f"{prefix}: {reason}" if prefix else reason
        super().__init__(message, details={"source": source, "line": line, "field": field, "reason": reason})
        self.reason = reason
        self.source = source
        self.line = line
        self.field = field


class MismatchError(InputError):
    """Two inputs that must agree (pred and gold, source and target batches) do not."""

    type_name = "mismatch"


class UnknownNameError(InputError):
    """An unknown backend, method, tag scheme or language. The message lists the valid names."""

    type_name = "unknown_name"

    def __init__(self, kind: str, name: str, valid: Iterable[str], hint: str | None = None) -> None:
        valid_list = sorted(valid)
        message = f"unknown {kind} {name!r}; valid: {', '.join(valid_list)}"
        if hint:
            message += f" ({hint})"
        super().__init__(message, details={"kind": kind, "name": name, "valid": valid_list})


class LimitError(InputError):
    """An input is over a configured limit."""

    type_name = "limit_exceeded"


class BackendError(XnerError):
    """A backend failed while working."""

    type_name = "backend_error"


class BackendUnavailable(BackendError):
    """A backend cannot run here: a package or model is missing. The message says what to install."""

    type_name = "backend_unavailable"


def field_path(location: Sequence[str | int], prefix: str = "") -> str:
    """A validation error's location as users write it: ``options.weights.bogus``, ``datasets[0].layout``
    (pydantic's ``body`` and ``[key]`` markers left out)."""
    path = prefix
    for part in location:
        if part in ("body", "[key]"):
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def field_message(message: str) -> str:
    """A validation message without pydantic's ``Value error, `` prefix (the library's own words stay)."""
    return message.removeprefix("Value error, ")
