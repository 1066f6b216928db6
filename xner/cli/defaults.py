"""Tunables of the ``xner`` command, one named constant each."""

from __future__ import annotations

from xner.align.defaults import EFLOMAL_BLOCK_SENTENCES

CHUNK_SENTENCES = 256
"""Sentences handed to a backend at once by the CLI (the backend batches inside a chunk)."""

SNIFF_BYTES = 65536
"""Bytes of a file read to guess its format (CoNLL or text) when neither its extension nor an option says."""

PROJECT_CHUNK_SENTENCES = EFLOMAL_BLOCK_SENTENCES
"""Sentence pairs ``xner project`` reads, aligns, projects and writes at a time in parallel mode: memory stays
flat on any corpus; a corpus up to this size is aligned in one piece, as before (docs/projection.md: what smaller
chunks cost eflomal). The gateway's align jobs take blocks of the same size."""

FILE_TO_FILE_MAX_BYTES = 32 * 2**20
"""Largest source file ``xner project --alignments --method heuristic`` projects in one piece with the columnar
kernel (about 150,000 Europarl sentences, a few hundred MB in memory); larger ones stream in chunks."""

ALIGN_AHEAD_CHUNKS = 1
"""Chunks ``xner project`` aligns ahead of the one it projects and writes (parallel mode, links not given): the
aligner works on the next chunk meanwhile. More are aligned at once where the cores outnumber one chunk's eflomal
jobs (see :func:`xner.cli.project.chunks_in_flight`)."""
