"""Corpus scale: ``xner project`` on Europarl-NER repeated to 10k / 100k / 1M sentences -- time linear in size,
memory flat (the command streams chunks of ``--chunk-size``).

    python -m bench.project_scale [--sizes 10000 100000 1000000] [--align] [--method heuristic] [--cache DIR]
                                  [--watch SECONDS]

English gold projected onto the Spanish side. By default the eflomal links (computed once on the 799 pairs,
cached under ``--cache``) are given with ``--alignments``, so the run measures reading, projecting and writing;
``--align`` leaves them out, so eflomal aligns every chunk (hours at 1M sentences on two cores). The corpora are
generated in a temporary folder (never committed). Each size runs as its own ``xner project`` process; the bench
prints its sentences/s, its peak resident memory (the process's own ``ru_maxrss``), and its throughput relative to
the smallest size run beside it (1.0 = time exactly linear in size). ``--watch`` also prints, every so many seconds
of a run, the sentences written so far and the process's resident memory and high-water mark (``/proc/PID/status``),
to see whether memory grows chunk after chunk.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

from bench.common import status_mib
from bench.europarl_data import alignments, load
from xner.corpus import spans_to_tags
from xner.project.links import format_pharaoh


def _write_repeated(path: Path, blocks: list[str], n: int) -> None:
    """``n`` blocks, cycling through ``blocks``, written in pieces (the corpus never sits in memory whole)."""
    with open(path, "w", encoding="utf-8") as out:
        for start in range(0, n, len(blocks)):
            out.write("".join(blocks[: min(len(blocks), n - start)]))


def _written(folder: Path) -> int:
    """Lines written so far to the output's temporary file (the output appears under its name when complete)."""
    total = 0
    for part in folder.glob(".out.jsonl.*"):
        with suppress(OSError), open(part, "rb") as lines:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: lines.read(1 << 20), b""))
    return total


def _run(args: list[str], watch: float | None, folder: Path) -> tuple[float, float]:
    """Seconds and peak resident MiB of one ``xner project`` process; every ``watch`` seconds, a line with what it
    has written and its memory."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "xner", "project", *args], stderr=subprocess.DEVNULL)
    while watch:
        try:
            process.wait(timeout=watch)  # returns once it exits; wait4 below still reads its usage
        except subprocess.TimeoutExpired:
            rss, hwm = status_mib(process.pid, "VmRSS"), status_mib(process.pid, "VmHWM")
            print(
                f"  {time.perf_counter() - start:7.0f} s  {_written(folder):>9,} written"
                f"  RSS {rss or 0:,.0f} MiB  high-water {hwm or 0:,.0f} MiB",
                flush=True,
            )
            continue
        break
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"xner project failed ({status}): {' '.join(args)}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def run(sizes: list[int], align: bool, method: str, cache: Path | None, watch: float | None = None) -> None:
    english, spanish = load("en"), load("es")
    links = alignments("eflomal", english, spanish, "es", cache)
    conll = []
    for sentence in english:
        tags = spans_to_tags(sentence.spans, len(sentence.tokens))
        conll.append("".join(f"{w}\t{t}\n" for w, t in zip(sentence.tokens, tags, strict=True)) + "\n")
    text = [" ".join(s.tokens) + "\n" for s in spanish]
    pharaoh = [format_pharaoh(x) + "\n" for x in links]
    print(f"| sentences | seconds | sentences/s | peak RSS (MiB) | throughput vs {sizes[0]:,} |")
    print("|---:|---:|---:|---:|---:|")
    baseline: float | None = None
    with tempfile.TemporaryDirectory(prefix="xner-scale-") as folder:
        work = Path(folder)
        for n in sizes:
            source, target, given = work / "en.conll", work / "es.txt", work / "en-es.links"
            _write_repeated(source, conll, n)
            _write_repeated(target, text, n)
            args = ["--source", str(source), "--target", str(target), "--method", method, "--fmt", "jsonl"]
            if not align:
                _write_repeated(given, pharaoh, n)
                args += ["--alignments", str(given)]
            seconds, rss = _run([*args, "--out", str(work / "out.jsonl")], watch, work)
            speed = n / seconds
            baseline = baseline or speed
            print(f"| {n:,} | {seconds:.1f} | {speed:,.0f} | {rss:,.0f} | {speed / baseline:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--align", action="store_true", help="let eflomal align (no --alignments)")
    parser.add_argument("--method", default="heuristic", help="projection method (default heuristic)")
    parser.add_argument("--cache", type=Path, default=None, help="folder for the eflomal links (reused)")
    parser.add_argument("--watch", type=float, default=None, help="print progress and memory every SECONDS")
    args = parser.parse_args()
    run(args.sizes, args.align, args.method, args.cache, args.watch)


if __name__ == "__main__":
    main()
