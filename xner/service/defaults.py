"""Tunables of the service suite, each a named constant with its meaning (as rq keeps them in rq/defaults.py).

Every one of them can be overridden through :class:`xner.service.settings.Settings` (env prefix ``XNER_``).
"""

QUEUES = ("translate", "align", "project", "ner")
"""One queue per service; a service's workers listen only on its own queue."""

CHUNK_SIZE = 64
"""Sentences per chunk of a corpus job."""

JOB_TIMEOUT = 1800
"""Seconds a single job may run before the worker stops it."""

RESULT_TTL = 86_400
"""Seconds a finished job's result is kept in Redis."""

FAILURE_TTL = 7 * 86_400
"""Seconds a failed job (and its reason) is kept in Redis."""

RETRY_MAX = 3
"""Times a job that failed for a transient reason is retried."""

RETRY_INTERVALS = (5, 30, 120)
"""Seconds to wait before each retry (backoff)."""

SYNC_TIMEOUT = 15.0
"""Seconds a small request waits for its job before the API answers 202 with the job id instead."""

SYNC_MAX_SENTENCES = 64
"""Requests with at most this many sentences are answered synchronously (enqueue and wait)."""

HEARTBEAT_INTERVAL = 10.0
"""Seconds between a worker's heartbeats while a job runs."""

HEARTBEAT_MISSES = 3
"""Heartbeats a running job may miss before it counts as abandoned (its worker died): the job's entry in RQ's
StartedJobRegistry lives this many heartbeat intervals (plus one second) past the last heartbeat."""

MAINTENANCE_INTERVAL = 60
"""Seconds between a worker's registry cleanups (RQ's maintenance): an abandoned job is retried (or failed with
AbandonedJobError) at the next cleanup by any worker of its queue; an idle worker wakes up this often."""

REDIS_RETRIES = 30
"""Times a Redis command is retried after a connection error (reconnecting with backoff), so processes ride out a
Redis restart instead of failing."""

REDIS_RETRY_BACKOFF_CAP = 1.0
"""Longest wait between two of those retries (seconds); the backoff starts at 50 ms and doubles."""

REDIS_CONNECT_TIMEOUT = 1.0
"""Seconds a (re)connection to Redis may take. A Redis host that drops packets then costs each of the
:data:`REDIS_RETRIES` retries at most this plus the backoff: about a minute in all, not one socket timeout each."""

BROKER_RETRY_AFTER_SECONDS = 5
"""Retry-After of the 503 an API answers while Redis is unreachable."""

MAX_BODY_BYTES = 64 * 1024 * 1024
"""Largest request body accepted, in bytes (413 above it)."""

MAX_SENTENCES_PER_JOB = 500_000
"""Largest corpus accepted in one job, in sentences (413 above it)."""

MAX_TOKENS_PER_SENTENCE = 512
"""Longest sentence accepted, in tokens (422 above it)."""

MAX_CONCURRENT_JOBS_PER_KEY = 8
"""Work one API key may have queued or running at once: corpus jobs, service-API jobs, fine-tuning jobs and
synchronous NER / platform requests each count once (429 with Retry-After above it)."""

MAX_TOKEN_CHARS = 1000
"""Longest token (word) accepted, in characters (422 above it); a whitespace-free text counts as one token."""

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects accepted in any JSON input: a body, a multipart field, a corpus's
JSON Lines or Label Studio data (422 above it)."""

MAX_NUMBER_DIGITS = 100
"""Longest run of digits accepted in a JSON number (422 above it; Python refuses integers over 4,300 digits)."""

HEADER_TIMEOUT = 10.0
"""Seconds a client may take to send a request's headers (the connection is closed past it)."""

BODY_TIMEOUT = 60.0
"""Seconds a client may take to send a request's body, from its first byte (408 past it)."""

MAX_CONNECTIONS = 1000
"""Connections (and requests in progress) one API process serves at once; above it new requests get 503."""

EMBEDDED_MAX_JOBS = 10_000
"""Jobs the embedded broker keeps in memory; beyond it the oldest finished, failed or canceled jobs are forgotten
first (a queued or running job never is)."""

ADMISSION_TTL = 120
"""Seconds a queue-capacity reservation lives: long enough for a request to enqueue the jobs it was admitted
for; a caller that dies holds no capacity past it."""

MAX_QUEUE_LENGTH = 10_000
"""Back-pressure: when a queue holds more jobs than this, new corpus jobs get 429 with Retry-After."""

QUEUE_MEMORY_HIGH_WATER = 0.8
"""Share of the queue store's memory limit (Redis ``maxmemory``) past which new work is refused with 503
``queue_full``: the rest is the workers' room to store the results of the jobs already queued (a worker that
cannot write its result to a full Redis quits; its job is retried once found abandoned)."""

RETRY_AFTER_SECONDS = 30
"""The Retry-After hint sent with a back-pressure 429."""

