"""The ``candidates`` method for a whole corpus at once: :func:`project_candidates_corpus`.

It gives exactly the projections of :func:`~xner.project.candidate_projection.project_candidates` called sentence by
sentence, with the corpus's two passes for the consistency score (the first builds the memory of which target text
each entity text went to, the second scores with it), as :func:`~xner.project.parallel.project_corpus` makes them:
same spans, same scores, same losses and reasons (tests and ``bench/candidates_speed.py`` hold it to that). Instead
of a Python loop over sentences and candidates it takes a fixed number of numpy passes over chunks of sentences:

1. every sentence's n-grams at once (:func:`~xner.project.candidates.ngram_table`);
2. every entity x candidate pair of a chunk as one row: the alignment and surface scores are differences of
   per-entity cumulative sums over target words (built once for the corpus), so each is a gather and a divide;
   the consistency score (second pass) touches only the pairs whose candidate text is in the entity text's memory;
3. fusion and thresholds on the rows, in the per-sentence order of operations (bit-identical floats);
4. each entity's best candidate (the first of equal maxima); where those are disjoint, they are the matching
   (exact and greedy alike, see :func:`~xner.project.matching.best_candidates`). Only the other sentences (about
   one in a hundred on Europarl) go through :func:`~xner.project.matching.match` one at a time, on the same score
   matrix.

Word texts are compared as ids of their lower-cased forms. Lower-casing a token never depends on its neighbours
once tokens are joined by spaces (the one context rule of ``str.lower``, the Greek final sigma, stops at a space),
so an entity text's memory key (:func:`~xner.project.scores.entity_key`) equals the sequence of its words' ids as
long as no word contains a space; a corpus with such words, NER candidates, or a translation scorer goes through
``project_candidates`` sentence by sentence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain

import numpy as np

from xner.corpus import Span
from xner.errors import InputError, MismatchError
from xner.project import defaults
from xner.project._tokens import is_punct
from xner.project.candidate_options import CandidateOptions
from xner.project.candidate_projection import TranslationContext, project_candidates
from xner.project.candidates import TokenFlags, ngram_table
from xner.project.casing import Verdict, all_lower, is_lower, is_upper, verdict
from xner.project.columnar import (
    EntityTable,
    IntArray,
    LinkTable,
    SentenceName,
    TokenTable,
    offsets_of,
    sentence_name,
    slices,
)
from xner.project.links import Links, check_links
from xner.project.matching import MATCHINGS, match
from xner.project.scores import Matrix, entity_key, word_similarity
from xner.project.status import Lost, Projection, Reason

FloatArray = Matrix
Memory = Mapping[str, Mapping[str, int]]


def project_candidates_corpus(
    entities: Sequence[Sequence[Span]],
    sources: Sequence[Sequence[str]],
    targets: Sequence[Sequence[str]],
    alignments: Sequence[Links],
    options: CandidateOptions | None = None,
    *,
    ner_spans: Sequence[Sequence[Span]] | None = None,
    translation: TranslationContext | None = None,
    name: SentenceName | None = None,
) -> list[Projection]:
    """Project every sentence's ``entities`` (spans of ``sources``) onto ``targets`` by candidate matching.

    The same as :func:`project_candidates_each` (see the module doc). ``ner_spans``: the tagger's spans on each
    target (NER candidates); ``name(k)`` names sentence ``k`` in error messages.
    """
    options = options or CandidateOptions()
    n = len(entities)
    if not (len(sources) == len(targets) == len(alignments) == n):
        raise MismatchError(
            f"{n} entity lists, {len(sources)} sources, {len(targets)} targets, {len(alignments)} alignments"
        )
    if not _corpus_path_takes(options, ner_spans=ner_spans, translation=translation):
        return project_candidates_each(
            entities, sources, targets, alignments, options, ner_spans=ner_spans, translation=translation, name=name
        )
    corpus = _Corpus.build(entities, sources, targets, alignments, options, name)
    if corpus is None:  # words with spaces: their texts cannot be compared as word ids
        return project_candidates_each(entities, sources, targets, alignments, options, name=name)
    return corpus.projections(corpus.match())


@dataclass(frozen=True, slots=True)
class MatchedEntities:
    """What the candidates method did with every source entity, in corpus order: the target span it got
    (``start``/``end`` within the sentence, ``-1`` when none), its fused score, and whether any candidate scored
    above 0 for it (the loss is then ``outmatched``, else ``no-candidate``)."""

    start: IntArray
    end: IntArray
    score: FloatArray
    has_any: np.ndarray
    adjective: np.ndarray
    """Case repair: the match is a word derived from the name, labelled ``ADJECTIVE_LABEL``
    (:mod:`~xner.project.casing`)."""
    lower_case: np.ndarray
    """Case repair dropped the match (``start`` is then ``-1``; the loss is ``lower-case``)."""

    def loss_codes(self) -> IntArray:
        """Why each entity was lost, as an index into :data:`LOSS_REASONS` (0: matched)."""
        lost = np.where(self.lower_case, 3, np.where(self.has_any, 2, 1))
        return np.where(self.start >= 0, 0, lost)


LOSS_REASONS = (None, Reason.NO_CANDIDATE, Reason.OUTMATCHED, Reason.LOWER_CASE)
"""The loss reason of each :meth:`MatchedEntities.loss_codes` code: 0 matched, 1 no candidate scored, 2 outmatched,
3 dropped by case repair."""


def project_candidates_columns(
    sources: TokenTable,
    targets: TokenTable,
    entities: EntityTable,
    links: LinkTable,
    options: CandidateOptions | None = None,
) -> MatchedEntities | None:
    """:func:`project_candidates_corpus` on columns (a corpus read as tables, no per-sentence objects): the words of
    both sides, the entities and the links in corpus-wide positions, all already checked. ``None``
    when the options or the words need the sentence-by-sentence path (see the module doc)."""
    options = options or CandidateOptions()
    if not _corpus_path_takes(options, ner_spans=None, translation=None):
        return None
    corpus = _Corpus.from_columns(options, sources, targets, entities, links)
    if corpus is None:
        return None
    return corpus.match()


def _corpus_path_takes(
    options: CandidateOptions, *, ner_spans: object | None, translation: TranslationContext | None
) -> bool:
    """Whether the corpus path computes these options (NER candidates and a translation scorer it does not)."""
    weights = options.weights
    return not (
        options.candidates != "ngram"
        or options.matching not in MATCHINGS
        or (ner_spans is not None and weights.get("ner", 0.0))
        or (translation is not None and weights.get("translation", 0.0))
    )


def project_candidates_each(
    entities: Sequence[Sequence[Span]],
    sources: Sequence[Sequence[str]],
    targets: Sequence[Sequence[str]],
    alignments: Sequence[Links],
    options: CandidateOptions,
    *,
    ner_spans: Sequence[Sequence[Span]] | None = None,
    translation: TranslationContext | None = None,
    name: SentenceName | None = None,
) -> list[Projection]:
    """:func:`~xner.project.candidate_projection.project_candidates` sentence by sentence; with the consistency
    score on, twice: the second pass scores with the memory of the first (:func:`consistency_memory`)."""

    def run(memory: Memory | None) -> list[Projection]:
        return [
            project_candidates(
                spans,
                source,
                target,
                links,
                options,
                ner_spans=None if ner_spans is None else ner_spans[k],
                translation=translation,
                memory=memory,
                where=sentence_name(name, k),
            )
            for k, (spans, source, target, links) in enumerate(zip(entities, sources, targets, alignments, strict=True))
        ]

    projections = run(None)
    if options.uses_consistency:
        projections = run(consistency_memory(entities, sources, targets, projections))
    if options.case_repair == "misc":
        restore_names(entities, sources, targets, projections)
    return projections


def consistency_memory(
    entities: Sequence[Sequence[Span]],
    sources: Sequence[Sequence[str]],
    targets: Sequence[Sequence[str]],
    projections: Sequence[Projection],
) -> dict[str, Counter[str]]:
    """Entity text -> counts of the target texts ``projections`` took it to (keys: :func:`entity_key`)."""
    memory: dict[str, Counter[str]] = defaultdict(Counter)
    for spans, source, target, projection in zip(entities, sources, targets, projections, strict=True):
        for k, span in zip(projection.origin, projection.spans, strict=True):
            entity = spans[k]
            memory[entity_key(source[entity.start : entity.end])][entity_key(target[span.start : span.end])] += 1
    return dict(memory)


def restore_names(
    entities: Sequence[Sequence[Span]],
    sources: Sequence[Sequence[str]],
    targets: Sequence[Sequence[str]],
    projections: Sequence[Projection],
) -> None:
    """Case repair's look over a whole corpus (:mod:`xner.project.casing`): a span that
    :func:`~xner.project.casing.verdict` made an adjective gets its entity's label back (in place) when some
    projection of the same entity text (lower-cased) went to the same words (lower-cased) written with a capital:
    the target then writes the name itself in lower case at times."""
    written: set[tuple[str, str]] = set()
    for spans, source, target, projection in zip(entities, sources, targets, projections, strict=True):
        for span, k in zip(projection.spans, projection.origin, strict=True):
            words = target[span.start : span.end]
            if not all_lower(words):
                entity = spans[k]
                written.add((entity_key(source[entity.start : entity.end]), entity_key(words)))
    for spans, source, target, projection in zip(entities, sources, targets, projections, strict=True):
        for i, (span, k) in enumerate(zip(projection.spans, projection.origin, strict=True)):
            entity = spans[k]
            if span.label != entity.label and span.label == defaults.ADJECTIVE_LABEL:
                key = (entity_key(source[entity.start : entity.end]), entity_key(target[span.start : span.end]))
                if key in written:
                    projection.spans[i] = replace(span, label=entity.label)


@dataclass(slots=True)
class _MemoryTable:
    """The consistency memory as ids: ``text[e]`` is the text id of entity ``e``; rows ``lo[t]:hi[t]`` of
    ``word_lo``/``word_hi`` (a target text: its lower-cased word ids are ``words[word_lo[r]:word_hi[r]]``) and
    ``share`` (its count / the entity text's total) are the target texts entity text ``t`` went to (none when it
    went anywhere fewer than ``CONSISTENCY_MIN_COUNT`` times)."""

    text: IntArray
    lo: IntArray
    hi: IntArray
    words: IntArray
    word_lo: IntArray
    word_hi: IntArray
    share: FloatArray


@dataclass(slots=True)
class _Corpus:
    """The sentences with entities, as columns (see the module doc); built once, projected once per pass."""

    options: CandidateOptions
    entities: Sequence[Sequence[Span]] | None  # the entities as spans (for projections), when given so
    active: IntArray  # the sentences with entities
    ent_offsets: IntArray  # active sentence i owns entities ent_offsets[i]:ent_offsets[i+1]
    ent_sentence: IntArray  # active sentence of each entity
    ent_len: IntArray
    ent_words: IntArray  # lower-cased word ids of every entity's words, entity after entity
    ent_word_offsets: IntArray
    tgt_offsets: IntArray  # token offsets of the active targets
    tgt_lower: IntArray  # lower-cased word id of every token of the active targets
    flags: TokenFlags
    limits: IntArray  # longest n-gram per active sentence
    seg_offsets: IntArray  # entity e owns seg_offsets[e]:seg_offsets[e+1] = its sentence's length + 1
    align_sum: IntArray | None  # cumulative link counts from each entity into its sentence's words
    surface_sum: FloatArray | None  # cumulative surface values of each entity over its sentence's words
    case: _CaseColumns | None  # what case repair reads (None when it is off)
    ent_text: IntArray | None  # an id per entity text (equal words, equal id), when a pass compares texts

    @classmethod
    def build(
        cls,
        entities: Sequence[Sequence[Span]],
        sources: Sequence[Sequence[str]],
        targets: Sequence[Sequence[str]],
        alignments: Sequence[Links],
        options: CandidateOptions,
        name: SentenceName | None,
    ) -> _Corpus | None:
        n = len(entities)
        src_len = np.fromiter(map(len, sources), dtype=np.int64, count=n)
        tgt_len = np.fromiter(map(len, targets), dtype=np.int64, count=n)
        src_offsets, tgt_offsets = offsets_of(src_len), offsets_of(tgt_len)
        table = EntityTable.from_spans(entities)
        try:
            links = LinkTable.from_links(alignments, src_offsets, tgt_offsets)
        except InputError:
            links = None
        if links is None or np.any(table.end > src_len[table.sentence]):
            _raise_first_error(entities, sources, targets, alignments, name)
        assert links is not None
        return cls.from_columns(
            options,
            TokenTable(src_offsets, list(chain.from_iterable(sources))),
            TokenTable(tgt_offsets, list(chain.from_iterable(targets))),
            table,
            links,
            entities,
        )

    @classmethod
    def from_columns(
        cls,
        options: CandidateOptions,
        sources: TokenTable,
        targets: TokenTable,
        table: EntityTable,
        links: LinkTable,
        entities: Sequence[Sequence[Span]] | None = None,
    ) -> _Corpus | None:
        """The corpus from checked columns: the words of both sides, the entities and the links in corpus-wide
        positions; ``entities``, the same entities as spans, for :meth:`projections`."""
        n = len(table.offsets) - 1
        counts = np.diff(table.offsets)
        starts, ends = table.start, table.end
        src_offsets_all, tgt_offsets_all = sources.offsets, targets.offsets
        tgt_len = np.diff(tgt_offsets_all)
        sentence_all = np.repeat(np.arange(n, dtype=np.int64), counts)
        active = np.flatnonzero(counts)
        first_source_word = src_offsets_all[sentence_all] + starts
        ent_words = list(
            map(sources.words.__getitem__, slices(first_source_word, src_offsets_all[sentence_all] + ends)[1].tolist())
        )
        if len(active) == n:
            active_words: Sequence[str] = targets.words
        else:
            positions = slices(tgt_offsets_all[active], tgt_offsets_all[active + 1])[1]
            active_words = list(map(targets.words.__getitem__, positions.tolist()))
        vocab = dict.fromkeys(chain(active_words, ent_words), 0)
        words = list(vocab)
        vocab.update(zip(words, range(len(words)), strict=True))
        tgt_ids = np.fromiter(map(vocab.__getitem__, active_words), dtype=np.int64, count=len(active_words))
        src_ids = np.fromiter(map(vocab.__getitem__, ent_words), dtype=np.int64, count=len(ent_words))
        # texts are compared joined by spaces (the consistency memory, case repair's restore_names)
        if (options.uses_consistency or options.case_repair == "misc") and any(" " in w for w in words):
            return None
        lowered: dict[str, int] = {}
        lower_strings = [w.lower() for w in words]
        lower_id = np.fromiter((lowered.setdefault(w, len(lowered)) for w in lower_strings), np.int64, len(words))
        ent_len = ends - starts
        ent_sentence = np.repeat(np.arange(len(active), dtype=np.int64), counts[active])
        limit = np.full(len(active), options.max_len, dtype=np.int64)
        if options.adaptive_len:
            longest = np.maximum.reduceat(ent_len, offsets_of(counts[active])[:-1]) if len(active) else limit
            limit = np.maximum(limit, defaults.CANDIDATE_LEN_FACTOR * longest)
        tgt_offsets = offsets_of(tgt_len[active])
        seg_offsets = offsets_of(tgt_len[active][ent_sentence] + 1)
        corpus = cls(
            options=options,
            entities=entities,
            active=active,
            ent_offsets=offsets_of(counts[active]),
            ent_sentence=ent_sentence,
            ent_len=ent_len,
            ent_words=lower_id[src_ids],
            ent_word_offsets=offsets_of(ent_len),
            tgt_offsets=tgt_offsets,
            tgt_lower=lower_id[tgt_ids],
            flags=TokenFlags.of(words).take(tgt_ids),
            limits=limit,
            seg_offsets=seg_offsets,
            align_sum=None,
            surface_sum=None,
            case=None,
            ent_text=None,
        )
        if options.uses_consistency or options.case_repair == "misc":  # the memory and restore_names compare texts
            corpus.ent_text = _row_ids(corpus.ent_words, corpus.ent_word_offsets)
        if options.case_repair != "off":
            word_case = np.fromiter(map(_case_code, words), dtype=np.int8, count=len(words))
            corpus.case = _CaseColumns(
                source_words=sources.words,
                target_words=targets.words,
                target_first=tgt_offsets_all[active],
                entity_first=first_source_word,
                label=table.label,
                labels=table.labels,
                target_case=word_case[tgt_ids],
            )
        weights = options.weights
        if weights.get("align", 0.0):
            corpus.align_sum = corpus._align_sums(links, first_source_word, tgt_offsets_all[active])
        if weights.get("surface", 0.0):
            usable_source = np.fromiter((len(w) > 1 and not is_punct(w) for w in words), dtype=bool, count=len(words))
            usable_target = np.fromiter(
                (len(w) > 1 and not is_punct(w) for w in lower_strings), dtype=bool, count=len(words)
            )
            lower_list = list(lowered)
            corpus.surface_sum = corpus._surface_sums(
                usable_source[src_ids], usable_target[tgt_ids], lower_list, np.fromiter(map(len, lower_list), np.int64)
            )
        return corpus

    def _align_sums(self, links: LinkTable, first_word: IntArray, target_base: IntArray) -> IntArray:
        """Cumulative counts of the distinct links from each entity into each word of its target sentence (the
        last entity covering a source word owns its links, as in :func:`~xner.project.scores.alignment_scores`).
        ``first_word``: each entity's first source word, ``target_base``: each active target's first word, both
        corpus-wide positions of ``links``."""
        ent_of_word, word = slices(first_word, first_word + self.ent_len)
        owner = np.full(len(links.by_source) - 1, -1, dtype=np.int64)
        np.maximum.at(owner, word, ent_of_word)
        owned = np.flatnonzero(owner >= 0)
        which, rows = slices(links.by_source[owned], links.by_source[owned + 1])
        width = int(links.target.max(initial=0)) + 1
        key = np.unique(owned[which] * width + links.target[rows])  # check_links drops repeated links
        ent, target = owner[key // width], key % width
        local = target - target_base[self.ent_sentence[ent]]
        counts = np.bincount(self.seg_offsets[ent] + local + 1, minlength=int(self.seg_offsets[-1]))
        total: IntArray = np.cumsum(counts)
        return total

    def _surface_sums(
        self, usable_source: np.ndarray, usable_target: np.ndarray, lower: list[str], lower_len: IntArray
    ) -> FloatArray:
        """Cumulative surface values (:func:`~xner.project.scores.surface_scores`) of each entity over each word of
        its target sentence: the best :func:`word_similarity` of the word to a usable entity word."""
        n_ent = len(self.ent_len)
        values = np.zeros(int(self.seg_offsets[-1]))
        ent_of_word = np.repeat(np.arange(n_ent, dtype=np.int64), self.ent_len)
        keep = usable_source
        word_ent, word_id = ent_of_word[keep], self.ent_words[keep]
        n_words = np.bincount(word_ent, minlength=n_ent)
        word_lo = offsets_of(n_words)
        with_words = np.flatnonzero(n_words)
        if len(with_words) == 0:
            return np.cumsum(values)
        sentence = self.ent_sentence[with_words]
        ej_ent, ej_pos = slices(self.tgt_offsets[sentence], self.tgt_offsets[sentence + 1])
        ej_ent = with_words[ej_ent]
        triple_row, triple_word = slices(word_lo[ej_ent], word_lo[ej_ent + 1])
        entity_word = word_id[triple_word]
        target_word = self.tgt_lower[ej_pos[triple_row]]
        n_lower = len(lower)
        key = np.where(usable_target[ej_pos[triple_row]], entity_word * n_lower + target_word, -1)
        if len(key) == 0:
            return np.cumsum(values)
        # the distinct word pairs of each slice (small sorts beat one big one), then of them all
        step = defaults.SURFACE_CHUNK_PAIRS
        parts = [np.unique(key[at : at + step], return_inverse=True) for at in range(0, len(key), step)]
        distinct = np.unique(np.concatenate([unique for unique, _ in parts]))
        similarity = _similarities(distinct, n_lower, lower, lower_len)
        sim = np.concatenate(
            [similarity[np.searchsorted(distinct, unique)][inverse.ravel()] for unique, inverse in parts]
        )
        first = np.flatnonzero(np.concatenate(([True], triple_row[1:] != triple_row[:-1])))
        best = np.maximum.reduceat(sim, first)
        local = ej_pos - self.tgt_offsets[self.ent_sentence[ej_ent]]
        values[self.seg_offsets[ej_ent] + local + 1] = best
        return np.cumsum(values)

    def match(self) -> MatchedEntities:
        """Every entity's match: one pass, or with the consistency score two (the first pass's memory scores the
        second)."""
        first = self.project(None)
        final = self.project(self.memory(first)) if self.options.uses_consistency else first
        if self.case is not None and self.options.case_repair == "misc":
            self._restore_names(self.case, final)
        return final

    def project(self, memory: _MemoryTable | None) -> MatchedEntities:
        """One pass over every chunk of sentences (``memory``: the consistency memory, second pass)."""
        n_ent = len(self.ent_len)
        outcome = MatchedEntities(
            start=np.full(n_ent, -1, dtype=np.int64),
            end=np.full(n_ent, -1, dtype=np.int64),
            score=np.zeros(n_ent),
            has_any=np.zeros(n_ent, dtype=bool),
            adjective=np.zeros(n_ent, dtype=bool),
            lower_case=np.zeros(n_ent, dtype=bool),
        )
        for lo, hi in self._chunks():
            self._project_chunk(lo, hi, memory, outcome)
        if self.case is not None:
            self._repair_case(self.case, outcome)
        return outcome

    def _repair_case(self, case: _CaseColumns, out: MatchedEntities) -> None:
        """Case repair (:func:`~xner.project.casing.verdict`) of every match of a name onto words that are all
        lower-case; the others are kept as they are, so only those few go through Python."""
        is_name = np.fromiter((label in defaults.NAME_LABELS for label in case.labels), dtype=bool)
        matched = np.flatnonzero(out.start >= 0)
        matched = matched[is_name[case.label[matched]]] if len(is_name) else matched[:0]
        rule = self.options.case_repair
        for e in matched[self._all_lower(case, out, matched)].tolist():
            first = int(case.target_first[self.ent_sentence[e]])
            source = case.source_words[int(case.entity_first[e]) : int(case.entity_first[e] + self.ent_len[e])]
            target = case.target_words[first + int(out.start[e]) : first + int(out.end[e])]
            repair = verdict(rule, case.labels[case.label[e]], source, target)
            if repair is Verdict.DROP:
                out.start[e] = out.end[e] = -1
                out.score[e] = 0.0
                out.lower_case[e] = True
            elif repair is Verdict.ADJECTIVE:
                out.adjective[e] = True

    def _chunks(self) -> list[tuple[int, int]]:
        """Ranges of active sentences of about ``CANDIDATE_CHUNK_PAIRS`` entity x n-gram pairs each."""
        length = np.diff(self.tgt_offsets)
        if len(length) == 0:
            return []
        estimate = np.diff(self.ent_offsets) * length * np.minimum(self.limits, length)
        chunk = (np.cumsum(estimate) - estimate) // defaults.CANDIDATE_CHUNK_PAIRS
        bounds = np.concatenate(([0], np.flatnonzero(np.diff(chunk)) + 1, [len(length)]))
        return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))

    def _project_chunk(self, lo: int, hi: int, memory: _MemoryTable | None, out: MatchedEntities) -> None:
        """Candidates, fused scores and matching of active sentences ``lo:hi``, into ``out``."""
        options = self.options
        t0, t1 = int(self.tgt_offsets[lo]), int(self.tgt_offsets[hi])
        offsets = self.tgt_offsets[lo : hi + 1] - t0
        flags = self.flags
        chunk_flags = TokenFlags(
            flags.blocked[t0:t1], flags.punct[t0:t1], flags.code[t0:t1], flags.opens[t0:t1], flags.partner[t0:t1]
        )
        cand_start, cand_end = ngram_table(offsets, self.limits[lo:hi], chunk_flags, trim_punct=options.trim_punct)
        cand_sentence = np.searchsorted(offsets, cand_start, side="right") - 1
        cand_offsets = offsets_of(np.bincount(cand_sentence, minlength=hi - lo))
        cand_lo = cand_start - offsets[cand_sentence]  # within the sentence
        cand_hi = cand_end - offsets[cand_sentence]
        e0, e1 = int(self.ent_offsets[lo]), int(self.ent_offsets[hi])
        ent_sentence = self.ent_sentence[e0:e1] - lo
        size = np.diff(cand_offsets)[ent_sentence]  # pairs of each entity: one per candidate of its sentence
        pair_offsets = offsets_of(size)
        pair_cand = slices(cand_offsets[ent_sentence], cand_offsets[ent_sentence + 1])[1]
        weights, thresholds = options.weights, options.thresholds
        fused: FloatArray | None = None
        if self.align_sum is not None or self.surface_sum is not None:
            seg = np.repeat(self.seg_offsets[e0:e1], size)
            first, last = seg + cand_lo[pair_cand], seg + cand_hi[pair_cand]
            denominator = (np.repeat(self.ent_len[e0:e1], size) + (cand_hi - cand_lo)[pair_cand]).astype(np.float64)
            for part, sums in (("align", self.align_sum), ("surface", self.surface_sum)):
                if sums is not None:
                    term = _term(2.0 * (sums[last] - sums[first]) / denominator, part, options)
                    fused = term if fused is None else fused + term
        if fused is None:
            fused = np.zeros(len(pair_cand))
        if memory is not None and weights.get("consistency", 0.0):
            rows, share = self._consistency(
                memory, (lo, hi, e0, e1), offsets, cand_start, cand_end, cand_offsets, pair_offsets
            )
            # elsewhere the consistency term is 0.0, and x + 0.0 == x: only these rows change
            term = np.where(share > thresholds.get("consistency", 0.0), share, 0.0) * weights["consistency"]
            fused[rows] = fused[rows] + term
        if not (options.threshold <= 0.0 and all(weights.get(part, 0.0) >= 0.0 for part in _NONNEGATIVE)):
            fused = np.where(fused > options.threshold, fused, 0.0)  # (else every score passes or is 0 already)
        self._match_chunk(e0, e1, fused, pair_offsets, pair_cand, cand_lo, cand_hi, out)

    def _consistency(
        self,
        memory: _MemoryTable,
        chunk: tuple[int, int, int, int],
        offsets: IntArray,
        cand_start: IntArray,
        cand_end: IntArray,
        cand_offsets: IntArray,
        pair_offsets: IntArray,
    ) -> tuple[IntArray, FloatArray]:
        """The pair rows of a chunk whose candidate text is one of the memory texts of its entity's text, and
        their shares (:func:`~xner.project.scores.consistency_scores`). ``chunk``: its first and last active
        sentence and entity; ``offsets``, ``cand_*``, ``pair_offsets``: its words, candidates and pairs."""
        lo, _, e0, e1 = chunk
        ent, row = slices(memory.lo[memory.text[e0:e1]], memory.hi[memory.text[e0:e1]])
        if len(ent) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        words = self.tgt_lower[int(self.tgt_offsets[lo]) :]
        sentence = self.ent_sentence[e0 + ent] - lo
        length = memory.word_hi[row] - memory.word_lo[row]
        # every place in the sentence the memory text fits; those starting with its first word; those equal to it
        which, start = slices(offsets[sentence], np.maximum(offsets[sentence + 1] - length + 1, offsets[sentence]))
        hit = np.flatnonzero(words[start] == memory.words[memory.word_lo[row[which]]])
        which, start = which[hit], start[hit]
        length = length[which]
        word_of, position = slices(start, start + length)
        expected = memory.words[memory.word_lo[row[which]][word_of] + position - start[word_of]]
        wrong = np.bincount(word_of[words[position] != expected], minlength=len(which))
        which, start, length = which[wrong == 0], start[wrong == 0], length[wrong == 0]
        # the candidate with that start and length, if there is one (candidates are sorted by start, then end)
        if len(cand_start) == 0 or len(which) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        span = int((cand_end - cand_start).max()) + 1
        key = cand_start * span + (cand_end - cand_start)
        wanted = start * span + length
        at = np.minimum(np.searchsorted(key, wanted), len(key) - 1)
        found = np.flatnonzero(key[at] == wanted)
        pair = pair_offsets[ent[which[found]]] + at[found] - cand_offsets[sentence[which[found]]]
        return pair, memory.share[row[which[found]]]

    def _match_chunk(
        self,
        e0: int,
        e1: int,
        fused: FloatArray,
        pair_offsets: IntArray,
        pair_cand: IntArray,
        cand_lo: IntArray,
        cand_hi: IntArray,
        out: MatchedEntities,
    ) -> None:
        """Each entity's best candidate (the first of equal maxima); where two of a sentence overlap, the
        sentence's matching (:func:`~xner.project.matching.match`) on its score matrix."""
        size = np.diff(pair_offsets)
        nonempty = np.flatnonzero(size)
        best = np.full(e1 - e0, -1, dtype=np.int64)
        top = np.zeros(e1 - e0)
        if len(nonempty):
            top[nonempty] = np.maximum.reduceat(fused, pair_offsets[nonempty])
            at_top = np.flatnonzero(fused == np.repeat(top, size))
            first = at_top[np.searchsorted(at_top, pair_offsets[nonempty])]
            best[nonempty] = np.where(top[nonempty] > 0, first, -1)
        chosen = np.flatnonzero(best >= 0)
        sentence = self.ent_sentence[e0 + chosen]
        a, z = cand_lo[pair_cand[best[chosen]]], cand_hi[pair_cand[best[chosen]]]
        order = np.lexsort((z, a, sentence))
        s, a, z = sentence[order], a[order], z[order]
        clash = np.unique(s[1:][(s[1:] == s[:-1]) & (a[1:] < z[:-1])])
        for k in clash.tolist():
            first_ent, last_ent = int(self.ent_offsets[k]) - e0, int(self.ent_offsets[k + 1]) - e0
            r0, r1 = int(pair_offsets[first_ent]), int(pair_offsets[last_ent])
            scores = fused[r0:r1].reshape(last_ent - first_ent, -1)
            width = scores.shape[1]
            columns = pair_cand[r0 : r0 + width]
            candidates = list(zip(cand_lo[columns].tolist(), cand_hi[columns].tolist(), strict=True))
            assignment = match(self.options.matching, scores, candidates)
            for x, n in enumerate(assignment):
                best[first_ent + x] = -1 if n < 0 else r0 + x * width + n
        kept = np.flatnonzero(best >= 0)
        rows = best[kept]
        out.start[e0 + kept] = cand_lo[pair_cand[rows]]
        out.end[e0 + kept] = cand_hi[pair_cand[rows]]
        out.score[e0 + kept] = fused[rows]
        out.has_any[e0:e1] = top > 0

    def _all_lower(self, case: _CaseColumns, out: MatchedEntities, matched: IntArray) -> np.ndarray:
        """For each of the ``matched`` entities, whether its match's words are all lower-case
        (:func:`~xner.project.casing.all_lower` on the case codes)."""
        base = self.tgt_offsets[self.ent_sentence[matched]]
        owner, position = slices(base + out.start[matched], base + out.end[matched])
        codes = case.target_case[position]
        lower = np.bincount(owner, weights=codes == _LOWER, minlength=len(matched))
        upper = np.bincount(owner, weights=codes == _UPPER, minlength=len(matched))
        return (lower > 0) & (upper == 0)  # type: ignore[no-any-return]

    def _restore_names(self, case: _CaseColumns, out: MatchedEntities) -> None:
        """:func:`restore_names` on the id tables: an adjective whose (entity text, match text)
        pair, both lower-cased, is also the pair of a match written with a capital keeps its entity's label."""
        if not out.adjective.any():
            return
        matched = np.flatnonzero(out.start >= 0)
        base = self.tgt_offsets[self.ent_sentence[matched]]
        span_words = self.tgt_lower[slices(base + out.start[matched], base + out.end[matched])[1]]
        span_text = _row_ids(span_words, offsets_of(out.end[matched] - out.start[matched]))
        assert self.ent_text is not None  # built for case repair misc
        entity_text = self.ent_text[matched]
        pair = entity_text * (int(span_text.max()) + 1) + span_text
        written = pair[~self._all_lower(case, out, matched)]
        adjective = np.flatnonzero(out.adjective[matched])
        out.adjective[matched[adjective[np.isin(pair[adjective], written)]]] = False

    def memory(self, first: MatchedEntities) -> _MemoryTable:
        """The consistency memory of a first pass (:func:`consistency_memory`), as ids (see :class:`_MemoryTable`)."""
        text = self.ent_text
        assert text is not None  # built when the consistency score is on
        projected = np.flatnonzero(first.start >= 0)
        base = self.tgt_offsets[self.ent_sentence[projected]]
        span_lo, span_hi = base + first.start[projected], base + first.end[projected]
        span_words = self.tgt_lower[slices(span_lo, span_hi)[1]]
        span_offsets = offsets_of(span_hi - span_lo)
        span_text = _row_ids(span_words, span_offsets)
        n_span_texts = max(int(span_text.max(initial=-1)) + 1, 1)
        key, count = np.unique(text[projected] * n_span_texts + span_text, return_counts=True)
        key_text, key_span = key // n_span_texts, key % n_span_texts
        n_texts = int(text.max(initial=-1)) + 1
        total = np.bincount(key_text, weights=count, minlength=n_texts).astype(np.int64)
        keep = total[key_text] >= defaults.CONSISTENCY_MIN_COUNT
        key_text, key_span, count = key_text[keep], key_span[keep], count[keep]
        by_text = offsets_of(np.bincount(key_text, minlength=n_texts))
        example = np.zeros(n_span_texts, dtype=np.int64)
        example[span_text] = np.arange(len(span_text))  # any projection with that text: they are equal
        return _MemoryTable(
            text=text,
            lo=by_text[:-1],
            hi=by_text[1:],
            words=span_words,
            word_lo=span_offsets[example[key_span]],
            word_hi=span_offsets[example[key_span] + 1],
            share=count / total[key_text],
        )

    def projections(self, outcome: MatchedEntities) -> list[Projection]:
        """One :class:`Projection` per sentence of the corpus."""
        if self.entities is None:
            raise ValueError("projections need the entities as spans: build the corpus with them")
        results = [Projection(spans=[], lost=[], n_source=0, origin=[]) for _ in self.entities]
        starts, ends, scores = outcome.start.tolist(), outcome.end.tolist(), outcome.score.tolist()
        reasons = [LOSS_REASONS[code] for code in outcome.loss_codes().tolist()]
        adjective = outcome.adjective.tolist()
        offsets = self.ent_offsets.tolist()
        for i, k in enumerate(self.active.tolist()):
            sentence_entities = self.entities[k]
            base = offsets[i]
            spans: list[Span] = []
            origin: list[int] = []
            lost: list[Lost] = []
            for x, entity in enumerate(sentence_entities):
                a = starts[base + x]
                reason = reasons[base + x]
                if reason is not None:
                    lost.append(Lost(entity, reason))
                    continue
                label = defaults.ADJECTIVE_LABEL if adjective[base + x] else entity.label
                spans.append(Span(a, ends[base + x], label, score=scores[base + x]))
                origin.append(x)
            if len(spans) > 1:
                order = sorted(range(len(spans)), key=lambda x: spans[x].start)
                spans, origin = [spans[x] for x in order], [origin[x] for x in order]
            results[k] = Projection(spans=spans, lost=lost, n_source=len(sentence_entities), origin=origin)
        return results


