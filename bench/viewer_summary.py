"""What the viewer's first request for a job costs: summarising a projected corpus with gold.

    python -m bench.viewer_summary [--sentences 100000] [--rounds 3] [--cache DIR]

The records are the project step's own (``services.project.jobs.project_step``: Europarl-NER English gold
projected onto the Spanish side through the eflomal links, the Spanish gold attached), repeated to
``--sentences``; the bench times :func:`gateway.viewer.summarise` on them (the kernel the viewer's summary and
first page run, after the result is read from the queue), ``--rounds`` times, and prints the median and range of
the seconds and sentences/s. The eflomal links are computed once and cached under ``--cache``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.europarl_data import alignments, load
from bench.paired import Spread, alternate
from gateway.viewer import summarise
from services.project.jobs import project_step
from xner.formats.jsonl import sentence_record
from xner.project.trace import span_dicts


def projected_records(cache: Path | None) -> list[dict[str, Any]]:
    """The project step's records of Europarl-NER en->es, with the Spanish gold in ``meta.gold``."""
    english, spanish = load("en"), load("es")
    links = alignments("eflomal", english, spanish, "es", cache)
    result = project_step(
        {
            "sources": [sentence_record(sentence) for sentence in english],
            "targets": [list(sentence.tokens) for sentence in spanish],
            "alignments": [[list(link) for link in sentence_links] for sentence_links in links],
            "gold": [span_dicts(sentence.spans) for sentence in spanish],
            "source_lang": "eng_Latn",
            "target_lang": "spa_Latn",
        },
        [],
    )
    return list(result["sentences"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None, help="folder for the eflomal links (reused)")
    args = parser.parse_args()
    base = projected_records(args.cache)
    records = [base[k % len(base)] | {"index": k} for k in range(args.sentences)]
    summary = summarise(records)
    overall = (summary["evaluation"] or {}).get("overall", {})
    seconds = Spread.of(alternate({"summarise": lambda: summarise(records)}, args.rounds, warmup=0)["summarise"])
    print(f"{args.sentences:,} projected records (Europarl-NER en->es x {args.sentences / len(base):.0f}), with gold")
    print(f"statuses {summary['status_counts']}; F1 x100 {100 * float(overall.get('f1', 0.0)):.1f}")
    print("| | median | range |")
    print("|---|---:|---:|")
    print(f"| seconds | {seconds.median:.2f} | {seconds.low:.2f}-{seconds.high:.2f} |")
    print(f"| sentences/s | {args.sentences / seconds.median:,.0f} | |")


if __name__ == "__main__":
    main()
