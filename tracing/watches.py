"""Watches: a saved passage or query, and the newly ingested documents that reuse it.

Stored in the embedded store's SQLite file (tables ``tr_watch`` and
``tr_watch_hit``), so they survive restarts and every server worker sees
them. A watch remembers the store's change sequence when it was made; the
documents written after that (the store's ``changes`` log) are its
candidates. Reading a watch (``new``, the Atom feed, the page) first brings
it up to date: the documents changed since its last check are examined once,
and the ones that reuse the passage (containment or a near copy, as in
``trace``) or match the query are recorded with the reused text. Documents
deleted later stay in the feed, as feed entries do.

A query watch only looks at changes the search index has applied (its
watermark), so a document is never judged before it is searchable.
"""

from __future__ import annotations

import builtins
import html
import json
import re
from datetime import datetime, UTC

from govtext.errors import BackendError, BadInput, NotFound

from .source import EmbeddedSource
from .watch_rules import CHANGES_PER_STEP, KINDS, MAX_NAME, MAX_WATCHES, validate_watch

__all__ = ["CHANGES_PER_STEP", "KINDS", "MAX_NAME", "MAX_WATCHES", "Watches", "atom_feed", "watches_for"]
from .trace import find_paragraphs, match_paragraph, probe_of, _variant_span


_SCHEMA = """
CREATE TABLE IF NOT EXISTS tr_watch (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_seq INTEGER NOT NULL,
    checked_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tr_watch_hit (
    watch_id INTEGER NOT NULL REFERENCES tr_watch(id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    found_at TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    doc_type TEXT NOT NULL DEFAULT '',
    paragraph_index INTEGER,
    reused TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (watch_id, doc_id)
);
CREATE INDEX IF NOT EXISTS tr_watch_hit_seq ON tr_watch_hit (watch_id, seq);
"""


