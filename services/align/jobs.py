"""The align service's step: word-align tokenised sentence pairs."""

from __future__ import annotations

from typing import Any

from xner.project.links import align_links
from xner.service import backends
from xner.service.failures import failure_of
from xner.service.refs import resolve
from xner.service.steps import StepFunction


def align_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"src": [[tokens]], "tgt": [[tokens]], "aligner"}`` -> ``{"alignments": [[[i, j], ...], ...]}``.

    A target that is a failure placeholder (its translation failed) is not aligned; its alignment is ``None``."""
    aligner = backends.get("aligner", payload["aligner"])
    src, tgt = resolve(payload["src"], upstream), resolve(payload["tgt"], upstream)
    present = [k for k, target in enumerate(tgt) if failure_of(target) is None]
    links = align_links(aligner, [src[k] for k in present], [tgt[k] for k in present]) if present else []
    alignments: list[list[list[int]] | None] = [None] * len(tgt)
    for k, pairs in zip(present, links, strict=True):
        alignments[k] = [list(link) for link in pairs]
    return {"alignments": alignments}


STEPS: dict[str, StepFunction] = {"align": align_step}
"""The steps of this service by name (the queue each runs on is named like it); :mod:`xner.suite` registers them."""
