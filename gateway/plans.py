"""Job plans: how a corpus job becomes chained steps on the service queues (pure functions, no I/O).

For each target language, the corpus is split into chunks of ``chunk_size`` sentences, and the projection
configuration (:class:`~xner.project.config.ProjectionConfig`, its backend specs resolved by the gateway) rides in
every payload that needs it:

* translate mode (translate-train): every chunk gets a ``translate`` job (source -> target language);
* method ``markers`` (translate-train only): every chunk gets one ``translate`` job with markers, whose labelled
  translations are the output (EasyProject); nothing is aligned;
* ``backtranslation``: every chunk also gets a ``translate`` job with markers; its labelled back-translations are
  aligned with the targets (same language) and projected, instead of the source;
* a *sentence-level* aligner (encoder) then gets an ``align`` and a ``project`` job per chunk, chained with
  ``depends_on``: translate_c -> align_c -> project_c;
* a *corpus-level* aligner (eflomal learns from the corpus) gets one ``align`` job per block of whole chunks
  of up to :data:`~xner.align.defaults.EFLOMAL_BLOCK_SENTENCES` sentences (the size ``xner project`` aligns at
  once), after every translate job of its block, and one ``project`` job after it, so that 64-sentence chunks cost
  no quality, one job's memory stays bounded, and the blocks of a long corpus align on several workers at once. A
  corpus of one block gets exactly the alignments ``xner project`` would compute (a longer one's blocks end at
  whole chunks: 19,968 sentences with 64-sentence chunks, where ``xner project`` cuts at 20,000). These jobs
  tolerate failed translate chunks: they run on the chunks that were translated, and the sentences of a failed
  chunk come out as ``failed`` records with the reason (one failed chunk does not fail the language).
* parallel mode (a target text is given) has no plain translate jobs.

Every output job's result holds the projected records of its sentences, in order; the plan keeps the output jobs
in corpus order, so the result is assembled by reading them one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xner.align.defaults import EFLOMAL_BLOCK_SENTENCES
from xner.project.config import Pipeline, ProjectionConfig
from xner.service.refs import concat, ref
from xner.service.steps import TOLERATE


@dataclass(slots=True)
class PlannedJob:
    """One job of a plan: its step (which is also its queue: each service runs its own step), payload, the plan
    keys of the jobs it depends on, and how many sentences it works on (the unit of a corpus job's progress)."""

    key: str
    step: str
    payload: dict[str, Any]
    depends_on: list[str] = field(default_factory=list)
    allow_failure: bool = False
    sentences: int = 0


@dataclass(slots=True)
class Plan:
    """The jobs of one target language, and which of them produce the output (in corpus order)."""

    language: str
    jobs: list[PlannedJob]
    outputs: list[str]
    chunk_sizes: list[int]


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


class Upstream:
    """The dependencies of one job, collected while its payload names their results (a :func:`ref` indexes the
    job's ``depends_on`` list)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.tolerated: list[int] = []

    def ref(self, key: str, name: str, *, size: int | None = None) -> dict[str, Any]:
        """A reference to job ``key``'s result ``name``; with ``size``, a failed job gives placeholders (tolerated)."""
        if key not in self.keys:
            self.keys.append(key)
        index = self.keys.index(key)
        if size is not None and index not in self.tolerated:
            self.tolerated.append(index)
        return ref(index, name, size=size)

    def payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``payload``, with the indices of the tolerated dependencies when there are any."""
        return {**payload, TOLERATE: sorted(self.tolerated)} if self.tolerated else payload


@dataclass(frozen=True, slots=True)
class Side:
    """One side of an align/project job over some chunks: literal lists, or the results of upstream jobs."""

    literal: list[Any] | None
    keys: list[str]
    sizes: list[int]

    def get(self, upstream: Upstream, name: str, *, tolerate: bool) -> Any:
        if self.literal is not None:
            return self.literal
        refs = [
            upstream.ref(key, name, size=size if tolerate else None)
            for key, size in zip(self.keys, self.sizes, strict=True)
        ]
        return refs[0] if len(refs) == 1 and not tolerate else concat(*refs)


def build_plan(
    *,
    sources: list[dict[str, Any]],
    source_lang: str,
    target_lang: str,
    targets: list[list[str]] | None,
    config: ProjectionConfig,
    chunk_size: int,
    corpus_level_aligner: bool,
    gold: list[list[dict[str, Any]]] | None = None,
) -> Plan:
    """Plan the jobs projecting ``sources`` (JSONL records with tokens and spans) into ``target_lang``.

    ``targets`` (tokenised target sentences) selects parallel mode. ``config`` (its specs resolved) decides the
    steps and rides in their payloads. ``gold`` (parallel mode: the target's own token spans, per sentence) rides
    along to the project jobs, which put it in each record's ``meta.gold``.
    """
    pipeline: Pipeline = "parallel" if targets is not None else "translate-train"
    config.check_for(pipeline)
    projection = config.payload()
    jobs: list[PlannedJob] = []
    source_chunks = chunked(sources, chunk_size)
    sizes = [len(chunk) for chunk in source_chunks]

    def translate(c: int, chunk: list[dict[str, Any]], *, markers: bool) -> str:
        key = f"{target_lang}.{'markers' if markers else 'translate'}.{c}"
        payload: dict[str, Any] = {"src_lang": source_lang, "tgt_lang": target_lang, "translator": config.translator}
        if markers:
            payload.update(markers=True, sources=chunk, offset=c * chunk_size)
        else:
            payload["sentences"] = [record["tokens"] for record in chunk]
        jobs.append(PlannedJob(key, "translate", payload, sentences=len(chunk)))
        return key

    if config.method_for(pipeline) == "markers":
        marker_outputs = [translate(c, chunk, markers=True) for c, chunk in enumerate(source_chunks)]
        return Plan(target_lang, jobs, marker_outputs, sizes)
    translated = (
        [translate(c, chunk, markers=False) for c, chunk in enumerate(source_chunks)] if targets is None else []
    )
    marked = (
        [translate(c, chunk, markers=True) for c, chunk in enumerate(source_chunks)] if config.backtranslation else []
    )

    def sides(chunks: list[int]) -> tuple[Side, Side, Side]:
        """The labelled side's tokens, records, and the target side, over the chunks ``chunks``."""
        chunk_sizes = [sizes[c] for c in chunks]
        if marked:
            tokens = Side(None, [marked[c] for c in chunks], chunk_sizes)
            records = tokens
        else:
            chosen = [record for c in chunks for record in source_chunks[c]]
            tokens = Side([record["tokens"] for record in chosen], [], [])
            records = Side(chosen, [], [])
        if targets is None:
            target = Side(None, [translated[c] for c in chunks], chunk_sizes)
        else:
            target = Side([t for c in chunks for t in targets[c * chunk_size : c * chunk_size + sizes[c]]], [], [])
        return tokens, records, target

    per_block = max(1, EFLOMAL_BLOCK_SENTENCES // chunk_size) if corpus_level_aligner else 1
    groups = [list(range(c, min(c + per_block, len(source_chunks)))) for c in range(0, len(source_chunks), per_block)]
    tolerate = corpus_level_aligner  # a corpus-level job goes on when some of its chunks failed
    outputs: list[str] = []
    for b, group in enumerate(groups):
        suffix = "" if corpus_level_aligner and len(groups) == 1 else f".{b}"  # a chunk's number, or a block's
        labelled_tokens, labelled_records, target = sides(group)
        align = Upstream()
        align_key = f"{target_lang}.align{suffix}"
        align_payload = {
            "src": labelled_tokens.get(align, "tokens", tolerate=tolerate),
            "tgt": target.get(align, "tokens", tolerate=tolerate),
            "aligner": config.aligner,
            "projection": projection,
        }
        group_sentences = sum(sizes[c] for c in group)
        jobs.append(
            PlannedJob(
                align_key,
                "align",
                align.payload(align_payload),
                align.keys,
                allow_failure=bool(align.tolerated),
                sentences=group_sentences,
            )
        )
        project = Upstream()
        project_key = f"{target_lang}.project{suffix}"
        first = group[0] * chunk_size
        chosen = [record for c in group for record in source_chunks[c]]
        project_payload: dict[str, Any] = {
            "alignments": project.ref(align_key, "alignments"),
            "sources": labelled_records.get(project, "records", tolerate=tolerate),
            "targets": target.get(project, "tokens", tolerate=tolerate),
            "offset": first,
            "projection": projection,
            "pipeline": pipeline,
            "source_lang": target_lang if marked else source_lang,
            "target_lang": target_lang,
        }
        if marked:
            project_payload.update(inputs=chosen, backtranslated=True)
        if gold is not None:
            project_payload["gold"] = [g for c in group for g in gold[c * chunk_size : c * chunk_size + sizes[c]]]
        jobs.append(
            PlannedJob(
                project_key,
                "project",
                project.payload(project_payload),
                project.keys,
                allow_failure=bool(project.tolerated),
                sentences=group_sentences,
            )
        )
        outputs.append(project_key)
    return Plan(target_lang, jobs, outputs, [sum(sizes[c] for c in group) for group in groups])
