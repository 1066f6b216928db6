"""The align service's step: word-align tokenised sentence pairs."""

from __future__ import annotations

from typing import Any

from xner.pipeline import align_links
from xner.service import backends
from xner.service.refs import resolve


def align_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"src": [[tokens]], "tgt": [[tokens]], "aligner"}`` -> ``{"alignments": [[[i, j], ...], ...]}``."""
    aligner = backends.get("aligner", payload["aligner"])
    links = align_links(aligner, resolve(payload["src"], upstream), resolve(payload["tgt"], upstream))
    return {"alignments": [[list(link) for link in pairs] for pairs in links]}