def watches_for(backend):
    """The watches of ``backend``: in the embedded store, or in the engine's watch indices."""
    if getattr(backend, "store", None) is None and hasattr(backend, "_existing"):
        from .watches_engine import EngineWatches

        return EngineWatches(backend)
    return Watches(backend)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Watches:
    """The watches of an embedded backend."""

    def __init__(self, backend):
        store = getattr(backend, "store", None)
        if store is None or not hasattr(store, "changes_since"):
            raise BackendError(
                "watches need the embedded store (its change log); this backend has none",
                code="watches_unavailable",
                status=501,
            )
        self.backend = backend
        self.store = store
        conn = store.conn
        for stmt in _SCHEMA.strip().split(";"):
            if stmt.strip():
                conn.execute(stmt)

    # -- create / read / delete ------------------------------------------------------
    def create(self, kind: str, text, name: str = "", max_query_chars: int = 500) -> dict:
        text = validate_watch(self.backend, kind, text, name, max_query_chars)
        with self.store.transaction() as conn:
            if conn.execute("SELECT COUNT(*) FROM tr_watch").fetchone()[0] >= MAX_WATCHES:
                raise BadInput(f"at most {MAX_WATCHES} watches; delete some first", code="too_many_watches")
            seq = self.store.last_seq()
            wid = conn.execute(
                "INSERT INTO tr_watch (kind, text, name, created_at, created_seq, checked_seq) VALUES (?,?,?,?,?,?)",
                (kind, text, name.strip(), _now(), seq, seq),
            ).lastrowid
        return self.get(wid)

    def _row(self, wid) -> dict:
        try:
            wid = int(wid)
        except (TypeError, ValueError):
            raise NotFound(f"no watch {str(wid)[:40]!r}") from None
        if not 0 < wid < 2**63:  # beyond SQLite's integers: no such watch (not an OverflowError)
            raise NotFound(f"no watch {str(wid)[:40]}")
        row = self.store.conn.execute("SELECT * FROM tr_watch WHERE id = ?", (wid,)).fetchone()
        if row is None:
            raise NotFound(f"no watch {wid}")
        return dict(row)

    def get(self, wid) -> dict:
        row = self._row(wid)
        row["hits"] = self.store.conn.execute(
            "SELECT COUNT(*) FROM tr_watch_hit WHERE watch_id = ?", (row["id"],)
        ).fetchone()[0]
        return row

    def list(self) -> list[dict]:
        rows = self.store.conn.execute(
            "SELECT w.*, (SELECT COUNT(*) FROM tr_watch_hit h WHERE h.watch_id = w.id) AS hits "
            "FROM tr_watch w ORDER BY w.id"
        ).fetchall()
        return [dict(r) for r in rows]

    def delete(self, wid) -> None:
        row = self._row(wid)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM tr_watch_hit WHERE watch_id = ?", (row["id"],))
            conn.execute("DELETE FROM tr_watch WHERE id = ?", (row["id"],))

    def new(self, wid, since: int = 0, limit: int = 100, newest: bool = False) -> dict:
        """The watch's hits after hit sequence ``since`` (oldest first), after a refresh;
        ``newest``: the latest ``limit`` hits (still oldest first), as a feed wants."""
        self.refresh(wid)
        watch = self.get(wid)
        order = "DESC" if newest else "ASC"
        rows = self.store.conn.execute(
            "SELECT doc_id, seq, found_at, title, date, region, doc_type, paragraph_index, reused "
            f"FROM tr_watch_hit WHERE watch_id = ? AND seq > ? ORDER BY seq {order}, doc_id {order} LIMIT ?",
            (watch["id"], max(0, min(int(since), 2**63 - 1)), int(limit)),
        ).fetchall()
        items = sorted((dict(r) for r in rows), key=lambda r: (r["seq"], r["doc_id"]))
        return {"watch": watch, "since": since, "items": items, "next_since": items[-1]["seq"] if items else since}

    # -- bringing a watch up to date ---------------------------------------------------
    def refresh(self, wid) -> int:
        """Examine the documents changed since the watch's last check; returns hits added."""
        watch = self._row(wid)
        added = 0
        while True:
            top = self._limit_seq(watch)
            ids, seq = self._changed(watch["checked_seq"], top)
            if seq <= watch["checked_seq"]:
                return added
            hits = self._passage_hits(watch, ids) if watch["kind"] == "passage" else self._query_hits(watch, ids)
            added += self._record(watch, hits, seq)
            watch["checked_seq"] = seq

    def _limit_seq(self, watch) -> int:
        if watch["kind"] == "query":
            index = getattr(self.backend, "index", None)
            if index is not None:
                catch = getattr(self.backend, "maybe_catch_up", None)
                if catch:
                    catch()
                return min(self.store.last_seq(), index.watermark)
        return self.store.last_seq()

    def _changed(self, after: int, top: int) -> tuple[builtins.list[str], int]:
        rows = self.store.conn.execute(
            "SELECT seq, doc_id FROM changes WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
            (after, top, CHANGES_PER_STEP),
        ).fetchall()
        if not rows:
            return [], after
        ids = list(dict.fromkeys(r[1] for r in rows))
        alive = self.store.get_many(ids, columns="id")
        return [d for d in ids if d in alive], rows[-1][0]

    def _record(self, watch: dict, hits: builtins.list[dict], seq: int) -> int:
        meta = self.store.get_many([h["doc_id"] for h in hits], columns="id, title, date, region, doc_type")
        now = _now()
        with self.store.transaction() as conn:
            before = conn.total_changes
            for h in hits:
                m = meta.get(h["doc_id"])
                if m is None:
                    continue
                conn.execute(
                    "INSERT OR IGNORE INTO tr_watch_hit (watch_id, doc_id, seq, found_at, title, date, region, "
                    "doc_type, paragraph_index, reused) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        watch["id"],
                        h["doc_id"],
                        seq,
                        now,
                        m["title"],
                        m["date"],
                        m["region"],
                        m["doc_type"],
                        h.get("paragraph_index"),
                        h.get("reused", "")[:2000],
                    ),
                )
            added = conn.total_changes - before
            conn.execute("UPDATE tr_watch SET checked_seq = MAX(checked_seq, ?) WHERE id = ?", (seq, watch["id"]))
        return added

    def _passage_hits(self, watch: dict, doc_ids: builtins.list[str]) -> builtins.list[dict]:
        if not doc_ids:
            return []
        source = EmbeddedSource(self.backend)
        _, q = probe_of(watch["text"])
        wanted: set[str] = set(doc_ids)
        best: dict[str, tuple] = {}
        # exact containment, paragraph by paragraph of the changed documents
        rows = source.conn.execute(
            "SELECT d.doc, p.idx, p.norm, p.text FROM json_each(?) j JOIN dd_doc d ON d.doc = j.value "
            "JOIN dd_para p ON p.did = d.did WHERE instr(p.norm, ?) > 0 ORDER BY p.idx",
            (json.dumps(doc_ids), q),
        ).fetchall()
        for doc, idx, norm, text in rows:
            if doc not in best:
                m = match_paragraph(q, norm, near=False)
                if m is not None:
                    best[doc] = (idx, text, m)
        # near copies, through the index's candidates
        found, _ = find_paragraphs(source, q)
        texts = None
        for pid, (row, kind, sim, a, b) in found.items():
            doc = row["doc_id"]
            if doc in wanted and doc not in best:
                texts = texts or source.texts({p: f[0] for p, f in found.items()})
                best[doc] = (row["paragraph_index"], texts.get(pid, ""), (kind, sim, a, b))
        out = []
        for doc, (idx, text, (_kind, _sim, a, b)) in best.items():
            variant, _, _ = _variant_span(text, a, b)
            out.append({"doc_id": doc, "paragraph_index": int(idx), "reused": variant})
        return out

    def _query_hits(self, watch: dict, doc_ids: builtins.list[str]) -> builtins.list[dict]:
        if not doc_ids:
            return []
        index = getattr(self.backend, "index", None)
        if index is None or not hasattr(index, "compile"):
            raise BackendError("query watches need the embedded search index", code="watches_unavailable", status=501)
        import tantivy

        from search.query import parse_query
        from search.snippets import snippet

        settings = self.backend.settings
        parsed = parse_query(watch["text"], settings.config_dir, max(settings.max_query_chars, len(watch["text"])))
        Q, O = tantivy.Query, tantivy.Occur
        only = Q.term_set_query(index.schema, "id", doc_ids)
        query = Q.boolean_query([(O.Must, index.compile(parsed.root)), (O.Must, only)])
        ranked, _ = index.search(query, limit=len(doc_ids))
        rows = self.store.get_many([d for d, _ in ranked], columns="id, text")
        out = []
        for doc_id, _ in ranked:
            if doc_id in rows:
                plain = html.unescape(re.sub(r"</?mark>", "", snippet(rows[doc_id]["text"], parsed.highlight_terms)))
                out.append({"doc_id": doc_id, "paragraph_index": None, "reused": plain})
        return out


