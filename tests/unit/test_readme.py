"""README's first command works as written (its xner part, run with this interpreter)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_readme_main_job_runs(tmp_path):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"```bash\n(.+?)\n```", text, flags=re.S)
    assert command is not None
    steps = [shlex.split(part) for part in command.group(1).split("&&")]
    xner_steps = [step for step in steps if step[0].endswith("xner")]
    assert [step[1] for step in xner_steps] == ["project", "evaluate"]
    for step in xner_steps:
        argv = [arg.replace("out/", f"{tmp_path}/") for arg in step[1:]]
        done = subprocess.run([sys.executable, "-m", "xner", *argv], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert "overall" in done.stdout
