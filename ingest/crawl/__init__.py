"""The crawler: polite, resumable, within the start URLs' sites.

    from ingest.crawl import crawl
    summary = crawl(["https://www.gov.cn/zhengce/"], state_dir=Path("data/crawl"),
                    on_document=store.add, max_pages=500)
    print(summary.format())

Modules: ``urls`` (normalization, scope), ``robots`` (robots.txt via Protego),
``fetch`` (one HTTP exchange with limits, urllib3), ``links`` (links and
sitemaps), ``state`` (the SQLite frontier and page store), ``crawler`` (the
loop, the summary, ``reextract``).
"""

from ingest.crawl.crawler import (
    DEFAULT_USER_AGENT,
    CrawlConfig,
    CrawlSummary,
    ReextractSummary,
    crawl,
    crawl_status,
    documents_from,
    reextract,
)
from ingest.crawl.urls import normalize_url

__all__ = [
    "DEFAULT_USER_AGENT",
    "CrawlConfig",
    "CrawlSummary",
    "ReextractSummary",
    "crawl",
    "crawl_status",
    "documents_from",
    "normalize_url",
    "reextract",
]
