"""The align service's step: word-align tokenised sentence pairs."""

from __future__ import annotations

from typing import Any

from xner.errors import InputError
from xner.project.config import parse_projection
from xner.project.links import align_links
from xner.service import backends
from xner.service.failures import failure_of
from xner.service.refs import resolve
from xner.service.steps import StepFunction


def align_step(payload: dict[str, Any], upstream: list[Any]) -> dict[str, Any]:
    """``{"src": [[tokens]], "tgt": [[tokens]], "aligner", "projection"?: {a ProjectionConfig}}`` ->
    ``{"alignments": [[[i, j], ...], ...]}``; the configuration's ``extraction`` and ``symmetrise`` apply.

    A pair with a failure placeholder on either side (its translation failed) is not aligned; its alignment is
    ``None``."""
    config = parse_projection(payload.get("projection"), where="projection")
    aligner = backends.get("aligner", payload["aligner"], **config.aligner_options())
    src, tgt = resolve(payload["src"], upstream), resolve(payload["tgt"], upstream)
    if len(src) != len(tgt):
        raise InputError(f"{len(src)} source sentences but {len(tgt)} target sentences")
    present = [k for k in range(len(tgt)) if failure_of(tgt[k]) is None and failure_of(src[k]) is None]
    links = align_links(aligner, [src[k] for k in present], [tgt[k] for k in present]) if present else []
    alignments: list[list[list[int]] | None] = [None] * len(tgt)
    for k, pairs in zip(present, links, strict=True):
        alignments[k] = [list(link) for link in pairs]
    return {"alignments": alignments}


STEPS: dict[str, StepFunction] = {"align": align_step}
"""The steps of this service by name (the queue each runs on is named like it); :mod:`xner.suite` registers them."""
