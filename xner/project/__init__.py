"""Annotation projection: carry entity spans from labelled source sentences to target sentences.

Methods: the heuristic of García-Ferrero et al. 2022 and the variant of arXiv 2501.18750's code
(:mod:`~xner.project.heuristic`), candidate extraction + greedy or exact matching with fused scores
(:mod:`~xner.project.candidate_projection`), multi-source voting (:mod:`~xner.project.multisource`),
EasyProject marker mode (:mod:`~xner.project.markers`) and back-translation refinement
(:mod:`~xner.project.backtranslation`). Every sentence gets a status (:mod:`~xner.project.status`).
"""

from __future__ import annotations

from xner.project.candidate_projection import CandidateOptions, TranslationContext, project_candidates
from xner.project.heuristic import project_heuristic, project_heuristic_paper
from xner.project.links import check_links, format_pharaoh, parse_pharaoh, read_pharaoh
from xner.project.matching import MATCHINGS, exact_match, greedy_match
from xner.project.parallel import METHODS, project_corpus
from xner.project.status import Counts, Lost, Projection, ProjectionResult, Reason, Status

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
