"""Tag a few sentences in any language: a native tagger if one is registered (or given), else translate-test
through English -- translate, tag, align, project, as four chained jobs on the four queues.

The one code path behind ``POST /v1/ner/{lang}`` and the annotation-platform endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass

from xner.corpus import Sentence, Span
from xner.errors import InputError
from xner.formats.jsonl import parse_record
from xner.languages import PIVOT
from xner.project.config import ProjectionConfig
from xner.service.backends import resolve_projection
from xner.service.broker import Broker, Status
from xner.service.errors import Timeout, error_from_result
from xner.service.limits import admitted_while, job_counts
from xner.service.refs import ref
from xner.service.settings import Settings

TRANSLATE_TEST_QUEUES = ("translate", "ner", "align", "project")
"""The queue of each job of a translate-test chain, in order (without back-translation)."""


@dataclass(frozen=True, slots=True)
class Tagged:
    """Token spans per input sentence, and which model(s) produced them."""

    spans: list[list[Span]]
    model: str
    via: str | None


def native_tagger(settings: Settings, lang: str) -> str | None:
    """The tagger registered for ``lang`` (English: ``XNER_TAGGER``), or ``None`` (translate-test)."""
    return settings.native_taggers.get(lang) or (settings.tagger if lang == PIVOT else None)


def pivot_tagger(config: ProjectionConfig, settings: Settings, *, where: str = "projection") -> str:
    """The tagger of translate-test's pivot language (``via``, English by default): ``XNER_TAGGER`` for English,
    else the language's native tagger; a pivot the server has no tagger for is an error naming ``where.via``."""
    via = config.via or PIVOT
    tagger = native_tagger(settings, via)
    if tagger is None:
        known = ", ".join(sorted({PIVOT, *settings.native_taggers}))
        raise InputError(f"{where}.via: this server has no tagger for {via} (pivots with a tagger: {known})")
    return tagger


def translate_test_model(config: ProjectionConfig, tagger: str) -> str:
    """How translate-test tags, for responses: ``translator + tagger + aligner`` and the projection's non-default
    choices (``apertium + spacy:en_core_web_sm + eflomal [heuristic+backtranslation]``)."""
    shown = {name: value for name, value in config.changed().items() if name not in ("translator", "aligner")}
    choices = f" [{ProjectionConfig.model_validate(shown).label()}]" if shown else ""
    return f"{config.translator} + {tagger} + {config.aligner}{choices}"


def tag_sentences(
    broker: Broker,
    settings: Settings,
    sentences: list[Sentence],
    lang: str,
    *,
    owner: str,
    timeout: float,
    timeout_setting: str = "sync_timeout",
    tagger: str | None = None,
    projection: ProjectionConfig | None = None,
) -> Tagged:
    """Tag ``sentences`` (FLORES-200 ``lang``) and wait up to ``timeout`` seconds (504 past it, naming
    ``timeout_setting``). ``tagger`` overrides the native tagger (a project's fine-tuned model). The request's jobs
    are admitted for ``owner`` while it waits (:func:`xner.service.limits.admitted_while`: 429 when the key's
    quota or a queue is full). ``projection`` configures translate-test (the server's ``XNER_PROJECTION`` under it;
    checked even when a native tagger answers, so a wrong setting is never silently ignored)."""
    native = tagger or native_tagger(settings, lang)
    config = resolve_projection(projection or ProjectionConfig(), settings, "translate-test", where="projection")
    pivot = pivot_tagger(config, settings) if native is None else ""  # no pivot tagger: a 422 before any job
    queues = ("ner",) if native is not None else translate_test_queues(config)
    with admitted_while(broker, settings, owner, job_counts(queues)) as admitted:
        if native is not None:
            chain = [broker.enqueue("ner", {"sentences": [s.tokens for s in sentences], "tagger": native})]
            key, model, via = "records", native, None
        else:
            chain = _translate_test(broker, sentences, lang, config, pivot)
            key, model, via = "sentences", translate_test_model(config, pivot), config.via or PIVOT
        broker.admission.settle(admitted)
        final = chain[-1]
        info = broker.wait(final, timeout)
        if info is None or not info.status.done:
            waiting = _still_waiting(broker, chain)
            for job_id in chain:  # nobody will read the answer: free the workers
                broker.cancel(job_id)
            raise Timeout(f"NER did not finish within {timeout} s ({timeout_setting}): {waiting}")
    if info.status != Status.FINISHED:
        raise error_from_result(broker.result(final), info.error or "NER failed")
    records = broker.result(final)[key]
    spans = [parse_record(record, source="ner", line=1).spans for record in records]
    return Tagged(spans=spans, model=model, via=via)


def _still_waiting(broker: Broker, chain: list[str]) -> str:
    """Why a chain of jobs is not done yet, without blaming the input when it never ran."""
    infos = [broker.info(job_id) for job_id in chain]
    if any(info is not None and info.status == Status.RUNNING for info in infos):
        return "it was still running; send fewer sentences per request, or submit them as a corpus job"
    return "it was still waiting for a worker (the queue is busy, or a backend is still loading: see /ready)"


def translate_test_queues(config: ProjectionConfig) -> tuple[str, ...]:
    """The queue of each job of a translate-test chain, in order (back-translation adds a second translate job)."""
    return ("translate", "ner", "translate", "align", "project") if config.backtranslation else TRANSLATE_TEST_QUEUES


def _translate_test(
    broker: Broker, sentences: list[Sentence], lang: str, config: ProjectionConfig, tagger: str
) -> list[str]:
    """translate (lang -> pivot) -> tag the pivot with ``tagger`` (split by its tokenizer) -> align pivot <->
    original -> project the pivot spans back; four jobs chained across the four queues, as ``xner tag
    --translate-test`` does. With back-translation, the tagged pivot is first translated back into ``lang`` with
    markers, and that is aligned with the original (same language). Returns the chain's job ids, the last one's
    result being the answer."""
    via = config.via or PIVOT
    tokens = [s.tokens for s in sentences]
    projection = config.payload()
    translate = broker.enqueue(
        "translate", {"sentences": tokens, "src_lang": lang, "tgt_lang": via, "translator": config.translator}
    )
    tag = broker.enqueue("ner", {"texts": ref(0, "texts"), "tagger": tagger}, depends_on=[translate])
    chain = [translate, tag]
    labelled, labelled_lang, marked = tag, via, {}  # the job whose "tokens" and "records" are projected from
    if config.backtranslation:
        markers = {"markers": True, "sources": ref(0, "records"), "src_lang": via, "tgt_lang": lang}
        labelled = broker.enqueue("translate", {**markers, "translator": config.translator}, depends_on=[tag])
        labelled_lang, marked = lang, {"backtranslated": True}
        chain.append(labelled)
    align = broker.enqueue(
        "align",
        {"src": ref(0, "tokens"), "tgt": tokens, "aligner": config.aligner, "projection": projection},
        depends_on=[labelled],
    )
    project = {
        "sources": ref(0, "records"),
        "targets": tokens,
        "alignments": ref(1, "alignments"),
        "offset": 0,
        "projection": projection,
        "pipeline": "translate-test",
        "source_lang": labelled_lang,
        "target_lang": lang,
        **marked,
    }
    return [*chain, align, broker.enqueue("project", project, depends_on=[labelled, align])]
