"""File to file with the columnar kernel: on plain files the same bytes and counts as the general path, and ``None``
(the general path then reads and reports) for anything else."""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from xner import formats
from xner.cli import main
from xner.project.columnar_files import (
    ODD_WHITESPACE,
    project_files,
    read_conll_tables,
    read_pharaoh_table,
    read_text_table,
)
from xner.project.links import format_pharaoh, read_pharaoh
from xner.project.parallel import project_corpus

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
WORDS = ["Kofi", "Annan", "de", ",", "«", "la", "ONU", ".", "--", "São", "Paulo", "paulista"]


def random_corpus(rng: random.Random, n: int) -> tuple[str, str, str]:
    """A plain CoNLL source (IOB2 and IOB1-style tags, several types), a text target (some lines empty or with
    punctuation only) and Pharaoh links (some lines empty)."""
    conll, text, links = [], [], []
    for _ in range(n):
        n_src, n_tgt = rng.randint(1, 8), rng.choice([0, *range(1, 9)])
        tags, previous = [], "O"
        for _ in range(n_src):
            kind = rng.choice(["PER", "LOC", "ORG"])
            tag = rng.choice(["O", "O", f"B-{kind}", f"I-{kind}", f"I-{previous[2:] or kind}"])
            tags.append(tag)
            previous = tag
        conll.append("".join(f"{rng.choice(WORDS)}\t{tag}\n" for tag in tags) + "\n")
        text.append(" ".join(rng.choice(WORDS) for _ in range(n_tgt)) + "\n")
        pairs = [(i, j) for i in range(n_src) for j in range(n_tgt) if rng.random() < 0.3]
        links.append(" ".join(f"{i}-{j}" for i, j in rng.sample(pairs, len(pairs))) + "\n")  # any order
    return "".join(conll), "".join(text), "".join(links)


def general(
    source: Path, target: Path, alignments: Path, skip_dropped: bool = False, method: str = "heuristic"
) -> tuple[str, dict, int]:
    """What the general path writes, its counts, and how many sentences it writes."""
    sources = list(formats.read(source, "conll"))
    targets = list(formats.read(target, "text"))
    result = project_corpus(sources, targets, list(read_pharaoh(alignments)), method=method)
    kept = [
        s
        for s, p in zip(result.sentences, result.projections, strict=True)
        if not (skip_dropped and p.status == "dropped")
    ]
    out = io.StringIO()
    formats.WRITERS["conll"](kept, out)
    return out.getvalue(), result.counts.to_dict(), len(kept)


def write(folder: Path, conll: str, text: str, links: str) -> tuple[Path, Path, Path]:
    paths = folder / "en.conll", folder / "es.txt", folder / "links.txt"
    for path, content in zip(paths, (conll, text, links), strict=True):
        path.write_text(content, encoding="utf-8")
    return paths


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("skip_dropped", [False, True])
@pytest.mark.parametrize("method", ["heuristic", "candidates"])
def test_the_same_bytes_and_counts_as_the_general_path(tmp_path: Path, seed: int, skip_dropped: bool, method: str):
    paths = write(tmp_path, *random_corpus(random.Random(seed), 300))
    fast = project_files(*paths, method=method)
    assert fast is not None
    out = io.StringIO()
    written = fast.write_conll(out, skip_dropped=skip_dropped)
    expected, counts, kept = general(*paths, skip_dropped=skip_dropped, method=method)
    assert out.getvalue() == expected
    assert fast.counts.to_dict() == counts
    assert written == kept
    if method == "candidates":  # case repair ran: a derived adjective (MISC, a label the source lacks), a drop
        assert "-MISC\n" in expected and counts["lost_by_reason"].get("lower-case")


def test_space_separated_conll_and_no_final_newlines(tmp_path: Path):
    conll, text, links = random_corpus(random.Random(7), 50)
    paths = write(tmp_path, conll.replace("\t", " ").rstrip("\n"), text.rstrip("\n"), links.rstrip("\n"))
    fast = project_files(*paths)
    assert fast is not None
    out = io.StringIO()
    fast.write_conll(out)
    assert out.getvalue() == general(*paths)[0]


