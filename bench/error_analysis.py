"""Why projected entities are wrong: every false negative and false positive of the default projection on
Europarl-NER, classified, counted, with examples.

    python -m bench.error_analysis [--langs de,es,it] [--sentences 0:400] [--examples 3] [--cache DIR]

English gold is projected onto each language's human translation with the default aligner and method (as
``bench/europarl.py`` does; ``--cache`` keeps the links) and compared with the language's gold, entity by entity
(exact span and type, seqeval's rule). Each error gets one class:

* ``type``: a predicted span with the gold span's boundaries and another type (``MISC`` when either is MISC);
* ``boundary: function word``: the right type, boundaries off only by articles, prepositions or contractions of
  the two (``la Comisión`` for gold ``Comisión``, ``des Rates``);
* ``boundary: apostrophe``: boundaries off at a word with an apostrophe (``dell'Unione``, ``l'Europa``);
* ``boundary: other``: the right type, other boundary words (modifiers, inflected or compound heads);
* ``type and boundary``: both;
* ``alignment: lost``: a gold target entity that a source entity stands for (linked to it, or spelt alike), where the
  projection found nothing for that source entity;
* ``alignment: elsewhere``: the same, but the source entity was projected somewhere else (one error, though it
  is a false negative and a false positive);
* ``only in target gold``: a gold target entity no source entity stands for (the English gold leaves it out, or
  the translation adds it);
* ``only in source gold``: a projected entity where the target gold has none (the target's annotators left it out,
  or the translation drops or paraphrases it).

``--sentences A:B`` restricts the analysis to sentences A..B-1 (``0:400`` is the half settings are chosen on,
``400:799`` the held-out half). Prints one table per language: class, false negatives, false positives, share of
all errors, and examples (``source text -> predicted | gold``).
"""

from __future__ import annotations

import argparse
import difflib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.europarl_data import alignments, load
from xner.corpus import Sentence, Span
from xner.project import CandidateOptions, project_corpus
from xner.project.links import Link

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "den",
            "dem",
            "des",
            "ein",
            "eine",
            "einer",
            "eines",
            "einem",
            "einen",
            "im",
            "am",
            "vom",
            "zum",
            "zur",
            "ins",
            "beim",
            "in",
            "von",
            "zu",
            "für",
            "mit",
            "auf",
            "an",
            "bei",
            "aus",
            "nach",
            "über",
            "unter",
            "gegen",
            "durch",
            "und",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "lo",
            "del",
            "al",
            "de",
            "un",
            "una",
            "unos",
            "unas",
            "en",
            "por",
            "para",
            "con",
            "a",
            "y",
            "e",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "la",
            "i",
            "gli",
            "le",
            "un",
            "una",
            "uno",
            "del",
            "dello",
            "della",
            "dei",
            "degli",
            "delle",
            "al",
            "allo",
            "alla",
            "ai",
            "agli",
            "alle",
            "dal",
            "dallo",
            "dalla",
            "dai",
            "dagli",
            "dalle",
            "nel",
            "nello",
            "nella",
            "nei",
            "negli",
            "nelle",
            "sul",
            "sullo",
            "sulla",
            "sui",
            "sugli",
            "sulle",
            "col",
            "di",
            "da",
            "in",
            "su",
            "per",
            "con",
            "a",
            "e",
            "ed",
        ]
    ),
}
"""Articles, prepositions and their contractions: words a span boundary may differ by, per language."""

CLASSES = (
    "type",
    "boundary: function word",
    "boundary: apostrophe",
    "boundary: other",
    "type and boundary",
    "alignment: lost",
    "alignment: elsewhere",
    "only in target gold",
    "only in source gold",
)


@dataclass
class Tally:
    """False negatives, false positives and examples per class."""

    fn: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, fn: int, fp: int, example: str) -> None:
        self.fn[kind] += fn
        self.fp[kind] += fp
        self.examples[kind].append(example)


def _text(tokens: Sequence[str], span: Span | None) -> str:
    return "-" if span is None else f"[{' '.join(tokens[span.start : span.end])}]{span.label}"


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _boundary_kind(tokens: Sequence[str], pred: Span, gold: Span, lang: str) -> str:
    """The boundary class of a predicted span against the gold span it overlaps."""
    words = set(range(pred.start, pred.end)) ^ set(range(gold.start, gold.end))
    edge = {pred.start, pred.end - 1, gold.start, gold.end - 1}
    if any("'" in tokens[k] or "’" in tokens[k] for k in words | edge):
        return "boundary: apostrophe"
    if words and all(tokens[k].lower() in FUNCTION_WORDS.get(lang, frozenset()) for k in words):
        return "boundary: function word"
    return "boundary: other"


