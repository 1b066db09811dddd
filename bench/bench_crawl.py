"""Crawl throughput on a loopback site, delay 0.

Starts a generated site of N Chinese policy pages (each ~4 KB, linking to
three others, with robots.txt and a sitemap) in a separate process on
127.0.0.1, crawls it with ``ingest.crawl.crawl`` (fresh state, delay 0) at the
given per-host concurrencies, then re-crawls it once (conditional GETs, all
304), and prints pages/s. Extraction alone is timed over the same pages so the
HTTP + state share can be read off.

    .venv/bin/python bench/bench_crawl.py [--pages 500] [--concurrency 1 4]
"""

from __future__ import annotations

import argparse
import os
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SENTENCES = [
    "坚持和发展新时代枫桥经验，推动矛盾纠纷就地化解，努力做到小事不出村、大事不出镇、矛盾不上交。",
    "健全党组织领导的自治、法治、德治相结合的城乡基层治理体系，完善村规民约和居民公约。",
    "深化网格化服务管理，科学划分网格，配齐配强专职网格员，推动网格员底数清、情况明。",
    "加强智慧治理平台建设，打通部门数据壁垒，推进雪亮工程与网格化管理平台深度融合。",
    "完善公共法律服务体系，推进法治乡村建设，落实谁执法谁普法责任制。",
    "建立健全社会心理服务体系，加强心理疏导和危机干预，培育自尊自信、理性平和的社会心态。",
    "强化组织保障，把基层治理工作纳入年度考核，建立经费保障机制，确保各项任务落到实处。",
]


def page(i: int, n: int) -> bytes:
    paras = "".join(
        "<p>" + "".join(SENTENCES[(i + k + j) % len(SENTENCES)] for j in range(3)) + f"（第{i}号文件第{k + 1}条）</p>"
        for k in range(8)
    )
    links = "".join(
        f'<li><a href="/doc/{j}.html">示范市第{j}号文件</a></li>' for j in (i + 1, 2 * i + 1, 2 * i + 2) if j < n
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>示范市基层治理第{i}号文件_示范市人民政府</title></head><body>"
        '<div class="nav"><a href="/">首页</a> &gt; <a href="/doc/0.html">政策文件</a> &gt; 正文</div>'
        f'<div class="article"><h1>示范市基层治理第{i}号文件</h1>'
        f'<div class="info">发布时间：2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}　来源：示范市人民政府办公室</div>'
        f'<div class="content">{paras}</div></div><ul class="related">{links}</ul>'
        '<div class="footer">版权所有：示范市人民政府办公室</div></body></html>'
    ).encode()


def serve(n: int) -> None:
    pages = {f"/doc/{i}.html": page(i, n) for i in range(n)}
    pages["/"] = b'<html><body><a href="/doc/0.html">start</a></body></html>'

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes

        def log_message(self, *args):
            pass

        def do_GET(self):
            origin = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/robots.txt":
                body, ctype = (
                    f"User-agent: *\nDisallow: /private/\nSitemap: {origin}/sitemap.xml\n".encode(),
                    "text/plain",
                )
            elif self.path == "/sitemap.xml":
                body = (
                    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    + "".join(f"<url><loc>{origin}/doc/{i}.html</loc></url>" for i in range(0, n, 7))
                    + "</urlset>"
                ).encode()
                ctype = "application/xml"
            elif self.path in pages:
                body, ctype = pages[self.path], "text/html; charset=utf-8"
            else:
                body, ctype = b"not found", "text/plain"
                self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            etag = '"' + hashlib.md5(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


def _timed_crawl(origin: str, state: Path, n: int, conc: int, docs: list, took: list):
    """One crawl of the loopback site with ``state`` kept; its seconds appended to ``took``."""
    from ingest.crawl import crawl

    t = time.perf_counter()
    summary = crawl(
        [origin + "/"],
        state_dir=state,
        on_document=docs.append,
        max_pages=n + 10,
        delay=0,
        concurrency=conc,
        timeout=10,
    )
    took.append(time.perf_counter() - t)
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--repeat", type=int, default=3, help="runs per setting; the median is printed")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.pages)
        return

    from ingest.extract import extract_page

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--pages", str(args.pages)], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(server.stdout.readline())
        origin = f"http://127.0.0.1:{port}"
        n = args.pages
        print(
            f"loopback site: {n} pages of ~{len(page(1, n)) / 1024:.1f} KB, delay 0, server in its own process; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        for conc in args.concurrency:
            firsts, seconds = [], []
            for _ in range(args.repeat):
                with tempfile.TemporaryDirectory() as tmp:
                    docs: list = []
                    s = _timed_crawl(origin, Path(tmp), n, conc, docs, firsts)
                    s2 = _timed_crawl(origin, Path(tmp), n, conc, docs, seconds)  # the same state: all 304
                assert s.new == n and s.failed == 0, s.format()
                assert s2.not_modified == s.fetched and s2.documents == 0, s2.format()
            first, second = statistics.median(firsts), statistics.median(seconds)
            print(
                f"concurrency {conc}: crawl {s.fetched} pages in {first:.2f}s = {s.fetched / first:.0f} pages/s "
                f"(best {s.fetched / min(firsts):.0f}); re-crawl, all 304: {s2.fetched / second:.0f} pages/s "
                f"(best {s2.fetched / min(seconds):.0f})  [median of {args.repeat}]"
            )
        raws = [page(i, n) for i in range(n)]
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            for i, raw in enumerate(raws):
                extract_page(raw, url=f"{origin}/doc/{i}.html", content_type="text/html; charset=utf-8")
            times.append(time.perf_counter() - t)
        ext = statistics.median(times)
        print(f"extraction alone (ingest.extract, same pages): {n / ext:.0f} pages/s  [median of {args.repeat}]")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
