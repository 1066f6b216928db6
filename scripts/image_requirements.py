"""The Python requirements of one role's container image, one per line, from pyproject.toml's
``[tool.xner.images]`` table (the Dockerfile installs them before the package itself, with ``--no-deps``).

    python scripts/image_requirements.py gateway|translate|align|project|ner [--pyproject PATH]

A role installs the project's base dependencies less those it never imports (``without``), the dependencies of
its extras, and the packages its default backends load at run time (``packages``: spaCy's English pipeline for
the ner role). Standard library only: it runs in the bare build image.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def distribution_name(requirement: str) -> str:
    """The normalised distribution name of a requirement string (PEP 503)."""
    found = _NAME.match(requirement.strip())
    if found is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", found.group(0)).lower()


def requirements(role: str, pyproject: Path = PYPROJECT) -> list[str]:
    """The requirement strings of ``role``'s image; a role or extra the file does not name is an error."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    roles = project["tool"]["xner"]["images"]
    if role not in roles:
        raise KeyError(f"unknown role {role!r}; the roles are {', '.join(sorted(roles))}")
    spec = roles[role]
    without = {distribution_name(name) for name in spec.get("without", [])}
    extras = project["project"]["optional-dependencies"]
    unknown = [extra for extra in spec["extras"] if extra not in extras]
    if unknown:
        raise KeyError(f"role {role!r} names unknown extras: {', '.join(unknown)}")
    chosen = [r for r in project["project"]["dependencies"] if distribution_name(r) not in without]
    for extra in spec["extras"]:
        chosen += extras[extra]
    chosen += spec.get("packages", [])
    return list(dict.fromkeys(chosen))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("role")
    parser.add_argument("--pyproject", type=Path, default=PYPROJECT)
    args = parser.parse_args()
    try:
        lines = requirements(args.role, args.pyproject)
    except KeyError as error:
        raise SystemExit(str(error.args[0])) from None
    sys.stdout.write("".join(f"{line}\n" for line in lines))


if __name__ == "__main__":
    main()
