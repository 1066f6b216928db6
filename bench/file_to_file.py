"""File to file with the links given: ``xner project --alignments`` against Easy-Label-Projection's own driver.

    python -m bench.file_to_file [--repeat 1 10 50] [--runs 3] [--lang es] [--cache DIR]

Europarl-NER English (gold) is projected onto the target side (the human translation) with eflomal links computed
once (cached under ``--cache``), the corpus repeated 1x / 10x / 50x (799 / 7,990 / 39,950 sentences; generated in
a temporary folder, never committed). Each path reads the files and writes its output, start-up included:

* the baseline, Easy-Label-Projection's driver (:mod:`bench.elp_driver`: all cores, a process pool per batch);
* ``xner project --alignments --method heuristic`` (the columnar kernel from file to file,
  :mod:`xner.project.columnar_files`);
* ``xner project --alignments`` (the default method: candidates with exact matching).

The three paths run in turn, ``--runs`` rounds of the three (so load hits them alike); it prints the median sentences
per second of each, and the ratio of each xner path to the baseline as the median of the per-round ratios with
their range.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.elp_driver import dataset_projection
from bench.europarl_data import alignments, load
from xner import formats
from xner.project.links import format_pharaoh


def _timed(work: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    work(*args)
    return time.perf_counter() - start


def _xner(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "xner", "project", *args], check=True, capture_output=True)


def run(repeats: list[int], runs: int, lang: str, cache: Path | None) -> None:
    english, target = load("en"), load(lang)
    links = alignments("eflomal", english, target, lang, cache)
    print(f"median of {runs} interleaved rounds; ratio: median (range) of the per-round ratios")
    print("| sentences | ELP driver (sent/s) | xner heuristic (sent/s) | ratio | xner default (sent/s) | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="xner-f2f-") as folder:
        work = Path(folder)
        for repeat in repeats:
            source, text, pharaoh = work / f"en.{repeat}.conll", work / f"{lang}.{repeat}.txt", work / f"{repeat}.links"
            formats.write(english * repeat, source, "conll")
            text.write_text("".join(" ".join(s.tokens) + "\n" for s in target * repeat), encoding="utf-8")
            pharaoh.write_text("".join(format_pharaoh(x) + "\n" for x in links * repeat), encoding="utf-8")
            tsv = work / f"en.{repeat}.tsv"  # the driver's input: "word tag" lines
            tsv.write_text(source.read_text(encoding="utf-8").replace("\t", " "), encoding="utf-8")
            given = ["--source", str(source), "--target", str(text), "--alignments", str(pharaoh)]
            seconds: dict[str, list[float]] = {"elp": [], "heuristic": [], "default": []}
            for _ in range(runs):
                seconds["elp"].append(_timed(dataset_projection, tsv, text, pharaoh, work / "elp.tsv"))
                seconds["heuristic"].append(
                    _timed(_xner, *given, "--method", "heuristic", "--out", str(work / "h.conll"))
                )
                seconds["default"].append(_timed(_xner, *given, "--out", str(work / "d.conll")))
            n = len(english) * repeat
            speed = {path: n / statistics.median(times) for path, times in seconds.items()}
            cells = [f"{n:,}", f"{speed['elp']:,.0f}"]
            for path in ("heuristic", "default"):
                ratios = [b / x for b, x in zip(seconds["elp"], seconds[path], strict=True)]
                spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if runs > 1 else ""
                cells += [f"{speed[path]:,.0f}", f"{statistics.median(ratios):.2f}x{spread}"]
            print("| " + " | ".join(cells) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, nargs="+", default=[1, 10, 50], help="corpus repetitions")
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds of the three paths")
    parser.add_argument("--lang", default="es", help="target side: de, es or it")
    parser.add_argument("--cache", type=Path, default=None, help="folder for the eflomal links (reused)")
    args = parser.parse_args()
    run(args.repeat, args.runs, args.lang, args.cache)


if __name__ == "__main__":
    main()
