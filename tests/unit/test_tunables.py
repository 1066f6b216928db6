"""Tunables live in ``defaults.py`` modules, one named constant with a docstring each (as rq keeps its own in
``rq/defaults.py``): a numeric module constant anywhere else in ``xner``, ``gateway`` or ``services`` fails here,
unless it is a fixed fact rather than a choice (listed in :data:`FIXED`, with the reason)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("xner", "gateway", "services")

FIXED = {
    "xner/service/worker.py:PR_SET_PDEATHSIG": "a Linux prctl(2) option number",
    "xner/cli/__init__.py:EXIT_INPUT_ERROR": "the CLI's exit status contract",
    "xner/cli/__init__.py:EXIT_FAILURE": "the CLI's exit status contract",
    "xner/service/middleware.py:CLIENT_CLOSED": "the status code logged for a client that went away (nginx's 499)",
    "xner/ner/train.py:IGNORE_INDEX": "the label PyTorch's cross-entropy ignores",
    "xner/align/encoder.py:_HUGE": "what tokenizers without a length limit report as one",
    "xner/align/symmetrise.py:_NEIGHBOURS": "the grow-diag neighbourhood, part of the algorithm's definition",
    "gateway/platforms/projects.py:MAX_PROJECT_ID": "the platforms' id type (a 64-bit signed integer)",
    "xner/experiment/analysis.py:RHO_TOLERANCE": "a floating-point tolerance, not a choice of method",
}
"""``file:NAME`` of numeric constants that are facts, not tunables."""


def is_number(node: ast.expr) -> bool:
    """A literal number, or arithmetic / a tuple of them (``7 * 86_400``, ``(5, 30, 120)``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.BinOp):
        return is_number(node.left) and is_number(node.right)
    if isinstance(node, ast.UnaryOp):
        return is_number(node.operand)
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(is_number(element) for element in node.elts)
    return False


def numeric_constants(path: Path) -> list[tuple[str, bool]]:
    """Module-level ``UPPER_CASE = <number>`` in ``path``: (name, followed by a docstring)."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    found = []
    for index, node in enumerate(body):
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        if target is None or value is None or not target.isupper() or not is_number(value):
            continue
        following = body[index + 1] if index + 1 < len(body) else None
        documented = (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        )
        found.append((target, documented))
    return found


def files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (REPO / package).rglob("*.py"))


def test_numeric_constants_live_in_defaults_modules():
    outside = [
        f"{path.relative_to(REPO)}:{name}"
        for path in files()
        if path.name != "defaults.py"
        for name, _ in numeric_constants(path)
        if f"{path.relative_to(REPO)}:{name}" not in FIXED
    ]
    assert not outside, f"move these tunables into their package's defaults.py: {outside}"


def test_every_tunable_has_a_docstring():
    bare = [
        f"{path.relative_to(REPO)}:{name}"
        for path in files()
        if path.name == "defaults.py"
        for name, documented in numeric_constants(path)
        if not documented
    ]
    assert not bare, f"document these tunables: {bare}"


def test_the_scan_finds_a_tunable(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('LIMIT = 3 * 1024\nTIMEOUT: float = 2.5\n"""Seconds."""\nname = 4\nFLAG = True\n')
    assert numeric_constants(module) == [("LIMIT", False), ("TIMEOUT", True)]
