"""The projection viewer (``/ui/``) in a real browser: headless Chromium against the embedded gateway on 127.0.0.1.

Skipped, saying so, where Debian's ``chromium`` is not installed.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.service.test_viewer_api import DROPPED_SOURCE, DROPPED_TARGET

pytest.importorskip("websockets", reason="websockets (the dev extra) drives Chromium; skipping the browser tests")

from tests.ui.cdp import CHROMIUM, Browser

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium); skipping the browser tests"
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def finished_job(base: str, body: dict[str, Any]) -> str:
    response = httpx.post(f"{base}/v1/projections", json=body, timeout=30)
    assert response.status_code in (200, 202), response.text
    job = str(response.json()["job_id"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/v1/jobs/{job}", timeout=30).json()["status"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job} did not finish")


def count(browser: Browser, selector: str) -> int:
    return int(browser.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length"))


def png_is_not_blank(data: bytes) -> tuple[int, float]:
    """Distinct colours and grey-level standard deviation of a PNG."""
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(data)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    return len(colours), float(ImageStat.Stat(image.convert("L")).stddev[0])


def test_a_finished_job_shows_highlights_links_scores_and_filters_problem_cases(server, browser, tmp_path):
    copies = 3  # 30 example pairs and the dropped one: two pages of PAGE_SIZE (25)
    source = (EXAMPLES / "en.conll").read_text() * copies + DROPPED_SOURCE
    target = (EXAMPLES / "es.conll").read_text() * copies + DROPPED_TARGET
    job = finished_job(
        server,
        {
            "source_lang": "en",
            "target_lang": "es",
            "corpus": {"format": "conll", "data": source},
            "target": {"format": "conll", "data": target},
        },
    )
    page = httpx.get(f"{server}/v1/jobs/{job}/sentences?limit=25").json()
    summary = httpx.get(f"{server}/v1/jobs/{job}/summary").json()
    sentences = page["sentences"]
    assert page["total"] == 31 and len(sentences) == 25

    browser.navigate(f"{server}/ui/?job={job}")
    browser.wait_for("document.querySelectorAll('#sentences li.sentence').length === 25")
    assert browser.evaluate("document.getElementById('range').textContent") == "1–25 of 31"

    # spans: every source entity and every projected span is a coloured box; one label has one colour on both sides
    assert count(browser, ".row.source .ent") == sum(len(s["source"]["spans"]) for s in sentences) > 0
    assert count(browser, ".row.target .ent") == sum(len(s["target"]["spans"]) for s in sentences) > 0
    colours = browser.evaluate(
        "[...document.querySelectorAll('.ent[data-label=PER]')].map(e => getComputedStyle(e).backgroundColor)"
    )
    assert len(colours) >= 2 and len(set(colours)) == 1 and colours[0] not in ("rgba(0, 0, 0, 0)", "transparent")
    # candidate scores are shown on the projected spans
    first = sentences[0]["target"]["spans"][0]
    assert browser.evaluate("document.querySelector('.row.target .ent .tag').textContent") == (
        f"{first['label']} · {first['score']:.2f}"
    )
    # alignment links: one SVG line per link whose tokens are on the page
    assert count(browser, "svg.links line") == sum(len(s["links"]) for s in sentences) > 0
    # gold: wrong spans and missed gold spans are marked in the target
    assert count(browser, ".row.target .ent.fp") == sum(
        1 for s in sentences for span in s["target"]["spans"] if span["correct"] is False
    )
    assert count(browser, ".row.target .tok.miss") == len(
        {(s["index"], j) for s in sentences for m in s["gold"]["misses"] for j in range(m["start"], m["end"])}
    )
    overall_f1 = browser.evaluate("document.querySelector('#per-type tr.overall').lastChild.textContent")
    assert overall_f1 == f"{100 * summary['evaluation']['overall']['f1']:.1f}"

    # hovering a linked source word highlights its target words and the links between them
    i, j = sentences[0]["links"][0]
    browser.hover(f"li.sentence[data-index='0'] .row.source .tok[data-i='{i}']")
    browser.wait_for(f"!!document.querySelector(\"li.sentence[data-index='0'] .row.target .tok.hl[data-i='{j}']\")")
    assert count(browser, "li.sentence[data-index='0'] line.hl") >= 1

    browser.screenshot(tmp_path / "viewer.png")
    colours_n, spread = png_is_not_blank((tmp_path / "viewer.png").read_bytes())
    assert colours_n > 50 and spread > 5

    # the next page holds the rest
    browser.click("#next")
    browser.wait_for("document.querySelectorAll('#sentences li.sentence').length === 6")
    assert browser.evaluate("document.querySelector('#sentences li.sentence').dataset.index") == "25"
    assert browser.evaluate("document.getElementById('range').textContent") == "26–31 of 31"

    # the problem-cases filter: only partial, dropped and failed sentences remain, the dropped pair among them
    problems = sum(summary["status_counts"][s] for s in ("partial", "dropped", "failed"))
    browser.click("#filter-problems")
    browser.wait_for(f"document.querySelectorAll('#sentences li.sentence').length === {problems}")
    statuses = browser.evaluate("[...document.querySelectorAll('#sentences li.sentence')].map(e => e.dataset.status)")
    assert set(statuses) <= {"partial", "dropped", "failed"}
    assert browser.evaluate("document.querySelector(\"li.sentence[data-index='30']\").dataset.status") == "dropped"
    assert "status=problems" in browser.evaluate("location.search")
    assert "no-candidate" in browser.evaluate("document.querySelector(\"li.sentence[data-index='30']\").textContent")


def test_a_pasted_pair_with_a_right_to_left_target_renders_right_to_left(server, browser, tmp_path):
    browser.navigate(f"{server}/ui/")
    fields = {
        "pair-source": "Angela\tB-PER\nMerkel\tI-PER\nvisited\tO\nCairo\tB-LOC\n.\tO\n\nDavid\tB-PER\nslept\tO\n.\tO\n",
        "pair-target": "أنجيلا ميركل زارت القاهرة .\nדוד ישן .\n",
        "pair-target-lang": "arb_Arab",
    }
    for field, value in fields.items():
        browser.evaluate(f"document.getElementById({json.dumps(field)}).value = {json.dumps(value)}")
    browser.evaluate("document.getElementById('pair').open = true")
    browser.click("#pair-form button[type=submit]")
    browser.wait_for("document.querySelectorAll('#sentences li.sentence').length === 2")

    for index in (0, 1):
        row = f"li.sentence[data-index='{index}'] .row"
        assert browser.evaluate(f'getComputedStyle(document.querySelector("{row}.target")).direction') == "rtl"
        assert browser.evaluate(f'getComputedStyle(document.querySelector("{row}.source")).direction') == "ltr"
        # the first target word stands right of the last one, and every word has a visible box
        lefts = browser.evaluate(
            f'[...document.querySelectorAll("{row}.target .tok")].map(t => t.getBoundingClientRect().left)'
        )
        widths = browser.evaluate(
            f'[...document.querySelectorAll("{row}.target .tok")].map(t => t.getBoundingClientRect().width)'
        )
        assert lefts[0] > lefts[-1] and min(widths) > 0
    words = browser.evaluate(
        "[...document.querySelectorAll(\"li.sentence[data-index='0'] .row.target .tok\")].map(t => t.textContent)"
    )
    assert words == ["أنجيلا", "ميركل", "زارت", "القاهرة", "."]
    assert "job=" in browser.evaluate("location.search")
    browser.screenshot(tmp_path / "rtl.png")
