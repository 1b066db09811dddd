"""The SQLite store: the source of truth for documents and paragraphs.

WAL mode, one file ``govtext.sqlite3`` in the data folder. Every write goes
through :meth:`Store.write_batch`, one transaction per batch, and appends the
touched document ids to ``changes``; the search index follows that log (see
``search/embedded.py``), so a crash between the two is caught up on start.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator

from govtext.documents import Document
from govtext.sqlite_tx import immediate
from search.backend import WriteSummary
from search.versions import edition_status

SCHEMA_VERSION = 2

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        date TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        region TEXT NOT NULL DEFAULT '',
        doc_type TEXT NOT NULL DEFAULT '',
        meta_json TEXT NOT NULL DEFAULT '{}',
        analysis_json TEXT NOT NULL DEFAULT '{}',
        content_hash TEXT NOT NULL,
        chars INTEGER NOT NULL,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE paragraphs (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (doc_id, idx)
    ) WITHOUT ROWID;
    CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL
    );
    CREATE INDEX changes_doc ON changes(doc_id);
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # the editions of one law (search/versions.py), filled by Store.edition_key_of; the index
    # covers what Store.editions_of reads, so a result page's lookup never reads a document row
    2: """
    ALTER TABLE documents ADD COLUMN edition_key TEXT NOT NULL DEFAULT '';
    CREATE INDEX documents_edition ON documents(edition_key, date, id, title) WHERE edition_key != '';
    """,
}
EDITION_SCHEME_KEY = "edition_scheme"


@dataclass
class StoredDocument:
    document: Document
    paragraphs: list[str]
    analysis: dict
    added_at: str
    updated_at: str

    def to_dict(self) -> dict:
        data = self.document.to_dict()
        data["paragraphs"] = self.paragraphs
        data["analysis"] = self.analysis
        data["added_at"] = self.added_at
        data["updated_at"] = self.updated_at
        return data


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    FILENAME = "govtext.sqlite3"

    def __init__(
        self,
        data_dir: Path,
        readonly: bool = False,
        edition_key: Callable[[str, str, str, dict], str] | None = None,
        edition_scheme: str = "",
        mmap_mb: int = 0,
        write_cache_mb: int = 0,
    ):
        """``mmap_mb``: read the file through a memory map of up to that many MiB (a search
        reads tens of texts: about a quarter less CPU than SQLite's read() per page).
        ``write_cache_mb``: a connection's page cache from its first write transaction on (0:
        SQLite's default); reading connections keep the default."""
        self.path = Path(data_dir) / self.FILENAME
        self.mmap_bytes = max(0, mmap_mb) * 1024 * 1024
        self.write_cache_kib = max(0, write_cache_mb) * 1024
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self.readonly = readonly
        #: a document's edition key (search/versions.py) from its title, region, doc_type and
        #: analysis; '' without one
        self.edition_key_of = edition_key or (lambda title, region, doc_type, analysis: "")
        self.edition_scheme = edition_scheme
        #: callbacks run inside each write transaction: fn(conn, written, removed_ids)
        self.write_hooks: list[Callable[[sqlite3.Connection, list[tuple[Document, list[str]]], list[str]], None]] = []
        if not readonly:
            self.migrate()

    # -- connections -------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            if self.mmap_bytes:
                conn.execute(f"PRAGMA mmap_size={self.mmap_bytes}")
            self._local.conn = conn
        return conn

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        conn = self.conn
        if self.write_cache_kib and not getattr(self._local, "write_cache", False):
            # a batch changes more pages than SQLite's default cache holds: spilled to the log
            # mid-transaction, they are read back from it (the commit and its durability are the same)
            conn.execute(f"PRAGMA cache_size=-{self.write_cache_kib}")
            self._local.write_cache = True
        return immediate(conn)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            self._local.write_cache = False

    # -- schema ------------------------------------------------------------
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        with self.transaction() as conn:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise RuntimeError(f"{self.path} has schema {current}, newer than this govtext ({SCHEMA_VERSION})")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
            if self.edition_scheme and self._kv(conn, EDITION_SCHEME_KEY) != self.edition_scheme:
                self._fill_edition_keys(conn)

    def _fill_edition_keys(self, conn: sqlite3.Connection) -> None:
        """Key every stored document (a store made before the keys, or with another scheme)."""
        changed: list[tuple[str, str]] = []
        touched: set[str] = set()
        for r in conn.execute("SELECT id, title, region, doc_type, analysis_json, edition_key FROM documents"):
            key = self.edition_key_of(r["title"], r["region"], r["doc_type"], json.loads(r["analysis_json"]))
            if key != r["edition_key"]:
                changed.append((key, r["id"]))
                touched.update((key, r["edition_key"]))
        conn.executemany("UPDATE documents SET edition_key = ? WHERE id = ?", changed)
        conn.executemany("INSERT INTO changes(doc_id) VALUES (?)", [(doc_id,) for _, doc_id in changed])
        self._log_editions(conn, touched, {doc_id for _, doc_id in changed})
        conn.execute("INSERT OR REPLACE INTO kv(key, value) VALUES (?, ?)", (EDITION_SCHEME_KEY, self.edition_scheme))

    # -- key/value ---------------------------------------------------------
    @staticmethod
    def _kv(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- writes ------------------------------------------------------------
    def write_batch(self, items: Iterable[tuple[Document, list[str], dict]]) -> WriteSummary:
        """Insert or replace documents in one transaction; unchanged ones are skipped."""
        result = WriteSummary()
        now = _now()
        written: list[tuple[Document, list[str]]] = []
        touched_keys: set[str] = set()
        with self.transaction() as conn:
            for doc, paragraphs, analysis in items:
                digest = doc.content_hash
                row = conn.execute(
                    "SELECT content_hash, added_at, edition_key, date FROM documents WHERE id = ?", (doc.id,)
                ).fetchone()
                if row and row["content_hash"] == digest:
                    result.unchanged += 1
                    continue
                added_at = row["added_at"] if row else now
                key = self.edition_key_of(doc.title, doc.region, doc.doc_type, analysis)
                if row is None or (row["edition_key"], row["date"]) != (key, doc.date):  # editions' statuses move
                    touched_keys.update((row["edition_key"] if row else "", key))
                conn.execute("DELETE FROM paragraphs WHERE doc_id = ?", (doc.id,))
                conn.execute(
                    """INSERT INTO documents(id, title, text, url, date, source, region, doc_type, meta_json,
                           analysis_json, content_hash, chars, added_at, updated_at, edition_key)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                       ON CONFLICT(id) DO UPDATE SET title=excluded.title, text=excluded.text, url=excluded.url,
                           date=excluded.date, source=excluded.source, region=excluded.region,
                           doc_type=excluded.doc_type, meta_json=excluded.meta_json,
                           analysis_json=excluded.analysis_json, content_hash=excluded.content_hash,
                           chars=excluded.chars, updated_at=excluded.updated_at,
                           edition_key=excluded.edition_key""",
                    (
                        doc.id,
                        doc.title,
                        doc.text,
                        doc.url,
                        doc.date,
                        doc.source,
                        doc.region,
                        doc.doc_type,
                        json.dumps(doc.meta, ensure_ascii=False),
                        json.dumps(analysis, ensure_ascii=False),
                        digest,
                        len(doc.text),
                        added_at,
                        now,
                        key,
                    ),
                )
                conn.executemany(
                    "INSERT INTO paragraphs(doc_id, idx, text) VALUES (?, ?, ?)",
                    [(doc.id, i, p) for i, p in enumerate(paragraphs)],
                )
                conn.execute("INSERT INTO changes(doc_id) VALUES (?)", (doc.id,))
                written.append((doc, paragraphs))
                if row:
                    result.updated += 1
                else:
                    result.added += 1
            self._log_editions(conn, touched_keys, {d.id for d, _ in written})
            for hook in self.write_hooks:
                hook(conn, written, [])
        return result

    @staticmethod
    def _log_editions(conn: sqlite3.Connection, keys: set[str], logged: set[str]) -> None:
        """Log for the index the other editions of the keys a write touched: a new, changed or
        removed edition changes their status (search/versions.py ``edition_status``)."""
        wanted = sorted(keys - {""})
        for chunk, marks in _in_chunks(wanted):
            siblings = conn.execute(
                f"SELECT id FROM documents WHERE edition_key IN ({marks}) AND edition_key != '' ORDER BY id", chunk
            ).fetchall()
            conn.executemany(
                "INSERT INTO changes(doc_id) VALUES (?)", [(r[0],) for r in siblings if r[0] not in logged]
            )

    def delete(self, doc_ids: Iterable[str]) -> int:
        removed = []
        keys: set[str] = set()
        with self.transaction() as conn:
            for doc_id in doc_ids:
                row = conn.execute("SELECT edition_key FROM documents WHERE id = ?", (doc_id,)).fetchone()
                if row is not None and conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,)).rowcount:
                    conn.execute("INSERT INTO changes(doc_id) VALUES (?)", (doc_id,))
                    removed.append(doc_id)
                    keys.add(row["edition_key"])
            self._log_editions(conn, keys, set(removed))
            for hook in self.write_hooks:
                hook(conn, [], removed)
        return len(removed)

    def set_analysis(self, updates: Iterable[tuple[str, dict]]) -> int:
        """Replace the stored analysis of documents (re-tagging) and log them for the index."""
        count = 0
        with self.transaction() as conn:
            keys: set[str] = set()
            logged: set[str] = set()
            for doc_id, analysis in updates:
                row = conn.execute(
                    "SELECT title, region, doc_type, edition_key FROM documents WHERE id = ?", (doc_id,)
                ).fetchone()
                if row is None:
                    continue
                key = self.edition_key_of(row["title"], row["region"], row["doc_type"], analysis)
                n = conn.execute(
                    "UPDATE documents SET analysis_json = ?, edition_key = ? WHERE id = ?",
                    (json.dumps(analysis, ensure_ascii=False), key, doc_id),
                ).rowcount
                if n:
                    conn.execute("INSERT INTO changes(doc_id) VALUES (?)", (doc_id,))
                    count += 1
                    logged.add(doc_id)
                    if key != row["edition_key"]:  # the type the tagger found moved it between keys
                        keys.update((key, row["edition_key"]))
            self._log_editions(conn, keys, logged)
        return count

    # -- reads -------------------------------------------------------------
    def _row_to_document(self, row: sqlite3.Row) -> Document:
        return Document(
            text=row["text"],
            id=row["id"],
            title=row["title"],
            url=row["url"],
            date=row["date"],
            source=row["source"],
            region=row["region"],
            doc_type=row["doc_type"],
            meta=json.loads(row["meta_json"]),
        )

    def get(self, doc_id: str) -> StoredDocument | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        paragraphs = [
            r[0] for r in self.conn.execute("SELECT text FROM paragraphs WHERE doc_id = ? ORDER BY idx", (doc_id,))
        ]
        return StoredDocument(
            self._row_to_document(row), paragraphs, json.loads(row["analysis_json"]), row["added_at"], row["updated_at"]
        )

    def get_many(
        self, doc_ids: list[str], columns: str = "id, title, url, date, source, region, doc_type, analysis_json, text"
    ) -> dict[str, sqlite3.Row]:
        rows = {}
        for chunk, marks in _in_chunks(doc_ids):
            for row in self.conn.execute(f"SELECT {columns} FROM documents WHERE id IN ({marks})", chunk):
                rows[row["id"]] = row
        return rows

    def editions_of(self, doc_ids: list[str], shared: bool = False) -> dict[str, list[sqlite3.Row]]:
        """id -> the documents sharing its edition key, one per date (itself for its own;
        id, title, date), for the ids that have a key: one indexed query for a result page.
        ``shared``: only for the ids whose key has another date (a page's hits are mostly
        sole editions or copies of one: one probe of the key's index each, not the grouped
        join)."""
        out: dict[str, list[sqlite3.Row]] = {}
        if shared:
            doc_ids = self._sharing_a_key(doc_ids)
        for chunk, marks in _in_chunks(doc_ids):
            for row in self.conn.execute(
                f"""SELECT p.id AS asked, COALESCE(MAX(CASE WHEN d.id = p.id THEN d.id END), MIN(d.id)) AS id,
                           MIN(d.title) AS title, d.date AS date
                    FROM documents p JOIN documents d ON d.edition_key = p.edition_key AND d.edition_key != ''
                    WHERE p.id IN ({marks}) AND p.edition_key != ''
                    GROUP BY p.id, d.date""",
                chunk,
            ):
                out.setdefault(row["asked"], []).append(row)
        return out

    def _sharing_a_key(self, doc_ids: list[str]) -> list[str]:
        """The ids among ``doc_ids`` whose edition key some document of another date has too."""
        out: list[str] = []
        for chunk, marks in _in_chunks(doc_ids):
            out += [
                r[0]
                for r in self.conn.execute(
                    f"""SELECT p.id FROM documents p WHERE p.id IN ({marks}) AND p.edition_key != ''
                        AND EXISTS (SELECT 1 FROM documents d WHERE d.edition_key = p.edition_key
                                    AND d.edition_key != '' AND d.date != p.date)""",
                    chunk,
                )
            ]
        return out

    def edition_statuses(self, doc_ids: list[str]) -> dict[str, str]:
        """id -> its edition status (search/versions.py ``edition_status``; '' without an
        edition key), from its editions' dates: one indexed query per 500 ids."""
        found = self.editions_of(doc_ids)
        out = {}
        for doc_id in doc_ids:
            rows = found.get(doc_id) or []
            own = next((r["date"] for r in rows if r["id"] == doc_id), "")
            out[doc_id] = edition_status(own, [r["date"] for r in rows])
        return out

    def iter_documents(self, after_id: str = "") -> Iterator[StoredDocument]:
        """Every document in id order, read in pages so memory stays flat."""
        last = after_id
        while True:
            ids = [
                r[0] for r in self.conn.execute("SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT 200", (last,))
            ]
            if not ids:
                return
            for doc_id in ids:
                stored = self.get(doc_id)
                if stored is not None:
                    yield stored
            last = ids[-1]

    def iter_texts(self) -> Iterator[str]:
        """Every document's text in id order (what :meth:`iter_documents` gives as ``text``), read
        in pages without the paragraphs and the other columns."""
        last = ""
        while True:
            rows = self.conn.execute(
                "SELECT id, text FROM documents WHERE id > ? ORDER BY id LIMIT 200", (last,)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield row[1]
            last = rows[-1][0]

    def last_seq(self) -> int:
        row = self.conn.execute("SELECT MAX(seq) FROM changes").fetchone()
        return row[0] or 0

    def changes_since(self, seq: int, limit: int = 1000) -> tuple[list[str], int]:
        """Distinct doc ids changed after ``seq`` (up to ``limit`` log rows) and the new watermark."""
        rows = self.conn.execute(
            "SELECT seq, doc_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
        ).fetchall()
        if not rows:
            return [], seq
        return list(dict.fromkeys(r[1] for r in rows)), rows[-1][0]

    def document_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def count(self) -> dict:
        docs, chars = self.conn.execute("SELECT COUNT(*), COALESCE(SUM(chars), 0) FROM documents").fetchone()
        paragraphs = self.conn.execute("SELECT COUNT(*) FROM paragraphs").fetchone()[0]
        return {"documents": docs, "paragraphs": paragraphs, "characters": chars}

    def size_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                total += p.stat().st_size
        return total


def _in_chunks(values: list[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """``values`` (ids, keys) in slices small enough for one statement's parameters, each with its
    ``?,?,…`` placeholders for ``IN (…)``."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))
