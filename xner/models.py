"""Where models come from: a Hugging Face hub id or a local directory, and which device runs them.

A model given as an existing directory is used as is. A hub id is first looked up under ``$XNER_MODEL_DIR``
(``$XNER_MODEL_DIR/<owner>/<name>`` or ``$XNER_MODEL_DIR/<name>``), so an offline machine can hold the
production models in one place; otherwise it is passed to ``from_pretrained``, which uses the hub cache or
downloads. A model that cannot be loaded is a :class:`~xner.errors.BackendUnavailable` naming it and the fix.

Whether the hub can be reached is decided once per process (:func:`hub_reachable`: ``HF_HUB_OFFLINE``, else one
short connection attempt). Offline, hub ids load from the hub cache only (``local_files_only``), so a missing model
fails at once instead of after a minute of download retries, and every later Hugging Face call in the process stays
offline too.

Nothing here imports torch at module level.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from xner.defaults import HUB_PROBE_TIMEOUT
from xner.errors import BackendUnavailable

log = logging.getLogger("xner.models")

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


OFFLINE_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
"""Environment variables that put the Hugging Face libraries offline."""

PROXY_ENV = ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
"""With a proxy configured, a direct connection says nothing about the hub: the probe is skipped."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@functools.cache
def hub_reachable() -> bool:
    """Whether the Hugging Face hub can be reached, decided once per process: ``False`` when an offline variable
    (:data:`OFFLINE_ENV`) is set or one connection to the hub's endpoint fails within :data:`HUB_PROBE_TIMEOUT`
    seconds, and then the Hugging Face libraries are put offline for the rest of the process (no retries)."""
    if any(_truthy(os.environ.get(name)) for name in OFFLINE_ENV):
        return False
    try:
        from huggingface_hub import constants
    except ImportError:  # no Hugging Face library installed: nothing would download anyway
        return False
    if any(os.environ.get(name) for name in PROXY_ENV):
        return True
    endpoint = urlsplit(constants.ENDPOINT)
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        with socket.create_connection((endpoint.hostname or "", port), timeout=HUB_PROBE_TIMEOUT):
            return True
    except OSError:
        os.environ["HF_HUB_OFFLINE"] = "1"
        constants.HF_HUB_OFFLINE = True
        log.warning(
            "the model hub cannot be reached: models load from local copies only (a directory, $%s, or the hub cache)",
            MODEL_DIR_ENV,
        )
        return False


LIBRARY_LOGGERS = ("huggingface_hub", "transformers")
"""Libraries that give their loggers stderr handlers of their own (plain text): taken away before a model loads."""


def route_library_logs() -> None:
    """Let the Hugging Face libraries' log records go where the process's other records go: their own plain
    stderr handlers removed, records propagated to the root logger (a service's JSON lines; on the command line,
    warnings on stderr as before). Touches only libraries already imported."""
    for name in LIBRARY_LOGGERS:
        if name not in sys.modules:
            continue
        library = logging.getLogger(name)
        for handler in list(library.handlers):
            if type(handler) is logging.StreamHandler:
                library.removeHandler(handler)
        library.propagate = True


def missing_model_fix(model: str) -> str:
    """What to do about a model that is not on this machine."""
    name = model.rstrip("/").rsplit("/", 1)[-1]
    return f"put a copy under ${MODEL_DIR_ENV}/{name} (or ${MODEL_DIR_ENV}/{model}), or give a local directory"


def load_pretrained(loader: Callable[..., T], model: str, what: str, **kwargs: Any) -> T:
    """Call ``loader(resolve_model(model), **kwargs)``; turn a missing or unreachable model into a clear error.

    A hub id with no local copy loads from the hub cache only when the hub cannot be reached (:func:`hub_reachable`),
    so a missing model fails at once, saying where to put it."""
    path = resolve_model(model)
    local = Path(path).expanduser().is_dir()
    offline = not local and not hub_reachable()
    route_library_logs()
    if offline:
        kwargs = {**kwargs, "local_files_only": True}
    try:
        return loader(path, **kwargs)
    except (OSError, ValueError) as exc:
        if offline:
            reason = "it is not on this machine and the model hub cannot be reached"
        else:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BackendUnavailable(
            f"cannot load {what} {model!r}: {reason}; {missing_model_fix(model)}",
            details={"model": model, "fix": missing_model_fix(model)},
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


def padded_batch(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[Any, Any]:
    """Token id rows as one right-padded ``input_ids`` tensor and its ``attention_mask`` (long tensors, on CPU)."""
    import torch

    width = max(len(row) for row in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(list(row), dtype=torch.long)
        mask[i, : len(row)] = 1
    return ids, mask


def pick_device(device: str | None = None) -> str:
    """``device`` if given, else ``cuda`` when a GPU is visible, else ``cpu``."""
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
