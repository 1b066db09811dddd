"""Settings read from the environment, with documented defaults in one place."""

from __future__ import annotations

import os
from functools import lru_cache
from dataclasses import dataclass, field, fields
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
_DEFAULT_CONFIG_DIR = str(REPO_ROOT / "index_config")


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def config_dir() -> Path:
    """``load_settings().config_dir`` without building all the settings (the NLP stages look it up per call)."""
    return _path(_env("GOVTEXT_CONFIG_DIR", _DEFAULT_CONFIG_DIR))


def config_file(name: str, folder: Path | None = None) -> Path:
    """``folder / name`` (``folder`` default: :func:`config_dir`), the same object for the same arguments:
    the NLP stages look their files up per document and check whether they changed."""
    return _joined(config_dir() if folder is None else folder, name)


@lru_cache(maxsize=64)
def _path(value: str) -> Path:
    return Path(value)


@lru_cache(maxsize=256)
def _joined(folder: Path | str, name: str) -> Path:
    return Path(folder) / name


@dataclass(frozen=True)
class Settings:
    #: folder of the embedded store (SQLite file + tantivy index)
    data_dir: Path = field(default_factory=lambda: Path(_env("GOVTEXT_DATA", "data")))
    #: "embedded" (SQLite + tantivy), "elasticsearch" or "opensearch"
    backend: str = field(default_factory=lambda: _env("GOVTEXT_BACKEND", "embedded"))
    #: Elasticsearch URL, used when backend == "elasticsearch"
    es_url: str = field(default_factory=lambda: _env("GOVTEXT_ES_URL", ""))
    #: Elasticsearch API key (alternative to credentials in the URL)
    es_api_key: str = field(default_factory=lambda: _env("GOVTEXT_ES_API_KEY", ""))
    #: OpenSearch URL, used when backend == "opensearch" (search/opensearch.py)
    opensearch_url: str = field(default_factory=lambda: _env("GOVTEXT_OPENSEARCH_URL", ""))
    #: prefix of the Elasticsearch / OpenSearch indices and aliases
    es_prefix: str = field(default_factory=lambda: _env("GOVTEXT_ES_PREFIX", "govtext"))
    #: folder of data files: user dictionary, taxonomy, stopwords, synonyms
    config_dir: Path = field(default_factory=lambda: config_dir())
    #: bearer token required for write endpoints; empty disables writes over HTTP
    api_token: str = field(default_factory=lambda: _env("GOVTEXT_API_TOKEN", ""))
    #: require the token for reads too
    read_token_required: bool = field(
        default_factory=lambda: _env("GOVTEXT_READ_TOKEN_REQUIRED", "0") in ("1", "true", "yes")
    )
    #: longest accepted search query, in characters
    max_query_chars: int = field(default_factory=lambda: int(_env("GOVTEXT_MAX_QUERY_CHARS", "500")))
    #: MiB of the SQLite store each connection reads through a memory map (0: plain reads); the
    #: pages are the OS's file cache, shared by every worker, not copied per process
    sqlite_mmap_mb: int = field(default_factory=lambda: int(_env("GOVTEXT_SQLITE_MMAP_MB", "1024")))
    #: MiB of SQLite page cache a connection keeps once it writes (SQLite's default: 2): an ingest
    #: batch touches tens of MiB of pages, and with a small cache it spills changed pages to the
    #: write-ahead log and reads them back within the transaction (half the ingest's reads)
    sqlite_write_cache_mb: int = field(default_factory=lambda: int(_env("GOVTEXT_SQLITE_WRITE_CACHE_MB", "64")))
    #: after an ingest, merge the duplicate index's newest posting segments from the oldest one
    #: holding at most this many times the newer ones (dedup/postings.py compaction_plan; 0: off)
    compact_ratio: float = field(default_factory=lambda: float(_env("GOVTEXT_COMPACT_RATIO", "3")))
    #: ... when the merged segments hold at least this many postings together (smaller segments
    #: are searched within the CPU caches and are left to the write path's tiers)
    compact_min_postings: int = field(default_factory=lambda: int(_env("GOVTEXT_COMPACT_MIN_POSTINGS", "262144")))
    #: largest accepted draft for a duplicate check, in characters
    max_draft_chars: int = field(default_factory=lambda: int(_env("GOVTEXT_MAX_DRAFT_CHARS", "100000")))
    #: largest accepted HTTP request body, in bytes
    max_request_bytes: int = field(default_factory=lambda: int(_env("GOVTEXT_MAX_REQUEST_BYTES", str(8 * 1024 * 1024))))
    #: largest document text accepted by ingest, in characters (longer is refused)
    max_doc_chars: int = field(default_factory=lambda: int(_env("GOVTEXT_MAX_DOC_CHARS", "2000000")))
    #: documents per store transaction during ingest
    ingest_batch: int = field(default_factory=lambda: int(_env("GOVTEXT_INGEST_BATCH", "200")))
    #: processes that tag documents during a bulk ingest (0 or 1: tag in the ingesting process)
    ingest_workers: int = field(default_factory=lambda: int(_env("GOVTEXT_INGEST_WORKERS", str(os.cpu_count() or 1))))
    #: use rjieba (jieba-rs) where it was verified to segment like jieba
    fast_segmenter: bool = field(default_factory=lambda: _env("GOVTEXT_FAST_SEGMENTER", "1") != "0")

    #: tag themes/keywords/entities at ingest (0 to load fast and tag later with `govtext retag`)
    analyze: bool = field(default_factory=lambda: _env("GOVTEXT_ANALYZE", "1") != "0")
    #: `govtext serve` writes one access-log line per request to stderr
    access_log: bool = field(default_factory=lambda: _env("GOVTEXT_ACCESS_LOG", "0") == "1")

    #: crawls count blocks repeated across a site's pages as boilerplate (ingest/chrome.py; crawl --strip-chrome)
    strip_chrome: bool = field(default_factory=lambda: _env("GOVTEXT_STRIP_CHROME", "0") in ("1", "true", "yes"))

    #: the extractor's learned page-kind model (ingest/pagekind.py) may refuse a non-article its rules keep
    #: (off: leave-site-out with the rule chosen inside the folds it lost 6 of 374 articles for 3 refusals)
    page_kind: bool = field(default_factory=lambda: _env("GOVTEXT_PAGE_KIND", "1") in ("1", "true", "yes"))

    #: ingest drops toolbar/breadcrumb lines (下载 打印 【字号：…】, 首页 > …) at the head and tail of given text
    strip_given_chrome: bool = field(default_factory=lambda: _env("GOVTEXT_STRIP_GIVEN_CHROME", "1") != "0")

    #: mark the session cookie Secure (set to 1 when served over HTTPS, e.g. behind nginx with TLS)
    cookie_secure: bool = field(default_factory=lambda: _env("GOVTEXT_COOKIE_SECURE", "0") == "1")

    #: `govtext serve` puts its buffering front (service/front.py) before gunicorn (0: gunicorn alone,
    #: for a deployment behind nginx, see deploy/nginx.conf)
    front: bool = field(default_factory=lambda: _env("GOVTEXT_FRONT", "1") != "0")
    #: the Rust kernels of native/ when installed (0: dedup and the rerank run their Python code)
    native: bool = field(
        default_factory=lambda: _env("GOVTEXT_NATIVE", "1").strip().lower() not in ("0", "false", "no")
    )
    #: seconds a client has to send a request's head (the body then needs 50 kB/s)
    header_timeout: float = field(default_factory=lambda: float(_env("GOVTEXT_HEADER_TIMEOUT", "10")))
    #: open client connections the front accepts, in all and per client address
    max_connections: int = field(default_factory=lambda: int(_env("GOVTEXT_MAX_CONNECTIONS", "1024")))
    max_connections_per_client: int = field(
        default_factory=lambda: int(_env("GOVTEXT_MAX_CONNECTIONS_PER_CLIENT", "64"))
    )

    #: per client address and minute: bytes of drafts the duplicate check takes (an export counts 300 kB)
    check_bytes_per_minute: int = field(default_factory=lambda: int(_env("GOVTEXT_CHECK_BYTES_PER_MINUTE", "3000000")))
    #: duplicate checks and exports running at once in one server process
    expensive_concurrency: int = field(default_factory=lambda: int(_env("GOVTEXT_EXPENSIVE_CONCURRENCY", "2")))

    #: the shared folder of labelled-text sources (corpus, seeds), for evaluation and benchmarks
    shared_dir: Path = field(default_factory=lambda: Path(_env("GOVTEXT_SHARED", str(REPO_ROOT.parent / "shared"))))

    def replace(self, **changes) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        if "data_dir" in changes:
            values["data_dir"] = Path(values["data_dir"])
        return Settings(**values)


def load_settings(**overrides) -> Settings:
    return Settings().replace(**overrides) if overrides else Settings()
