"""Limits shared by the gateway and the service APIs; each message names the setting and its value.

* Input: sentences per request (413), tokens per sentence, characters per token and control characters (422),
  checked on token lists before any step runs: :func:`check_token_lists`, :func:`check_texts`.
* Admission: the per-key quota and the queue limits, atomic across replicas (:mod:`xner.service.admission`):
  :func:`admit` for work that outlives the request (corpus, service and fine-tuning jobs), :func:`admitted_while`
  for a synchronous request's jobs. 429 with Retry-After when refused; a request that alone would add more jobs
  to a queue than the queue limit is a 413; 503 ``queue_full`` with Retry-After while the queue store is past its
  memory high-water mark (:func:`refuse_past_high_water`).
"""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from xner.errors import FormatError, LimitError
from xner.service.admission import Admitted, Refusal, parse_member
from xner.service.broker import Broker
from xner.service.defaults import ADMISSION_TTL
from xner.service.errors import PayloadTooLarge, QueueFull, TooManyRequests
from xner.service.settings import Settings

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters input may not hold: C0/C1 controls other than tab, newline and carriage return, and the Unicode line
and paragraph separators (invisible, and line-based readers would break lines at some of them)."""

DOCUMENT_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Characters a multi-line document (an annotation platform's text) may not hold: C0/C1 controls other than tab,
newline and carriage return. Its offsets are kept as they are, so line and paragraph separators are allowed."""

JOB_WORK = "job:"
"""Prefix of an admitted service or fine-tuning job (the member is ``job:<job id>``)."""

SYNC_WORK = "sync:"
"""Prefix of an admitted synchronous request (released when the request ends)."""


def check_sentence_count(count: int, limit: int, setting: str, name: str) -> None:
    """413 when ``name`` holds more than ``limit`` sentences (``setting`` names the limit in the message)."""
    if count > limit:
        raise PayloadTooLarge(f"{name} has {count} sentences; the limit ({setting}) is {limit}")


def check_token_lists(
    sentences: Sequence[Sequence[str]],
    settings: Settings,
    name: str,
    *,
    lines: Sequence[int | None] | None = None,
) -> None:
    """Tokens per sentence, characters per token and control characters (422), each message naming the limit, its
    value and the sentence (and its line, from ``lines``)."""
    for index, tokens in enumerate(sentences):
        line = lines[index] if lines is not None else None
        where = f"sentence {index + 1}" + (f" (line {line})" if line else "")
        if len(tokens) > settings.max_tokens_per_sentence:
            raise LimitError(
                f"{name}: {where} has {len(tokens)} tokens; the limit (max_tokens_per_sentence) is "
                f"{settings.max_tokens_per_sentence}"
            )
        for position, token in enumerate(tokens):
            if len(token) > settings.max_token_chars:
                raise LimitError(
                    f"{name}: {where}, token {position + 1} has {len(token)} characters; the limit "
                    f"(max_token_chars) is {settings.max_token_chars}"
                )
            found = CONTROL_CHARACTERS.search(token)
            if found is not None:
                raise FormatError(
                    f"{where}, token {position + 1}: control character U+{ord(found.group()):04X}", source=name
                )


def check_document(text: str, name: str, *, forbidden: re.Pattern[str] = DOCUMENT_CONTROL_CHARACTERS) -> None:
    """422 for a text holding a ``forbidden`` character, naming its line and column."""
    match = forbidden.search(text)
    if match is not None:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - text.rfind("\n", 0, match.start())
        raise FormatError(f"control character U+{ord(match.group()):04X} at column {column}", source=name, line=line)


def check_texts(texts: Sequence[str], settings: Settings, name: str) -> None:
    """:func:`check_token_lists` for raw texts, split at whitespace as the steps split them."""
    for index, text in enumerate(texts):
        check_document(text, f"{name}[{index}]", forbidden=CONTROL_CHARACTERS)
    check_token_lists([text.split() for text in texts], settings, name)


def job_counts(queues: Sequence[str]) -> dict[str, int]:
    """Jobs per queue of a list naming each job's queue."""
    return dict(Counter(queues))


