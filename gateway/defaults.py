"""Tunables of the gateway, one named constant each (the service suite's own are in ``xner/service/defaults.py``)."""

from __future__ import annotations

FETCH_TIMEOUT = 60.0
"""Seconds to wait for Label Studio's export."""

LOGGED_BODY = 200
"""Characters of an unexpected answer of Label Studio that are logged (at debug level only)."""

MIN_TRAIN_SENTENCES = 2
"""Fewest annotated sentences a fine-tuning job accepts (one is held out to pick the best epoch)."""

DEV_EVERY = 10
"""Every tenth annotated sentence is held out as the dev set of a fine-tuning job (at least one)."""

RENDER_BATCH = 256
"""Records rendered per streamed chunk."""

MAX_PAGE_SENTENCES = 200
"""Most sentences one page (``GET /v1/jobs/{id}/sentences``) returns."""

DEFAULT_PAGE_SENTENCES = 25
"""Sentences per page when the request does not say."""
