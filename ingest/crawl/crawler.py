"""The crawl loop: frontier → politeness → fetch → store → extract → hand on.

One main thread owns the state database and does all the writing, extraction
and handing on; a small thread pool only does HTTP. Each URL is settled in its
own transaction, in this order:

1. the response is stored (raw body compressed, validators) together with the
   links it adds to the frontier, and the URL is marked done — commit;
2. its Documents are handed to ``on_document`` and the page is marked
   delivered — commit.

Killed between 1 and 2, the next start re-extracts the stored page and hands
it on without refetching. Killed during a fetch, the URL is still queued and is
fetched again: per host, at most the ``concurrency`` requests in flight plus
the responses being stored at that moment (the next request to a host starts
while the last response is being stored and extracted; requests in flight never
exceed ``concurrency``). Killed between ``on_document`` returning and commit 2,
the same Document (same id) is handed on once more: delivery is at-least-once,
and the store is idempotent by id.

Politeness: ``delay`` seconds pass between the end of one response from a host
and the next request to it (a robots.txt Crawl-delay wins when larger); a 429
or 503 with Retry-After holds back the whole host.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable
from urllib.parse import urlsplit

from govtext.documents import Document
from govtext.errors import BadInput, SourceError
from ingest.chrome import SiteChrome
from ingest.crawl.fetch import FetchResult, Fetcher, attachment_filename, sniff_kind
from ingest.crawl.links import meta_robots, page_links, parse_sitemap
from ingest.crawl.robots import Robots
from ingest.crawl.state import CrawlState, decompress
from ingest.crawl.urls import BadURL, host_key, link_kind, media_type, normalize_url, site_key

DEFAULT_USER_AGENT = "govtext-crawler/0.1 (+https://example.invalid/govtext)"


@dataclass(frozen=True)
class CrawlConfig:
    """Every knob of a crawl, with its default."""

    #: pages and attachments to process in one run (fetched or failed; robots skips don't count)
    max_pages: int = 100
    #: seconds between two requests to the same host (robots.txt Crawl-delay wins when larger, up to max_crawl_delay)
    delay: float = 1.0
    #: requests in flight per host
    concurrency: int = 1
    #: site profile name handed to the extractor (None: chosen per page)
    profile: str | None = None
    #: follow links to other sites than the start URLs'
    allow_offsite: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    #: seconds for one request, connect to last byte
    timeout: float = 20.0
    #: largest body read; a larger one is aborted and recorded as failed
    max_bytes: int = 10 * 1024 * 1024
    #: retries of a URL after 429 / 5xx / timeout / connection errors
    retries: int = 3
    #: first retry wait in seconds, doubled each time (unless Retry-After says more)
    backoff: float = 1.0
    #: a Retry-After longer than this gives up on the URL instead of waiting
    max_retry_after: float = 600.0
    #: redirect hops followed for one URL
    max_redirects: int = 10
    #: link depth from the start URLs (None: unlimited)
    max_depth: int | None = None
    #: regular expressions: when given, only links matching one are queued (start URLs always are)
    follow: tuple[str, ...] = ()
    #: regular expressions: links matching one are never queued
    deny: tuple[str, ...] = ()
    #: read robots.txt Sitemap: lines and /sitemap.xml
    sitemaps: bool = True
    #: sitemap files read per run (sitemap indexes can be huge)
    max_sitemaps: int = 50
    #: cap on a robots.txt Crawl-delay, in seconds
    max_crawl_delay: float = 30.0
    #: consecutive on_document failures after which the crawl stops (state kept)
    max_handler_failures: int = 3
    #: blocks repeated across a site's pages count as boilerplate (ingest/chrome.py)
    strip_chrome: bool = False


COUNTERS = (
    "fetched",
    "new",
    "updated",
    "unchanged",
    "not_modified",
    "documents",
    "attachments",
    "no_document",
    "duplicates",
    "skipped_robots",
    "skipped_offsite",
    "skipped_type",
    "failed",
    "retries",
    "redirects",
    "sitemaps",
    "bytes",
)


@dataclass
class CrawlSummary:
    """What a run did. Counters cover the whole run, across kills and resumes."""

    run_id: int = 0
    generation: int = 0
    #: this call resumed a run that had been killed or interrupted
    resumed: bool = False
    #: "done" (frontier empty), "max_pages", or "interrupted"
    stopped_by: str = ""
    #: responses processed for pages and attachments (200 and 304)
    fetched: int = 0
    #: URLs whose documents were handed on for the first time
    new: int = 0
    #: URLs re-crawled with changed content, handed on again
    updated: int = 0
    #: URLs re-crawled with the same content (200): not handed on again
    unchanged: int = 0
    #: URLs answered 304 to a conditional GET: not handed on again
    not_modified: int = 0
    #: Documents handed to on_document (pages and attachments)
    documents: int = 0
    #: PDF / Word files fetched
    attachments: int = 0
    #: fetched pages that gave no document (link lists, empty pages, meta noindex)
    no_document: int = 0
    #: URLs that redirected to a page already handled in this run
    duplicates: int = 0
    skipped_robots: int = 0
    #: distinct links to other sites not followed
    skipped_offsite: int = 0
    #: responses of a content type we do not read (images, archives …)
    skipped_type: int = 0
    #: URLs given up on; their reasons are in ``failures``
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    retries: int = 0
    redirects: int = 0
    sitemaps: int = 0
    bytes: int = 0
    #: URLs still queued when the run stopped
    queued: int = 0
    #: seconds spent in this call
    elapsed: float = 0.0

    def counters(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTERS}

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failures"] = [{"url": u, "reason": r} for u, r in self.failures]
        return data

    def format(self) -> str:
        lines = [
            f"crawl run {self.run_id} (generation {self.generation}{', resumed' if self.resumed else ''}): "
            f"stopped by {self.stopped_by} after {self.elapsed:.1f}s",
            f"  fetched {self.fetched}  new {self.new}  updated {self.updated}  unchanged {self.unchanged}  "
            f"not modified {self.not_modified}  documents {self.documents}  attachments {self.attachments}",
            f"  skipped: robots {self.skipped_robots}  offsite {self.skipped_offsite}  type {self.skipped_type}  "
            f"no document {self.no_document}  duplicates {self.duplicates}",
            f"  retries {self.retries}  redirects {self.redirects}  sitemaps {self.sitemaps}  "
            f"bytes {self.bytes}  still queued {self.queued}",
            f"  failed {self.failed}",
        ]
        lines += [f"    {url}: {reason}" for url, reason in self.failures[:50]]
        if len(self.failures) > 50:
            lines.append(f"    … and {len(self.failures) - 50} more")
        return "\n".join(lines)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _docs_hash(docs: list[Document]) -> str:
    return hashlib.sha1("\n".join(d.content_hash for d in docs).encode()).hexdigest()


def _means_no_text(exc: SourceError) -> bool:
    """The extractor read the page fine but found no main text (an index page)."""
    return exc.code == "no_text" or exc.message.startswith(("no main text found", "no text found"))


def documents_from(
    raw: bytes,
    *,
    url: str,
    content_type: str,
    kind: str,
    parent: str = "",
    profile: str | None = None,
    disposition: str = "",
    chrome=None,
) -> tuple[list[Document], str]:
    """The Documents in one stored response, and the reason when there are none
    (a page of links, an empty page, meta robots noindex).

    Raises :class:`SourceError` for a broken page or file (undecodable, binary,
    a corrupt PDF, an unsupported attachment type): the crawl records it as
    failed with that reason."""
    mtype = media_type(content_type)
    detected = sniff_kind(raw, mtype, url)
    if detected == "html":
        from ingest.extract import extract_page

        if "noindex" in meta_robots(raw):
            return [], "meta robots noindex"
        try:
            doc = extract_page(raw, url=url, content_type=content_type or None, profile=profile, chrome=chrome)
        except SourceError as exc:
            if _means_no_text(exc):
                return [], exc.message  # a page of links: nothing wrong with it
            raise
        if not doc.text.strip():
            return [], "no text found"
        return [doc], ""
    if detected == "attachment":
        from ingest.loaders import load_bytes

        filename = attachment_filename(url, mtype, disposition)
        docs = load_bytes(raw, filename, url)
        for doc in docs:
            doc.meta["parent_url"] = parent
            doc.meta.setdefault("filename", filename)
        return docs, ("" if docs else "no text found")
    return [], f"not a page or attachment (content type {mtype or 'unknown'})"


class Crawler:
    def __init__(
        self,
        state_dir: Path,
        on_document: Callable[[Document], None],
        config: CrawlConfig,
        progress: Callable | None = None,
    ):
        if config.profile is not None:
            from ingest.sites import profiles

            if config.profile not in profiles():
                raise BadInput(f"unknown site profile {config.profile!r}; known: {', '.join(sorted(profiles()))}")
        if config.max_pages < 0 or config.delay < 0 or config.concurrency < 1 or config.timeout <= 0:
            raise BadInput("max_pages and delay must be >= 0, concurrency >= 1, timeout > 0")
        try:
            self.follow = [re.compile(p) for p in config.follow]
            self.deny = [re.compile(p) for p in config.deny]
        except re.error as exc:
            raise BadInput(f"bad follow/deny pattern: {exc}") from None
        self.config = config
        self.on_document = on_document
        self.progress = progress
        self.state = CrawlState(state_dir)
        self.fetcher = Fetcher(
            user_agent=config.user_agent,
            timeout=config.timeout,
            max_bytes=config.max_bytes,
            max_redirects=config.max_redirects,
            pool_size=config.concurrency,
        )
        self.robots = Robots(self.fetcher, config.user_agent, retry_wait=min(1.0, config.backoff))
        self.summary = CrawlSummary()
        self.chrome = SiteChrome() if config.strip_chrome else None
        self.sites: set[str] = set()
        self.host_ready: dict[str, float] = {}
        self.host_busy: dict[str, int] = {}
        self.inflight: dict[Future, Any] = {}
        self.unsettled: dict[str, Any] = {}  # fetched, not yet handled
        self.offsite_seen: set[str] = set()
        self.handler_failures = 0
        self.processed = 0
        self.sitemap_hosts: set[str] = set()

    # ------------------------------------------------------------------ setup
    def _open_run(self, start_urls: list[str]) -> None:
        seeds = []
        for raw in start_urls:
            try:
                seeds.append(normalize_url(raw))
            except BadURL as exc:
                raise BadInput(f"bad start URL {raw!r}: {exc}") from None
        st = self.state
        st.begin()
        try:
            for url in seeds:
                st.add_seed(url, site_key(url))
            last = st.last_run()
            if last is not None and last["status"] == "running":
                run_id, gen = last["id"], last["gen"]
                self.summary.resumed = True
                for name, value in json.loads(last["counters"] or "{}").items():
                    if name in COUNTERS:
                        setattr(self.summary, name, value)
                st.db.execute("UPDATE runs SET max_pages = ? WHERE id = ?", (self.config.max_pages, run_id))
            else:
                if last is not None and st.queued_count(last["gen"]) > 0:
                    gen = last["gen"]  # the last run stopped at max_pages: go on where it stopped
                else:
                    gen = (last["gen"] + 1) if last is not None else 1  # a new pass: re-crawl
                run_id = st.new_run(gen, self.config.max_pages)
            if not seeds:  # no start URLs given: the ones this state folder was started with
                seeds = [r[0] for r in st.db.execute("SELECT url FROM seeds ORDER BY rowid")]
            for url in seeds:
                st.enqueue(url, kind=link_kind(url) or "page", host=host_key(url), gen=gen)
            st.commit()
        except BaseException:
            st.rollback()
            raise
        self.run_id, self.gen = run_id, gen
        self.summary.run_id, self.summary.generation = run_id, gen
        self.sites = st.sites()
        self.processed = st.processed_count(run_id)
        # how far down the queue to look for a URL whose host is free
        self.scan_limit = min(256, 8 + 8 * self.config.concurrency * len(self.sites))

    # ------------------------------------------------------------------ scope
    def in_scope(self, url: str) -> bool:
        return self.config.allow_offsite or site_key(url) in self.sites

    def _vet_target(self, url: str) -> str | None:
        """For redirects (runs in worker threads): None if ``url`` may be fetched."""
        if not self.in_scope(url):
            return "offsite"
        if not self.robots.allowed(url):
            return "robots"
        return None

    def _vet_seed_target(self, url: str) -> str | None:
        """For redirects of a start URL, which may lead to another site."""
        if not self.robots.allowed(url):
            return "robots"
        return None

    def _host_delay(self, origin: str) -> float:
        rules = self.robots.rules(origin)
        delay = self.config.delay
        if rules.crawl_delay:
            delay = max(delay, min(rules.crawl_delay, self.config.max_crawl_delay))
        return delay

    # ------------------------------------------------------------------ main loop
    def run(self, start_urls: list[str]) -> CrawlSummary:
        started = time.monotonic()
        try:
            self._open_run(start_urls)
        except BaseException:
            self.state.close()
            self.fetcher.close()
            raise
        self.workers = max(1, min(32, self.config.concurrency * max(1, len(self.sites))))
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="govtext-crawl")
        stopped_by = "interrupted"
        try:
            self._redeliver_pending()
            stopped_by = self._loop(pool)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            self.summary.elapsed = time.monotonic() - started
            self.summary.stopped_by = stopped_by
            try:
                self.summary.queued = self.state.queued_count(self.gen)
                self.summary.failures = self.state.failures(self.run_id)
                if stopped_by != "interrupted":
                    self.state.begin()
                    self.state.finish_run(self.run_id, stopped_by, self.summary.counters())
                    self.state.commit()
            finally:
                self.state.close()
                self.fetcher.close()
        return self.summary

    def _budget_left(self) -> int:
        inflight_pages = sum(1 for row in self.inflight.values() if row["kind"] != "sitemap")
        inflight_pages += sum(1 for row in self.unsettled.values() if row["kind"] != "sitemap")
        return self.config.max_pages - self.processed - inflight_pages

    def _loop(self, pool: ThreadPoolExecutor) -> str:
        while True:
            results = []
            for fut in [f for f in self.inflight if f.done()]:
                row = self.inflight.pop(fut)
                host = row["host"]
                self.host_busy[host] -= 1
                # the delay runs from the end of a response to the next request
                self.host_ready[host] = max(
                    self.host_ready.get(host, 0.0), time.time() + self._host_delay(_origin(row["url"]))
                )
                try:
                    res = fut.result()
                except Exception as exc:  # a bug in the fetch code must not end the crawl
                    res = FetchResult(
                        url=row["url"],
                        final_url=row["url"],
                        outcome="failed",
                        reason=f"internal error: {exc.__class__.__name__}: {exc}",
                    )
                results.append((row, res))
            if results:
                # start the next requests first, then store and extract while they are in flight
                self.unsettled = {row["url"]: row for row, _ in results}
                self._fill(pool)
                for row, res in results:
                    self._handle(row, res)
                    del self.unsettled[row["url"]]
            if self._budget_left() <= 0:
                if not self.inflight:
                    return "max_pages"
                wait(list(self.inflight), timeout=1.0, return_when=FIRST_COMPLETED)
                continue
            dispatched, wake_at = self._fill(pool)
            if dispatched:
                continue
            if not self.inflight and wake_at is None:
                return "done"
            timeout = 1.0 if wake_at is None else max(0.0005, min(1.0, wake_at - time.time()))
            if self.inflight:
                wait(list(self.inflight), timeout=timeout, return_when=FIRST_COMPLETED)
            else:
                time.sleep(timeout)

    def _fill(self, pool: ThreadPoolExecutor) -> tuple[bool, float | None]:
        """Dispatch while something is eligible; (anything dispatched?, earliest wake-up time)."""
        any_dispatched = False
        for _ in range(1000):
            if self._budget_left() <= 0:
                return any_dispatched, None
            dispatched, wake_at = self._dispatch(pool)
            if not dispatched:
                return any_dispatched, wake_at
            any_dispatched = True
        return any_dispatched, None

    def _dispatch(self, pool: ThreadPoolExecutor) -> tuple[bool, float | None]:
        """Start one eligible fetch. Returns (started?, earliest time something becomes eligible)."""
        if len(self.inflight) >= self.workers:
            return False, None  # every worker busy: nothing can start before one finishes
        now = time.time()
        wake_at: float | None = None
        busy_urls = {row["url"] for row in self.inflight.values()} | self.unsettled.keys()
        for row in self.state.queued(self.gen, limit=self.scan_limit):
            url, host = row["url"], row["host"]
            if url in busy_urls:
                continue
            if row["next_at"] > now:
                wake_at = row["next_at"] if wake_at is None else min(wake_at, row["next_at"])
                continue
            if self.host_busy.get(host, 0) >= self.config.concurrency:
                continue
            ready = self.host_ready.get(host, 0.0)
            if ready > now:
                wake_at = ready if wake_at is None else min(wake_at, ready)
                continue
            if row["kind"] != "sitemap" and self._budget_left() <= 0:
                continue
            origin = _origin(url)
            first_contact = not self.robots.known(origin)
            rules = self.robots.rules(origin)  # fetches robots.txt on first contact
            if first_contact:
                self.host_ready[host] = time.time() + self._host_delay(origin)
                self._discover_sitemaps(origin, rules)
            if row["kind"] != "sitemap" or not rules.sitemaps or url not in rules.sitemaps:
                if not rules.allowed(url, self.config.user_agent):
                    self._settle_skip(row, "skipped_robots", rules.disallow_all_reason or "disallowed by robots.txt")
                    return True, None
            if first_contact and self.config.delay > 0:
                return True, None  # robots.txt was a request: let the delay pass first
            prev = self.state.page(url) if row["kind"] != "sitemap" else None
            etag = prev["etag"] if prev is not None else ""
            last_modified = prev["last_modified"] if prev is not None else ""
            vet = self._vet_seed_target if row["depth"] == 0 else self._vet_target
            fut = pool.submit(
                self.fetcher.fetch, url, kind=row["kind"], etag=etag, last_modified=last_modified, allowed=vet
            )
            self.inflight[fut] = row
            self.host_busy[host] = self.host_busy.get(host, 0) + 1
            self.host_ready[host] = time.time() + self._host_delay(origin)
            return True, None
        return False, wake_at

    def _discover_sitemaps(self, origin: str, rules) -> None:
        if not self.config.sitemaps or origin in self.sitemap_hosts or rules.disallow_all_reason:
            return
        self.sitemap_hosts.add(origin)
        if not (self.config.allow_offsite or site_key(origin + "/") in self.sites):
            return
        urls = list(rules.sitemaps) or [origin + "/sitemap.xml"]
        st = self.state
        st.begin()
        for raw in urls[: self.config.max_sitemaps]:
            try:
                url = normalize_url(raw)
            except BadURL:
                continue
            st.enqueue(url, kind="sitemap", host=host_key(url), gen=self.gen)
        st.commit()

    # ------------------------------------------------------------------ results
    def _handle(self, row, res: FetchResult) -> None:
        s = self.summary
        s.redirects += len(res.redirects)
        if res.outcome == "ok":
            if row["kind"] == "sitemap":
                self._handle_sitemap(row, res)
            else:
                self._handle_page(row, res)
        elif res.outcome == "not_modified":
            self._handle_not_modified(row, res)
        elif res.outcome == "retry":
            self._handle_retry(row, res)
        elif res.outcome.startswith("skipped_"):
            self._settle_skip(row, res.outcome, res.reason)
        else:
            if row["kind"] == "sitemap" and res.status in (404, 410):
                self._settle(row, "skipped", "absent", res.reason)  # no /sitemap.xml: fine
            else:
                self._settle_fail(row, res.reason or res.outcome)

    def _counted(self, row) -> None:
        if row["kind"] != "sitemap":
            self.processed += 1

    def _commit_with_counters(self) -> None:
        self.state.save_counters(self.run_id, self.summary.counters())
        self.state.commit()

    def _report(self, url: str, outcome: str) -> None:
        if self.progress is not None:
            try:
                self.progress(self.summary, url, outcome)
            except Exception:
                pass  # a progress display must never stop a crawl

    def _settle(self, row, state: str, outcome: str, reason: str = "") -> None:
        st = self.state
        st.begin()
        st.settle(row["url"], run_id=self.run_id, state=state, outcome=outcome, reason=reason)
        self._commit_with_counters()
        self._report(row["url"], outcome)

    def _settle_fail(self, row, reason: str) -> None:
        self.summary.failed += 1
        if row["kind"] == "sitemap":
            self.summary.failed -= 1
            self._settle(row, "skipped", "sitemap_failed", reason)
            return
        self._counted(row)
        self._settle(row, "failed", "failed", reason)

    def _settle_skip(self, row, outcome: str, reason: str) -> None:
        if outcome == "skipped_robots":
            self.summary.skipped_robots += 1
        elif outcome == "skipped_offsite":
            self.summary.skipped_offsite += 1
        elif outcome == "skipped_type":
            self.summary.skipped_type += 1
        self._settle(row, "skipped", outcome, reason)

    def _handle_retry(self, row, res: FetchResult) -> None:
        cfg = self.config
        attempts = row["attempts"] + 1
        if attempts > cfg.retries:
            self._settle_fail(row, f"gave up after {attempts} attempts: {res.reason}")
            return
        wait_s = cfg.backoff * (2 ** (attempts - 1))
        if res.retry_after is not None:
            if res.retry_after > cfg.max_retry_after:
                self._settle_fail(
                    row,
                    f"{res.reason}: Retry-After {res.retry_after:.0f}s exceeds "
                    f"max_retry_after {cfg.max_retry_after:.0f}s",
                )
                return
            wait_s = max(wait_s, res.retry_after)
            # the server asked the whole host to slow down
            self.host_ready[row["host"]] = max(self.host_ready.get(row["host"], 0), time.time() + res.retry_after)
        self.summary.retries += 1
        st = self.state
        st.begin()
        st.retry_later(row["url"], at=time.time() + wait_s, reason=res.reason)
        self._commit_with_counters()
        self._report(row["url"], "retry")

    def _handle_sitemap(self, row, res: FetchResult) -> None:
        s = self.summary
        s.sitemaps += 1
        sm = parse_sitemap(res.body, res.final_url)
        st = self.state
        st.begin()
        for url in sm.pages:
            kind = link_kind(url)
            if kind and self._scope_ok(url):
                st.enqueue(url, kind=kind, host=host_key(url), gen=self.gen, depth=1, parent=res.final_url)
        if s.sitemaps < self.config.max_sitemaps:
            for url in sm.sitemaps:
                st.enqueue(url, kind="sitemap", host=host_key(url), gen=self.gen, parent=res.final_url)
        st.settle(row["url"], run_id=self.run_id, state="done", outcome="sitemap")
        self._commit_with_counters()
        self._report(row["url"], "sitemap")

    def _scope_ok(self, url: str) -> bool:
        if not self.in_scope(url):
            if url not in self.offsite_seen:
                self.offsite_seen.add(url)
                self.summary.skipped_offsite += 1
            return False
        if self.deny and any(p.search(url) for p in self.deny):
            return False
        if self.follow and not any(p.search(url) for p in self.follow):
            return False
        return True

    def _enqueue_links(self, row, links, base_url: str) -> None:
        depth = row["depth"] + 1
        if self.config.max_depth is not None and depth > self.config.max_depth:
            return
        for link in links:
            kind = link_kind(link)
            if kind is None or not self._scope_ok(link):
                continue
            self.state.enqueue(link, kind=kind, host=host_key(link), gen=self.gen, depth=depth, parent=base_url)

    def _handle_page(self, row, res: FetchResult) -> None:
        s = self.summary
        st = self.state
        url, final = row["url"], res.final_url
        if final != url and st.seen(final, self.gen):
            target = st.db.execute("SELECT state FROM urls WHERE url = ?", (final,)).fetchone()
            if target is not None and target["state"] != "queued":
                s.duplicates += 1
                self._counted(row)
                self._settle(row, "done", "duplicate", f"redirects to {final}, already handled")
                return
        mtype = media_type(res.content_type)
        detected = sniff_kind(res.body, mtype, final)
        if detected == "other":
            self._settle_skip(row, "skipped_type", f"content type {mtype or 'unknown'} is not a page")
            return
        s.fetched += 1
        s.bytes += len(res.body)
        if detected == "attachment":
            s.attachments += 1
        # a page is stored under the URL that answered (the end of a redirect chain)
        key = final
        prev = st.page(key)
        same_body = prev is not None and prev["body_sha1"] == res.sha1 and prev["doc_state"] in ("delivered", "empty")

        docs: list[Document] = []
        why_none = ""
        broken = ""
        links = None
        if not same_body:
            try:
                docs, why_none = documents_from(
                    res.body,
                    url=final,
                    content_type=res.content_type,
                    kind=row["kind"],
                    parent=row["parent"],
                    profile=self.config.profile,
                    disposition=res.disposition,
                    chrome=self.chrome,
                )
            except SourceError as exc:  # a broken page or file: record why, go on
                broken = exc.message
            except Exception as exc:  # an extractor or loader bug: record it, go on
                broken = f"extraction failed: {exc.__class__.__name__}: {exc}"
        if detected == "html":
            encoding = docs[0].meta.get("encoding") if docs else None
            links = page_links(res.body, final, encoding)

        st.begin()
        try:
            if same_body:
                st.touch_page(key, etag=res.etag or None, last_modified=res.last_modified or None)
            else:
                st.save_page(
                    key,
                    final_url=final,
                    kind=row["kind"],
                    parent=row["parent"],
                    status=res.status,
                    content_type=res.content_type,
                    etag=res.etag,
                    last_modified=res.last_modified,
                    body_sha1=res.sha1,
                    raw=res.body,
                )
            if final != url and row["depth"] == 0 and not self.in_scope(final):
                # a start URL that moved to another site (an old domain): that site is in scope now
                st.add_seed(final, site_key(final))
                self.sites.add(site_key(final))
            if final != url and self.in_scope(final):
                st.mark_done_alias(
                    final, alias_of=url, kind=row["kind"], host=host_key(final), gen=self.gen, run_id=self.run_id
                )
            if links is not None and not links.nofollow:
                self._enqueue_links(row, links.links, final)
            self._counted(row)
            if same_body:
                s.unchanged += 1
                st.settle(url, run_id=self.run_id, state="done", outcome="unchanged")
            elif broken:
                s.failed += 1
                st.set_doc_state(key, "error", error=broken)
                st.settle(url, run_id=self.run_id, state="failed", outcome="failed", reason=broken)
            else:
                st.settle(url, run_id=self.run_id, state="done", outcome="stored")
            self._commit_with_counters()
        except BaseException:
            st.rollback()
            raise
        if same_body:
            self._report(url, "unchanged")
        elif broken:
            self._report(url, "failed")
        else:
            self._deliver(key, docs, why_none, prev_hash=prev["doc_hash"] if prev is not None else "")

    def _handle_not_modified(self, row, res: FetchResult) -> None:
        s = self.summary
        st = self.state
        url = row["url"]
        prev = st.page(url)
        s.fetched += 1
        s.not_modified += 1
        links = None
        if prev is not None and prev["kind"] != "attachment":
            links = page_links(decompress(prev["raw"]), prev["final_url"])
        st.begin()
        st.touch_page(url, etag=res.etag or None, last_modified=res.last_modified or None)
        if prev is not None and links is not None and not links.nofollow:
            self._enqueue_links(row, links.links, prev["final_url"])
        self._counted(row)
        st.settle(url, run_id=self.run_id, state="done", outcome="not_modified")
        self._commit_with_counters()
        self._report(url, "not_modified")
        if prev is not None and prev["doc_state"] in ("pending", "error"):
            self._redeliver(prev)  # stored but not handed on, or extraction failed: try again

    # ------------------------------------------------------------------ handing on
    def _deliver(self, url: str, docs: list[Document], why_none: str, *, prev_hash: str) -> None:
        s = self.summary
        st = self.state
        if not docs:
            s.no_document += 1
            st.begin()
            st.set_doc_state(url, "empty", doc_hash="", doc_ids=[], error=why_none)
            st.db.execute("UPDATE urls SET outcome = 'no_document', reason = ? WHERE url = ?", (why_none, url))
            self._commit_with_counters()
            self._report(url, "no_document")
            return
        doc_hash = _docs_hash(docs)
        if prev_hash and doc_hash == prev_hash:
            s.unchanged += 1
            outcome = "unchanged"
        else:
            for doc in docs:
                try:
                    self.on_document(doc)
                except Exception as exc:
                    self.handler_failures += 1
                    s.failed += 1
                    reason = f"on_document failed: {exc.__class__.__name__}: {exc}"
                    st.begin()  # the page stays 'pending': the next crawl hands it on again
                    st.db.execute("UPDATE pages SET error = ? WHERE url = ?", (reason[:500], url))
                    st.db.execute(
                        "UPDATE urls SET state = 'failed', outcome = 'failed', reason = ? WHERE url = ?",
                        (reason[:500], url),
                    )
                    self._commit_with_counters()
                    self._report(url, "failed")
                    if self.handler_failures >= self.config.max_handler_failures:
                        raise
                    return
                s.documents += 1
            self.handler_failures = 0
            outcome = "updated" if prev_hash else "new"
            if prev_hash:
                s.updated += 1
            else:
                s.new += 1
        st.begin()
        st.set_doc_state(url, "delivered", doc_hash=doc_hash, doc_ids=[d.id for d in docs])
        st.db.execute("UPDATE urls SET outcome = ? WHERE url = ?", (outcome, url))
        self._commit_with_counters()
        self._report(url, outcome)

    def _redeliver(self, page) -> None:
        """Hand on a stored page whose documents were not (all) handed on before a kill."""
        try:
            docs, why_none = documents_from(
                decompress(page["raw"]),
                url=page["final_url"],
                content_type=page["content_type"],
                kind=page["kind"],
                parent=page["parent"],
                profile=self.config.profile,
                chrome=self.chrome,
            )
        except Exception as exc:
            reason = (
                exc.message if isinstance(exc, SourceError) else f"extraction failed: {exc.__class__.__name__}: {exc}"
            )
            self.summary.failed += 1
            st = self.state
            st.begin()
            st.set_doc_state(page["url"], "error", error=reason)
            st.db.execute(
                "UPDATE urls SET state = 'failed', outcome = 'failed', reason = ? WHERE url = ?",
                (reason[:500], page["url"]),
            )
            self._commit_with_counters()
            return
        self._deliver(page["url"], docs, why_none, prev_hash=page["doc_hash"])

    def _redeliver_pending(self) -> None:
        for page in self.state.pending_pages():
            self._redeliver(page)


def crawl(
    start_urls: list[str],
    *,
    state_dir: Path,
    on_document: Callable[[Document], None],
    max_pages: int = 100,
    delay: float = 1.0,
    concurrency: int = 1,
    profile: str | None = None,
    allow_offsite: bool = False,
    user_agent: str = DEFAULT_USER_AGENT,
    timeout: float = 20,
    max_bytes: int = 10 * 1024 * 1024,
    progress: Callable | None = None,
    **options: Any,
) -> CrawlSummary:
    """Crawl the sites of ``start_urls`` and hand each Document to ``on_document``.

    ``state_dir`` holds the frontier, the raw pages and the run history.
    Called again with the same ``state_dir``:

    * after a kill or Ctrl-C, it resumes the interrupted run: nothing already
      fetched is fetched again, nothing already handed on is handed on again;
    * after a run that stopped at ``max_pages``, it goes on with the queue;
    * after a run that emptied its queue, it re-crawls from the start URLs with
      conditional GETs; unchanged pages are counted, not handed on again.

    With no ``start_urls``, the start URLs stored in ``state_dir`` are used.

    ``progress(summary, url, outcome)`` is called after each URL is settled.
    Further keyword options: see :class:`CrawlConfig` (retries, backoff,
    max_retry_after, max_redirects, max_depth, sitemaps, …).
    """
    unknown = set(options) - {f for f in CrawlConfig.__dataclass_fields__}
    if unknown:
        raise TypeError(f"unknown crawl options: {', '.join(sorted(unknown))}")
    for name in ("follow", "deny"):
        if isinstance(options.get(name), str):
            options[name] = (options[name],)
        elif name in options:
            options[name] = tuple(options[name] or ())
    config = CrawlConfig(
        max_pages=max_pages,
        delay=delay,
        concurrency=concurrency,
        profile=profile,
        allow_offsite=allow_offsite,
        user_agent=user_agent,
        timeout=timeout,
        max_bytes=max_bytes,
        **options,
    )
    return Crawler(Path(state_dir), on_document, config, progress).run(list(start_urls))


def crawl_status(state_dir: Path) -> dict[str, Any]:
    """What a state folder holds: start URLs, the last run, the frontier by state,
    stored pages by delivery state. Reads only; safe while a crawl runs."""
    path = Path(state_dir) / CrawlState.FILENAME
    if not path.exists():
        raise BadInput(f"no crawl state in {state_dir}")
    state = CrawlState(Path(state_dir), exclusive=False)
    try:
        db = state.db
        last = state.last_run()
        gen = last["gen"] if last is not None else 0
        frontier = {
            r[0]: r[1] for r in db.execute("SELECT state, COUNT(*) FROM urls WHERE gen = ? GROUP BY state", (gen,))
        }
        pages = {r[0]: r[1] for r in db.execute("SELECT doc_state, COUNT(*) FROM pages GROUP BY doc_state")}
        size = db.execute("SELECT COALESCE(SUM(size), 0), COALESCE(SUM(LENGTH(raw)), 0) FROM pages").fetchone()
        return {
            "start_urls": [r[0] for r in db.execute("SELECT url FROM seeds ORDER BY rowid")],
            "last_run": None
            if last is None
            else {
                "id": last["id"],
                "generation": last["gen"],
                "status": last["status"],
                "stopped_by": last["stopped_by"],
                "counters": json.loads(last["counters"] or "{}"),
            },
            "frontier": frontier,
            "pages": pages,
            "raw_bytes": size[0],
            "stored_bytes": size[1],
        }
    finally:
        state.close()


@dataclass
class ReextractSummary:
    pages: int = 0
    documents: int = 0
    no_document: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def reextract(
    state_dir: Path,
    on_document: Callable[[Document], None],
    *,
    profile: str | None = None,
    progress: Callable | None = None,
    strip_chrome: bool = False,
) -> ReextractSummary:
    """Run extraction again over every stored page and attachment (no network),
    handing each Document to ``on_document``. For an improved extractor or a
    different site profile. ``strip_chrome``: blocks repeated on the pages of a
    site that came before (in fetch order) are boilerplate."""
    chrome = SiteChrome() if strip_chrome else None
    path = Path(state_dir) / CrawlState.FILENAME
    if not path.exists():
        raise BadInput(f"no crawl state in {state_dir}")
    state = CrawlState(Path(state_dir), exclusive=False)
    out = ReextractSummary()
    try:
        rows = state.db.execute(
            "SELECT url, final_url, kind, parent, content_type FROM pages WHERE raw IS NOT NULL ORDER BY fetched_at, url"
        ).fetchall()
        for meta in rows:
            out.pages += 1
            page = state.page(meta["url"])
            if page is None:  # deleted since the listing
                continue
            try:
                docs, why_none = documents_from(
                    decompress(page["raw"]),
                    url=page["final_url"],
                    content_type=page["content_type"],
                    kind=page["kind"],
                    parent=page["parent"],
                    profile=profile,
                    chrome=chrome,
                )
            except Exception as exc:
                out.failed += 1
                reason = (
                    exc.message
                    if isinstance(exc, SourceError)
                    else f"extraction failed: {exc.__class__.__name__}: {exc}"
                )
                out.failures.append((page["url"], reason))
                continue
            if not docs:
                out.no_document += 1
            for doc in docs:
                on_document(doc)
                out.documents += 1
            if progress is not None:
                progress(out, page["url"], "documents" if docs else "no_document")
    finally:
        state.close()
    return out