@pytest.mark.parametrize(
    ("conll", "text", "links"),
    [
        ("# id = 1\nKofi\tB-PER\n", "Kofi\n", "0-0\n"),  # a comment
        ("-DOCSTART-\tO\n\nKofi\tB-PER\n", "Kofi\n", "0-0\n"),  # a document start
        ("Kofi\tS-PER\n", "Kofi\n", "0-0\n"),  # IOBES
        ("Kofi\tNNP\tB-PER\n", "Kofi\n", "0-0\n"),  # three columns
        ("Kofi\tB-PER\nAnnan\n", "Kofi Annan\n", "0-0\n"),  # a line without its tag
        ("Kofi B-PER\r\n", "Kofi\n", "0-0\n"),  # CRLF
        ("Kofi\tB-\n", "Kofi\n", "0-0\n"),  # a tag without its type
        ("Kofi\tB-PER\n", "Kofi\u00a0Annan\n", "0-0\n"),  # a no-break space
        ("Kofi\tB-PER\n", "Kofi\n", "0-1\n"),  # a link out of range
        ("Kofi\tB-PER\n", "Kofi\n", "0-0-0\n"),  # not a pair
        ("Kofi\tB-PER\n", "Kofi\n", "0-0\n0-0\n"),  # more link lines than sentences
        ("Kofi\tB-PER\n", "Kofi\nAnnan\n", "0-0\n"),  # more targets than sources
        ("Kofi\tB-PER\n", "Kofi\n", "0p0\n"),  # a Pharaoh variant
    ],
)
def test_anything_but_the_plain_case_goes_to_the_general_path(tmp_path: Path, conll: str, text: str, links: str):
    assert project_files(*write(tmp_path, conll, text, links)) is None


def test_non_utf8_goes_to_the_general_path(tmp_path: Path):
    source, target, _ = write(tmp_path, "Kofi\tB-PER\n", "Kofi\n", "0-0\n")
    target.write_bytes(b"K\xf6fi\n")
    assert read_text_table(target) is None
    assert read_conll_tables(source) is not None


def test_pharaoh_bytes_are_read_as_the_reader_reads_them(tmp_path: Path):
    path = tmp_path / "links.txt"
    path.write_text("3-1 0-0 0-0 12-7\n\n1-2\t0-1\n", encoding="utf-8")
    offsets = np.array([0, 20, 21, 24])
    table = read_pharaoh_table(path, offsets, offsets)
    assert table is not None
    expected = [
        (i + int(offsets[k]), j + int(offsets[k])) for k, links in enumerate(read_pharaoh(path)) for i, j in links
    ]
    assert list(zip(table.source.tolist(), table.target.tolist(), strict=True)) == expected


def test_the_cli_takes_the_fast_path_and_writes_what_the_general_path_writes(tmp_path: Path):
    links = tmp_path / "links.txt"
    sources = list(formats.read(EXAMPLES / "en.conll", "conll"))
    targets = list(formats.read(EXAMPLES / "es.txt", "text"))
    pairs = [
        [(i, j) for i in range(len(s)) for j in range(len(t)) if i == j] for s, t in zip(sources, targets, strict=True)
    ]
    links.write_text("".join(format_pharaoh(p) + "\n" for p in pairs), encoding="utf-8")
    out = tmp_path / "es.conll"
    args = ["project", "--source", str(EXAMPLES / "en.conll"), "--target", str(EXAMPLES / "es.txt")]
    assert main([*args, "--alignments", str(links), "--method", "heuristic", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == general(EXAMPLES / "en.conll", EXAMPLES / "es.txt", links)[0]


def test_the_cli_reports_a_bad_file_as_the_general_path_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source, target, links = write(tmp_path, "Kofi\tB-PER\n", "Kofi\n", "0-3\n")
    args = ["project", "--source", str(source), "--target", str(target), "--alignments", str(links)]
    assert main([*args, "--method", "heuristic", "--out", str(tmp_path / "out.conll")]) == 2
    assert "alignment link 0-3 is out of range" in capsys.readouterr().err


def test_odd_whitespace_is_every_space_but_space_tab_and_newline():
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(ODD_WHITESPACE) == every - {" ", "\t", "\n"}


@pytest.mark.parametrize("space", list(ODD_WHITESPACE))
def test_a_file_with_odd_whitespace_goes_to_the_general_path(tmp_path: Path, space: str):
    assert project_files(*write(tmp_path, f"Kofi{space}\tB-PER\n", "Kofi\n", "0-0\n")) is None
    assert project_files(*write(tmp_path, "Kofi\tB-PER\n", f"Kofi{space}\n", "0-0\n")) is None


def test_tab_separated_words_with_spaces_are_read_as_the_general_reader_reads_them(tmp_path: Path):
    conll = "São Paulo\tB-LOC\nis\tO\n\nKofi\tB-PER\n"
    paths = write(tmp_path, conll, "São Paulo es\nKofi\n", "0-0 0-1 1-2\n0-0\n")
    fast = project_files(*paths)
    assert fast is not None
    out = io.StringIO()
    fast.write_conll(out)
    assert out.getvalue() == general(*paths)[0]