PORTS = {"gateway": 8000, "translate": 8001, "align": 8002, "project": 8003, "ner": 8004, "labelstudio": 9090}
"""Default port of each API (``labelstudio``: the standalone Label Studio ML backend, on Label Studio's usual 9090)."""

# -- annotation platforms (Label Studio, doccano, INCEpTION) ----------------------------------------------------

PLATFORM_LANG = "eng_Latn"
"""Language of the annotation-platform endpoints when neither the request nor the project names one."""

PLATFORM_TIMEOUT = 90.0
"""Seconds a platform prediction may take (Label Studio gives its ML backend 100 s); 504 past it."""

PLATFORM_MAX_SENTENCES = 256
"""Largest platform prediction request, in sentences (lines of the task texts); 413 above it."""

PLATFORM_PROJECT_TTL = 365 * 86_400
"""Seconds a platform project's settings (language, label map, fine-tuned model) are kept."""

TRAIN_BASE = "hf:FacebookAI/xlm-roberta-base"
"""Model fine-tuned on a project's annotations (``START_TRAINING``, INCEpTION ``/train``)."""

TRAIN_DIR = "xner-finetuned"
"""Directory where fine-tuned project models are written (shared by the ner workers)."""

TRAIN_EPOCHS = 10
"""Maximum epochs of a project fine-tuning job (early stopping on a held-out tenth usually ends sooner)."""

TRAIN_QUEUE = "train"
"""Queue of project fine-tuning jobs: long jobs get their own workers (``xner worker train``), so they never hold up
the ``ner`` queue that serves predictions."""

TRAIN_TIMEOUT = 6 * 3600
"""Seconds a project fine-tuning job may run before its worker stops it (fine-tuning jobs are not retried)."""

MAX_LOADED_BACKENDS = 8
"""Backends a process keeps loaded; the least recently used one is dropped beyond this."""

PROGRESS_SAVE_INTERVAL = 1.0
"""Seconds between two saves of a running RQ job's progress (its meta) while its step reports progress."""

FAILED_LOAD_RETRY = 60.0
"""Seconds a backend that failed to load fails requests at once (503 naming it and the fix) before a request tries
loading it again."""

BACKENDS_KEY_TTL_FACTOR = 3
"""A worker's published backend states expire after this many maintenance intervals without a refresh."""

MAX_SHOWN_SPEC = 80
"""Characters of a rejected client spec that its error message repeats."""

PROBE_TIMEOUT = 3.0
"""Seconds ``/ready`` waits for its checks (and ``/metrics`` for twice that) before answering 503."""

PROBE_THREADS = 4
"""Threads of the pool ``/ready`` and ``/metrics`` run their checks on: their own, so requests that fill the
server's thread pool (all waiting on Redis, say) cannot delay them."""

PURGE_INTERVAL = 60.0
"""Seconds between sweeps that forget jobs done longer ago than the result (or failure) TTL."""

MAX_EMBEDDED_RETRY_WAIT = 2.0
"""Longest wait before an embedded retry (seconds): the embedded queue serves a single user, not a fleet."""

CLAIM_WAIT_SECONDS = 2.0
"""How long a caller that lost the claim on a job id waits for the winner's job to appear before enqueueing it
itself (the winner died between claiming and enqueueing)."""

WAIT_BLOCK_SECONDS = 0.5
"""Longest a :meth:`RQBroker.wait` blocks on the result stream before re-checking the job's state."""

REDIS_SOCKET_TIMEOUT = 30
"""Seconds a Redis command may take before the client gives up on the connection (and retries)."""

PING_TIMEOUT = 2.0
"""Seconds a readiness ping waits for Redis."""

PRUNE_BATCH = 1000
"""Deferred-registry entries :func:`prune_registries` looks at per Redis call (a script: it blocks Redis meanwhile)."""

KEEP_ALIVE_SECONDS = 5
"""Seconds an idle keep-alive connection stays open between requests."""

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
"""Histogram buckets of request latency (seconds)."""

DOCS_ASSETS = "/docs-assets"
"""Where an app serves the Swagger UI (``/docs``) and ReDoc (``/redoc``) assets, from the fastapi-offline package:
the pages render with no CDN."""

SENTINEL_PORT = 26379
"""A sentinel's port when a ``redis+sentinel://`` URL gives none (Redis Sentinel's own default)."""

WORKER_STOP_GRACE = 300
"""Seconds a worker is given to stop (docker-compose's ``stop_grace_period``, Kubernetes'
``terminationGracePeriodSeconds``): on SIGTERM RQ finishes the job in hand, a chunk, first; a job cut off later is
re-queued once its heartbeat stops. KEDA's scale-down cooldown is longer still (deploy/kubernetes)."""

SUSPENSION_RECHECK = 1.0
"""Seconds between a worker's tries to reach Redis at the top of its loop while Redis is away (a Sentinel
failover, a restart): it waits instead of quitting."""
