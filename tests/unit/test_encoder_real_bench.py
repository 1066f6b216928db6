"""bench/encoder_real.py: two aligners' links combined pair by pair by a symmetrisation heuristic."""

from __future__ import annotations

from bench.encoder_real import combined
from xner.corpus import Sentence


def test_links_of_two_aligners_combine_as_two_directions():
    english = [Sentence(tokens=["the", "red", "house"]), Sentence(tokens=["yes"])]
    spanish = [Sentence(tokens=["la", "casa", "roja"]), Sentence(tokens=["sí"])]
    encoder = [[(0, 0), (1, 2), (2, 1)], []]
    eflomal = [[(0, 0), (0, 2), (2, 1), (2, 2)], [(0, 0)]]
    assert combined(encoder, eflomal, english, spanish, "intersection") == [[(0, 0), (2, 1)], []]
    union = [[(0, 0), (0, 2), (1, 2), (2, 1), (2, 2)], [(0, 0)]]
    assert combined(encoder, eflomal, english, spanish, "union") == union
    # grow-diag-final-and: the intersection grown by neighbouring links with a word still unlinked, then links whose
    # words are both unlinked: (0, 2) joins two linked words, so it stays out
    assert combined(encoder, eflomal, english, spanish, "grow-diag-final-and") == [
        [(0, 0), (1, 2), (2, 1), (2, 2)],
        [(0, 0)],
    ]
