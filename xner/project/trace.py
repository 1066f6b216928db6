"""What a projected sentence needs to explain itself: the source it came from, the word links it went through,
and the score and source entity of each projected span.

:func:`explain` adds these to a projected record's ``meta`` (the service's project step does it for every
sentence, so a viewer can draw the source, the links and the target side by side):

* ``meta.source = {"tokens": [str], "spans": [{"start", "end", "label"}]}`` (token indices, half-open);
* ``meta.links = [[i, j], ...]`` (source word ``i`` - target word ``j``, 0-based);
* ``meta.projection.scores = [float | null]``: one per projected span, in span order (methods that score);
* ``meta.projection.origin = [int]``: the index of the source entity each span projects (methods that track it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xner.corpus import Sentence, Span
from xner.project.links import Links
from xner.project.status import Projection


def span_dicts(spans: Iterable[Span]) -> list[dict[str, Any]]:
    """Token spans as ``{"start", "end", "label"}`` objects."""
    return [{"start": span.start, "end": span.end, "label": span.label} for span in spans]


def explain(meta: dict[str, Any], source: Sentence, links: Links, projection: Projection) -> dict[str, Any]:
    """A copy of ``meta`` with ``source``, ``links`` and the per-span ``projection.scores``/``origin`` added."""
    summary = dict(meta.get("projection") or projection.to_meta())
    scores = [span.score for span in projection.spans]
    if any(score is not None for score in scores):
        summary["scores"] = scores
    if len(projection.origin) == len(projection.spans) and projection.spans:
        summary["origin"] = list(projection.origin)
    return {
        **meta,
        "projection": summary,
        "source": {"tokens": list(source.tokens), "spans": span_dicts(source.spans)},
        "links": sorted([int(i), int(j)] for i, j in links),
    }