def _stands_for(source: Sentence, target: Sentence, links: Sequence[Link], gold: Span) -> int | None:
    """The source entity a gold target entity stands for: the one with most links into it (the same type counts
    double), or, unlinked, one spelt alike; ``None`` when none."""
    best, best_score = None, 0.0
    gold_text = " ".join(target.tokens[gold.start : gold.end]).lower()
    for index, entity in enumerate(source.spans):
        n_links = sum(
            1 for i, j in links if entity.start <= i < entity.end and gold.start <= j < gold.end
        )  # fmt: skip
        text = " ".join(source.tokens[entity.start : entity.end]).lower()
        alike = difflib.SequenceMatcher(None, text, gold_text).ratio() >= 0.6
        score = (n_links + alike) * (2 if entity.label == gold.label else 1)
        if score > best_score:
            best, best_score = index, score
    return best


def classify(
    source: Sentence, target: Sentence, pred: Sentence, origin: Sequence[int], links: Sequence[Link], lang: str
) -> list[tuple[str, int, int, str]]:
    """The errors of one sentence: (class, false negatives, false positives, example)."""
    gold = list(target.spans)
    predicted = list(pred.spans)
    correct = {s.key for s in gold} & {s.key for s in predicted}
    wrong_gold = [g for g in gold if g.key not in correct]
    wrong_pred = [p for p in predicted if p.key not in correct]
    of_pred = {id(p): origin[k] for k, p in enumerate(predicted)}
    errors: list[tuple[str, int, int, str]] = []
    used_pred: set[int] = set()
    for g in wrong_gold:
        near = [p for p in wrong_pred if _overlaps(p, g) and id(p) not in used_pred]
        same_bounds = [p for p in near if (p.start, p.end) == (g.start, g.end)]
        same_type = [p for p in near if p.label == g.label]
        example = ""
        if same_bounds:
            p = same_bounds[0]
            used_pred.add(id(p))
            kind = "type"
            example = f"{_text(target.tokens, p)} | {_text(target.tokens, g)}"
            errors.append((kind, 1, 1, example))
            continue
        if same_type or near:
            p = (same_type or near)[0]
            used_pred.add(id(p))
            kind = _boundary_kind(target.tokens, p, g, lang) if same_type else "type and boundary"
            errors.append((kind, 1, 1, f"{_text(target.tokens, p)} | {_text(target.tokens, g)}"))
            continue
        entity = _stands_for(source, target, links, g)
        if entity is None:
            errors.append(("only in target gold", 1, 0, f"- | {_text(target.tokens, g)}"))
            continue
        placed = [p for p in wrong_pred if of_pred[id(p)] == entity and id(p) not in used_pred]
        src = _text(source.tokens, source.spans[entity])
        if placed:
            used_pred.add(id(placed[0]))
            errors.append(("alignment: elsewhere", 1, 1, f"{src} -> {_text(target.tokens, placed[0])} | "
                           f"{_text(target.tokens, g)}"))  # fmt: skip
        else:
            errors.append(("alignment: lost", 1, 0, f"{src} -> - | {_text(target.tokens, g)}"))
    for p in wrong_pred:
        if id(p) not in used_pred:
            src = _text(source.tokens, source.spans[of_pred[id(p)]])
            errors.append(("only in source gold", 0, 1, f"{src} -> {_text(target.tokens, p)} | -"))
    return errors


def analyse(lang: str, window: slice, cache: Path | None) -> Tally:
    english, gold = load("en"), load(lang)
    links = alignments("eflomal", english, gold, lang, cache)
    result = project_corpus(english, gold, links, method="candidates", options=CandidateOptions())
    tally = Tally()
    for k in range(len(gold))[window]:
        for kind, fn, fp, example in classify(
            english[k], gold[k], result.sentences[k], result.projections[k].origin, links[k], lang
        ):
            tally.add(kind, fn, fp, example)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--langs", default="de,es,it")
    parser.add_argument("--sentences", default="0:799", help="A:B, the sentences analysed")
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None, help="folder for the eflomal links (reused)")
    args = parser.parse_args()
    first, last = (int(x) for x in args.sentences.split(":"))
    for lang in args.langs.split(","):
        tally = analyse(lang, slice(first, last), args.cache)
        total = sum(tally.fn.values()) + sum(tally.fp.values())
        print(f"\n{lang}, sentences {first}-{last - 1}: {sum(tally.fn.values())} false negatives, "
              f"{sum(tally.fp.values())} false positives")  # fmt: skip
        print("| class | FN | FP | share of errors | examples (source -> predicted \\| gold) |")
        print("|---|---:|---:|---:|---|")
        for kind in CLASSES:
            n = tally.fn[kind] + tally.fp[kind]
            if n:
                shown = "; ".join(tally.examples[kind][: args.examples]).replace("|", "\\|")
                print(f"| {kind} | {tally.fn[kind]} | {tally.fp[kind]} | {100 * n / max(total, 1):.0f}% | {shown} |")


if __name__ == "__main__":
    main()
