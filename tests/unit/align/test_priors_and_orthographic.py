"""eflomal priors (format and counting) and orthographic links."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from xner.align.base import Alignment
from xner.align.orthographic import _scores, apply_orthographic, fold, orthographic_links, similarity
from xner.align.priors import Priors, lexical_priors


def test_priors_count_like_eflomal_makepriors(tmp_path: Path) -> None:
    eflomal = pytest.importorskip("eflomal")
    src = [["The", "house", "is", "small"], ["a", "house"]]
    tgt = [["Das", "Haus", "ist", "klein"], ["ein", "Haus", "x"]]
    fwd = [Alignment.from_links([(0, 0), (1, 1), (2, 2), (3, 3)]), Alignment.from_links([(0, 0), (1, 1), (1, 2)])]
    rev = [Alignment.from_links([(0, 0), (1, 1), (3, 3)]), Alignment.from_links([(0, 0), (1, 1)])]
    ours = Priors.from_alignments(src, tgt, fwd, rev)
    lex, hmmf, hmmr, ferf, ferr = eflomal.calculate_priors(
        [" ".join(s).lower() for s in src],
        [" ".join(t).lower() for t in tgt],
        [a.to_pharaoh() for a in fwd],
        [a.to_pharaoh() for a in rev],
    )
    assert dict(ours.lex) == dict(lex) and dict(ours.hmm_forward) == dict(hmmf)
    assert dict(ours.hmm_reverse) == dict(hmmr)
    assert dict(ours.fert_forward) == dict(ferf) and dict(ours.fert_reverse) == dict(ferr)
    ours.write(tmp_path / "p.txt")
    again = Priors.read(tmp_path / "p.txt")
    assert again.lex == ours.lex and again.fert_reverse == ours.fert_reverse and again.hmm_forward == ours.hmm_forward
    # eflomal's own reader accepts our file.
    with open(tmp_path / "p.txt", encoding="utf-8") as handle:
        assert len(eflomal.read_priors(handle)[0]) == len(ours.lex)


def test_priors_merge_and_scale() -> None:
    merged = lexical_priors([("A", "b")]).merged(lexical_priors([("a", "B"), ("c", "d")], 2.0)).scaled(0.5)
    assert merged.lex == {("a", "b"): 1.5, ("c", "d"): 1.0}
    assert not Priors() and merged


def test_fold_removes_case_and_accents() -> None:
    assert fold("Éire") == "eire" and fold("STRAßE") == "strasse"


def test_orthographic_links_names_numbers_cognates() -> None:
    src = ["Mr", "Barroso", "said", "on", "17", "December", ":", "the", "Commission", "in", "Brussels"]
    tgt = ["Señor", "Barroso", "dijo", "el", "17.", "de", "diciembre", ":", "la", "Comisión", "en", "Bruselas"]
    links = {(src[i], tgt[j]) for i, j in zip(*np.nonzero(orthographic_links(src, tgt)), strict=True)}
    assert ("Barroso", "Barroso") in links and ("17", "17.") in links
    assert ("December", "diciembre") not in links  # ratio below the threshold
    assert ("Commission", "Comisión") in links and ("Brussels", "Bruselas") in links
    assert (":", ":") not in links and ("in", "en") not in links  # too short / not identical


def test_orthographic_links_are_one_to_one_and_prefer_the_same_position() -> None:
    src = ["Prodi", "and", "Prodi"]
    tgt = ["Prodi", "y", "Prodi"]
    expected = [[True, False, False], [False, False, False], [False, False, True]]
    np.testing.assert_array_equal(orthographic_links(src, tgt), expected)
    assert not orthographic_links([], ["a"]).any()


def test_apply_orthographic_replaces_other_links_of_both_words() -> None:
    links = np.array([[True, True], [True, False]])
    ortho = np.array([[False, True], [False, False]])
    np.testing.assert_array_equal(apply_orthographic(links, ortho), [[False, True], [True, False]])


def test_the_array_rules_score_every_pair_as_the_scalar_rule_does() -> None:
    rng = random.Random(3)
    words = ["Barroso", "barroso", "Parlament", "Parlamento", "Kommission", "Commission", "17.", "17", "17,5",
             "(1)", "1999", "ab", "a", "Éire", "eire", "--", "x1", "Pártido", "partido", ".", "EU", "UE"]  # fmt: skip
    for _ in range(200):
        src = [fold(w) for w in rng.choices(words, k=rng.randint(1, 9))]
        tgt = [fold(w) for w in rng.choices(words, k=rng.randint(1, 9))]
        expected = np.array([[similarity(a, b, 0.8, 4) for b in tgt] for a in src])
        assert np.array_equal(_scores(src, tgt, 0.8, 4), expected)