_LOWER, _UPPER = 1, 2


def _case_code(word: str) -> int:
    """``_UPPER`` for a word written with a capital (:func:`~xner.project.casing.is_upper`, ``kwaZulu`` too),
    ``_LOWER`` for another that begins lower-case, else 0."""
    return _UPPER if is_upper(word) else _LOWER if is_lower(word) else 0


@dataclass(frozen=True, slots=True)
class _CaseColumns:
    """What case repair reads: the words of both sides (corpus-wide, as given), where each active target sentence
    and each entity begins in them, the entities' label codes, and each active target word's case code."""

    source_words: Sequence[str]
    target_words: Sequence[str]
    target_first: IntArray
    entity_first: IntArray
    label: IntArray
    labels: tuple[str, ...]
    target_case: np.ndarray


_NONNEGATIVE = ("align", "surface", "consistency")
"""The scores of the corpus path: each is at least 0."""


def _term(value: FloatArray, part: str, options: CandidateOptions) -> FloatArray:
    """``where(value > threshold, value, 0.0) * weight`` (:func:`~xner.project.scores.fuse`) of a score that is at
    least 0, skipping the steps that change nothing: the ``where`` when the threshold is at most 0 (a score of 0 is
    already ``+0.0``), the product when the weight is 1."""
    threshold, weight = options.thresholds.get(part, 0.0), options.weights.get(part, 0.0)
    if threshold > 0.0:
        value = np.where(value > threshold, value, 0.0)
    return value if weight == 1.0 else value * weight


