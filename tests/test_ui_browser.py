"""The web UI in headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

A real `govtext serve` process runs on a free loopback port over a data folder
ingested with `govtext ingest` from ../shared/seeds/*.txt and
../shared/corpus/reports.jsonl, plus one hostile document. The tests type a
query, click a facet, open a document, run a 查重 check and browse the
boilerplate, saving screenshots to tests/artifacts/ (gitignored).

Skipped, with the reason shown, when ../shared, /usr/bin/chromium or the
playwright package is absent. Never runs `playwright install`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import GOVTEXT, REPORTS, SHARED, serving

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = {
    "id": "evil-1",
    "title": '恶意测试<img src=x onerror="window.__pwned=1">标题',
    "url": "javascript:window.__pwned=1",
    "date": "2020-01-01",
    "region": "测试省",
    "text": '恶意测试文档 网格化管理\n<script>window.__pwned=1</script>枫桥经验<b onmouseover="window.__pwned=1">粗体</b>',
}


def _skip_reason() -> str | None:
    seeds = sorted((SHARED / "seeds").glob("*.txt")) if SHARED.exists() else []
    if not seeds or not REPORTS.exists():
        return "../shared (seeds and corpus/reports.jsonl) is not beside the repo"
    if not CHROMIUM.exists():
        return "/usr/bin/chromium is not installed (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    data = tmp_path_factory.mktemp("browser_data")
    hostile = data.parent / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE, ensure_ascii=False) + "\n", encoding="utf-8")
    env = dict(os.environ)
    if importlib.util.find_spec("nlp.analyze") is None:
        env["GOVTEXT_ANALYZE"] = "0"  # the NLP stage has not landed: ingest without tags
    seeds = [str(p) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    done = subprocess.run(
        [GOVTEXT, "--data", str(data), "ingest", *seeds, str(REPORTS), str(hostile)],
        capture_output=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    with serving(data, workers=1, env=env) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Watched:
    """A page that records console errors and every URL it requested."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)

    def forgive_client_errors(self):
        """Drop the 4xx responses the test asked for (the browser logs them as errors)."""
        self.errors[:] = [e for e in self.errors if not e.startswith("HTTP 4") and "status of 4" not in e]

    def assert_clean(self):
        assert not self.errors, self.errors  # includes any CSP violation
        foreign = [u for u in self.requests if not u.startswith(self.base) and not u.startswith("data:")]
        assert not foreign, foreign  # every asset comes from the app
        assert self.page.evaluate("window.__pwned") is None


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    watched = Watched(page, server)
    yield watched
    context.close()


def shot(page, name: str, full: bool = False) -> None:
    page.screenshot(path=str(ARTIFACTS / name), full_page=full)


def test_search_type_query_and_click_facet(page, server):
    p = page.page
    p.goto(server + "/")
    shot(p, "01-home.png")
    p.fill("#q", "枫桥经验")
    p.press("#q", "Enter")
    p.wait_for_selector(".hit")
    assert p.locator(".hit .snippet mark").count() > 0
    assert "枫桥经验" in p.locator(".hit .snippet mark").first.inner_text()
    total_before = int(re.sub(r"\D", "", p.locator(".summary strong").inner_text()))
    shot(p, "02-results.png")

    facet = p.locator('.facet[data-facet="region"] li a').first
    region = facet.locator(".facet-label").inner_text()
    facet.click()
    p.wait_for_selector(".active-filters")
    assert "region=" in p.url
    assert region in p.locator(".active-filters").inner_text()
    badges = p.locator(".hit .badge.region").all_inner_texts()
    assert badges and all(b == region for b in badges)
    total_after = int(re.sub(r"\D", "", p.locator(".summary strong").inner_text()))
    assert total_after <= total_before
    shot(p, "03-facet.png")

    p.select_option("select[name=sort]", "-date")
    p.wait_for_url(re.compile(r"sort=-date"))
    assert "region=" in p.url  # sorting keeps the facet
    page.assert_clean()


def test_browse_by_a_filter_alone_and_drop_it(page, server):
    """A filter without a query lists the matching documents, newest first; removing the
    filter from the chosen conditions returns to the home page."""
    p = page.page
    p.goto(server + "/?type=report")
    p.wait_for_selector(".hit")
    assert p.locator(".hero").count() == 0 and p.locator(".hit").count() > 1
    dates = [d for d in p.locator(".hit .date").all_inner_texts() if re.match(r"\d{4}", d)]
    assert dates == sorted(dates, reverse=True)
    assert p.locator('.facet[data-facet="year"] li a').count() > 0
    p.locator(".active-filters a").first.click()
    p.wait_for_selector(".hero")
    page.assert_clean()


def test_open_document(page, server):
    p = page.page
    p.goto(server + "/?q=" + quote("矛盾纠纷多元化解"))
    first = p.locator(".hit-title a").first
    title = first.inner_text()
    first.click()
    p.wait_for_selector(".doc h1")
    assert p.locator(".doc h1").inner_text() == title
    assert p.locator(".para").count() > 3
    assert p.locator(".doc-side .card").count() >= 4  # themes, keywords, entities, similar
    shot(p, "04-document.png")
    similar = p.locator(".similar a")
    assert similar.count() > 0
    similar.first.click()
    p.wait_for_selector(".doc h1")
    if p.locator(".recurrence-legend").count():  # dedup available: recurring paragraphs are shaded
        assert p.locator(".para.r1, .para.r2, .para.r3, .para.r4").count() > 0
    shot(p, "04b-similar-document.png")
    page.assert_clean()


