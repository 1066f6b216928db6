"""Tag a few sentences in any language: a native tagger if one is registered (or given), else translate-test
through English -- translate, tag, align, project, as four chained jobs on the four queues.

The one code path behind ``POST /v1/ner/{lang}`` and the annotation-platform endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass

from xner.corpus import Sentence, Span
from xner.formats.jsonl import parse_record
from xner.languages import PIVOT
from xner.service.broker import Broker, Status
from xner.service.errors import Timeout, error_from_result
from xner.service.limits import admitted_while, job_counts
from xner.service.refs import ref
from xner.service.settings import Settings

TRANSLATE_TEST_QUEUES = ("translate", "ner", "align", "project")
"""The queue of each job of a translate-test chain, in order."""


@dataclass(frozen=True, slots=True)
class Tagged:
    """Token spans per input sentence, and which model(s) produced them."""

    spans: list[list[Span]]
    model: str
    via: str | None


def native_tagger(settings: Settings, lang: str) -> str | None:
    """The tagger registered for ``lang`` (English: ``XNER_TAGGER``), or ``None`` (translate-test)."""
    return settings.native_taggers.get(lang) or (settings.tagger if lang == PIVOT else None)


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
) -> Tagged:
    """Tag ``sentences`` (FLORES-200 ``lang``) and wait up to ``timeout`` seconds (504 past it, naming
    ``timeout_setting``). ``tagger`` overrides the native tagger (a project's fine-tuned model). The request's jobs
    are admitted for ``owner`` while it waits (:func:`xner.service.limits.admitted_while`: 429 when the key's
    quota or a queue is full)."""
    native = tagger or native_tagger(settings, lang)
    queues = ("ner",) if native is not None else TRANSLATE_TEST_QUEUES
    with admitted_while(broker, settings, owner, job_counts(queues)) as admitted:
        if native is not None:
            chain = [broker.enqueue("ner", {"sentences": [s.tokens for s in sentences], "tagger": native})]
            key, model, via = "records", native, None
        else:
            chain = _translate_test(broker, settings, sentences, lang)
            key, model, via = "sentences", f"{settings.translator} + {settings.tagger} + {settings.aligner}", PIVOT
        broker.admission.settle(admitted)
        final = chain[-1]
        info = broker.wait(final, timeout)
        if info is None or not info.status.done:
            for job_id in chain:  # nobody will read the answer: free the workers
                broker.cancel(job_id)
            raise Timeout(f"NER did not finish within {timeout} s ({timeout_setting}); try fewer sentences")
    if info.status != Status.FINISHED:
        raise error_from_result(broker.result(final), info.error or "NER failed")
    records = broker.result(final)[key]
    spans = [parse_record(record, source="ner", line=1).spans for record in records]
    return Tagged(spans=spans, model=model, via=via)


def _translate_test(broker: Broker, settings: Settings, sentences: list[Sentence], lang: str) -> list[str]:
    """translate (lang -> English) -> tag English (split by the tagger's tokenizer) -> align English <-> original
    -> project the English spans back; four jobs chained across the four queues, as ``xner tag --via`` does.
    Returns the chain's job ids, the last one's result being the answer."""
    tokens = [s.tokens for s in sentences]
    translate = broker.enqueue(
        "translate",
        {"sentences": tokens, "src_lang": lang, "tgt_lang": PIVOT, "translator": settings.translator},
    )
    tag = broker.enqueue("ner", {"texts": ref(0, "texts"), "tagger": settings.tagger}, depends_on=[translate])
    align = broker.enqueue(
        "align", {"src": ref(0, "tokens"), "tgt": tokens, "aligner": settings.aligner}, depends_on=[tag]
    )
    project = broker.enqueue(
        "project",
        {
            "sources": ref(0, "records"),
            "targets": tokens,
            "alignments": ref(1, "alignments"),
            "offset": 0,
            "method": "heuristic",
            "source_lang": PIVOT,
            "target_lang": lang,
        },
        depends_on=[tag, align],
    )
    return [translate, tag, align, project]