def admit(
    broker: Broker,
    settings: Settings,
    owner: str,
    work: str | None,
    jobs: Mapping[str, int],
    *,
    active: Callable[[str], bool] | None = None,
) -> Admitted:
    """Admit ``work`` (a member such as ``corpus:<id>`` or ``job:<id>``; ``None`` counts nothing against the key)
    adding ``jobs`` (queue -> count) for ``owner``, or raise: 413 when the request alone exceeds a queue limit, 429
    with Retry-After when the key's quota or a queue is full, 503 when it adds jobs while the queue store is past
    its memory high-water mark (:func:`refuse_past_high_water`). The key's finished work is forgotten first
    (``active(member)`` says whether a member still runs; by default ``job:`` members are looked up in the
    broker). Call ``broker.admission.settle`` once the jobs are enqueued."""
    for queue, count in jobs.items():
        if count > settings.max_queue_length:
            raise PayloadTooLarge(
                f"the request adds {count} jobs to queue {queue}; the limit (max_queue_length) is "
                f"{settings.max_queue_length}: send a smaller corpus or fewer target languages per request"
            )
    if any(jobs.values()):
        refuse_past_high_water(broker, settings)
    prune(broker, owner, active or (lambda work: job_active(broker, work)))
    verdict = broker.admission.admit(
        owner,
        work,
        limit=settings.max_concurrent_jobs_per_key,
        ttl=settings.result_ttl,
        jobs=jobs,
        max_backlog=settings.max_queue_length,
    )
    if isinstance(verdict, Refusal):
        raise _refusal(verdict, settings, jobs)
    return verdict


def refuse_past_high_water(broker: Broker, settings: Settings) -> None:
    """503 ``queue_full`` with Retry-After while the queue store uses ``queue_memory_high_water`` of its memory limit
    or more: new work waits, and the jobs already queued keep room for their results."""
    used = broker.admission.memory_used()
    if used is not None and used >= settings.queue_memory_high_water:
        raise QueueFull("the job queue is full; retry later", retry_after=settings.retry_after)


def prune(broker: Broker, owner: str, active: Callable[[str], bool]) -> None:
    """Forget ``owner``'s work that is done: confirmed members whose work ``active`` says is finished, and pending
    members older than :data:`~xner.service.defaults.ADMISSION_TTL` (their caller died before enqueueing). A
    younger pending member's jobs may not exist yet: it is kept. Synchronous requests release themselves."""
    now = time.time()
    for member in broker.admission.admitted(owner):
        work, since = parse_member(member)
        if since is not None:
            if now - since > ADMISSION_TTL:
                broker.admission.release(owner, member)
        elif not work.startswith(SYNC_WORK) and not active(work):
            broker.admission.release(owner, member)


def job_active(broker: Broker, member: str) -> bool:
    """Whether an admitted ``job:<id>`` is still queued or running (other members: unknown here, so active)."""
    if not member.startswith(JOB_WORK):
        return True
    info = broker.info(member.removeprefix(JOB_WORK))
    return info is not None and not info.status.done


def claim_slot(broker: Broker, slot: str, work: str, ttl: int) -> Admitted | None:
    """Atomically make ``work`` the only work in flight under ``slot`` (e.g. one fine-tuning job per project):
    ``None`` when other work that is still queued or running holds it. Settle the claim once the job is
    enqueued."""
    prune(broker, slot, lambda member: job_active(broker, member))
    verdict = broker.admission.admit(slot, work, limit=1, ttl=ttl, jobs={}, max_backlog=0)
    return verdict if isinstance(verdict, Admitted) else None


@contextmanager
def admitted_while(broker: Broker, settings: Settings, owner: str, jobs: Mapping[str, int]) -> Iterator[Admitted]:
    """Admit a synchronous request's jobs for as long as the request runs: it counts against the key's quota until
    it answers. The caller settles the reservation once its jobs are enqueued (at the latest, it is settled here at
    the end)."""
    work = f"{SYNC_WORK}{uuid.uuid4().hex}"
    admitted = admit(broker, settings, owner, work, jobs)
    try:
        yield admitted
    finally:
        broker.admission.settle(admitted)
        broker.admission.release(owner, work)
        if admitted.member is not None:
            broker.admission.release(owner, admitted.member)


def _refusal(refusal: Refusal, settings: Settings, jobs: Mapping[str, int]) -> TooManyRequests:
    if refusal.queue is None:
        return TooManyRequests(
            f"{refusal.count} jobs or requests are queued or running for this key; the limit "
            f"(max_concurrent_jobs_per_key) is {settings.max_concurrent_jobs_per_key}",
            retry_after=settings.retry_after,
        )
    return TooManyRequests(
        f"queue {refusal.queue} holds {refusal.count} jobs and the request adds {jobs.get(refusal.queue, 0)}; the "
        f"limit (max_queue_length) is {settings.max_queue_length}",
        retry_after=settings.retry_after,
    )
