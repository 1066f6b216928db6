"""Word alignment: the :class:`Aligner` protocol and backends chosen by name (``NAME[:MODEL]``).

``load_aligner("eflomal")`` or ``load_aligner("encoder:bert-base-multilingual-cased", method="itermax")`` builds
a backend; ``aligner.align(src, tgt)`` returns one :class:`Alignment` per sentence pair. Backends are imported
only when loaded, so importing this package does not import torch.
"""

from xner.align.base import Aligner, Alignment, check_batch
from xner.align.registry import BACKENDS, load_aligner, parse_spec

__all__ = ["BACKENDS", "Aligner", "Alignment", "check_batch", "load_aligner", "parse_spec"]
