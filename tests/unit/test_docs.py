"""Docs name only what exists: every file, module, ``file.py:name`` and ``xner`` subcommand that README.md and
docs/*.md mention in backticks is checked against the tree."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
ROOTS = ("xner", "gateway", "services", "tests", "bench", "scripts", "docs", "deploy", ".ci")
CODE = re.compile(r"`([^`\n]+)`")
PATH = re.compile(rf"^(?:{'|'.join(re.escape(root) for root in ROOTS)})/[\w./<>-]*?(?::[\w.]+)?$")
DOTTED = re.compile(r"^(?:xner|gateway|services|bench)(?:\.\w+)+$")


def mentions() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for span in CODE.findall(doc.read_text(encoding="utf-8")):
            for word in span.split():
                word = word.strip("(),;")
                if PATH.match(word) or DOTTED.match(word):
                    found.append((doc.name, word))
    return sorted(set(found))


@cache
def definitions(path: Path) -> set[str]:
    """Top-level and class-level names a Python file defines or imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def check_path(word: str) -> str | None:
    path, _, name = word.partition(":")
    if "<" in path:  # a pattern such as services/<name>/jobs.py
        return None if list(REPO.glob(re.sub(r"<[^>]+>", "*", path))) else f"no file matches {path}"
    target = REPO / path
    if not target.exists():
        return f"no {path}"
    if name and name.split(".")[0] not in definitions(target):
        return f"{path} defines no {name}"
    return None


def module_file(module: str) -> Path | None:
    base = REPO.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def logger_names() -> set[str]:
    """The names the code gives its loggers (``logging.getLogger("xner.platforms")``): docs name them too."""
    pattern = re.compile(r"getLogger\(\"([\w.]+)\"\)")
    return {
        name for root in ROOTS[:4] for path in (REPO / root).rglob("*.py") for name in pattern.findall(path.read_text())
    }


def check_dotted(word: str) -> str | None:
    """A module, a module's attribute (``xner.backends.load``) or a logger's name."""
    if word in logger_names():
        return None
    parts = word.split(".")
    for cut in range(len(parts), 0, -1):
        path = module_file(".".join(parts[:cut]))
        if path is not None:
            rest = parts[cut:]
            if not rest or rest[0] in definitions(path) or module_file(".".join(parts[: cut + 1])) is not None:
                return None
            return f"{'.'.join(parts[:cut])} defines no {rest[0]}"
    return f"no module {word}"


MENTIONS = mentions()


@pytest.mark.parametrize(("doc", "word"), MENTIONS, ids=[f"{d}:{w}" for d, w in MENTIONS])
def test_a_doc_names_what_exists(doc, word):
    problem = check_path(word) if "/" in word else check_dotted(word)
    assert problem is None, f"{doc} names `{word}`: {problem}"


def test_docs_name_xner_subcommands_that_exist():
    from typer.main import get_command

    from xner.cli import app

    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    named = set()
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        blocks = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S))
        spans = "\n".join(CODE.findall(text))
        named.update(re.findall(r"^(?:\$ )?(?:[A-Z_]+=\S+ )*xner ([a-z][a-z-]+)\b", f"{blocks}\n{spans}", flags=re.M))
    assert named and named <= commands, f"docs name subcommands that do not exist: {sorted(named - commands)}"


def test_the_checks_catch_a_missing_name():
    assert check_path("xner/backends.py:load") is None
    assert check_path("xner/backends.py:no_such_function") is not None
    assert check_path("xner/no_such_module.py") is not None
    assert check_dotted("xner.backends.load") is None
    assert check_dotted("xner.no_such_module") is not None


def command_lines() -> list[tuple[str, str]]:
    """Every ``xner SUBCOMMAND ...`` line shown in a code block or an inline code span, up to a shell separator."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        blocks = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)).replace("\\\n", " ")
        logical: list[str] = []  # an indented line continues the one before (a usage spread over lines)
        for raw in blocks.splitlines():
            if raw[:1] in (" ", "\t") and logical:
                logical[-1] += " " + raw.strip()
            else:
                logical.append(raw)
        for source in (*logical, *CODE.findall(text)):
            for part in re.split(r"&&|\|\||;|\$\(|\s\|\s(?![-\[(])", source):  # `A|B` is a usage choice
                match = re.search(r"(?:^|\s)xner ([a-z][a-z-]+\b.*)$", part.strip())
                if "import" in part:
                    continue
                if match:
                    found.append((doc.name, "xner " + match.group(1).split(" #")[0].strip()))
    return sorted(set(found))


COMMAND_LINES = command_lines()


@pytest.mark.parametrize(("doc", "line"), COMMAND_LINES, ids=[f"{d}:{line}" for d, line in COMMAND_LINES])
def test_a_doc_shows_options_that_exist(doc, line):
    """Each ``--option`` a doc's command line shows is an option of that subcommand (``--format`` where the option
    is ``--fmt`` fails here)."""
    from typer.main import get_command

    from xner.cli import app

    commands = get_command(app).commands  # type: ignore[attr-defined]
    name = line.split()[1]
    assert name in commands, f"{doc}: `{line}`: no subcommand {name}"
    options = {"--help"} | {opt for param in commands[name].params for opt in (*param.opts, *param.secondary_opts)}
    shown = {word.split("=")[0] for word in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*(?:=\S*)?", line)}
    assert shown <= options, f"{doc}: `{line}` shows {sorted(shown - options)}; {name} has {sorted(options)}"
