"""The one settings class of every xner process (env prefix ``XNER_``; a ``.env`` file is read too)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from xner.backends import DEFAULT_SPECS
from xner.project.config import ProjectionConfig
from xner.service import defaults
from xner.service.redis_url import check_redis_url

CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """Settings of a gateway, service API or worker. Every field is ``XNER_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="XNER_", env_file=".env", env_ignore_empty=True, extra="ignore", hide_input_in_errors=True
    )  # an error names the setting, never its value (a URL may hold a password, a list the API keys)

    redis_url: str | None = Field(
        None,
        description="Redis URL (redis://, rediss://, unix://, or redis+sentinel://HOST:PORT[,...]/SERVICE for "
        "Sentinel); unset = embedded in-process queue.",
    )
    translator: str = Field(DEFAULT_SPECS["translator"], description="Default translator SPEC (NAME[:MODEL]).")
    aligner: str = Field(DEFAULT_SPECS["aligner"], description="Default aligner SPEC.")
    tagger: str = Field(DEFAULT_SPECS["tagger"], description="Default English tagger SPEC (translate-test).")
    projection: ProjectionConfig = Field(
        default_factory=ProjectionConfig,
        description='The server\'s projection configuration, JSON: {"method": "heuristic", "backtranslation": '
        "true}; a request's own settings override it field by field.",
    )
    native_taggers: dict[str, str] = Field(
        default_factory=dict, description='Native taggers per language, JSON: {"spa_Latn": "spacy:es_core_news_sm"}.'
    )
    allowed_backends: CommaList = Field(
        default_factory=list, description="Specs clients may choose besides the defaults; empty = only the defaults."
    )
    api_keys: CommaList = Field(default_factory=list, description="Comma-separated API keys; empty = open.")
    chunk_size: int = Field(defaults.CHUNK_SIZE, ge=1, description="Sentences per chunk of a corpus job.")
    job_timeout: int = Field(defaults.JOB_TIMEOUT, ge=1, description="Seconds a job may run.")
    result_ttl: int = Field(defaults.RESULT_TTL, ge=1, description="Seconds results are kept.")
    failure_ttl: int = Field(defaults.FAILURE_TTL, ge=1, description="Seconds failed jobs are kept.")
    retry_max: int = Field(defaults.RETRY_MAX, ge=0, description="Retries of a failed job.")
    retry_intervals: list[int] = Field(list(defaults.RETRY_INTERVALS), description="Backoff between retries (s).")
    sync_timeout: float = Field(defaults.SYNC_TIMEOUT, gt=0, description="Seconds a small request waits.")
    sync_max_sentences: int = Field(defaults.SYNC_MAX_SENTENCES, ge=0, description="Largest synchronous request.")
    max_body_bytes: int = Field(defaults.MAX_BODY_BYTES, ge=1, description="Largest request body (bytes).")
    max_sentences_per_job: int = Field(defaults.MAX_SENTENCES_PER_JOB, ge=1, description="Largest corpus.")
    max_tokens_per_sentence: int = Field(defaults.MAX_TOKENS_PER_SENTENCE, ge=1, description="Longest sentence.")
    max_concurrent_jobs_per_key: int = Field(
        defaults.MAX_CONCURRENT_JOBS_PER_KEY, ge=1, description="Jobs and sync requests in flight per API key."
    )
    max_token_chars: int = Field(defaults.MAX_TOKEN_CHARS, ge=1, description="Longest token (characters).")
    max_json_depth: int = Field(defaults.MAX_JSON_DEPTH, ge=2, description="Deepest JSON nesting accepted.")
    max_number_digits: int = Field(defaults.MAX_NUMBER_DIGITS, ge=1, description="Longest JSON number (digits).")
    header_timeout: float = Field(defaults.HEADER_TIMEOUT, gt=0, description="Seconds to send request headers.")
    body_timeout: float = Field(defaults.BODY_TIMEOUT, gt=0, description="Seconds to send a request body.")
    max_connections: int = Field(defaults.MAX_CONNECTIONS, ge=1, description="Connections served at once (503 past).")
    metrics_public: bool = Field(False, description="Serve /metrics without an API key (keys configured).")
    embedded_max_jobs: int = Field(defaults.EMBEDDED_MAX_JOBS, ge=1, description="Jobs the embedded broker keeps.")
    max_queue_length: int = Field(defaults.MAX_QUEUE_LENGTH, ge=1, description="Back-pressure threshold.")
    queue_memory_high_water: float = Field(
        defaults.QUEUE_MEMORY_HIGH_WATER,
        gt=0,
        le=1,
        description="Share of Redis maxmemory past which new work is refused (503 queue_full).",
    )
    retry_after: int = Field(defaults.RETRY_AFTER_SECONDS, ge=1, description="Retry-After of a 429 (s).")
    heartbeat_interval: float = Field(defaults.HEARTBEAT_INTERVAL, gt=0, description="Worker heartbeat (s).")
    maintenance_interval: int = Field(
        defaults.MAINTENANCE_INTERVAL, ge=1, description="Seconds between a worker's registry cleanups."
    )
    ready_requires_workers: bool = Field(
        True,
        description="A service API's /ready needs a live worker on its queue; false where workers scale to zero "
        "(KEDA): jobs then wait in the queue until a worker starts.",
    )
    log_level: str = Field("INFO", description="Log level of the process.")
    # annotation platforms (docs/platforms.md)
    platform_lang: str = Field(defaults.PLATFORM_LANG, description="Platform language when none is named.")
    platform_timeout: float = Field(defaults.PLATFORM_TIMEOUT, gt=0, description="Platform prediction time (s).")
    platform_max_sentences: int = Field(defaults.PLATFORM_MAX_SENTENCES, ge=1, description="Per platform request.")
    labelstudio_url: str | None = Field(None, description="Label Studio URL annotations are fetched from.")
    labelstudio_api_key: str | None = Field(None, description="Label Studio access token (Authorization: Token).")
    train_base: str = Field(defaults.TRAIN_BASE, description="Base model of project fine-tuning (hf:MODEL).")
    train_dir: str = Field(defaults.TRAIN_DIR, description="Where fine-tuned project models are written.")
    train_epochs: int = Field(defaults.TRAIN_EPOCHS, ge=1, description="Epochs of project fine-tuning.")
    train_timeout: int = Field(defaults.TRAIN_TIMEOUT, ge=1, description="Seconds a fine-tuning job may run.")

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value:
            check_redis_url(value)  # a RedisUrlError (a ValueError) names the part, never the password
        return value

    @field_validator("api_keys", "allowed_backends", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @property
    def embedded(self) -> bool:
        """True when no Redis is configured: every step runs in this process."""
        return not self.redis_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
