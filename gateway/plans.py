"""Job plans: how a corpus job becomes chained steps on the service queues (pure functions, no I/O).

For each target language, the corpus is split into chunks of ``chunk_size`` sentences and:

* translate mode: every chunk gets a ``translate`` job (source -> target language);
* a *sentence-level* aligner (encoder) then gets an ``align`` and a ``project`` job per chunk, chained with
  ``depends_on``: translate_c -> align_c -> project_c;
* a *corpus-level* aligner (eflomal learns from the whole corpus) gets one ``align`` job over the whole corpus,
  after every translate job, and one ``project`` job after it, so that chunking costs no quality: a corpus
  projected through the gateway gets exactly the alignments ``xner project`` would compute. These two jobs
  tolerate failed translate chunks: they run on the chunks that were translated, and the sentences of a failed
  chunk come out as ``failed`` records with the reason (one failed chunk does not fail the language).
* parallel mode (a target text is given) has no translate jobs.

Every project job's result holds the projected records of its sentences, in order; the plan keeps the project
jobs in corpus order, so the result is assembled by reading them one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xner.service.refs import concat, ref
from xner.service.steps import TOLERATE


@dataclass(slots=True)
class PlannedJob:
    """One job of a plan: its step (which is also its queue: each service runs its own step), payload, and the
    plan keys of the jobs it depends on."""

    key: str
    step: str
    payload: dict[str, Any]
    depends_on: list[str] = field(default_factory=list)
    allow_failure: bool = False


@dataclass(slots=True)
class Plan:
    """The jobs of one target language, and which of them produce the output (in corpus order)."""

    language: str
    jobs: list[PlannedJob]
    outputs: list[str]
    chunk_sizes: list[int]


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def build_plan(
    *,
    sources: list[dict[str, Any]],
    source_lang: str,
    target_lang: str,
    targets: list[list[str]] | None,
    options: dict[str, Any],
    chunk_size: int,
    corpus_level_aligner: bool,
    gold: list[list[dict[str, Any]]] | None = None,
) -> Plan:
    """Plan the jobs projecting ``sources`` (JSONL records with tokens and spans) into ``target_lang``.

    ``targets`` (tokenised target sentences) selects parallel mode. ``options`` carries the translator, aligner
    and projection settings into the steps' payloads. ``gold`` (parallel mode: the target's own token spans, per
    sentence) rides along to the project jobs, which put it in each record's ``meta.gold``.
    """
    jobs: list[PlannedJob] = []
    source_chunks = chunked(sources, chunk_size)
    target_chunks = chunked(targets, chunk_size) if targets is not None else None
    gold_chunks = chunked(gold, chunk_size) if gold is not None else None
    projection: dict[str, Any] = {
        key: options[key] for key in ("method", "matching", "candidates", "tagger", "translator") if key in options
    }
    projection.update({"source_lang": source_lang, "target_lang": target_lang})
    translate_keys: list[str] = []
    if target_chunks is None:
        for c, chunk in enumerate(source_chunks):
            key = f"{target_lang}.translate.{c}"
            payload = {
                "sentences": [record["tokens"] for record in chunk],
                "src_lang": source_lang,
                "tgt_lang": target_lang,
                "translator": options["translator"],
            }
            jobs.append(PlannedJob(key, "translate", payload))
            translate_keys.append(key)

    outputs: list[str] = []
    if corpus_level_aligner:
        sizes = [len(chunk) for chunk in source_chunks]
        if target_chunks is None:
            tgt_tokens: Any = concat(*(ref(i, "tokens", size=sizes[i]) for i in range(len(translate_keys))))
        else:
            tgt_tokens = [tokens for chunk in target_chunks for tokens in chunk]
        align_key = f"{target_lang}.align"
        jobs.append(
            PlannedJob(
                align_key,
                "align",
                {
                    "src": [record["tokens"] for record in sources],
                    "tgt": tgt_tokens,
                    "aligner": options["aligner"],
                    TOLERATE: list(range(len(translate_keys))),
                },
                depends_on=list(translate_keys),
                allow_failure=bool(translate_keys),
            )
        )
        project_key = f"{target_lang}.project"
        targets_ref: Any = (
            concat(*(ref(i + 1, "tokens", size=sizes[i]) for i in range(len(translate_keys))))
            if target_chunks is None
            else tgt_tokens
        )
        jobs.append(
            PlannedJob(
                project_key,
                "project",
                {
                    "sources": sources,
                    "targets": targets_ref,
                    "alignments": ref(0, "alignments"),
                    "offset": 0,
                    TOLERATE: list(range(1, len(translate_keys) + 1)),
                    **projection,
                    **({"gold": gold} if gold is not None else {}),
                },
                depends_on=[align_key, *translate_keys],
                allow_failure=bool(translate_keys),
            )
        )
        outputs.append(project_key)
    else:
        for c, chunk in enumerate(source_chunks):
            align_key, project_key = f"{target_lang}.align.{c}", f"{target_lang}.project.{c}"
            if target_chunks is None:
                tgt: Any = ref(0, "tokens")
                upstream = [translate_keys[c]]
            else:
                tgt, upstream = target_chunks[c], []
            jobs.append(
                PlannedJob(
                    align_key,
                    "align",
                    {"src": [record["tokens"] for record in chunk], "tgt": tgt, "aligner": options["aligner"]},
                    depends_on=upstream,
                )
            )
            jobs.append(
                PlannedJob(
                    project_key,
                    "project",
                    {
                        "sources": chunk,
                        "targets": ref(1, "tokens") if target_chunks is None else target_chunks[c],
                        "alignments": ref(0, "alignments"),
                        "offset": c * chunk_size,
                        **projection,
                        **({"gold": gold_chunks[c]} if gold_chunks is not None else {}),
                    },
                    depends_on=[align_key, *upstream],
                )
            )
            outputs.append(project_key)
    sizes = [len(chunk) for chunk in source_chunks] if not corpus_level_aligner else [len(sources)]
    return Plan(target_lang, jobs, outputs, sizes)
