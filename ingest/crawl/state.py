"""Crawl state on disk: one SQLite file (WAL) under the state folder.

Tables
------
``runs``      one row per ``crawl()`` invocation chain: generation, page budget,
              status ("running" until it ends; a killed run stays "running"
              and the next call resumes it) and its counters.
``urls``      the frontier and its history: every URL ever queued, the
              generation it was last queued in, its state in that generation
              (queued / done / failed / skipped), attempts, next retry time and
              the reason of a failure or skip.
``pages``     the last response of every fetched URL: final URL, status,
              content type, ETag / Last-Modified (for conditional GETs), the
              raw body zlib-compressed (so extraction can be re-run without
              refetching), its hash, and whether its documents were handed on.
``seeds``     the start URLs, which define the sites the crawl stays within.

Every page is one transaction; the main thread is the only writer.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import time
import zlib
from pathlib import Path

from govtext.errors import BadInput

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    gen INTEGER NOT NULL,
    status TEXT NOT NULL,              -- running | finished
    stopped_by TEXT NOT NULL DEFAULT '',
    max_pages INTEGER NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    counters TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS seeds (url TEXT PRIMARY KEY, site TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,                -- page | attachment | sitemap
    host TEXT NOT NULL,
    depth INTEGER NOT NULL DEFAULT 0,
    parent TEXT NOT NULL DEFAULT '',
    gen INTEGER NOT NULL,              -- generation it was last queued in
    run INTEGER NOT NULL DEFAULT 0,    -- run that processed it
    state TEXT NOT NULL,               -- queued | done | failed | skipped
    outcome TEXT NOT NULL DEFAULT '',  -- new | updated | unchanged | not_modified | ...
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    alias_of TEXT NOT NULL DEFAULT ''  -- for a redirect target: the URL that redirected to it
);
CREATE INDEX IF NOT EXISTS urls_queue ON urls (gen, state, next_at, seq);
CREATE INDEX IF NOT EXISTS urls_run ON urls (run, state);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    final_url TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL DEFAULT '',
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    body_sha1 TEXT NOT NULL DEFAULT '',
    raw BLOB,                           -- zlib-compressed body
    size INTEGER NOT NULL DEFAULT 0,
    fetched_at REAL NOT NULL,
    checked_at REAL NOT NULL,
    doc_state TEXT NOT NULL DEFAULT 'pending',  -- pending | delivered | empty | error
    doc_hash TEXT NOT NULL DEFAULT '',
    doc_ids TEXT NOT NULL DEFAULT '[]',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS pages_doc_state ON pages (doc_state);
"""


def compress(raw: bytes) -> bytes:
    return zlib.compress(raw, 6)


def decompress(blob: bytes | None) -> bytes:
    return zlib.decompress(blob) if blob else b""


