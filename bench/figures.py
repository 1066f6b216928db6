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
from dataclasses import dataclass
from pathlib import Path

from bench.common import REPO

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
SETTINGS_HEADER = re.compile(r"default|setting", re.IGNORECASE)


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
    """A ``python -m bench.NAME ARGS`` line a doc shows."""

    doc: str
    module: str
    args: str

    @property
    def is_usage(self) -> bool:
        """A usage line (``[--sizes N ...]``, ``A|B``, ``<dir>``) rather than a run that gave a figure."""
        return bool(re.search(r"[\[\]|<>]|\.\.\.|\bN\b|DIR|FILE", self.args))

    @property
    def line(self) -> str:
        return f"python -m bench.{self.module}{' ' + self.args if self.args else ''}"


def _code(text: str) -> list[str]:
    """Code fences and inline code spans (an inline span may wrap onto the next line), whitespace collapsed."""
    fences = re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)
    outside = re.sub(r"```[a-z]*\n.*?```", "", text, flags=re.S)
    lines = [line for fence in fences for line in fence.replace("\\\n", " ").splitlines()]
    spans = re.findall(r"`([^`]+)`", outside)
    return [" ".join(piece.split()) for piece in (*lines, *spans)]


def bench_commands(docs: tuple[Path, ...] = DOCS) -> list[BenchCommand]:
    """Every bench command line the docs show, in order, each once."""
    seen: dict[tuple[str, str], BenchCommand] = {}
    for path in docs:
        for code in _code(path.read_text(encoding="utf-8")):
            for module, args in BENCH.findall(code):
                command = BenchCommand(path.name, module, " ".join(args.split()))
                seen.setdefault((command.module, command.args), command)
    return list(seen.values())


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
