"""``xner project``: parallel mode with given alignments, multi-source, error messages."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from xner import formats
from xner.cli import main
from xner.cli.project import aligned_ahead
from xner.errors import InputError

SOURCE = "Prodi\tB-PER\nvisited\tO\nRome\tB-LOC\n\nHello\tO\nEurope\tB-LOC\n"
TARGET = "Prodi\tO\nvisitò\tO\nRoma\tO\n\nCiao\tO\nEuropa\tO\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "source": tmp_path / "en.conll",
        "target": tmp_path / "it.conll",
        "text": tmp_path / "it.txt",
        "links": tmp_path / "en-it.links",
    }
    paths["source"].write_text(SOURCE, encoding="utf-8")
    paths["target"].write_text(TARGET, encoding="utf-8")
    paths["text"].write_text("Prodi visitò Roma\nCiao Europa\n", encoding="utf-8")
    paths["links"].write_text("0-0 1-1 2-2\n0-0\n", encoding="utf-8")
    return paths


@pytest.mark.parametrize("method", ["heuristic", "candidates"])
@pytest.mark.parametrize("target", ["target", "text"])
def test_project_with_alignments(
    files: dict[str, Path], tmp_path: Path, method: str, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.conll"
    code = main(
        [
            "project",
            "--source", str(files["source"]),
            "--target", str(files[target]),
            "--alignments", str(files["links"]),
            "--method", method,
            *(["--matching", "greedy"] if method == "candidates" else []),
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    sentences = list(formats.read(out, "conll"))
    # "Europe" is unaligned: the heuristic loses it, candidates find "Europa" by its spelling (surface score)
    second = ["O", "B-LOC"] if method == "candidates" else ["O", "O"]
    assert [s.iob2() for s in sentences] == [["B-PER", "O", "B-LOC"], second]
    err = capsys.readouterr().err
    assert "sentences in" in err and "dropped" in err and "wrote 2 sentences" in err


def test_skip_dropped_and_jsonl_output(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    args = ["project", "--source", str(files["source"]), "--target", str(files["target"])]
    links = ["--alignments", str(files["links"]), "--method", "heuristic"]
    code = main([*args, *links, "--skip-dropped", "--out", str(out)])
    assert code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_multi_source(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.conll"
    source, links = str(files["source"]), str(files["links"])
    args = ["project", "--source", source, "--source", source, "--target", str(files["target"])]
    assert main([*args, "--alignments", links, "--alignments", links, "--out", str(out)]) == 0
    assert [s.iob2() for s in formats.read(out, "conll")] == [["B-PER", "O", "B-LOC"], ["O", "B-LOC"]]


def test_bad_alignment_is_a_one_line_input_error(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files["links"].write_text("0-0 1-1 2-7\n0-0\n", encoding="utf-8")
    args = ["project", "--source", str(files["source"]), "--target", str(files["target"])]
    code = main([*args, "--alignments", str(files["links"]), "--out", str(tmp_path / "o.conll")])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "sentence 1 (source line 1, target line 1): alignment link 2-7 is out of range" in err
    files["links"].write_text("0-0\n", encoding="utf-8")
    assert main([*args, "--alignments", str(files["links"]), "--out", str(tmp_path / "o.conll")]) == 2
    assert "1 alignment lines for 2 sentence pairs" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--layer", "7"], "--layer"),
        (["--aligner", "eflomal", "--symmetrise", "union"], "--aligner, --symmetrise"),
        (["--extraction", "softmax"], "--extraction"),
    ],
)
def test_alignment_options_beside_given_links_are_named(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], named: str
) -> None:
    args = ["project", "--source", str(files["source"]), "--target", str(files["target"]), *options]
    assert main([*args, "--alignments", str(files["links"]), "--out", str(tmp_path / "o.conll")]) == 2
    assert f"{named}: choose how to align; --alignments gives the links" in capsys.readouterr().err


def _numbered_files(tmp_path: Path, n: int, bad_link_at: int | None = None) -> list[str]:
    """``n`` sentence pairs (a PER entity each), diagonal links; sentence ``bad_link_at`` (1-based) gets a link out
    of range."""
    source = tmp_path / "many.conll"
    target = tmp_path / "many.txt"
    links = tmp_path / "many.links"
    source.write_text("".join(f"Kofi\tB-PER\nsaid\tO\n{k}\tO\n\n" for k in range(n)), encoding="utf-8")
    target.write_text("".join(f"Kofi dijo {k}\n" for k in range(n)), encoding="utf-8")
    lines = ["0-0 1-1 2-2" if k + 1 != bad_link_at else "0-0 2-9" for k in range(n)]
    links.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return ["project", "--source", str(source), "--target", str(target), "--alignments", str(links)]


def test_chunks_give_the_same_output_as_one_piece(tmp_path: Path) -> None:
    args = [*_numbered_files(tmp_path, 10), "--method", "heuristic", "--fmt", "jsonl"]
    assert main([*args, "--out", str(tmp_path / "whole.jsonl")]) == 0
    assert main([*args, "--chunk-size", "3", "--out", str(tmp_path / "chunked.jsonl")]) == 0
    whole = (tmp_path / "whole.jsonl").read_text(encoding="utf-8")
    assert whole == (tmp_path / "chunked.jsonl").read_text(encoding="utf-8") and whole.count("\n") == 10


def test_corpus_level_scores_are_per_chunk_but_the_spans_stay(tmp_path: Path) -> None:
    """The consistency score of the candidates method counts within a chunk: scores may change, spans here not."""
    args = [*_numbered_files(tmp_path, 10), "--fmt", "jsonl"]
    assert main([*args, "--out", str(tmp_path / "whole.jsonl")]) == 0
    assert main([*args, "--chunk-size", "3", "--out", str(tmp_path / "chunked.jsonl")]) == 0
    whole, chunked = (list(formats.read(tmp_path / name, "jsonl")) for name in ("whole.jsonl", "chunked.jsonl"))
    assert [[s.key for s in x.spans] for x in whole] == [[s.key for s in x.spans] for x in chunked]


def test_errors_in_a_later_chunk_name_the_sentence_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*_numbered_files(tmp_path, 10, bad_link_at=8), "--chunk-size", "3", "--fmt", "jsonl"]
    assert main([*args, "--out", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "sentence 8 (source line 29, target line 8): alignment link 2-9 is out of range" in err
    assert not (tmp_path / "o.jsonl").exists()  # nothing half-written


def test_sides_of_different_lengths_are_counted_whole_across_chunks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _numbered_files(tmp_path, 10)
    target = Path(args[4])
    target.write_text("".join(f"Kofi dijo {k}\n" for k in range(8)), encoding="utf-8")
    assert main([*args, "--chunk-size", "3", "--out", str(tmp_path / "o.conll")]) == 2
    assert f"has 10 sentences but {target} has 8" in capsys.readouterr().err


def test_aligned_chunks_are_those_of_each_chunk_aligned_alone(tmp_path: Path) -> None:
    """eflomal aligns chunk after chunk, ahead of the projection: each chunk's links are the ones it gets alone."""
    args = [*_numbered_files(tmp_path, 7)[:5], "--fmt", "jsonl"]  # no --alignments: eflomal aligns
    assert main([*args, "--chunk-size", "3", "--out", str(tmp_path / "chunked.jsonl")]) == 0
    source, target = Path(args[2]), Path(args[4])
    blocks, lines = source.read_text(encoding="utf-8").split("\n\n")[:-1], target.read_text(encoding="utf-8").split()
    alone = []
    for first in range(0, 7, 3):
        part_source, part_target = tmp_path / f"part{first}.conll", tmp_path / f"part{first}.txt"
        part_source.write_text("".join(b + "\n\n" for b in blocks[first : first + 3]), encoding="utf-8")
        part_target.write_text(
            "".join(" ".join(lines[3 * k : 3 * k + 3]) + "\n" for k in range(first, min(first + 3, 7))),
            encoding="utf-8",
        )
        out = tmp_path / f"part{first}.jsonl"
        assert main(["project", "--source", str(part_source), "--target", str(part_target), "--fmt", "jsonl",
                     "--out", str(out)]) == 0  # fmt: skip
        alone += [(s.tokens, [x.key for x in s.spans]) for s in formats.read(out, "jsonl")]
    chunked = [(s.tokens, [x.key for x in s.spans]) for s in formats.read(tmp_path / "chunked.jsonl", "jsonl")]
    assert chunked == alone and len(chunked) == 7