class CrawlState:
    """Thin wrapper over the state database; the crawler owns the transactions."""

    FILENAME = "crawl.sqlite"

    def __init__(self, state_dir: Path, *, exclusive: bool = True):
        self.dir = Path(state_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / self.FILENAME
        self._lock = None
        if exclusive:
            # one crawl per state folder; the OS drops the lock when the process dies (kill -9 too)
            self._lock = open(self.dir / "crawl.lock", "a+")
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self._lock.close()
                raise BadInput(f"another crawl is using the state folder {self.dir}") from None
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives the process being killed
        # (kill -9); only a power cut can take back the last few.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.executescript(SCHEMA)
        self.db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        self._seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM urls").fetchone()[0]
        self._maybe_waiting = True  # URLs waiting for a retry may exist (known after the first look)

    # -- transactions -------------------------------------------------
    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def close(self) -> None:
        try:
            self.rollback()
            self.db.close()
        finally:
            if self._lock is not None:
                self._lock.close()
                self._lock = None

    # -- runs ---------------------------------------------------------
    def last_run(self) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()

    def new_run(self, gen: int, max_pages: int) -> int:
        cur = self.db.execute(
            "INSERT INTO runs (gen, status, max_pages, started_at) VALUES (?, 'running', ?, ?)",
            (gen, max_pages, time.time()),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def save_counters(self, run_id: int, counters: dict) -> None:
        self.db.execute("UPDATE runs SET counters = ? WHERE id = ?", (json.dumps(counters), run_id))

    def finish_run(self, run_id: int, stopped_by: str, counters: dict) -> None:
        self.db.execute(
            "UPDATE runs SET status='finished', stopped_by=?, finished_at=?, counters=? WHERE id=?",
            (stopped_by, time.time(), json.dumps(counters), run_id),
        )

    # -- seeds --------------------------------------------------------
    def add_seed(self, url: str, site: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO seeds (url, site) VALUES (?, ?)", (url, site))

    def sites(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT site FROM seeds")}

    # -- frontier -----------------------------------------------------
    def enqueue(self, url: str, *, kind: str, host: str, gen: int, depth: int = 0, parent: str = "") -> bool:
        """Queue ``url`` for generation ``gen`` unless it was already queued in it.

        Returns True when it was newly queued."""
        row = self.db.execute("SELECT gen FROM urls WHERE url = ?", (url,)).fetchone()
        if row is not None and row["gen"] >= gen:
            return False
        self._seq += 1
        seq = self._seq
        if row is None:
            self.db.execute(
                "INSERT INTO urls (url, seq, kind, host, depth, parent, gen, state) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')",
                (url, seq, kind, host, depth, parent, gen),
            )
        else:
            self.db.execute(
                "UPDATE urls SET seq=?, kind=?, depth=?, parent=?, gen=?, state='queued', outcome='', "
                "attempts=0, next_at=0, reason='', run=0, alias_of='' WHERE url=?",
                (seq, kind, depth, parent, gen, url),
            )
        return True

    def seen(self, url: str, gen: int) -> bool:
        row = self.db.execute("SELECT gen FROM urls WHERE url = ?", (url,)).fetchone()
        return row is not None and row["gen"] >= gen

    def queued(self, gen: int, limit: int = 64) -> list[sqlite3.Row]:
        """Queued URLs: those waiting for a retry (soonest first), then the rest in queue order."""
        waiting = []
        if self._maybe_waiting:
            waiting = self.db.execute(
                "SELECT * FROM urls WHERE gen = ? AND state = 'queued' AND next_at > 0 ORDER BY next_at LIMIT ?",
                (gen, limit),
            ).fetchall()
            self._maybe_waiting = bool(waiting)
        fresh = self.db.execute(
            "SELECT * FROM urls WHERE gen = ? AND state = 'queued' AND next_at = 0 ORDER BY seq LIMIT ?",
            (gen, limit),
        ).fetchall()
        return waiting + fresh

    def queued_count(self, gen: int) -> int:
        return self.db.execute("SELECT COUNT(*) FROM urls WHERE gen = ? AND state = 'queued'", (gen,)).fetchone()[0]

    def processed_count(self, run_id: int) -> int:
        """Pages and attachments this run has finished with (success or failure)."""
        return self.db.execute(
            "SELECT COUNT(*) FROM urls WHERE run = ? AND kind != 'sitemap' AND state IN ('done', 'failed') "
            "AND alias_of = ''",
            (run_id,),
        ).fetchone()[0]

    def settle(self, url: str, *, run_id: int, state: str, outcome: str = "", reason: str = "") -> None:
        self.db.execute(
            "UPDATE urls SET state=?, outcome=?, reason=?, run=?, next_at=0 WHERE url=?",
            (state, outcome, reason[:500], run_id, url),
        )

    def mark_done_alias(self, url: str, *, alias_of: str, kind: str, host: str, gen: int, run_id: int) -> None:
        """Record ``url``, the target of a redirect from ``alias_of``, as handled in this generation."""
        self.enqueue(url, kind=kind, host=host, gen=gen)
        self.settle(url, run_id=run_id, state="done", outcome="redirect_target")
        self.db.execute("UPDATE urls SET alias_of = ? WHERE url = ?", (alias_of, url))

    def retry_later(self, url: str, *, at: float, reason: str) -> None:
        self._maybe_waiting = True
        self.db.execute(
            "UPDATE urls SET attempts = attempts + 1, next_at = ?, reason = ? WHERE url = ?",
            (at, reason[:500], url),
        )

    def failures(self, run_id: int) -> list[tuple[str, str]]:
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT url, reason FROM urls WHERE run = ? AND state = 'failed' ORDER BY seq", (run_id,)
            )
        ]

    # -- pages --------------------------------------------------------
    def page(self, url: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM pages WHERE url = ?", (url,)).fetchone()

    def save_page(
        self,
        url: str,
        *,
        final_url: str,
        kind: str,
        parent: str,
        status: int,
        content_type: str,
        etag: str,
        last_modified: str,
        body_sha1: str,
        raw: bytes,
    ) -> None:
        now = time.time()
        self.db.execute(
            "INSERT INTO pages (url, final_url, kind, parent, status, content_type, etag, last_modified, "
            "body_sha1, raw, size, fetched_at, checked_at, doc_state) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending') "
            "ON CONFLICT(url) DO UPDATE SET final_url=excluded.final_url, kind=excluded.kind, "
            "parent=excluded.parent, status=excluded.status, content_type=excluded.content_type, "
            "etag=excluded.etag, last_modified=excluded.last_modified, body_sha1=excluded.body_sha1, "
            "raw=excluded.raw, size=excluded.size, fetched_at=excluded.fetched_at, "
            "checked_at=excluded.checked_at, doc_state='pending', error=''",
            (
                url,
                final_url,
                kind,
                parent,
                status,
                content_type,
                etag,
                last_modified,
                body_sha1,
                compress(raw),
                len(raw),
                now,
                now,
            ),
        )

    def touch_page(self, url: str, *, etag: str | None, last_modified: str | None) -> None:
        self.db.execute(
            "UPDATE pages SET checked_at = ?, etag = COALESCE(?, etag), "
            "last_modified = COALESCE(?, last_modified) WHERE url = ?",
            (time.time(), etag, last_modified, url),
        )

    def set_doc_state(
        self, url: str, state: str, *, doc_hash: str | None = None, doc_ids: list[str] | None = None, error: str = ""
    ) -> None:
        self.db.execute(
            "UPDATE pages SET doc_state = ?, doc_hash = COALESCE(?, doc_hash), "
            "doc_ids = COALESCE(?, doc_ids), error = ? WHERE url = ?",
            (
                state,
                doc_hash,
                json.dumps(doc_ids, ensure_ascii=False) if doc_ids is not None else None,
                error[:500],
                url,
            ),
        )

    def pending_pages(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM pages WHERE doc_state = 'pending' ORDER BY fetched_at").fetchall()
