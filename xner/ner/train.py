"""Fine-tune a token-classification model on a labelled corpus (the translate-train step).

:func:`train_tagger` labels the first subword of each word with its IOB2 tag (other subwords are ignored by the
loss), windows sentences longer than the model limit, trains with AdamW and a linear warm-up/decay schedule,
evaluates span F1 on the dev set after every epoch (or every ``eval_steps``), keeps the best model in
``output_dir`` and stops after ``patience`` evaluations without improvement. Everything is seeded. The output
directory is a normal transformers model directory plus a model card (:mod:`xner.ner.model_card`), loadable as
``hf:output_dir``. Runs on CPU (tiny models in seconds) and on a GPU when present.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from xner.corpus import Sentence
from xner.errors import InputError
from xner.evaluate import Report, score_span_sets
from xner.models import load_pretrained, pick_device
from xner.ner import defaults
from xner.ner.hf import HfTagger
from xner.ner.model_card import CardFacts, DataSummary, write_model_card
from xner.ner.train_config import TrainingConfig
from xner.ner.windows import make_windows, piece_counts
from xner.progress import report
from xner.registry import parse_spec

IGNORE_INDEX = -100
"""Label of subwords the loss ignores (all but each word's first, and special tokens)."""


@dataclass
class TrainingResult:
    """Where the model went and how training went."""

    output_dir: Path
    dev_scores: Report
    best_step: int
    steps: int
    stopped_early: bool
    history: list[dict[str, Any]] = field(default_factory=list)


def base_model_name(spec: str) -> str:
    """The model of a ``--base`` spec: ``hf:MODEL`` or a bare hub id / directory."""
    if ":" in spec and not Path(spec).exists():
        parsed = parse_spec(spec)
        if parsed.name not in {"hf", "transformers"}:
            raise InputError(f"only hf (transformers) models can be fine-tuned, not {parsed.name!r}")
        if parsed.model is None:
            raise InputError("--base hf:MODEL needs a model")
        return parsed.model
    if spec.strip().lower() in {"hf", "transformers"}:
        return defaults.DEFAULT_HF_MODEL
    return spec


def label_list(sentences: Iterable[Sentence]) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for every entity type, sorted."""
    types = sorted({span.label for sentence in sentences for span in sentence.spans})
    return ["O", *(f"{prefix}-{t}" for t in types for prefix in "BI")]


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train_tagger(
    train: Sequence[Sentence],
    dev: Sequence[Sentence],
    base: str,
    output_dir: str | Path,
    *,
    config: TrainingConfig | None = None,
    languages: Sequence[str] = (),
    train_name: str = "train",
    dev_name: str = "dev",
    on_step: Callable[[int, int], None] | None = None,
) -> TrainingResult:
    """Fine-tune ``base`` on ``train`` with early stopping on ``dev``; save the best model to ``output_dir``."""
    config = config or TrainingConfig()
    if not train:
        raise InputError("the training corpus is empty")
    if not dev:
        raise InputError("the dev corpus is empty")
    model_name = base_model_name(base)
    labels = label_list([*train, *dev])
    label_ids = {label: i for i, label in enumerate(labels)}
    seed_everything(config.seed)
    tokenizer = load_pretrained(AutoTokenizer.from_pretrained, model_name, "tokenizer")
    model = load_pretrained(
        AutoModelForTokenClassification.from_pretrained,
        model_name,
        "base model",
        id2label=dict(enumerate(labels)),
        label2id=label_ids,
        ignore_mismatched_sizes=True,
    )
    device = pick_device(config.device)
    model.to(device)
    tagger = HfTagger(model_name, loaded=(model, tokenizer), max_input_tokens=config.max_input_tokens)
    examples = _encode_examples(tokenizer, train, label_ids, tagger.max_length, tagger.specials)

    steps_per_epoch = math.ceil(len(examples) / config.batch_size)
    total_steps = config.epochs * steps_per_epoch
    if config.max_steps is not None:
        total_steps = min(total_steps, config.max_steps)
    optimizer = _optimizer(model, config)
    warmup = int(config.warmup_ratio * total_steps)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: _lr_factor(step, warmup, total_steps))
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(config.seed)
    gold = [[s.key for s in sentence.spans] for sentence in dev]

    best_f1, best_step, best_report = -1.0, 0, None
    bad_evaluations, step, stopped_early = 0, 0, False
    history: list[dict[str, Any]] = []

    def evaluate_and_keep() -> bool:
        """Evaluate on dev, save if better; return whether training should stop."""
        nonlocal best_f1, best_step, best_report, bad_evaluations
        model.eval()
        predicted = [[s.key for s in spans] for spans in tagger.tag_unmapped([d.tokens for d in dev])]
        model.train()
        report = score_span_sets(gold, predicted, "default")
        history.append({"step": step, "dev_f1": report.overall.f1})
        if report.overall.f1 > best_f1:
            best_f1, best_step, best_report, bad_evaluations = report.overall.f1, step, report, 0
            model.save_pretrained(str(out))
            tokenizer.save_pretrained(str(out))
            return False
        bad_evaluations += 1
        return bad_evaluations >= config.patience

    model.train()
    evaluated_at = -1
    done = False
    while not done and step < total_steps:
        order = torch.randperm(len(examples), generator=generator).tolist()
        for first in range(0, len(order), config.batch_size):
            batch = [examples[i] for i in order[first : first + config.batch_size]]
            loss = model(**_collate(batch, tokenizer.pad_token_id or 0, device)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            report("training", step, total_steps)
            if on_step is not None:
                on_step(step, total_steps)
            epoch_end = first + config.batch_size >= len(order)
            due = step % config.eval_steps == 0 if config.eval_steps else epoch_end
            if due or step >= total_steps:
                evaluated_at = step
                if evaluate_and_keep():
                    stopped_early = done = True
                    break
            if step >= total_steps:
                done = True
                break
    if evaluated_at != step:
        evaluate_and_keep()
    assert best_report is not None
    settings = {k: v for k, v in asdict(config).items() if k != "device"} | {"device": device}
    write_model_card(
        out,
        CardFacts(
            base_model=model_name,
            labels=labels,
            train=DataSummary.of(train_name, train),
            dev=DataSummary.of(dev_name, dev),
            languages=list(languages),
            dev_scores=best_report,
            best_step=best_step,
            steps=step,
            stopped_early=stopped_early,
            settings=settings,
            history=history,
        ),
    )
    return TrainingResult(out, best_report, best_step, step, stopped_early, history)


def _lr_factor(step: int, warmup: int, total: int) -> float:
    if warmup and step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


def _optimizer(model: Any, config: TrainingConfig) -> torch.optim.Optimizer:
    decay: list[torch.nn.Parameter] = []
    no_decay: list[torch.nn.Parameter] = []
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        (no_decay if name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name else decay).append(parameter)
    groups = [
        {"params": decay, "weight_decay": config.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=config.learning_rate)


def _encode_examples(
    tokenizer: Any, sentences: Sequence[Sentence], label_ids: dict[str, int], max_length: int, specials: int
) -> list[tuple[list[int], list[int]]]:
    """(input ids, labels) per window of every non-empty sentence; labels only on each word's first subword."""
    counts = piece_counts(tokenizer, [s.tokens for s in sentences])
    windows, _ = make_windows(counts, max_length - specials, 0)
    if not windows:
        raise InputError("the training corpus has no tokens")
    encoding = tokenizer(
        [sentences[w.sentence].tokens[w.start : w.end] for w in windows],
        is_split_into_words=True,
        truncation=True,
        max_length=max_length,
    )
    tags_of = [s.iob2() for s in sentences]
    examples: list[tuple[list[int], list[int]]] = []
    for row, window in enumerate(windows):
        tags = tags_of[window.sentence][window.start : window.end]
        labels: list[int] = []
        previous: int | None = None
        for word in encoding.word_ids(row):
            labels.append(IGNORE_INDEX if word is None or word == previous else label_ids[tags[word]])
            previous = word
        examples.append((encoding["input_ids"][row], labels))
    return examples


def _collate(batch: list[tuple[list[int], list[int]]], pad_id: int, device: str) -> dict[str, torch.Tensor]:
    width = max(len(ids) for ids, _ in batch)
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE_INDEX, dtype=torch.long)
    for i, (ids, labs) in enumerate(batch):
        input_ids[i, : len(ids)] = torch.tensor(ids)
        attention[i, : len(ids)] = 1
        labels[i, : len(labs)] = torch.tensor(labs)
    return {
        "input_ids": input_ids.to(device),
        "attention_mask": attention.to(device),
        "labels": labels.to(device),
    }