def test_aligned_ahead_keeps_the_order_and_works_on_the_next_chunk_meanwhile() -> None:
    started = [threading.Event() for _ in range(4)]

    def align(chunk: int) -> int:
        started[chunk].set()
        return chunk * 10

    seen = []
    for result in aligned_ahead(iter(range(4)), align, 1):  # type: ignore[arg-type]
        k = result // 10
        if k + 1 < 4:  # the next chunk is aligning (or done) before this one is handed on
            assert started[k + 1].wait(timeout=30)
        seen.append(result)
    assert seen == [0, 10, 20, 30]


def test_an_alignment_error_reaches_the_caller() -> None:
    def align(chunk: int) -> int:
        if chunk == 2:
            raise InputError("chunk 2 cannot be aligned")
        return chunk

    with pytest.raises(InputError, match="chunk 2"):
        list(aligned_ahead(iter(range(4)), align, 1))  # type: ignore[arg-type]


def test_a_caller_that_stops_does_not_wait_for_the_chunk_aligning() -> None:
    aligned: list[int] = []
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def align(chunk: int) -> int:
        if chunk == 1:
            started.set()
            assert release.wait(timeout=30)
        aligned.append(chunk)
        if chunk == 1:
            finished.set()
        return chunk

    stream = aligned_ahead(iter(range(5)), align, 1)  # type: ignore[arg-type]
    assert next(stream) == 0
    assert started.wait(timeout=30)  # chunk 1 is aligning
    stream.close()  # returns while chunk 1 still waits (a shutdown that waited would block here)
    assert not release.is_set() and aligned == [0]
    release.set()
    assert finished.wait(timeout=30)
    assert aligned == [0, 1]  # and no chunk after it was read or aligned


def test_an_encoder_field_for_eflomal_is_named_before_anything_is_translated(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import xner.pipeline

    def never(*_: object, **__: object) -> None:
        raise AssertionError("translated before the options were checked")

    monkeypatch.setattr(xner.pipeline, "translate_train", never)
    monkeypatch.setattr(xner.pipeline, "translate_test", never)
    translate = ["project", "--source", str(files["source"]), "--src-lang", "en", "--tgt-lang", "it"]
    assert main([*translate, "--layer", "3", "--out", str(tmp_path / "o.conll")]) == 2
    assert "--layer: the eflomal aligner has no encoder layer" in capsys.readouterr().err
    tag = ["tag", str(files["text"]), "--lang", "it", "--translate-test", "--out", str(tmp_path / "t.conll")]
    assert main([*tag, "--extraction", "softmax"]) == 2
    assert "--extraction: the eflomal aligner has no link extraction method" in capsys.readouterr().err