def test_run_a_check(page, server):
    reports = [json.loads(line) for line in REPORTS.read_text(encoding="utf-8").splitlines()[:3]]
    copied = [para for para in reports[1]["text"].split("\n") if len(para) > 80][:2]
    draft = "\n".join(
        [
            "我县坚持把基层治理作为重点工作，现将有关情况报告如下。",
            copied[0],
            "群众满意度明显提升，下一步将继续努力。",
            copied[1],
        ]
    )
    p = page.page
    p.goto(server + "/check")
    p.fill("textarea[name=text]", draft)
    p.click("form.check-form button[type=submit]")
    p.wait_for_load_state()
    if p.locator(".notice.unavailable").count():
        shot(p, "05-check-unavailable.png", full=True)
        pytest.skip("the dedup stage is not available to the server")
    p.wait_for_selector(".report")
    ratio = float(p.locator(".ratio-value").inner_text().rstrip("%"))
    assert 30 < ratio <= 100
    assert p.locator(".draft .span").count() >= 2
    assert p.locator(".source-list li").count() >= 1
    assert p.locator("table.matches tbody tr").count() >= 2
    shot(p, "05-check.png", full=True)
    p.locator(".source-list li").first.hover()  # highlights that source's spans
    assert p.locator(".draft .span.focused").count() >= 1
    page.assert_clean()


def test_boilerplate_browser(page, server):
    p = page.page
    p.goto(server + "/boilerplate")
    shot(p, "06-boilerplate.png")
    if p.locator(".notice.unavailable").count() == 0:
        assert p.locator(".bp").count() > 0
    page.assert_clean()


def test_hostile_document_and_query_stay_inert(page, server):
    p = page.page
    p.goto(server + "/?q=" + quote("恶意测试"))
    p.wait_for_selector(".hit")
    assert "<img" in p.locator(".hit-title").first.inner_text()  # shown as text
    p.locator(".hit-title a").first.click()
    p.wait_for_selector(".doc h1")
    assert p.locator('a[href^="javascript:"]').count() == 0
    assert "<script>" in p.locator(".paragraphs").inner_text()
    response = p.goto(
        server + "/?q=" + quote('<script>window.__pwned=1</script>"><img src=x onerror=window.__pwned=1>')
    )
    assert response.status in (200, 400)
    assert "<script>" in p.input_value("#q") if p.locator("#q").count() else True
    page.forgive_client_errors()
    page.assert_clean()


def test_friendly_errors(page, server):
    p = page.page
    response = p.goto(server + "/documents/no-such-document")
    assert response.status == 404
    assert "找不到" in p.locator("h1").inner_text()
    shot(p, "07-not-found.png")
    response = p.goto(server + "/?q=" + quote('"未闭合'))
    assert response.status == 400 and p.locator('[role="alert"]').count() == 1
    page.forgive_client_errors()
    page.assert_clean()


def test_narrow_screen(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2)
    try:
        p = context.new_page()
        p.goto(server + "/?q=" + quote("网格化管理"))
        p.wait_for_selector(".hit")
        width = p.evaluate("document.documentElement.scrollWidth")
        assert width <= 400  # no horizontal scrolling on a phone
        shot(p, "08-mobile.png")
    finally:
        context.close()


def test_side_by_side_marks_the_edit(page, server):
    reports = [json.loads(line) for line in REPORTS.read_text(encoding="utf-8").splitlines()[:3]]
    para = next(x for x in reports[1]["text"].split("\n") if len(x) > 120)
    k = len(para) // 2
    edited = para[:k] + "甲乙丙" + para[k + 3 :]  # three characters changed in the middle
    p = page.page
    p.goto(server + "/check")
    p.fill("textarea[name=text]", "我县的开头语，与众不同。\n" + edited)
    p.click("form.check-form button[type=submit]")
    p.wait_for_load_state()
    if p.locator(".notice.unavailable").count():
        pytest.skip("the dedup stage is not available to the server")
    p.wait_for_selector(".sbs-row")
    row = p.locator(".sbs-row").first
    assert "甲乙丙" in row.locator(".sbs-draft").inner_text()
    draft_marks = row.locator(".sbs-draft mark, .sbs-draft ins").all_inner_texts()
    source_marks = row.locator(".sbs-source mark, .sbs-source del").all_inner_texts()
    assert "".join(draft_marks) == "甲乙丙" or "甲乙丙" in "".join(draft_marks)
    assert para[k : k + 3] in "".join(source_marks)
    # the two columns sit side by side
    a, b = row.locator(".sbs-draft").bounding_box(), row.locator(".sbs-source").bounding_box()
    assert a and b and b["x"] > a["x"] + a["width"] - 1
    row.scroll_into_view_if_needed()
    shot(p, "05b-side-by-side.png", full=True)
    page.assert_clean()


def test_boilerplate_filters_in_the_browser(page, server):
    p = page.page
    p.goto(server + "/boilerplate")
    if p.locator(".notice.unavailable").count():
        pytest.skip("the dedup stage is not available to the server")
    p.select_option("select[name=kind]", "legal_formula")
    p.click("form.bp-filters button[type=submit]")
    p.wait_for_load_state()
    kinds = set(p.locator(".bp").evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert kinds <= {"legal_formula"}
    assert "kind=legal_formula" in p.url
    shot(p, "06b-boilerplate-legal.png")
    page.assert_clean()
