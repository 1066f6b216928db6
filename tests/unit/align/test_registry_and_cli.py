"""Backend specs, lazy imports, and the ``xner align`` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xner.align import parse_spec
from xner.cli import main
from xner.errors import InputError, UnknownNameError

REPO = Path(__file__).resolve().parents[3]


def test_specs() -> None:
    assert parse_spec("eflomal") == ("eflomal", None)
    assert parse_spec("encoder:bert-base-multilingual-cased") == ("encoder", "bert-base-multilingual-cased")
    assert parse_spec("encoder:/models/x:y") == ("encoder", "/models/x:y")
    with pytest.raises(UnknownNameError, match="valid: eflomal, encoder"):
        parse_spec("fastalign")
    with pytest.raises(InputError, match="empty model"):
        parse_spec("encoder:")


def test_importing_alignment_and_eflomal_does_not_import_torch() -> None:
    code = (
        "import sys, xner.align, xner.cli; from xner.align import load_aligner; load_aligner('eflomal'); "
        "print('torch' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "False"


@pytest.fixture()
def texts(tmp_path: Path) -> tuple[Path, Path]:
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.conll"
    src.write_text("the Commission met Barroso\n\nin 1999\n", encoding="utf-8")
    tgt.write_text(
        "die\tO\nKommission\tB-ORG\ntraf\tO\nBarroso\tB-PER\n\nleer\tO\n\n1999\tO\n",
        encoding="utf-8",
    )
    return src, tgt


def test_align_writes_one_pharaoh_line_per_pair(texts: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("eflomal")
    src, tgt = texts
    out = tmp_path / "links.txt"
    assert main(["align", "--source", str(src), "--target", str(tgt), "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 4 and lines[3] == ""  # three pairs, newline-terminated
    assert "3-3" in lines[0].split() and lines[1] == ""  # Barroso-Barroso; the empty source sentence
    assert "1-0" in lines[2].split()


def test_align_with_an_encoder_spec_and_method(texts: tuple[Path, Path], tmp_path: Path, tiny_bert: Path) -> None:
    src, tgt = texts
    out = tmp_path / "links.txt"
    argv = ["align", "--source", str(src), "--target", str(tgt), "--out", str(out), "--aligner", f"encoder:{tiny_bert}"]
    assert main([*argv, "--method", "softmax", "--symmetrise", "gdfa"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_align_errors_are_one_line_with_exit_2(
    texts: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, tgt = texts
    short = tmp_path / "short.txt"
    short.write_text("one line\n", encoding="utf-8")
    out = str(tmp_path / "o.txt")
    assert main(["align", "--source", str(src), "--target", str(short), "--out", out]) == 2
    assert "3 source sentences but 1 target sentences" in capsys.readouterr().err
    assert main(["align", "--source", str(src), "--target", str(tgt), "--out", out, "--aligner", "giza"]) == 2
    assert "valid: eflomal, encoder" in capsys.readouterr().err
    assert main(["align", "--source", str(src), "--target", str(tgt), "--out", out, "--symmetrise", "x"]) == 2
    assert "grow-diag-final-and" in capsys.readouterr().err
    assert not Path(out).exists()


def test_the_default_aligner_is_reproducible_through_its_cache(tmp_path: Path) -> None:
    from xner.align import load_aligner

    src = [["the", "European", "Parliament", "met", "in", "Strasbourg"], ["thanks", "Mr", "Prodi"]] * 20
    tgt = [["el", "Parlamento", "Europeo", "se", "reunió", "en", "Estrasburgo"], ["gracias", "señor", "Prodi"]] * 20
    first = load_aligner("eflomal", cache_dir=str(tmp_path)).align(src, tgt)
    again = load_aligner("eflomal", cache_dir=str(tmp_path)).align(src, tgt)  # a new aligner, same directory
    assert again == first
    assert (tmp_path / "alignments.sqlite3").is_file()
    other = load_aligner("eflomal", symmetrise="union", cache_dir=str(tmp_path)).align(src, tgt)
    assert len(other) == len(first)  # other settings: another cache entry, still one alignment per pair
    assert load_aligner("eflomal", cache=False).align([], []) == []


def test_align_takes_the_encoder_layer(
    texts: tuple[Path, Path], tmp_path: Path, tiny_bert: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xner import backends
    from xner.align import load_aligner
    from xner.formats import read

    loaded: list[dict[str, object]] = []
    real = backends.load

    def spy(kind: str, spec: str | None = None, **options: object) -> object:
        loaded.append(options)
        return real(kind, spec, **options)  # type: ignore[call-overload]

    monkeypatch.setattr("xner.cli.align.backends.load", spy)
    src, tgt = texts
    spec, out = f"encoder:{tiny_bert}", tmp_path / "links.txt"
    argv = ["align", "--source", str(src), "--target", str(tgt), "--out", str(out), "--aligner", spec]
    assert main([*argv, "--layer", "0", "--method", "argmax"]) == 0
    assert loaded[-1]["layer"] == 0  # the layer asked for reaches the backend (0: the embeddings)
    words = [s.tokens for s in read(src, "text")], [s.tokens for s in read(tgt, "conll")]
    expected = load_aligner(spec, method="argmax", layer=0, cache=False).align(*words)
    assert out.read_text(encoding="utf-8") == "".join(a.to_pharaoh() + "\n" for a in expected)
    assert main([*argv, "--method", "argmax"]) == 0
    assert "layer" not in loaded[-1]  # unset: the backend's default


def test_an_encoder_layer_for_eflomal_or_past_the_model_is_a_one_line_error(
    texts: tuple[Path, Path], tmp_path: Path, tiny_bert: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, tgt = texts
    argv = ["align", "--source", str(src), "--target", str(tgt), "--out", str(tmp_path / "o.txt")]
    assert main([*argv, "--layer", "7"]) == 2
    assert "layer: the eflomal aligner has no encoder layer (got 7)" in capsys.readouterr().err
    assert main([*argv, "--aligner", f"encoder:{tiny_bert}", "--layer", "10"]) == 2
    assert "has 9 layers; layer must be at most 9" in capsys.readouterr().err
    assert main([*argv, "--layer", "-1"]) == 2
    assert "--layer" in capsys.readouterr().err