def atom_feed(result: dict, base_url: str) -> str:
    """The watch's hits as an Atom 1.0 feed (newest first)."""
    esc = html.escape
    watch = result["watch"]
    title = watch["name"] or ("提法: " if watch["kind"] == "passage" else "检索: ") + watch["text"][:40]
    updated = max([i["found_at"] for i in result["items"]] + [watch["created_at"]])
    feed_id = f"{base_url}/watches/{watch['id']}"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{esc(title)}</title>",
        f"<id>{esc(feed_id)}</id>",
        f"<updated>{esc(updated)}</updated>",
        f'<link rel="self" href="{esc(base_url)}/api/v1/watches/{watch["id"]}/feed.atom"/>',
        f'<link rel="alternate" href="{esc(feed_id)}"/>',
        "<author><name>govtext</name></author>",
    ]
    for item in reversed(result["items"]):
        link = f"{base_url}/documents/{item['doc_id']}"
        summary = " · ".join(x for x in (item["region"], item["date"], item["doc_type"]) if x)
        parts.append(
            f"<entry><title>{esc(item['title'] or item['doc_id'])}</title><id>{esc(feed_id)}/{esc(item['doc_id'])}</id>"
            f'<updated>{esc(item["found_at"])}</updated><link href="{esc(link)}"/>'
            f"<summary>{esc(summary)}：{esc(item['reused'][:500])}</summary></entry>"
        )
    parts.append("</feed>\n")
    return "\n".join(parts)
