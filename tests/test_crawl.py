"""The crawler against real HTTP servers on 127.0.0.1.

``tests/fixtures/sites/govsite/`` is a small Chinese government site (UTF-8
and GBK pages, a PDF, robots.txt, a sitemap); the server below adds the
misbehaving endpoints: 503 twice then 200, 429 with Retry-After, a redirect
loop, a slow page, 20 MB pages, a DOCX made with python-docx. A second server
is the "other site" that must never be contacted, and a generated site of 60
pages is crawled, killed with SIGKILL and resumed in a subprocess.
"""

from __future__ import annotations

import email.utils
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.crawl import crawl, normalize_url, reextract
from ingest.crawl.links import page_links, parse_sitemap
from ingest.crawl.urls import link_kind, site_key

REPO = Path(__file__).resolve().parent.parent
SITE = Path(__file__).resolve().parent / "fixtures" / "sites" / "govsite"
FAST = dict(delay=0, timeout=1.0, retries=2, backoff=0.1)
LAST_MODIFIED = email.utils.formatdate(1700000000, usegmt=True)
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".png": "image/png",
}

PARAGRAPHS = [
    "坚持和发展新时代枫桥经验，推动矛盾纠纷就地化解，努力做到小事不出村、大事不出镇、矛盾不上交。",
    "健全党组织领导的自治、法治、德治相结合的城乡基层治理体系，完善村规民约和居民公约。",
    "深化网格化服务管理，科学划分网格，配齐配强专职网格员，推动网格员底数清、情况明。",
    "加强智慧治理平台建设，打通部门数据壁垒，推进雪亮工程与网格化管理平台深度融合。",
    "完善公共法律服务体系，推进法治乡村建设，落实谁执法谁普法责任制。",
    "建立健全社会心理服务体系，加强心理疏导和危机干预，培育自尊自信、理性平和的社会心态。",
]


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "示范市基层治理调研报告"
    document.add_paragraph("示范市基层治理调研报告")
    document.add_paragraph("今年以来，调研组深入十个乡镇街道，采取座谈交流、实地走访、问卷调查等方式开展专题调研。")
    document.add_paragraph("调研发现，网格化管理全面铺开，矛盾纠纷调处化解中心实现县乡全覆盖，群众满意度持续提升。")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def gen_page(i: int, version: int = 0) -> bytes:
    """Page i of the generated site: three paragraphs and links to i+1, 2i+1, 2i+2."""
    paras = "".join(f"<p>{PARAGRAPHS[(i + k) % len(PARAGRAPHS)]}（第{i}号文件第{k + 1}段）</p>" for k in range(3))
    if version:
        paras += f"<p>本文件于第{version}次修订时补充了新的工作要求。</p>"
    links = "".join(f'<a href="/gen/{j}.html">第{j}号文件</a> ' for j in (i + 1, 2 * i + 1, 2 * i + 2) if j < GEN_PAGES)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范市基层治理第{i}号文件</title></head>'
        f'<body><div class="nav"><a href="/gen/0.html">首页</a></div><div class="article"><h1>示范市基层治理第{i}号文件</h1>'
        f'<div class="content">{paras}</div></div><div class="links">{links}</div></body></html>'
    ).encode()


GEN_PAGES = 60


class Server:
    """A threaded HTTP server on a free loopback port that logs every request."""

    def __init__(self, routes):
        self.routes = routes
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_GET(self):
                started = time.monotonic()
                with server.lock:
                    server.counts[self.path] = server.counts.get(self.path, 0) + 1
                    n = server.counts[self.path]
                entry = {
                    "path": self.path,
                    "ua": self.headers.get("User-Agent", ""),
                    "inm": self.headers.get("If-None-Match"),
                    "ims": self.headers.get("If-Modified-Since"),
                    "start": started,
                    "status": None,
                    "end": None,
                }
                with server.lock:
                    server.log.append(entry)
                try:
                    entry["status"] = server.routes(self, n)
                except (BrokenPipeError, ConnectionResetError):
                    entry["status"] = "aborted"
                entry["end"] = time.monotonic()

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                    super().handle_error(request, client_address)  # a crawler hanging up is normal

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def paths(self, ua: str | None = None) -> list[str]:
        with self.lock:
            return [e["path"] for e in self.log if ua is None or e["ua"] == ua]

    def reset(self) -> None:
        with self.lock:
            self.log.clear()
            self.counts.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(
    h, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", headers=None, length: bool = True
) -> int:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    if length:
        h.send_header("Content-Length", str(len(body)))
    else:
        h.send_header("Connection", "close")
        h.close_connection = True
    h.end_headers()
    if body:
        h.wfile.write(body)
    return status


