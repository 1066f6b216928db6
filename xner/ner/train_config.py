"""Fine-tuning settings (:class:`TrainingConfig`): a light module, so that a configuration naming them (the
experiment's extrinsic pipeline) does not import torch."""

from __future__ import annotations

from dataclasses import dataclass

from xner.ner import defaults


@dataclass(frozen=True)
class TrainingConfig:
    """Fine-tuning settings (defaults in :mod:`xner.ner.defaults`)."""

    epochs: int = defaults.EPOCHS
    learning_rate: float = defaults.LEARNING_RATE
    batch_size: int = defaults.TRAIN_BATCH_SIZE
    weight_decay: float = defaults.WEIGHT_DECAY
    warmup_ratio: float = defaults.WARMUP_RATIO
    patience: int = defaults.PATIENCE
    seed: int = defaults.SEED
    max_grad_norm: float = defaults.MAX_GRAD_NORM
    max_steps: int | None = None
    eval_steps: int | None = None
    max_input_tokens: int = defaults.MAX_INPUT_TOKENS
    device: str | None = None
