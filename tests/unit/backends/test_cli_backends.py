"""The translate, tag, train and ct2-convert commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from xner import formats
from xner.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_translate_text_file_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Hello  world\n\nSecond line\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    code, _, err = run(["translate", "--translator", "identity", "--src-lang", "en", "--tgt-lang", "es",
                        str(source), "--out", str(out)], capsys)  # fmt: skip
    assert code == 0, err
    assert out.read_text(encoding="utf-8") == "Hello world\n\nSecond line\n"
    assert "wrote 3 translations" in err


def test_translate_reads_stdin_and_conll(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"uno dos\ntres\n")))
    code, out, _ = run(["translate", "--translator", "identity", "--src-lang", "es", "--tgt-lang", "en"], capsys)
    assert (code, out) == (0, "uno dos\ntres\n")
    conll = tmp_path / "in.conll"
    conll.write_text("John\tB-PER\nsleeps\tO\n\nYes\tO\n", encoding="utf-8")
    code, out, _ = run(["translate", "--translator", "identity", "--src-lang", "en", "--tgt-lang", "es",
                        str(conll)], capsys)  # fmt: skip
    assert (code, out) == (0, "John sleeps\nYes\n")


def test_translate_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.txt"
    source.write_text("x\n", encoding="utf-8")
    code, _, err = run(["translate", "--translator", "identity", "--src-lang", "engl", "--tgt-lang", "es",
                        str(source)], capsys)  # fmt: skip
    assert code == 2
    assert err.count("\n") == 1 and "did you mean eng_Latn" in err
    code, _, err = run(["translate", "--translator", "marian", "--src-lang", "en", "--tgt-lang", "es",
                        str(source)], capsys)  # fmt: skip
    assert code == 2 and "unknown translator 'marian'" in err
    code, _, err = run(["translate", "--translator", "identity", "--beams", "3", "--src-lang", "en",
                        "--tgt-lang", "es", str(source)], capsys)  # fmt: skip
    assert code == 2 and "does not apply" in err


def test_translate_with_apertium_and_a_disk_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], apertium_eng_spa: str
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("The dog sleeps.\n", encoding="utf-8")
    argv = ["translate", "--translator", "apertium", "--src-lang", "eng_Latn", "--tgt-lang", "spa_Latn",
            "--cache-dir", str(tmp_path / "cache"), str(source)]  # fmt: skip
    code, out, _ = run(argv, capsys)
    assert code == 0 and "perro" in out
    assert (tmp_path / "cache" / "translations.sqlite3").is_file()
    code, _, err = run([*argv[:4], "eng_Latn", "--tgt-lang", "deu_Latn", str(source)], capsys)
    assert code == 1 and "apertium-eng-deu" in err


def test_tag_conll_to_jsonl_with_hf(tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_tagger_dir: Path) -> None:
    source = tmp_path / "in.conll"
    source.write_text("John\tB-PER\nlives\tO\nin\tO\nMadrid\tB-LOC\n\nHello\tO\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = run(["tag", "--lang", "en", "--tagger", f"hf:{tiny_tagger_dir}", "--drop", "MISC",
                        str(source), "--out", str(out)], capsys)  # fmt: skip
    assert code == 0, err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2
    assert records[0]["text"] == "John lives in Madrid"
    assert all(span["label"] in {"PER", "ORG", "LOC"} for r in records for span in r["spans"])
    assert "tagged 2 sentences" in err


def test_tag_text_with_spacy_to_conll(tmp_path: Path, capsys: pytest.CaptureFixture[str], spacy_pipeline: str) -> None:
    source = tmp_path / "in.txt"
    source.write_text("John Smith works for Google in London .\n", encoding="utf-8")
    out = tmp_path / "out.conll"
    code, _, err = run(["tag", "--lang", "eng_Latn", "--tagger", f"spacy:{spacy_pipeline}", str(source),
                        "--out", str(out)], capsys)  # fmt: skip
    assert code == 0, err
    (sentence,) = formats.read(out)
    assert {(s.start, s.end, s.label) for s in sentence.spans} >= {(0, 2, "PER"), (6, 7, "LOC")}


def test_train_command(tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_tagger_dir: Path) -> None:
    data = tmp_path / "train.conll"
    data.write_text("John\tB-PER\nsleeps\tO\n\nMadrid\tB-LOC\nsleeps\tO\n\n" * 3, encoding="utf-8")
    out = tmp_path / "model"
    code, _, err = run(["train", "--train", str(data), "--dev", str(data), "--base", f"hf:{tiny_tagger_dir}",
                        "--out", str(out), "--max-steps", "2", "--lang", "en"], capsys)  # fmt: skip
    assert code == 0, err
    assert (out / "README.md").is_file() and (out / "config.json").is_file()
    assert "saved the best model" in err


def test_ct2_convert_command(tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_nllb_dir: Path) -> None:
    pytest.importorskip("ctranslate2")
    out = tmp_path / "ct2"
    code, _, err = run(["ct2-convert", str(tiny_nllb_dir), str(out)], capsys)
    assert code == 0, err
    # the message wraps at the terminal's width, anywhere in a long temp path (longer under an xdist worker)
    assert (out / "model.bin").is_file() and f"ctranslate2:{out}" in "".join(err.split())
