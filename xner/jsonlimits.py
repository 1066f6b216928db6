"""Bounds on JSON input: nesting depth and number length, checked on the raw text before (or instead of) parsing.

Python's parser turns hostile JSON into errors nobody can act on: 100,000 nested brackets raise ``RecursionError``
(or exhaust the stack of whatever walks the result later), an integer of over 4,300 digits raises a bare
``ValueError``. :func:`problem` finds both on the raw text in a few linear passes in C (strings are blanked first,
so brackets and digits inside them do not count), and :func:`loads` parses only text that is within the bounds.
Every reader of JSON that comes from outside (request bodies, multipart fields, JSON Lines and Label Studio
documents) goes through here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from xner.defaults import MAX_JSON_DEPTH, MAX_NUMBER_DIGITS

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
"""A JSON string (escapes included); blanked before counting brackets and digits."""

_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")

_OPEN = (ord("["), ord("{"))


class JsonLimitError(ValueError):
    """JSON over a bound; the message names the bound and its setting."""


def problem(data: str | bytes, *, max_depth: int = MAX_JSON_DEPTH, max_digits: int = MAX_NUMBER_DIGITS) -> str | None:
    """What makes ``data`` exceed the bounds (a message naming the limit), or ``None`` when it is within them."""
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    skeleton = _STRING.sub(b'""', raw) if b'"' in raw else raw
    if re.search(rb"\d{%d}" % (max_digits + 1), skeleton):
        return f"a JSON number has more than {max_digits} digits; the limit (max_number_digits) is {max_digits}"
    if skeleton.count(b"[") + skeleton.count(b"{") <= max_depth:
        return None  # too few brackets to nest deeper than the limit
    depth = nesting_depth(skeleton)
    if depth > max_depth:
        return f"JSON nested deeper than {max_depth} levels ({depth} seen); the limit (max_json_depth) is {max_depth}"
    return None


def nesting_depth(skeleton: bytes) -> int:
    """The deepest nesting of brackets in JSON text whose strings are blanked."""
    brackets = np.frombuffer(_NOT_BRACKET.sub(b"", skeleton), dtype=np.uint8)
    if not brackets.size:
        return 0
    steps = np.where((brackets == _OPEN[0]) | (brackets == _OPEN[1]), 1, -1)
    return int(np.cumsum(steps).max())


def check(data: str | bytes, *, max_depth: int = MAX_JSON_DEPTH, max_digits: int = MAX_NUMBER_DIGITS) -> None:
    """Raise :class:`JsonLimitError` when ``data`` exceeds the bounds."""
    found = problem(data, max_depth=max_depth, max_digits=max_digits)
    if found is not None:
        raise JsonLimitError(found)


def loads(data: str | bytes, *, max_depth: int = MAX_JSON_DEPTH, max_digits: int = MAX_NUMBER_DIGITS) -> Any:
    """``json.loads`` of text within the bounds (:class:`JsonLimitError` otherwise; malformed JSON raises
    ``json.JSONDecodeError`` as usual)."""
    check(data, max_depth=max_depth, max_digits=max_digits)
    return json.loads(data)
