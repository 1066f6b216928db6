"""``xner train``: fine-tune a token-classification model on a labelled corpus, with dev early stopping."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xner import formats
from xner.cli._progress import stderr
from xner.cli.app import FormatOption, app


@app.command()
def train(
    train_file: Annotated[Path, typer.Option("--train", help="Labelled training corpus.", show_default=False)],
    dev_file: Annotated[Path, typer.Option("--dev", help="Labelled dev corpus (early stopping).", show_default=False)],
    base: Annotated[str, typer.Option(help="Model to fine-tune: hf:MODEL or a hub id / directory.")],
    out: Annotated[Path, typer.Option(help="Output model directory.", show_default=False)],
    lang: Annotated[list[str] | None, typer.Option(help="Language(s) of the data, for the model card.")] = None,
    epochs: Annotated[int | None, typer.Option(help="Maximum epochs.")] = None,
    lr: Annotated[float | None, typer.Option(help="Peak learning rate.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Sentences per step.")] = None,
    patience: Annotated[int | None, typer.Option(help="Evaluations without improvement before stopping.")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    max_steps: Annotated[int | None, typer.Option(help="Stop after this many steps.")] = None,
    eval_steps: Annotated[int | None, typer.Option(help="Evaluate every N steps (default: every epoch).")] = None,
    device: Annotated[str | None, typer.Option(help="cpu | cuda (default: cuda if present).")] = None,
    train_format: FormatOption = None,
    dev_format: FormatOption = None,
) -> None:
    """Fine-tune BASE on TRAIN, keep the best model on DEV, and write it with a model card to OUT."""
    from xner.ner.train import train_tagger
    from xner.ner.train_config import TrainingConfig

    overrides = {
        "epochs": epochs, "learning_rate": lr, "batch_size": batch_size, "patience": patience, "seed": seed,
        "max_steps": max_steps, "eval_steps": eval_steps, "device": device,
    }  # fmt: skip
    config = TrainingConfig(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    train_sentences = list(formats.read(train_file, train_format))
    dev_sentences = list(formats.read(dev_file, dev_format))
    result = train_tagger(  # reports "training" step by step: a bar on a terminal
        train_sentences,
        dev_sentences,
        base,
        out,
        config=config,
        languages=lang or [],
        train_name=train_file.name,
        dev_name=dev_file.name,
    )
    overall = result.dev_scores.overall
    stderr.print(
        f"saved the best model (dev F1 {overall.f1:.4f} at step {result.best_step} of {result.steps}"
        f"{', stopped early' if result.stopped_early else ''}) to {out}"
    )
