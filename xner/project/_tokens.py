"""Token predicates shared by the projection methods."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65536)
def is_punct(token: str) -> bool:
    """True if every character of ``token`` (stripped) is punctuation or a symbol (Unicode P* or S*).

    This is wider than the reference's ``string.punctuation`` (ASCII only): ``«``, ``»``, ``¿``, ``–`` and
    ``€`` also count. An empty token is punctuation-only, as in the reference.
    """
    return all(unicodedata.category(ch)[0] in "PS" for ch in token.strip())
