"""Aligner backends by name, imported only when used (the gateway and light CLI commands never import torch).

A backend is named by a spec ``NAME[:MODEL]``: ``eflomal``, ``eflomal:priors.txt`` (priors from a larger corpus),
``encoder``, ``encoder:bert-base-multilingual-cased``, ``encoder:/models/my-encoder``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xner.align import defaults
from xner.align.base import Aligner
from xner.align.symmetrise import canonical
from xner.align.vectors import METHODS
from xner.errors import UnknownNameError
from xner.models import model_fingerprint
from xner.registry import LazyRegistry
from xner.registry import parse_spec as spec_of

BACKENDS = LazyRegistry(
    "aligner",
    {
        "eflomal": "xner.align.eflomal:EflomalAligner",
        "encoder": "xner.align.encoder:EncoderAligner",
    },
)
"""Backend name -> ``module:class``; the class has ``from_spec(model, *, method, symmetrise, **options)``."""


CORPUS_LEVEL = frozenset({"eflomal"})
"""Backends that learn from everything they align at once: give them the whole corpus in one call (the gateway
plans one align job per corpus for them, and one per chunk for the others)."""


EXTRACTING = frozenset({"encoder"})
"""Backends with a link extraction method (``argmax``, ``itermax``, ``match``, ``softmax``)."""


def takes_extraction(spec: str) -> bool:
    """Whether the backend a spec names has a link extraction method to choose (no model is loaded)."""
    return parse_spec(spec)[0] in EXTRACTING


def is_corpus_level(spec: str) -> bool:
    """Whether the backend a spec names learns from the whole batch (so chunking would change its output)."""
    return parse_spec(spec)[0] in CORPUS_LEVEL


def parse_spec(spec: str) -> tuple[str, str | None]:
    """Split ``NAME[:MODEL]``; an unknown name lists the valid ones."""
    parsed = spec_of(spec)
    return BACKENDS.canonical(parsed.name), parsed.model


def load_aligner(
    spec: str | None = None,
    *,
    method: str | None = None,
    symmetrise: str | None = None,
    cache: bool = True,
    cache_dir: str | None = None,
    **options: Any,
) -> Aligner:
    """Build the aligner a spec names (default :data:`~xner.align.defaults.DEFAULT_ALIGNER`).

    ``method`` (argmax, itermax, match, softmax) and ``symmetrise`` are checked before any model is loaded. With
    ``cache`` (the default) a batch aligned before is answered from a content-hash cache
    (:mod:`xner.align.cache`: in memory, and on disk under ``cache_dir`` or ``$XNER_CACHE_DIR``). The key holds
    the aligner's seed too (eflomal's sampler is seeded by default), so links from another engine or seed are never
    returned.
    """
    name, model = parse_spec(spec or defaults.DEFAULT_ALIGNER)
    if method is not None and method not in METHODS:
        raise UnknownNameError("alignment method", method, METHODS)
    if symmetrise is not None:
        symmetrise = canonical(symmetrise)
    backend = BACKENDS.load(name)
    aligner: Aligner = backend.from_spec(model, method=method, symmetrise=symmetrise, **options)
    if not cache:
        return aligner
    from xner.align.cache import CachedAligner

    seed = getattr(aligner, "seed", None)
    fingerprint = json.dumps(
        [name, _stamp(model), method, symmetrise, sorted(options.items()), {"seed": seed}], default=str
    )
    cached: Aligner = CachedAligner(aligner, fingerprint, cache_dir)
    return cached


def _stamp(model: str | None) -> str | None:
    """A model (or priors file) for the cache key: its path with size and time when it is a local file or
    directory, so replacing it never returns stale alignments."""
    if model is None:
        return None
    path = Path(model)
    if path.is_file():
        stat = path.stat()
        return f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    return model_fingerprint(model)
