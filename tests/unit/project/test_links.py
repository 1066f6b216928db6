"""Pharaoh links: parsing, range checks, counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from xner.errors import FormatError, InputError, MismatchError
from xner.project.links import check_counts, check_links, format_pharaoh, parse_pharaoh, read_pharaoh


def test_parse_and_format_round_trip(tmp_path: Path) -> None:
    assert parse_pharaoh("0-0 2-1  1-3 2-1\n") == [(0, 0), (1, 3), (2, 1)]
    assert parse_pharaoh("\n") == []
    assert format_pharaoh([(2, 1), (0, 0), (2, 1)]) == "0-0 2-1"
    path = tmp_path / "links"
    path.write_text("0-0 1-1\n\n2-0\n", encoding="utf-8")
    assert list(read_pharaoh(path)) == [[(0, 0), (1, 1)], [], [(2, 0)]]


def test_bad_link_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "links"
    path.write_text("0-0\n1:2\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"links:line 2: not a Pharaoh link: '1:2'"):
        list(read_pharaoh(path))
    with pytest.raises(FormatError):
        parse_pharaoh("0--1")


def test_check_links_sorts_dedups_and_rejects_out_of_range() -> None:
    assert check_links([(1, 0), (0, 1), (1, 0)], 2, 2, where="s") == [(0, 1), (1, 0)]
    with pytest.raises(InputError, match="sentence 2: alignment link 2-0 is out of range"):
        check_links([(2, 0)], 2, 2, where="sentence 2")


def test_counts() -> None:
    check_counts(3, 3, 3)
    with pytest.raises(MismatchError, match="3 source sentences but 2 target"):
        check_counts(3, 2)
    with pytest.raises(MismatchError, match="3 sentence pairs but 4 alignment lines"):
        check_counts(3, 3, 4)
