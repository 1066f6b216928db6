"""The seeded eflomal engine (xner.align.sampler): reproducible across processes and thread counts, correct on
corpora whose alignment is known, moved by priors, and the default of the eflomal aligner."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from xner.align import defaults
from xner.align._eflomal_run import EflomalSettings
from xner.align.base import Alignment
from xner.align.eflomal import VOTES, EflomalAligner
from xner.align.priors import Priors, lexical_priors
from xner.align.sampler import sample
from xner.align.symmetrise import majority, majority_filled
from xner.errors import InputError, LimitError

FAST = EflomalSettings(rel_iterations=0.2)
"""A short schedule: the toy corpora converge long before eflomal's."""

ADJECTIVES = {"red": "rojo", "big": "grande", "old": "viejo", "new": "nuevo", "green": "verde"}
NOUNS = {"house": "casa", "car": "coche", "dog": "perro", "book": "libro", "tree": "arbol", "door": "puerta"}
VERBS = {"sees": "ve", "has": "tiene", "wants": "quiere", "buys": "compra"}
NAMES = ["Ana", "Luis", "Marta", "Pedro"]


def permuted_corpus(n: int, seed: int = 0) -> tuple[list[list[str]], list[list[str]], list[set[tuple[int, int]]]]:
    """``NAME VERB ADJ NOUN`` -> ``NAME VERB NOUN ADJ``: word for word, with the adjective and noun swapped (the
    Spanish order), and the gold links."""
    rng = random.Random(seed)
    src, tgt, gold = [], [], []
    for _ in range(n):
        name, verb = rng.choice(NAMES), rng.choice(sorted(VERBS))
        adjective, noun = rng.choice(sorted(ADJECTIVES)), rng.choice(sorted(NOUNS))
        src.append([name, verb, adjective, noun])
        tgt.append([name, VERBS[verb], NOUNS[noun], ADJECTIVES[adjective]])
        gold.append({(0, 0), (1, 1), (2, 3), (3, 2)})
    return src, tgt, gold


def random_corpus(n: int, seed: int = 0) -> tuple[list[list[str]], list[list[str]]]:
    """Unrelated random words on both sides: nothing to learn, so every link is the sampler's choice."""
    rng = random.Random(seed)
    words = [f"w{k}" for k in range(12)]
    return (
        [[rng.choice(words) for _ in range(rng.randint(2, 7))] for _ in range(n)],
        [[rng.choice(words).upper() for _ in range(rng.randint(2, 7))] for _ in range(n)],
    )


REPO = Path(__file__).resolve().parents[3]
SCRIPT = """
from tests.unit.align.test_seeded_sampler import FAST, mixed_corpus
from xner.align.eflomal import VOTES, EflomalAligner
src, tgt = mixed_corpus()
for alignment in EflomalAligner(seed=11, runs=2, settings=FAST).align(src, tgt):
    print(alignment.to_pharaoh())
"""


def mixed_corpus() -> tuple[list[list[str]], list[list[str]]]:
    """A corpus with something to learn and something left to chance."""
    src, tgt, _ = permuted_corpus(40)
    more_src, more_tgt = random_corpus(40)
    return src + more_src, tgt + more_tgt


def test_same_seed_same_links_in_another_process_and_with_any_threads() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=REPO, check=True, timeout=120
    )
    src, tgt = mixed_corpus()
    here = EflomalAligner(seed=11, runs=2, settings=FAST).align(src, tgt)
    assert done.stdout == "".join(a.to_pharaoh() + "\n" for a in here)
    one_thread = sample(src, tgt, settings=FAST, seed=11, runs=2, threads=1).alignments()
    assert one_thread == sample(src, tgt, settings=FAST, seed=11, runs=2, threads=4).alignments()


def test_different_seeds_differ_where_sampling_matters() -> None:
    src, tgt = random_corpus(60)
    runs = {seed: sample(src, tgt, settings=FAST, seed=seed).alignments() for seed in (0, 1)}
    assert runs[0] != runs[1]
    assert sample(src, tgt, settings=FAST, seed=0).alignments() == runs[0]


def test_a_permuted_toy_language_is_recovered() -> None:
    src, tgt, gold = permuted_corpus(60)
    (forward, reverse), *_ = sample(src, tgt, settings=FAST, seed=3).alignments()
    for alignments in (forward, reverse):
        found = sum(len(set(a.links) & g) for a, g in zip(alignments, gold, strict=True))
        assert found >= 0.95 * sum(len(g) for g in gold)
        assert found >= 0.95 * sum(len(a) for a in alignments)
    merged = EflomalAligner(settings=FAST, runs=3).align(src, tgt)
    assert [set(a.links) for a in merged] == gold