def _similarities(key: IntArray, n_lower: int, lower: Sequence[str], lower_len: IntArray) -> FloatArray:
    """:func:`word_similarity` of each ``entity word * n_lower + target word`` key (lower-cased word ids; a
    negative key, an unusable target word, scores 0)."""
    a, b = key // n_lower, key % n_lower
    sim = np.where((key >= 0) & (a == b), 1.0, 0.0)
    la, lb = lower_len[a], lower_len[b]
    # difflib's ratio is 2.0 * matches / (la + lb) with matches <= min(la, lb): below that bound it is no match
    bound = 2.0 * np.minimum(la, lb) / np.maximum(la + lb, 1)
    maybe = np.flatnonzero((key >= 0) & (a != b) & (bound >= defaults.SURFACE_SIMILARITY))
    sim[maybe] = [
        word_similarity(lower[x], lower[y]) for x, y in zip(a[maybe].tolist(), b[maybe].tolist(), strict=True)
    ]
    return sim


def _row_ids(values: IntArray, offsets: IntArray) -> IntArray:
    """An id per row ``values[offsets[k]:offsets[k+1]]`` (rows are not empty): equal rows (same length, same
    values) get equal ids, different rows different ids.

    Rows are told apart by a 64-bit polynomial hash of their values and length (arithmetic modulo 2**64); every row
    is then compared with the first row of its hash, so a collision is caught (the rows are then sorted as a table).
    """
    n = len(offsets) - 1
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    lengths = np.diff(offsets)
    row, position = slices(offsets[:-1], offsets[1:])
    place = position - offsets[:-1][row]
    powers = np.cumprod(np.full(int(lengths.max()), 0x9E3779B97F4A7C15, dtype=np.uint64))
    digest = np.add.reduceat((values.astype(np.uint64) + np.uint64(1)) * powers[place], offsets[:-1])
    digest ^= lengths.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    _, first, inverse = np.unique(digest, return_index=True, return_inverse=True)
    inverse = inverse.ravel().astype(np.int64)
    model = first[inverse]  # the first row with the same hash
    same = lengths[model] == lengths
    compared = np.flatnonzero(same[row])
    differs = values[compared] != values[offsets[model[row[compared]]] + place[compared]]
    if same.all() and not differs.any():
        return inverse
    table = np.full((n, int(lengths.max())), -1, dtype=np.int64)
    table[row, place] = values
    _, inverse = np.unique(table, axis=0, return_inverse=True)
    ids: IntArray = inverse.ravel().astype(np.int64)
    return ids


def _raise_first_error(
    entities: Sequence[Sequence[Span]],
    sources: Sequence[Sequence[str]],
    targets: Sequence[Sequence[str]],
    alignments: Sequence[Links],
    name: SentenceName | None,
) -> None:
    """Raise the error the sentence-by-sentence path raises first (a link out of range, or an entity past the
    source end), in sentence order."""
    for k, (spans, source, target, links) in enumerate(zip(entities, sources, targets, alignments, strict=True)):
        where = sentence_name(name, k)
        check_links(links, len(source), len(target), where=where)
        for entity in spans:
            if entity.end > len(source):
                raise InputError(f"{where}: entity [{entity.start}, {entity.end}) is past the source end")
    raise InputError("a link or an entity is out of range")  # pragma: no cover (the loop above finds it)
