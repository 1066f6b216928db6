"""``/v1/jobs/{id}/sentences`` and ``/v1/jobs/{id}/summary``: what the projection viewer (``/ui/``) reads.

A page holds at most :data:`~gateway.viewer.MAX_PAGE_SENTENCES` sentences, filtered by status on the server. The
summary (every sentence's status, counts, P/R/F1) is computed in one pass over the job's result the first time it
is asked for and kept for the result TTL, so later pages of a filtered view read only the records they show.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from gateway import corpus_jobs
from gateway.defaults import DEFAULT_PAGE_SENTENCES, MAX_PAGE_SENTENCES
from gateway.routes.projections import finished_language, owned
from gateway.viewer import (
    matching_indices,
    parse_statuses,
    pick,
    sentence_view,
    summarise,
)
from gateway.viewer_schemas import SentencePage, Summary
from xner.service.auth import OwnerDep
from xner.service.broker import Broker
from xner.service.deps import BrokerDep, SettingsDep

router = APIRouter(prefix="/v1", tags=["viewer"])

SUMMARY_KEY = "viewer:{}:{}"
"""Broker record key of a finished job's summary for one target language."""

LangQuery = Annotated[str | None, Query(description="Target language (needed when the job has several)")]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown job (or another key's), or a language the job does not have"},
    409: {"description": "The job has not finished yet"},
    422: {"description": "A bad query parameter (the message names it)"},
}


def _summary(broker: Broker, record: dict[str, Any], lang: str, ttl: int) -> dict[str, Any]:
    key = SUMMARY_KEY.format(record["id"], lang)
    summary = broker.load_record(key)
    if summary is None:
        summary = summarise(corpus_jobs.output_records(broker, record, lang))
        broker.save_record(key, summary, ttl)
    return summary


@router.get(
    "/jobs/{job_id}/summary",
    response_model=Summary,
    summary="Counts per status and entity type, and P/R/F1 when the target had gold labels.",
    responses=_RESPONSES,
)
def get_summary(
    job_id: str, broker: BrokerDep, owner: OwnerDep, settings: SettingsDep, lang: LangQuery = None
) -> Summary:
    record = owned(broker, job_id, owner)
    lang = finished_language(broker, record, lang)
    summary = _summary(broker, record, lang, settings.result_ttl)
    return Summary.model_validate({**summary, "job_id": job_id, "lang": lang})


@router.get(
    "/jobs/{job_id}/sentences",
    response_model=SentencePage,
    summary="One page of a finished job's sentences: source, target, links, status, scores, gold marks.",
    responses=_RESPONSES,
)
def get_sentences(
    job_id: str,
    broker: BrokerDep,
    owner: OwnerDep,
    settings: SettingsDep,
    offset: Annotated[int, Query(ge=0, description="Position in the filtered list of the first sentence")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SENTENCES, description="Sentences per page")] = (
        DEFAULT_PAGE_SENTENCES
    ),
    status: Annotated[
        str | None, Query(description="Comma-separated statuses (projected, partial, dropped, failed) or problems")
    ] = None,
    lang: LangQuery = None,
) -> SentencePage:
    wanted = parse_statuses(status)
    record = owned(broker, job_id, owner)
    lang = finished_language(broker, record, lang)
    summary = _summary(broker, record, lang, settings.result_ttl)
    matches = matching_indices(summary["statuses"], wanted)
    page = matches[offset : offset + limit]
    sentences = [
        sentence_view(item, position) for position, item in pick(corpus_jobs.output_records(broker, record, lang), page)
    ]
    return SentencePage.model_validate(
        {
            "job_id": job_id,
            "lang": lang,
            "total": summary["sentences"],
            "matched": len(matches),
            "offset": offset,
            "limit": limit,
            "status": sorted(wanted) if wanted is not None else None,
            "sentences": sentences,
        }
    )
