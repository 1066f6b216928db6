"""The experiment harness behind ``xner experiment CONFIG.yaml``: a grid of data sets x target languages x
pipelines x methods x aligners, each step cached and resumable, scored against gold, and analysed against the
typological distance of each target from the source. See ``docs/experiment.md``.

Modules: :mod:`~xner.experiment.config` (the YAML schema), :mod:`~xner.experiment.layouts` (data set readers),
:mod:`~xner.experiment.cache` and :mod:`~xner.experiment.steps` (cached steps), :mod:`~xner.experiment.grid`
(the cells), :mod:`~xner.experiment.scoring`, :mod:`~xner.experiment.distances` (URIEL table),
:mod:`~xner.experiment.reference` (the paper's published F1), :mod:`~xner.experiment.analysis` (correlation,
related/distant gap), :mod:`~xner.experiment.report` and :mod:`~xner.experiment.plots` (outputs),
:mod:`~xner.experiment.runner` (all of it in order).
"""

from __future__ import annotations

from xner.experiment.config import ExperimentConfig, load_config, parse_config
from xner.experiment.runner import ExperimentRun, run_experiment

__all__ = ["ExperimentConfig", "ExperimentRun", "load_config", "parse_config", "run_experiment"]
