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
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from bench.common import status_mib
from bench.europarl_data import alignments, load
from xner.corpus import spans_to_tags
from xner.project.links import format_pharaoh


def _write_repeated(path: Path, blocks: list[str], n: int) -> None:
    """``n`` blocks, cycling through ``blocks``, written in pieces (the corpus never sits in memory whole)."""
    with open(path, "w", encoding="utf-8") as out:
        for start in range(0, n, len(blocks)):
            out.write("".join(blocks[: min(len(blocks), n - start)]))


class Written:
    """Lines written so far to the output's temporary file (the output appears under its name when complete), read
    on from where the last count stopped."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.lines, self.read = folder, 0, 0

    def __call__(self) -> int:
        for part in self.folder.glob(".out.jsonl.*"):
            with suppress(OSError), open(part, "rb") as handle:
                handle.seek(self.read)
                for block in iter(lambda: handle.read(1 << 20), b""):
                    self.lines += block.count(b"\n")
                    self.read += len(block)
        return self.lines


def waited(process: subprocess.Popen[bytes], watch: float | None, tick: Callable[[], None]) -> tuple[int, Any]:
    """The exit status and resource usage of ``process`` once it ends (``os.wait4``: its own peak memory), calling
    ``tick`` every ``watch`` seconds while it runs."""
    started = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG if watch else 0)
        if pid:
            process.returncode = status  # reaped here: Popen must not wait for it again
            return status, usage
        if started:
            tick()
        started = True
        time.sleep(watch or 0)  # the interval of the progress lines (the loop ends when the process does)


def _run(args: list[str], watch: float | None, folder: Path) -> tuple[float, float]:
    """Seconds and peak resident MiB of one ``xner project`` process; every ``watch`` seconds, a line with what it
    has written and its memory."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "xner", "project", *args], stderr=subprocess.DEVNULL)
    written = Written(folder)

    def tick() -> None:
        rss, hwm = status_mib(process.pid, "VmRSS"), status_mib(process.pid, "VmHWM")
        print(
            f"  {time.perf_counter() - start:7.0f} s  {written():>9,} written"
            f"  RSS {rss or 0:,.0f} MiB  high-water {hwm or 0:,.0f} MiB",
            flush=True,
        )

    status, usage = waited(process, watch, tick)
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
