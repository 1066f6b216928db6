"""The experiment harness behind ``xner experiment CONFIG.yaml``: a grid of data sets x target languages x
pipelines x methods x aligners, each step cached and resumable, scored against gold, and analysed against the
typological distance of each target from the source. See ``docs/experiment.md``.

Modules: :mod:`~xner.experiment.config` (the YAML schema), :mod:`~xner.experiment.layouts` (data set readers),
:mod:`~xner.experiment.cache` and :mod:`~xner.experiment.steps` (cached steps), :mod:`~xner.experiment.grid`
(the cells), :mod:`~xner.experiment.scoring`, :mod:`~xner.experiment.distances` (URIEL table),
:mod:`~xner.experiment.reference` (the paper's published F1), :mod:`~xner.experiment.analysis` (correlation,
related/distant gap, pooled slopes), :mod:`~xner.experiment.report` and :mod:`~xner.experiment.plots` (outputs),
:mod:`~xner.experiment.released` and :mod:`~xner.experiment.released_report` (the seed paper's released results,
analysed alone), :mod:`~xner.experiment.runner` (all of it in order).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ExperimentConfig": "config",
    "load_config": "config",
    "parse_config": "config",
    "ExperimentRun": "runner",
    "run_experiment": "runner",
}
"""Name -> the module that defines it, imported on first use (PEP 562): the command line reads the configuration's
vocabulary without pulling in the analysis (scipy) or the plots."""


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'xner.experiment' has no attribute {name!r}")
    return getattr(importlib.import_module(f"xner.experiment.{module}"), name)


__all__ = ["ExperimentConfig", "ExperimentRun", "load_config", "parse_config", "run_experiment"]
