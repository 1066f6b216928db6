"""The API docs (``/docs`` Swagger UI, ``/redoc`` ReDoc) render their operations in a real browser from the assets
the app serves itself: no CDN, so they work offline. Skipped, saying so, where Debian's ``chromium`` is missing."""

from __future__ import annotations

import re

import httpx
import pytest

pytest.importorskip("websockets", reason="websockets (the dev extra) drives Chromium; skipping the browser tests")

from tests.ui.cdp import CHROMIUM, Browser

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium); skipping the browser tests"
)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_nothing_from_elsewhere(server: str, page: str):
    html = httpx.get(server + page, timeout=30).text
    sources = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert sources and all(source.startswith("/") for source in sources), sources  # this server's own files
    assert "cdn" not in html.lower()


def test_swagger_ui_renders_the_operations(server: str, browser: Browser):
    browser.navigate(server + "/docs")
    browser.wait_for("document.querySelectorAll('.opblock').length > 10")
    summaries = browser.evaluate("[...document.querySelectorAll('.opblock-summary-path')].map(e => e.textContent)")
    assert any("/v1/projections" in text for text in summaries)


def test_redoc_renders_the_operations(server: str, browser: Browser):
    browser.navigate(server + "/redoc")
    browser.wait_for("document.body.innerText.includes('/v1/projections')")
