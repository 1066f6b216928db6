"""Turning a projection request into a corpus job: parse, validate, apply limits, deduplicate, plan, submit."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from gateway import corpus_jobs
from gateway.plans import build_plan
from gateway.schemas import CorpusData, ProjectionRequest
from xner import formats, jsonlimits
from xner.align.registry import is_corpus_level
from xner.corpus import Sentence
from xner.errors import FormatError, InputError, field_message, field_path
from xner.formats.jsonl import sentence_record
from xner.languages import normalise_language
from xner.project.config import Pipeline
from xner.project.trace import span_dicts
from xner.service.backends import resolve_projection
from xner.service.broker import Broker
from xner.service.errors import PayloadTooLarge, UnsupportedMediaType
from xner.service.limits import (
    CONTROL_CHARACTERS,
    admit,
    check_document,
    check_sentence_count,
    check_token_lists,
    job_active,
    job_counts,
)
from xner.service.settings import Settings

CORPUS_WORK = "corpus:"
"""Prefix of an admitted corpus job (the member is ``corpus:<job id>``; see :func:`xner.service.limits.admit`)."""

JSON_TYPES = ("application/json", "application/x-www-form-urlencoded")
"""Content types read as a JSON body (besides a missing one); form-urlencoded is what curl -d sends by default."""


async def parse_request(request: Request) -> ProjectionRequest:
    """The request from a JSON body, or from a multipart upload of the same fields (files ``corpus``/``target``)."""
    content_type = request.headers.get("content-type", "")
    media_type = content_type.partition(";")[0].strip().lower()
    readable = not media_type or media_type == "multipart/form-data" or media_type in JSON_TYPES
    if not readable and not media_type.endswith("+json"):
        raise UnsupportedMediaType(
            f"content-type {media_type!r} is not supported; send application/json or multipart/form-data"
        )
    try:
        if media_type == "multipart/form-data":
            return await _from_multipart(request)
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise FormatError(f"the body is not valid JSON ({exc})", source="request") from None
        return ProjectionRequest.model_validate(body)
    except ValidationError as exc:
        problems = [{"field": field_path(e["loc"]), "message": field_message(str(e["msg"]))} for e in exc.errors()]
        first = problems[0]
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        raise InputError(message, details=problems) from None


async def _from_multipart(request: Request) -> ProjectionRequest:
    try:
        form = await request.form()
    except HTTPException as exc:  # starlette's parser rejects a malformed body with a bare 400
        raise FormatError(f"not a valid multipart/form-data body ({exc.detail})", source="request") from None
    documents: dict[str, CorpusData] = {}
    for name in ("corpus", "target"):
        upload = form.get(name)
        if upload is None or isinstance(upload, str):
            if name == "corpus":
                raise InputError("multipart upload: missing file field 'corpus'")
            continue
        raw = await upload.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(f"invalid UTF-8 at byte {exc.start}", source=upload.filename or name) from None
        fmt = str(form.get(f"{name}_format") or formats.detect_format(upload.filename or "", default="conll"))
        documents[name] = CorpusData.model_validate({"format": fmt, "data": text})
    target_lang: Any = [str(v) for v in form.getlist("target_lang")]
    if len(target_lang) == 1:
        target_lang = [part.strip() for part in target_lang[0].split(",") if part.strip()]
    options_field = form.get("options")
    try:
        settings: Settings = request.app.state.settings
        bounds = {"max_depth": settings.max_json_depth, "max_digits": settings.max_number_digits}
        options = jsonlimits.loads(str(options_field), **bounds) if options_field else {}
    except jsonlimits.JsonLimitError as exc:
        raise FormatError(str(exc), source="options") from None
    except json.JSONDecodeError as exc:
        raise FormatError(f"options is not valid JSON ({exc.msg})", source="options") from None
    return ProjectionRequest.model_validate(
        {
            "source_lang": form.get("source_lang"),
            "target_lang": target_lang[0] if len(target_lang) == 1 else target_lang,
            "corpus": documents["corpus"],
            "target": documents.get("target"),
            "options": options,
        }
    )


def _read(document: CorpusData, name: str, settings: Settings, *, tags: bool) -> list[Sentence]:
    """The document's sentences, read no further than one past ``max_sentences_per_job`` (413 then: a corpus over
    the limit is refused before the rest of it is tokenised)."""
    check_document(document.data, name, forbidden=CONTROL_CHARACTERS)
    options: dict[str, Any] = {}
    if document.format == "conll" and not tags:
        options["with_tags"] = False
    limit = settings.max_sentences_per_job
    sentences = formats.read_string(document.data, document.format, source=name, limit=limit + 1, **options)
    if len(sentences) > limit:
        raise PayloadTooLarge(f"{name} has more than {limit} sentences; the limit (max_sentences_per_job) is {limit}")
    return sentences


def _read_target(document: CorpusData, settings: Settings) -> list[Sentence]:
    """The parallel target, with its labels (kept as gold for the viewer's scores) when they parse; a target
    whose tags do not parse is read for its words only, as before gold was kept."""
    try:
        return _read(document, "target", settings, tags=True)
    except FormatError:
        return _read(document, "target", settings, tags=False)


def check_limits(sentences: list[Sentence], settings: Settings, name: str, *, max_sentences: int | None = None) -> None:
    """Sentence count (413; ``max_sentences`` defaults to ``max_sentences_per_job``), then tokens per sentence,
    characters per token and control characters (422); each message names the limit, its value and the offending
    sentence."""
    limit, setting = (
        (settings.max_sentences_per_job, "max_sentences_per_job")
        if max_sentences is None
        else (max_sentences, "sync_max_sentences")
    )
    check_sentence_count(len(sentences), limit, setting, name)
    check_token_lists([s.tokens for s in sentences], settings, name, lines=[s.meta.get("line") for s in sentences])


def submit_projection(
    body: ProjectionRequest, *, settings: Settings, broker: Broker, owner: str, corpus_level: bool | None = None
) -> tuple[str, bool]:
    """Validate and submit; return ``(job_id, created)`` (``created`` is False for a re-submission)."""
    source_lang = normalise_language(body.source_lang)
    target_langs = list(dict.fromkeys(normalise_language(lang) for lang in body.target_langs))
    sources = _read(body.corpus, "corpus", settings, tags=True)
    check_limits(sources, settings, "corpus")
    targets = gold = None
    if body.target is not None:
        target_sentences = _read_target(body.target, settings)
        check_limits(target_sentences, settings, "target")
        if len(target_sentences) != len(sources):
            raise InputError(
                f"target has {len(target_sentences)} sentences but corpus has {len(sources)}; parallel mode needs "
                "one target sentence per source sentence"
            )
        targets = [s.tokens for s in target_sentences]
        if any(s.spans for s in target_sentences):
            gold = [span_dicts(s.spans) for s in target_sentences]
    pipeline: Pipeline = "parallel" if targets is not None else "translate-train"
    config = resolve_projection(body.options, settings, pipeline, where="options")
    options = config.payload()
    records = [sentence_record(s) for s in sources]
    for index, record in enumerate(records):
        record.setdefault("id", str(index))

    request_id = corpus_jobs.content_id(
        {
            "corpus": records,
            "target": targets,
            "source": source_lang,
            "targets": target_langs,
            "options": options,
            "owner": owner,
            **({"gold": gold} if gold is not None else {}),
        }
    )
    existing = broker.load_record(corpus_jobs.RECORD_KEY.format(request_id))
    attempt = 0
    while existing is not None:
        if corpus_jobs.status(broker, existing)["status"] not in ("failed", "canceled"):
            return request_id if attempt == 0 else f"{request_id}-{attempt}", False
        attempt += 1
        existing = broker.load_record(corpus_jobs.RECORD_KEY.format(f"{request_id}-{attempt}"))
    job_id = request_id if attempt == 0 else f"{request_id}-{attempt}"

    level = is_corpus_level(options["aligner"]) if corpus_level is None else corpus_level
    plans = [
        build_plan(
            sources=records,
            source_lang=source_lang,
            target_lang=lang,
            targets=targets,
            config=config,
            chunk_size=settings.chunk_size,
            corpus_level_aligner=level,
            gold=gold,
        )
        for lang in target_langs
    ]
    work = CORPUS_WORK + job_id
    fan_out = job_counts([job.step for plan in plans for job in plan.jobs])
    admitted = admit(broker, settings, owner, work, fan_out, active=lambda member: _active(broker, member))
    try:
        corpus_jobs.submit(broker, job_id, plans, sentences=len(records), owner=owner, ttl=settings.result_ttl)
    except BaseException:
        broker.admission.release(owner, admitted.member or "")
        raise
    finally:
        broker.admission.settle(admitted)
    return job_id, True


def _active(broker: Broker, member: str) -> bool:
    """Whether admitted work of a key is still queued or running (a corpus job by its record, else its job)."""
    if not member.startswith(CORPUS_WORK):
        return job_active(broker, member)
    record = broker.load_record(corpus_jobs.RECORD_KEY.format(member.removeprefix(CORPUS_WORK)))
    return record is not None and corpus_jobs.status(broker, record)["status"] in ("queued", "running")