def send_cached(h, body: bytes, ctype: str) -> int:
    """200 with ETag / Last-Modified, or 304 when the request's validators match."""
    etag = '"' + hashlib.md5(body).hexdigest() + '"'
    if h.headers.get("If-None-Match") == etag:
        h.send_response(304)
        h.send_header("ETag", etag)
        h.send_header("Content-Length", "0")
        h.end_headers()
        return 304
    return send(h, 200, body, ctype, {"ETag": etag, "Last-Modified": LAST_MODIFIED})


HUGE = ("<p>" + "超大页面的重复内容。" * 100 + "</p>\n").encode("utf-8")
HUGE_SIZE = 20 * 1024 * 1024


def govsite_routes(offsite_origin: str, docx_bytes: bytes):
    def route(h, n: int):
        origin = f"http://127.0.0.1:{h.server.server_address[1]}"
        path = h.path.split("?", 1)[0]
        if path == "/flaky.html":
            if n <= 2:
                return send(h, 503, b"<p>busy</p>")
            return send(
                h,
                200,
                (SITE / "zhengce" / "tongzhi2.html")
                .read_bytes()
                .replace("关于推进矛盾纠纷多元化解的意见".encode(), "示范市二〇二四年上半年基层治理工作总结".encode()),
            )
        if path == "/busy.html":
            if n == 1:
                return send(h, 429, b"<p>slow down</p>", headers={"Retry-After": "1"})
            return send(
                h,
                200,
                (SITE / "zhengce" / "sitemap-only.html")
                .read_bytes()
                .replace("示范市二〇二三年平安建设工作总结".encode(), "关于网格化管理的调研报告".encode()),
            )
        if path == "/loop/a":
            return send(h, 302, headers={"Location": "/loop/b"})
        if path == "/loop/b":
            return send(h, 302, headers={"Location": origin + "/loop/a"})
        if path == "/to-private.html":
            return send(h, 302, headers={"Location": "/private/secret.html"})
        if path == "/to-offsite.html":
            return send(h, 302, headers={"Location": offsite_origin + "/offsite.html"})
        if path == "/closed.html":
            return send(h, 503, b"<p>closed</p>", headers={"Retry-After": "3600"})
        if path == "/moved.html":
            return send(h, 301, headers={"Location": "/zhengce/tongzhi2.html"})
        if path == "/slow.html":
            time.sleep(3)
            return send(h, 200, b"<p>too late</p>")
        if path in ("/huge.html", "/huge-stream.html"):
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            if path == "/huge.html":
                h.send_header("Content-Length", str(HUGE_SIZE))
            else:
                h.send_header("Connection", "close")
                h.close_connection = True
            h.end_headers()
            sent = 0
            while sent < HUGE_SIZE:
                h.wfile.write(HUGE)
                sent += len(HUGE)
            return 200
        if path == "/files/jiu.doc":  # an old binary Word file: no loader reads it
            return send(h, 200, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "application/msword")
        if path == "/files/baogao.docx":
            return send_cached(h, docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        file = SITE / path.lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        if not file.resolve().is_relative_to(SITE) or not file.is_file():
            return send(h, 404, b"<p>not found</p>")
        body = file.read_bytes()
        ctype = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        if file.suffix in (".html", ".txt", ".xml"):
            body = body.replace(b"{{ORIGIN}}", origin.encode()).replace(b"{{OFFSITE}}", offsite_origin.encode())
        return send_cached(h, body, ctype)

    return route


def gen_routes(versions: dict[int, int]):
    def route(h, n: int):
        path = h.path
        if path.startswith("/gen/") and path.endswith(".html"):
            try:
                i = int(path[5:-5])
            except ValueError:
                i = -1
            if 0 <= i < GEN_PAGES:
                time.sleep(0.005)
                return send_cached(h, gen_page(i, versions.get(i, 0)), "text/html; charset=utf-8")
        return send(h, 404, b"<p>not found</p>")

    return route


@pytest.fixture(scope="module")
def offsite():
    server = Server(lambda h, n: send(h, 200, (SITE / "offsite.html").read_bytes()))
    yield server
    server.close()


@pytest.fixture(scope="module")
def govsite(offsite):
    server = Server(govsite_routes(offsite.origin, make_docx()))
    yield server
    server.close()


@pytest.fixture()
def site(govsite, offsite):
    govsite.reset()
    offsite.reset()
    return govsite


@pytest.fixture(scope="module")
def gensite():
    versions: dict[int, int] = {}
    server = Server(gen_routes(versions))
    server.versions = versions
    yield server
    server.close()


class Collector:
    def __init__(self):
        self.docs = []

    def __call__(self, doc):
        self.docs.append(doc)

    def by_url(self):
        return {d.url: d for d in self.docs}


def crawl_once(route, start: str, state_dir, on_document=None, **options):
    """One crawl (delay 0, no sitemaps) from ``start`` on a Server answering by ``route``;
    returns the summary and the stopped server, whose log holds every request."""
    server = Server(route)
    try:
        summary = crawl(
            [server.origin + start],
            state_dir=state_dir,
            on_document=on_document or Collector(),
            **{"delay": 0, "timeout": 5, "sitemaps": False, **options},
        )
    finally:
        server.close()
    return summary, server


# ---------------------------------------------------------------- the whole site


@pytest.fixture(scope="module")
def full_crawl(govsite, offsite, tmp_path_factory):
    govsite.reset()
    offsite.reset()
    state = tmp_path_factory.mktemp("govsite-state")
    got = Collector()
    outcomes = []
    started = time.monotonic()
    summary = crawl(
        [govsite.origin + "/"],
        state_dir=state,
        on_document=got,
        max_pages=100,
        progress=lambda s, url, outcome: outcomes.append((url, outcome)),
        **FAST,
    )
    elapsed = time.monotonic() - started
    return dict(
        summary=summary,
        docs=got,
        state=state,
        log=list(govsite.log),
        offsite_log=list(offsite.log),
        elapsed=elapsed,
        outcomes=outcomes,
    )


def test_crawl_hands_on_the_site_documents(full_crawl, govsite):
    docs = full_crawl["docs"].by_url()
    o = govsite.origin
    expected = {
        o + "/zhengce/tongzhi1.html": "网格化管理",
        o + "/zhengce/tongzhi2.html": "矛盾纠纷多元化解",
        o + "/zhengce/gbk.html": "枫桥经验",
        o + "/zhengce/sitemap-only.html": "平安建设",  # only listed in the sitemap
        o + "/flaky.html": "基层治理工作总结",  # after two 503s
        o + "/busy.html": "调研报告",  # after a 429
        o + "/files/fangan.pdf": "网格化管理实施方案",
        o + "/files/baogao.docx": "调研报告",
    }
    for url, word in expected.items():
        assert url in docs, f"missing {url}; got {sorted(docs)}"
        doc = docs[url]
        assert word in doc.title + doc.text, (url, doc.title)
    # one document per page: no duplicates from #fragments, query order or the redirect
    assert len(full_crawl["docs"].docs) == len(docs) == len(expected)
    s = full_crawl["summary"]
    assert s.new == len(expected) and s.documents == len(expected)
    assert s.stopped_by == "done" and s.queued == 0


def test_gbk_page_is_decoded_without_mojibake(full_crawl, govsite):
    doc = full_crawl["docs"].by_url()[govsite.origin + "/zhengce/gbk.html"]
    assert doc.title == "示范市坚持和发展新时代枫桥经验实施方案"
    assert "小事不出村、大事不出镇、矛盾不上交" in doc.text
    assert "\ufffd" not in doc.text


def test_attachments_are_linked_to_their_page(full_crawl, govsite):
    docs = full_crawl["docs"].by_url()
    pdf = docs[govsite.origin + "/files/fangan.pdf"]
    docx = docs[govsite.origin + "/files/baogao.docx"]
    assert pdf.meta["parent_url"] == govsite.origin + "/"
    assert docx.meta["parent_url"] == govsite.origin + "/"
    assert "配齐配强专职网格员" in pdf.text
    assert "矛盾纠纷调处化解中心" in docx.text
    assert full_crawl["summary"].attachments == 4  # with a broken PDF and a .doc (failures)


def test_robots_disallowed_paths_are_never_requested(full_crawl):
    paths = [e["path"] for e in full_crawl["log"]]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/private/")]
    s = full_crawl["summary"]
    # linked /private/secret.html, the sitemap's /private/from-sitemap.html, and a redirect into /private/
    assert s.skipped_robots == 3


def test_offsite_links_are_not_followed(full_crawl):
    assert full_crawl["offsite_log"] == []
    assert full_crawl["summary"].skipped_offsite == 2  # a link and a redirect


def test_every_url_is_requested_once(full_crawl):
    paths = [e["path"] for e in full_crawl["log"]]
    retried = {"/flaky.html", "/busy.html", "/slow.html"}
    counts = {p: paths.count(p) for p in set(paths)}
    once = {p: c for p, c in counts.items() if p not in retried and c != 1}
    assert once == {}, once
    assert counts["/zhengce/list.html?a=1&b=2"] == 1  # the two spellings of the query are one URL
    assert "/logo.png" not in counts  # images are not fetched
    assert all(e["ua"].startswith("govtext-crawler/0.1") for e in full_crawl["log"])


def test_503_twice_then_200_is_retried(full_crawl):
    statuses = [e["status"] for e in full_crawl["log"] if e["path"] == "/flaky.html"]
    assert statuses == [503, 503, 200]


def test_429_retry_after_is_honoured(full_crawl):
    hits = [e for e in full_crawl["log"] if e["path"] == "/busy.html"]
    assert [e["status"] for e in hits] == [429, 200]
    assert hits[1]["start"] - hits[0]["start"] >= 0.95  # Retry-After: 1, although backoff is 0.1 s


def test_failures_are_recorded_with_reasons_and_the_crawl_goes_on(full_crawl, govsite):
    s = full_crawl["summary"]
    reasons = dict(s.failures)
    o = govsite.origin
    assert "redirect loop" in reasons[o + "/loop/a"]
    assert "timeout" in reasons[o + "/slow.html"] and "gave up after 3 attempts" in reasons[o + "/slow.html"]
    assert "too large" in reasons[o + "/huge.html"]
    assert "too large" in reasons[o + "/huge-stream.html"]
    assert "HTTP 404" in reasons[o + "/gone.html"]
    assert "Retry-After 3600s exceeds" in reasons[o + "/closed.html"]
    assert "not a readable PDF" in reasons[o + "/files/broken.pdf"]
    assert "unsupported file type .doc" in reasons[o + "/files/jiu.doc"]
    assert s.failed == len(s.failures) == 8
    # the slow page was tried 1 + retries times, each cut at the timeout
    assert [e["path"] for e in full_crawl["log"]].count("/slow.html") == 3
    assert full_crawl["elapsed"] < 30


def test_huge_pages_are_not_read_to_the_end(full_crawl):
    # the crawl stayed fast: neither 20 MB body was downloaded
    huge = [e for e in full_crawl["log"] if e["path"].startswith("/huge")]
    assert len(huge) == 2
    assert all(e["end"] is None or e["end"] - e["start"] < 5 for e in huge)


def test_progress_is_reported_per_url(full_crawl):
    outcomes = dict(full_crawl["outcomes"])
    assert "new" in outcomes.values() and "skipped_robots" in outcomes.values()


def test_reextract_needs_no_network(full_crawl, govsite):
    govsite.reset()
    again = Collector()
    result = reextract(full_crawl["state"], again)
    assert govsite.log == []
    assert {d.id for d in again.docs} == {d.id for d in full_crawl["docs"].docs}
    assert result.documents == len(again.docs)


def test_recrawl_of_the_whole_site_hands_on_nothing_again(full_crawl, site):
    again = Collector()
    s = crawl([site.origin + "/"], state_dir=full_crawl["state"], on_document=again, max_pages=100, **FAST)
    assert s.generation == full_crawl["summary"].generation + 1
    assert again.docs == [] and s.new == s.updated == s.documents == 0
    # answered 304, or 200 with the body stored last time (/flaky.html and /busy.html send no ETag,
    # /moved.html redirects), or failed again (the .doc file)
    assert s.fetched == full_crawl["summary"].fetched
    assert s.not_modified >= 9 and s.not_modified + s.unchanged == s.fetched - 1
    assert not [p for p in site.paths() if p.startswith("/private/")]


def test_crawl_status_tells_what_the_state_holds(full_crawl, govsite):
    from ingest.crawl import crawl_status

    status = crawl_status(full_crawl["state"])
    assert status["start_urls"] == [govsite.origin + "/"]
    assert status["last_run"]["status"] == "finished" and status["frontier"].get("queued", 0) == 0
    assert status["pages"]["delivered"] == 8
    assert 0 < status["stored_bytes"] < status["raw_bytes"]  # raw pages are kept compressed


# ---------------------------------------------------------------- re-crawls


def test_recrawl_uses_conditional_get(site, tmp_path):
    start = [site.origin + "/zhengce/"]
    opts = dict(FAST, max_depth=1, sitemaps=False)  # the list page, its three documents and the home page
    first = Collector()
    s1 = crawl(start, state_dir=tmp_path, on_document=first, **opts)
    assert s1.new == 3 and s1.fetched == 5 and s1.not_modified == 0
    site.reset()
    second = Collector()
    s2 = crawl(start, state_dir=tmp_path, on_document=second, **opts)
    assert s2.generation == s1.generation + 1
    pages = [e for e in site.log if e["path"] != "/robots.txt"]
    assert len(pages) == 5 and all(e["inm"] and e["status"] == 304 for e in pages), pages
    assert s2.not_modified == 5 and s2.fetched == 5
    assert second.docs == [] and s2.new == 0 and s2.documents == 0


def test_recrawl_hands_on_only_changed_pages(gensite, tmp_path):
    start = [gensite.origin + "/gen/0.html"]
    first = Collector()
    s1 = crawl(start, state_dir=tmp_path, on_document=first, max_pages=1000, **FAST)
    assert s1.new == GEN_PAGES
    gensite.versions[7] = 1
    second = Collector()
    try:
        s2 = crawl(start, state_dir=tmp_path, on_document=second, max_pages=1000, **FAST)
    finally:
        gensite.versions.clear()
    assert [d.url for d in second.docs] == [gensite.origin + "/gen/7.html"]
    assert s2.updated == 1 and s2.not_modified == GEN_PAGES - 1 and s2.new == 0


def test_max_pages_stops_and_the_next_call_goes_on(gensite, tmp_path):
    start = [gensite.origin + "/gen/0.html"]
    got = Collector()
    s1 = crawl(start, state_dir=tmp_path, on_document=got, max_pages=10, **FAST)
    assert s1.stopped_by == "max_pages" and s1.fetched == 10 and s1.queued > 0
    s2 = crawl(start, state_dir=tmp_path, on_document=got, max_pages=1000, **FAST)
    assert s2.stopped_by == "done" and s2.generation == s1.generation
    urls = [d.url for d in got.docs]
    assert len(urls) == len(set(urls)) == GEN_PAGES


def test_follow_and_deny_patterns(gensite, tmp_path):
    got = Collector()
    crawl(
        [gensite.origin + "/gen/0.html"],
        state_dir=tmp_path,
        on_document=got,
        max_pages=1000,
        follow=[r"/gen/\d*[02468]\.html$"],
        deny=r"/gen/\d*0\.html$",
        **FAST,
    )
    numbers = sorted(int(d.url.rsplit("/", 1)[1].split(".")[0]) for d in got.docs)
    assert numbers[0] == 0  # the start URL is always fetched
    assert numbers[1:] and all(n % 2 == 0 and n % 10 != 0 for n in numbers[1:])


def test_several_sites_in_one_crawl(gensite, offsite, tmp_path):
    got = Collector()
    s = crawl(
        [gensite.origin + "/gen/0.html", offsite.origin + "/offsite.html"],
        state_dir=tmp_path,
        on_document=got,
        max_pages=1000,
        **FAST,
    )
    hosts = {d.url.split("/")[2] for d in got.docs}
    assert hosts == {gensite.origin.split("/")[2], offsite.origin.split("/")[2]}
    assert s.new == GEN_PAGES + 1


def test_a_start_url_that_moved_to_another_site(gensite, tmp_path):
    old_domain = Server(lambda h, n: send(h, 301, headers={"Location": gensite.origin + "/gen/0.html"}))
    got = Collector()
    try:
        s = crawl([old_domain.origin + "/"], state_dir=tmp_path, on_document=got, max_pages=1000, **FAST)
    finally:
        old_domain.close()
    assert s.new == GEN_PAGES and len({d.url for d in got.docs}) == GEN_PAGES


# ---------------------------------------------------------------- politeness


def test_delay_and_concurrency_per_host(gensite, tmp_path):
    gensite.reset()
    crawl(
        [gensite.origin + "/gen/0.html"],
        state_dir=tmp_path,
        on_document=Collector(),
        max_pages=5,
        delay=0.25,
        timeout=5,
        sitemaps=False,
    )
    hits = sorted((e for e in gensite.log if e["path"].startswith("/gen/")), key=lambda e: e["start"])
    assert len(hits) == 5
    for a, b in zip(hits, hits[1:]):
        assert b["start"] >= a["end"], "requests to one host overlapped with concurrency=1"
        # the delay runs from one response to the next request, so requests start at least a delay
        # apart; measured start to start because the server logs a request's end only after its
        # last write, which under load can come after the client already has the response
        assert b["start"] - a["start"] >= 0.24


def test_concurrency_bounds_requests_in_flight(tmp_path):
    def route(h, n):
        if h.path.startswith("/gen/"):
            time.sleep(0.1)
            return gen_routes({})(h, n)
        return send(h, 404)

    s, server = crawl_once(route, "/gen/0.html", tmp_path, max_pages=15, concurrency=3)
    hits = [e for e in server.log if e["path"].startswith("/gen/")]
    assert s.fetched == len(hits) == 15
    overlap = max(sum(1 for o in hits if o["start"] <= e["start"] < o["end"]) for e in hits)
    assert 2 <= overlap <= 3


def test_a_failing_handler_loses_nothing(gensite, tmp_path):
    start = [gensite.origin + "/gen/0.html"]
    target = gensite.origin + "/gen/5.html"
    got = Collector()

    def flaky_store(doc):
        if doc.url == target:
            raise OSError("disk full")
        got(doc)

    s1 = crawl(start, state_dir=tmp_path, on_document=flaky_store, max_pages=1000, **FAST)
    assert s1.stopped_by == "done" and len(got.docs) == GEN_PAGES - 1
    assert "on_document failed: OSError: disk full" in dict(s1.failures)[target]
    s2 = crawl(start, state_dir=tmp_path, on_document=got, max_pages=1000, **FAST)
    assert got.docs[-1].url == target or target in {d.url for d in got.docs}
    assert len(got.docs) == GEN_PAGES and s2.documents == 1


def test_endless_redirects_are_cut(tmp_path):
    def route(h, n):
        if h.path.startswith("/r/"):
            return send(h, 302, headers={"Location": f"/r/{int(h.path[3:]) + 1}"})
        return send(h, 404)

    s, server = crawl_once(route, "/r/0", tmp_path, max_redirects=5)
    assert "too many redirects (> 5)" in dict(s.failures)[server.origin + "/r/0"]
    assert len([p for p in server.paths() if p.startswith("/r/")]) == 6


def test_robots_crawl_delay_is_honoured(tmp_path):
    def route(h, n):
        if h.path == "/robots.txt":
            return send(h, 200, b"User-agent: *\nCrawl-delay: 0.3\n", "text/plain")
        if h.path.startswith("/gen/"):
            return gen_routes({})(h, n)
        return send(h, 404)

    _, server = crawl_once(route, "/gen/0.html", tmp_path, max_pages=4)
    hits = [e for e in server.log if e["path"].startswith("/gen/")]
    assert len(hits) == 4
    assert all(b["start"] - a["end"] >= 0.29 for a, b in zip(hits, hits[1:]))


def test_unreachable_robots_txt_means_nothing_is_fetched(tmp_path):
    server = Server(lambda h, n: send(h, 503, b"down"))
    try:
        s = crawl([server.origin + "/"], state_dir=tmp_path, on_document=Collector(), delay=0, timeout=5, backoff=0.05)
    finally:
        server.close()
    assert server.paths() == ["/robots.txt", "/robots.txt"]
    assert s.skipped_robots == 1 and s.fetched == 0


def test_gzip_pages_are_decoded_and_gzip_bombs_stopped(tmp_path):
    import gzip

    good = gzip.compress(gen_page(1))
    bomb = gzip.compress(b"<p>" + b"\x20" * (30 * 1024 * 1024) + b"</p>")

    def route(h, n):
        if h.path == "/gen/0.html":
            body = b'<html><body><a href="/gen/1.html">1</a><a href="/bomb.html">2</a></body></html>'
            return send(h, 200, body)
        if h.path in ("/gen/1.html", "/bomb.html"):
            return send(h, 200, good if h.path == "/gen/1.html" else bomb, headers={"Content-Encoding": "gzip"})
        return send(h, 404)

    got = Collector()
    s, server = crawl_once(route, "/gen/0.html", tmp_path, on_document=got, max_bytes=5 * 1024 * 1024)
    assert len(bomb) < 100_000
    assert [d.title for d in got.docs] == ["示范市基层治理第1号文件"]
    assert "more than max_bytes" in dict(s.failures)[server.origin + "/bomb.html"]


# ---------------------------------------------------------------- kill -9 and resume

CHILD = r"""
import json, os, sys
from pathlib import Path
from ingest.crawl import crawl
fd = os.open(sys.argv[3], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
def on_document(doc):
    os.write(fd, (json.dumps({"id": doc.id, "url": doc.url}) + "\n").encode())
summary = crawl([sys.argv[1]], state_dir=Path(sys.argv[2]), on_document=on_document, max_pages=1000,
                delay=float(sys.argv[4]), timeout=5, user_agent="govtext-crawler/0.1 resume-test")
print(json.dumps(summary.to_dict()))
"""


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _wait_for(path: Path, n: int, proc, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while len(_lines(path)) < n:
        assert proc.poll() is None, "the crawl ended before it could be killed"
        assert time.monotonic() < deadline, "the crawl made no progress"
        time.sleep(0.01)


def test_killed_and_resumed_crawl_ends_with_the_same_documents(gensite, tmp_path):
    start = gensite.origin + "/gen/0.html"
    reference = Collector()
    crawl([start], state_dir=tmp_path / "reference", on_document=reference, max_pages=1000, **FAST)
    expected = {d.id for d in reference.docs}
    assert len(expected) == GEN_PAGES

    gensite.reset()
    state, out = tmp_path / "state", tmp_path / "delivered.jsonl"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-c", CHILD, start, str(state), str(out)]
    kills = 0
    for threshold in (12, 30):
        proc = subprocess.Popen(cmd + ["0.02"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _wait_for(out, threshold, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        kills += 1
        assert proc.returncode == -signal.SIGKILL
        assert len(_lines(out)) < GEN_PAGES
    done = subprocess.run(cmd + ["0"], cwd=REPO, env=env, capture_output=True, timeout=120, text=True)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["resumed"] is True and summary["stopped_by"] == "done"

    delivered = [d["id"] for d in _lines(out)]
    assert set(delivered) == expected
    # at-least-once: a kill can only repeat the one page being handed on at that instant
    assert len(delivered) - len(set(delivered)) <= kills
    fetched = [p for p in gensite.paths("govtext-crawler/0.1 resume-test") if p.startswith("/gen/")]
    # nothing stored before a kill is fetched again; only the request in flight at the kill and
    # the response being stored then (the next request starts while one is stored) can be
    assert len(fetched) - len(set(fetched)) <= 2 * kills
    assert set(fetched) == {f"/gen/{i}.html" for i in range(GEN_PAGES)}


# ---------------------------------------------------------------- units


def test_url_normalization():
    assert normalize_url("HTTP://Example.COM:80/a/../b/./c?z=1&a=2&&b=#frag") == "http://example.com/b/c?a=2&b=&z=1"
    assert normalize_url("https://www.Gov.cn:443") == "https://www.gov.cn/"
    assert normalize_url("http://x.cn/政策/通知.html") == "http://x.cn/%E6%94%BF%E7%AD%96/%E9%80%9A%E7%9F%A5.html"
    assert normalize_url("http://x.cn/a%2fb") == "http://x.cn/a%2Fb"
    assert normalize_url("../c.html", base="http://x.cn/a/b/index.html") == "http://x.cn/a/c.html"
    assert normalize_url("http://x.cn:8080/") != normalize_url("http://x.cn/")
    assert site_key("http://www.gov.cn/a") == site_key("http://gov.cn/b")
    assert link_kind("http://x.cn/f/附件.PDF") == "attachment"
    assert link_kind("http://x.cn/logo.png") is None
    assert link_kind("http://x.cn/art/2024/1/1/art_1.html") == "page"


def test_page_links_meta_refresh_base_and_nofollow():
    html = (
        '<html><head><base href="http://x.cn/sub/"><meta http-equiv="refresh" content="0; url=/new.html">'
        '<meta name="robots" content="noindex, nofollow"></head>'
        '<body><a href="a.html">a</a><a href="javascript:;">j</a><a href="a.html#x">a</a></body></html>'
    )
    links = page_links(html.encode(), "http://x.cn/old/")
    assert links.links == ["http://x.cn/new.html", "http://x.cn/sub/a.html"]
    assert links.nofollow and links.noindex


def test_sitemap_index_and_gzip():
    import gzip

    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>http://x.cn/sm1.xml.gz</loc></sitemap></sitemapindex>"
    )
    assert parse_sitemap(index, "http://x.cn/sitemap.xml").sitemaps == ["http://x.cn/sm1.xml.gz"]
    urlset = gzip.compress(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://x.cn/a.html</loc></url></urlset>'
    )
    assert parse_sitemap(urlset, "http://x.cn/sm1.xml.gz").pages == ["http://x.cn/a.html"]


def test_one_crawl_per_state_folder(tmp_path):
    from govtext.errors import BadInput
    from ingest.crawl.state import CrawlState

    held = CrawlState(tmp_path)
    try:
        with pytest.raises(BadInput, match="another crawl"):
            crawl(["http://127.0.0.1:9/"], state_dir=tmp_path, on_document=Collector())
    finally:
        held.close()


def test_bad_start_url_is_refused(tmp_path):
    from govtext.errors import BadInput

    with pytest.raises(BadInput):
        crawl(["ftp://x.cn/"], state_dir=tmp_path, on_document=Collector())
    with pytest.raises(BadInput, match="unknown site profile"):
        crawl(["http://x.cn/"], state_dir=tmp_path, on_document=Collector(), profile="nonesuch")
    # the refused calls left the folder free for the next one
    s = crawl([], state_dir=tmp_path, on_document=Collector())
    assert s.stopped_by == "done" and s.fetched == 0
