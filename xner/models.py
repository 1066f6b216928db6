"""Where models come from: a Hugging Face hub id or a local directory, and which device runs them.

A model given as an existing directory is used as is. A hub id is first looked up under ``$XNER_MODEL_DIR``
(``$XNER_MODEL_DIR/<owner>/<name>`` or ``$XNER_MODEL_DIR/<name>``), so an offline machine can hold the
production models in one place; otherwise it is passed to ``from_pretrained``, which uses the hub cache or
downloads. A model that cannot be loaded is a :class:`~xner.errors.BackendUnavailable` naming it.

Nothing here imports torch at module level.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from xner.errors import BackendUnavailable

MODEL_DIR_ENV = "XNER_MODEL_DIR"
"""Environment variable naming a directory of local model copies."""

T = TypeVar("T")


def resolve_model(model: str) -> str:
    """A local directory for ``model`` if there is one (itself or under ``$XNER_MODEL_DIR``), else ``model``."""
    if Path(model).expanduser().is_dir():
        return str(Path(model).expanduser())
    root = os.environ.get(MODEL_DIR_ENV)
    if root:
        for candidate in (Path(root) / model, Path(root) / model.rsplit("/", 1)[-1]):
            if candidate.is_dir():
                return str(candidate)
    return model


def load_pretrained(loader: Callable[..., T], model: str, what: str, **kwargs: Any) -> T:
    """Call ``loader(resolve_model(model), **kwargs)``; turn a missing or unreachable model into a clear error."""
    path = resolve_model(model)
    try:
        return loader(path, **kwargs)
    except (OSError, ValueError) as exc:
        raise BackendUnavailable(
            f"cannot load {what} {model!r}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__} "
            f"(give a local directory, or put a copy under ${MODEL_DIR_ENV})"
        ) from exc


def model_fingerprint(model: str) -> str:
    """Identify a model for caching: the hub id, or the directory with its weights' sizes and times."""
    path = Path(resolve_model(model))
    if not path.is_dir():
        return model
    stats = sorted(
        f"{p.name}:{p.stat().st_size}:{int(p.stat().st_mtime)}"
        for p in path.iterdir()
        if p.is_file() and p.suffix in {".safetensors", ".bin", ".json", ".model"}
    )
    return f"{path.resolve()}[{';'.join(stats)}]"


def pick_device(device: str | None = None) -> str:
    """``device`` if given, else ``cuda`` when a GPU is visible, else ``cpu``."""
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
