"""robots.txt, fetched once per host and crawl, parsed with Protego (Scrapy's
parser: wildcards, Allow/Disallow precedence, Crawl-delay, Sitemap lines).

Unavailability follows RFC 9309: a 4xx answer means no rules (everything may
be fetched); a 5xx answer, a timeout or a connection failure means the host is
treated as fully disallowed for this crawl.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from protego import Protego

from ingest.crawl.fetch import Fetcher

MAX_ROBOTS_BYTES = 500 * 1024


@dataclass
class HostRules:
    parser: Protego | None = None
    disallow_all_reason: str = ""
    sitemaps: list[str] = field(default_factory=list)
    crawl_delay: float | None = None

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.disallow_all_reason:
            return False
        if self.parser is None:
            return True
        return self.parser.can_fetch(url, user_agent)


class Robots:
    def __init__(self, fetcher: Fetcher, user_agent: str, *, attempts: int = 2, retry_wait: float = 1.0):
        self.fetcher = fetcher
        self.user_agent = user_agent
        self.attempts = attempts
        self.retry_wait = retry_wait
        self._rules: dict[str, HostRules] = {}
        self._lock = threading.Lock()
        self.requests = 0

    def known(self, origin: str) -> bool:
        return origin in self._rules

    def rules(self, origin: str) -> HostRules:
        """Rules for ``origin`` ("http://host:port"), fetching robots.txt when first asked."""
        with self._lock:
            rules = self._rules.get(origin)
            if rules is None:
                rules = self._load(origin)
                self._rules[origin] = rules
            return rules

    def allowed(self, url: str) -> bool:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        return self.rules(f"{parts.scheme}://{parts.netloc}").allowed(url, self.user_agent)

    def _load(self, origin: str) -> HostRules:
        url = origin + "/robots.txt"
        last_reason = ""
        for attempt in range(self.attempts):
            self.requests += 1
            res = self.fetcher.fetch(url, kind="robots")
            if res.outcome == "ok":
                text = res.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
                try:
                    parser = Protego.parse(text)
                except Exception:  # a robots.txt Protego cannot read: no rules
                    return HostRules()
                delay = parser.crawl_delay(self.user_agent)
                return HostRules(
                    parser=parser,
                    sitemaps=list(parser.sitemaps),
                    crawl_delay=float(delay) if delay is not None else None,
                )
            if res.outcome == "failed" and 400 <= res.status < 500:
                return HostRules()  # no robots.txt: everything allowed
            if res.outcome == "failed" and res.reason.startswith("too large"):
                return HostRules()
            last_reason = res.reason or res.outcome
            if res.outcome != "retry":
                break
            if attempt + 1 < self.attempts:
                time.sleep(self.retry_wait)
        return HostRules(disallow_all_reason=f"robots.txt unavailable ({last_reason})")
