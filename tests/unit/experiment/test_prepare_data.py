"""``scripts/prepare_data.py`` on small files of the official shapes: the layouts it writes are the ones the
experiment reads, archives give only their split files, and a malformed line is named."""

from __future__ import annotations

import importlib.util
import io
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.unit.experiment.conftest import SENTENCES, write_masakhaner, write_panx
from xner.experiment.config import DatasetConfig
from xner.experiment.layouts import read_gold

SCRIPT = Path(__file__).parents[3] / "scripts" / "prepare_data.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("prepare_data", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["prepare_data"] = module
    spec.loader.exec_module(module)
    return module


def test_masakhaner2_from_the_repository_folder_and_from_a_zip(script: ModuleType, tmp_path: Path) -> None:
    data = write_masakhaner(tmp_path / "MasakhaNER2.0" / "data", ("hau", "yor"))
    (data / "hau" / "dev.txt").write_text("Abuja B-LOC\n", encoding="utf-8")
    (data / "README.md").write_text("not data\n", encoding="utf-8")
    archive = tmp_path / "masakhaner2.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in data.rglob("*.txt"):
            zipped.write(path, f"MasakhaNER2.0/data/{path.relative_to(data)}")
    for source, out in ((data, tmp_path / "from-folder"), (archive, tmp_path / "from-zip")):
        assert script.main(["masakhaner2", str(source), str(out)]) == 0
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt")) == [
            "hau/dev.txt",
            "hau/test.txt",
            "yor/test.txt",
        ]
        gold = read_gold(DatasetConfig(name="m", layout="masakhaner2", path=out), "hau")
        assert [s.tokens for s in gold] == [[token for token, _ in sentence] for sentence in SENTENCES]


def test_panx_reads_only_the_split_members_of_each_language_archive(script: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "panx_dataset"
    source.mkdir()
    plain = write_panx(tmp_path / "plain", "sw", "test")
    with tarfile.open(source / "sw.tar.gz", "w:gz") as archive:
        archive.add(plain, arcname="test")
        archive.add(plain, arcname="../../escape/dev")  # a path from the archive is never used
        extra = io.BytesIO(b"not a split\n")
        info = tarfile.TarInfo("extra")
        info.size = len(extra.getvalue())
        archive.addfile(info, extra)
    out = tmp_path / "out"
    assert script.main(["panx", str(source), str(out)]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["sw/dev", "sw/test"]
    assert not (tmp_path / "escape").exists()
    gold = read_gold(DatasetConfig(name="p", layout="panx", path=out), "sw")
    assert gold[0].tokens == [token for token, _ in SENTENCES[0]]  # the "sw:" prefix is the layout's to remove


def test_a_malformed_line_is_named_and_nothing_found_is_an_error(
    script: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data" / "hau"
    data.mkdir(parents=True)
    (data / "test.txt").write_text("Abuja B-LOC\nthree fields here\n", encoding="utf-8")
    assert script.main(["masakhaner2", str(tmp_path / "data"), str(tmp_path / "out")]) == 2
    assert "hau/test: line 2 is not 'token label'" in capsys.readouterr().err
    assert script.main(["panx", str(tmp_path / "data"), str(tmp_path / "out")]) == 2
    assert "no panx files found" in capsys.readouterr().err