def test_priors_move_links() -> None:
    # One pair of two-word sentences: nothing in the corpus tells which word is which.
    src, tgt = [["alpha", "beta"]], [["gamma", "delta"]]
    crossed = lexical_priors([("alpha", "delta"), ("beta", "gamma")], weight=50.0)
    straight = lexical_priors([("alpha", "gamma"), ("beta", "delta")], weight=50.0)
    for priors, links in ((crossed, ((0, 1), (1, 0))), (straight, ((0, 0), (1, 1)))):
        aligner = EflomalAligner(settings=FAST, runs=1, ortho_priors=False, priors=priors)
        assert aligner.align(src, tgt)[0].links == links


def test_jump_and_fertility_priors_are_accepted() -> None:
    src, tgt, _ = permuted_corpus(20)
    priors = Priors()
    priors.hmm_forward[1] += 5.0
    priors.hmm_reverse[-1] += 5.0
    priors.fert_forward[("house", 1)] += 3.0
    priors.fert_reverse[("casa", 9)] += 3.0  # beyond the last fertility bucket: counted in it
    priors.lex[("<null>", "casa")] += 1.0
    priors.lex[("ana", "<null>")] += 1.0
    priors.lex[("unknown", "casa")] += 1.0  # a word the batch lacks: dropped
    runs = sample(src, tgt, settings=FAST, seed=0, priors=priors).alignments()
    assert len(runs) == 1 and len(runs[0][0]) == len(src)


def test_empty_sentences_and_batches() -> None:
    aligner = EflomalAligner(settings=FAST)
    assert aligner.align([], []) == []
    assert aligner.align([[], ["a"], ["b", "c"]], [["x"], [], ["y", "z"]])[:2] == [Alignment(), Alignment()]
    assert sample([], [], settings=FAST, seed=0, runs=2).alignments() == [([], []), ([], [])]


def test_the_seeded_engine_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_binary(*args: object, **kwargs: object) -> None:
        raise AssertionError("the default must not run the eflomal binary")

    monkeypatch.setattr("xner.align.eflomal.run_eflomal", no_binary)
    aligner = EflomalAligner.from_spec(None)
    assert defaults.EFLOMAL_SEED is not None and aligner.seed == defaults.EFLOMAL_SEED
    assert aligner.runs == defaults.EFLOMAL_RUNS
    src, tgt, gold = permuted_corpus(30)
    assert [set(a.links) for a in aligner.align(src, tgt)] == gold


def test_limits_and_bad_seeds() -> None:
    with pytest.raises(LimitError, match="at most 1023"):
        sample([["w"] * 1100], [["v"] * 3], settings=FAST, seed=0).alignments()
    for seed in ("1", 1.5, True):
        with pytest.raises(InputError, match="seed"):
            EflomalAligner(seed=seed)  # type: ignore[arg-type]
    src, tgt, _ = permuted_corpus(5)
    assert (
        sample(src, tgt, settings=FAST, seed=-1).alignments()
        == sample(src, tgt, settings=FAST, seed=2**64 - 1).alignments()
    )


@pytest.mark.parametrize("vote", ["majority", "majority-fill"])
@pytest.mark.parametrize("runs", [1, 2, 3])
def test_the_vote_on_arrays_is_the_vote_on_each_pairs_matrices(runs: int, vote: str) -> None:
    src, tgt = mixed_corpus()
    sampled = sample(src, tgt, settings=FAST, seed=5, runs=runs)
    each_run = sampled.alignments()  # per run: (forward, reverse) alignments of every pair
    share = VOTES[vote]
    expected = []
    for k in range(len(src)):
        shape = (len(src[k]), len(tgt[k]))
        matrices = [run[d][k].to_matrix(*shape) for run in each_run for d in (0, 1)]
        expected.append(
            Alignment.from_matrix(majority(matrices) if share is None else majority_filled(matrices, share))
        )
    assert sampled.majority(share) == expected
    aligner = EflomalAligner(seed=5, runs=runs, settings=FAST, ortho_priors=False, symmetrise=vote)
    assert aligner.align(src, tgt) == expected
    # the path that keeps every run's alignments (taken to learn priors) merges the same way
    assert aligner.align_and_learn(src, tgt)[0] == expected


def test_numbering_the_cells_a_slice_at_a_time_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    src, tgt = mixed_corpus()
    whole = sample(src, tgt, settings=FAST, seed=3, runs=1).alignments()
    monkeypatch.setattr(defaults, "EFLOMAL_CELL_SLICE", 7)  # many slices, cut inside sentences
    assert sample(src, tgt, settings=FAST, seed=3, runs=1).alignments() == whole
