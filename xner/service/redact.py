"""What of an error text may leave the server: :func:`public_message` hides where things are, keeps what went wrong.

Every error a client can read (an HTTP error body, a job's ``error``, a step's ``{"error": ...}`` result, a record's
reasons) passes here, so an exception that names a file, a URL or a network address of the server (an Apertium
mode file, a model directory, the Redis URL with its password) says what failed without saying where::

    /usr/share/apertium/modes/eng-spa.mode  ->  <path>
    redis://user:pw@10.0.0.5:6379/0         ->  <url>
    10.0.0.5, localhost:6379, [::1]:6379    ->  <address>

A hub id (``FacebookAI/xlm-roberta-base``: no leading slash), a relative path, a language code (``eng_Latn``) and a
spec name (``hf:FacebookAI/xlm-roberta-base``) stay as they are.
"""

from __future__ import annotations

import re
from typing import Any

PATH = "<path>"
URL = "<url>"
ADDRESS = "<address>"

_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]{0,31}://[^\s'\"<>`]+")
"""A URL with a scheme (``redis://``, ``http://``, ``file://``), up to whitespace or a quote. Every pattern here is
bounded so that it runs in linear time, whatever text (a client's, quoted in a message) it is given."""

_WINDOWS_PATH = re.compile(r"(?<![\w/\\])[A-Za-z]:\\[^\s'\"<>`|]*")
"""``C:\\...``: a drive letter, a colon and a backslash."""

_POSIX_PATH = re.compile(r"(?<![\w.~/\\<])~?/[^\s'\"<>`|,;:()\[\]{}]+")
"""An absolute path (or ``~/...``): a slash not preceded by a word character (so ``a/b`` and hub ids stay), up to
whitespace, a quote, a colon (``PATH:line 3``) or punctuation that ends a phrase."""

_IPV6 = re.compile(r"\[[0-9A-Fa-f.]{0,39}:[0-9A-Fa-f:.]{1,45}\](?::\d{1,5})?")
"""A bracketed IPv6 address, optionally with a port (``[::1]:6379``)."""

_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?!\w|\.\w)")
"""A dotted IPv4 address, optionally with a port."""

_HOST_PORT = re.compile(r"(?<![\w.:/-])[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*:\d{2,5}(?!\w|\.\w|:)")
"""``host:port`` (``localhost:6379``, ``redis.internal:6379``): a host name starting with a letter and a port."""

_TRAILING = ".,;:!?)"
"""Punctuation that ends a sentence rather than a path or URL (``... in /tmp/x.`` keeps its full stop)."""


def public_message(text: str) -> str:
    """``text`` with absolute paths, URLs and network addresses replaced by ``<path>``, ``<url>``, ``<address>``."""
    text = _URL.sub(lambda match: _replace(match, URL), text)
    text = _WINDOWS_PATH.sub(lambda match: _replace(match, PATH), text)
    text = _POSIX_PATH.sub(lambda match: _replace(match, PATH), text)
    text = _IPV6.sub(ADDRESS, text)
    text = _IPV4.sub(ADDRESS, text)
    return _HOST_PORT.sub(ADDRESS, text)


def public_details(value: Any) -> Any:
    """A JSON-like error ``details`` value with :func:`public_message` applied to every string in it."""
    if isinstance(value, str):
        return public_message(value)
    if isinstance(value, dict):
        return {key: public_details(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [public_details(item) for item in value]
    return value


def _replace(match: re.Match[str], placeholder: str) -> str:
    """The placeholder, keeping the sentence punctuation the pattern swallowed at the end of the match."""
    found = match.group(0)
    kept = found.rstrip(_TRAILING)
    return placeholder + found[len(kept) :]
