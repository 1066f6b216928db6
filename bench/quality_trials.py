"""Changes tried against the classes of ``bench/error_analysis.py``, scored on the tuning half, the held-out half and
all of Europarl-NER.

    python -m bench.quality_trials [--langs de,es,it]

English gold is projected onto each language with the default aligner and method; each row changes one thing:

* ``default``: the default, unchanged (eflomal's ``majority-fill`` vote, share
  :data:`~xner.align.defaults.EFLOMAL_FILL_SHARE`; the candidates method's case repair ``misc``,
  :mod:`xner.project.casing`);
* ``case repair drop``: only the drop of names matched to lower-case words that resemble none of their words (no
  MISC adjectives);
* ``case repair off``: neither (the default before case repair);
* ``LOC/ORG on lower case -> MISC``: case repair off, and every projected LOC or ORG span whose words are all
  lower-case becomes MISC (the first rule tried, without resemblance or a one-word condition);
* ``trim lower-case ends``: the default, then the words at the end of a projected span (``Comisión de Industria ,
  llamo``) that are punctuation or lower-case words resembling none of the entity's words are cut, when the
  entity's last word is a capital (the "span repair from the target's capitalisation" idea);
* ``vote alone``: the strict majority without its fill (``symmetrise majority``, the default before the fill);
* ``fill share S``: the fill with another share (how the default share was chosen on the tuning half);
* ``links in >= 5 of 10``: eflomal's merge keeps a link that at least half of the 2 x 5 directional alignments
  have (the default keeps those that more than half have), then fills as the default.

F1 x 100 on sentences 0-399 (where settings are chosen), 400-798 (held out) and all 799.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable

import numpy as np

from bench.europarl_data import load
from xner.align.defaults import EFLOMAL_FILL_SHARE
from xner.align.eflomal import EflomalAligner
from xner.align.orthographic import orthographic_links
from xner.align.symmetrise import filled
from xner.corpus import Sentence
from xner.evaluate import evaluate
from xner.project import CandidateOptions, ProjectionResult, project_corpus
from xner.project._tokens import is_punct
from xner.project.casing import is_lower, is_upper, resembles
from xner.project.links import Link

FILL_SHARES = (0.6, 0.7, 0.8)
"""The fill shares tried on the tuning half."""


def lower_case_to_misc(labels: tuple[str, ...]) -> Callable[[Sentence], Sentence]:
    """Projected spans of ``labels`` whose words (those starting with a letter) are all lower-case become MISC."""

    def change(sentence: Sentence) -> Sentence:
        spans = []
        for span in sentence.spans:
            words = [w for w in sentence.tokens[span.start : span.end] if w[:1].isalpha()]
            if span.label in labels and words and all(w[0].islower() for w in words):
                span = dataclasses.replace(span, label="MISC")
            spans.append(span)
        return dataclasses.replace(sentence, spans=spans)

    return change


def trim_lower_case_ends(english: list[Sentence], result: ProjectionResult) -> list[Sentence]:
    """Each projected span without its trailing punctuation and lower-case words that resemble none of its source
    entity's words, when that entity ends with a capitalised word (at least one word is kept)."""
    out = []
    for source, target, projection in zip(english, result.sentences, result.projections, strict=True):
        spans = []
        for span, k in zip(target.spans, projection.origin, strict=True):
            entity = source.spans[k]
            names = [w for w in source.tokens[entity.start : entity.end] if w[:1].isalpha()]
            end, words = span.end, target.tokens
            if names and is_upper(names[-1]):
                while end - span.start > 1 and (
                    is_punct(words[end - 1])
                    or (is_lower(words[end - 1]) and not any(resembles(words[end - 1], n) for n in names))
                ):
                    end -= 1
            spans.append(dataclasses.replace(span, end=end))
        out.append(dataclasses.replace(target, spans=spans))
    return out


def votes(src: list[list[str]], tgt: list[list[str]]) -> tuple[list[np.ndarray], int]:
    """Per pair, how many of the default aligner's 2 x runs directional alignments have each link, and 2 x runs."""
    aligner = EflomalAligner()
    runs = aligner.runs_for(src, tgt, [orthographic_links(s, t) for s, t in zip(src, tgt, strict=True)])
    counts = []
    for k in range(len(src)):
        shape = (len(src[k]), len(tgt[k]))
        counts.append(np.sum([run[d][k].to_matrix(*shape) for run in runs for d in (0, 1)], axis=0))
    return counts, 2 * aligner.runs


def voted(counts: np.ndarray, total: int, need: int, share: float | None) -> np.ndarray:
    """The links at least ``need`` of ``total`` directional alignments have, then (with ``share``) the fill of the
    target words left unlinked (:func:`~xner.align.symmetrise.filled`)."""
    kept = counts >= need
    return kept if share is None else filled(counts, kept, share * total)


def project(
    english: list[Sentence],
    gold: list[Sentence],
    counts: list[np.ndarray],
    total: int,
    need: int,
    share: float | None,
    options: CandidateOptions | None = None,
) -> ProjectionResult:
    """The candidates projection (default ``options``) through the links of :func:`voted`."""
    links: list[list[Link]] = [
        [(int(i), int(j)) for i, j in zip(*np.nonzero(voted(c, total, need, share)), strict=True)] for c in counts
    ]
    return project_corpus(english, gold, links, method="candidates", options=options or CandidateOptions())


def trial_rows(english: list[Sentence], gold: list[Sentence]) -> dict[str, list[Sentence]]:
    """Each row's projection of ``english`` onto ``gold``'s words (see the module doc)."""
    counts, total = votes([s.tokens for s in english], [t.tokens for t in gold])
    majority = total // 2 + 1  # more than half: the default vote

    def run(need: int, share: float | None, case_repair: str = "misc") -> ProjectionResult:
        return project(english, gold, counts, total, need, share, CandidateOptions(case_repair=case_repair))

    default = run(majority, EFLOMAL_FILL_SHARE)
    unrepaired = run(majority, EFLOMAL_FILL_SHARE, case_repair="off").sentences
    return {
        f"default (fill share {EFLOMAL_FILL_SHARE}, case repair misc)": default.sentences,
        "case repair drop": run(majority, EFLOMAL_FILL_SHARE, case_repair="drop").sentences,
        "case repair off": unrepaired,
        "LOC/ORG on lower case -> MISC (case repair off)": list(map(lower_case_to_misc(("LOC", "ORG")), unrepaired)),
        "trim lower-case ends": trim_lower_case_ends(english, default),
        "vote alone (symmetrise majority)": run(majority, None).sentences,
        **{
            f"fill share {share}": run(majority, share).sentences
            for share in FILL_SHARES
            if share != EFLOMAL_FILL_SHARE
        },
        f"links in >= {total // 2} of {total}": run(total // 2, EFLOMAL_FILL_SHARE).sentences,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--langs", default="de,es,it")
    args = parser.parse_args()
    english = load("en")
    print("| lang | change | tune (0-399) | held out (400-798) | all |\n|---|---|---:|---:|---:|")
    for lang in args.langs.split(","):
        gold = load(lang)
        for name, pred in trial_rows(english, gold).items():
            scores = [evaluate(gold[a:b], pred[a:b]).overall.f1 * 100 for a, b in ((0, 400), (400, 799), (0, 799))]
            print(f"| {lang} | {name} | " + " | ".join(f"{x:.1f}" for x in scores) + " |", flush=True)


if __name__ == "__main__":
    main()
