"""Back-translation refinement ("tgt2tgt", arXiv 2501.18750): project through a same-language alignment.

For a target sentence whose translation into the source language has been labelled (translate-test), the
paper does not align the target with that translation. It translates the labelled translation *back* into
the target language with markers (EasyProject), which yields a labelled sentence in the target language, and
aligns the original target words with it. Same-language alignment is far easier than cross-lingual.

:func:`project_backtranslated` composes :func:`~xner.project.markers.project_markers` (translator injected),
the aligner (injected; called with the back-translations as source and the original targets as target) and
:func:`~xner.project.parallel.project_corpus`. Sentences whose markers cannot be resolved stay in the output,
unlabelled, with status ``dropped`` and the marker reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from xner.align.base import Aligner
from xner.corpus import Sentence
from xner.errors import MismatchError
from xner.project.candidate_options import CandidateOptions
from xner.project.links import align_links
from xner.project.markers import Tokenizer, project_markers, simple_tokenize
from xner.project.parallel import project_corpus, with_projection
from xner.project.protocols import SpanTagger, TextTranslator
from xner.project.status import Projection, ProjectionResult, Status


def project_backtranslated(
    labelled: Sequence[Sentence],
    targets: Sequence[Sentence],
    translator: TextTranslator,
    aligner: Aligner,
    *,
    labelled_lang: str,
    target_lang: str,
    method: str = "heuristic",
    options: CandidateOptions | None = None,
    tagger: SpanTagger | None = None,
    tokenize: Tokenizer = simple_tokenize,
) -> ProjectionResult:
    """Label ``targets`` from their labelled translations ``labelled`` via marker back-translation.

    ``labelled[k]`` is the (labelled) translation of ``targets[k]`` into ``labelled_lang``. Projection is
    :func:`~xner.project.parallel.project_corpus` with ``method``, ``options`` and ``tagger`` (NER candidates on
    the targets).
    """
    if len(labelled) != len(targets):
        raise MismatchError(f"{len(labelled)} labelled sentences but {len(targets)} targets")
    back = project_markers(labelled, translator, labelled_lang, target_lang, tokenize=tokenize)
    usable = [k for k, p in enumerate(back.projections) if p.status is not Status.DROPPED or p.n_source == 0]
    links = align_links(aligner, [back.sentences[k].tokens for k in usable], [targets[k].tokens for k in usable])
    projected = project_corpus(
        [back.sentences[k] for k in usable],
        [targets[k] for k in usable],
        links,
        method=method,
        options=options,
        tagger=tagger,
    )
    by_index = dict(zip(usable, zip(projected.sentences, projected.projections, strict=True), strict=True))
    out: list[Sentence] = []
    projections: list[Projection] = []
    for k, target in enumerate(targets):
        if k in by_index:
            sentence, projection = by_index[k]
        else:
            failed = back.projections[k]
            projection = Projection(
                spans=[], lost=failed.lost, n_source=failed.n_source, sentence_reason=failed.sentence_reason
            )
            sentence = with_projection(target, projection)
        out.append(sentence)
        projections.append(projection)
    return ProjectionResult(sentences=out, projections=projections)
