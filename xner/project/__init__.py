"""Annotation projection: carry entity spans from labelled source sentences to target sentences.

Methods: the heuristic of García-Ferrero et al. 2022 and the variant of arXiv 2501.18750's code
(:mod:`~xner.project.heuristic`), candidate extraction + greedy or exact matching with fused scores
(:mod:`~xner.project.candidate_projection`), multi-source voting (:mod:`~xner.project.multisource`),
EasyProject marker mode (:mod:`~xner.project.markers`) and back-translation refinement
(:mod:`~xner.project.backtranslation`). Every sentence gets a status (:mod:`~xner.project.status`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the names are, for type checkers; at run time they load on first use
    from xner.project.candidate_options import CandidateOptions
    from xner.project.candidate_projection import TranslationContext, project_candidates
    from xner.project.heuristic import project_heuristic, project_heuristic_paper
    from xner.project.links import check_links, format_pharaoh, parse_pharaoh, read_pharaoh
    from xner.project.matching import MATCHINGS, exact_match, greedy_match
    from xner.project.parallel import METHODS, project_corpus
    from xner.project.status import Counts, Lost, Projection, ProjectionResult, Reason, Status

_EXPORTS = {
    "CandidateOptions": "candidate_options",
    "TranslationContext": "candidate_projection",
    "project_candidates": "candidate_projection",
    "project_heuristic": "heuristic",
    "project_heuristic_paper": "heuristic",
    "check_links": "links",
    "format_pharaoh": "links",
    "parse_pharaoh": "links",
    "read_pharaoh": "links",
    "MATCHINGS": "matching",
    "exact_match": "matching",
    "greedy_match": "matching",
    "METHODS": "parallel",
    "project_corpus": "parallel",
    "Counts": "status",
    "Lost": "status",
    "Projection": "status",
    "ProjectionResult": "status",
    "Reason": "status",
    "Status": "status",
}
"""Name -> the module that defines it. Imported on first use (PEP 562), so that a light import such as the
projection configuration does not pull in the matching solver (scipy)."""


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'xner.project' has no attribute {name!r}")
    return getattr(importlib.import_module(f"xner.project.{module}"), name)


__all__ = [
    "MATCHINGS",
    "METHODS",
    "CandidateOptions",
    "Counts",
    "Lost",
    "Projection",
    "ProjectionResult",
    "Reason",
    "Status",
    "TranslationContext",
    "check_links",
    "exact_match",
    "format_pharaoh",
    "greedy_match",
    "parse_pharaoh",
    "project_candidates",
    "project_corpus",
    "project_heuristic",
    "project_heuristic_paper",
    "read_pharaoh",
]
