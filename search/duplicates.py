"""The embedded backend's duplicate detection: dedup/ over the store's SQLite file.

The dedup tables live in the same SQLite file as the documents and are
written in the same transaction (a store write hook), so a document is never
stored without its fingerprints or the other way round. Search collapses by
the group ids read here at query time, so a group that grows after a
document was indexed needs no re-indexing.
"""

from __future__ import annotations

import sqlite3
import threading

from dedup.check import check_draft
from dedup.index import DedupIndex, DedupParamsChanged
from dedup.titles import title_check_sources, title_occurrences
from govtext.documents import Document
from govtext.errors import BackendError
from search.boilerplate import BoilerplateQuery
from search.store import Store

#: documents fingerprinted per batch when the dedup tables are rebuilt
REBUILD_BATCH = 200


class StoreDuplicates:
    def __init__(self, store: Store, site_of):
        self.store = store
        self.site_of = site_of
        self._local = threading.local()

    def index(self) -> DedupIndex:
        """The dedup index on this thread's connection (SQLite connections are per thread)."""
        conn = self.store.conn
        cached = getattr(self._local, "pair", None)
        if cached is None or cached[0] is not conn:
            try:
                cached = (conn, DedupIndex(conn))
            except DedupParamsChanged as exc:
                raise BackendError(f"{exc.message} — run `govtext reindex`", code="dedup_rebuild_needed") from None
            self._local.pair = cached
        return cached[1]

    # -- writes (inside the store's transaction) ------------------------------------
    def on_write(self, conn: sqlite3.Connection, written: list[tuple[Document, list[str]]], removed: list[str]) -> None:
        index = DedupIndex(conn, on_mismatch="raise")
        for doc_id in removed:
            index.remove_document(doc_id)
        index.add_documents([(doc.id, paragraphs, self.site_of(doc.url, doc.source)) for doc, paragraphs in written])

    def rebuild(self, progress=None) -> int:
        """Fingerprint every stored document again (after a scheme change)."""
        count = 0
        with self.store.transaction() as conn:
            index = DedupIndex(conn, on_mismatch="reset")
            index.reset()
            batch = []
            for stored in self.store.iter_documents():
                doc = stored.document
                batch.append((doc.id, stored.paragraphs, self.site_of(doc.url, doc.source)))
                if len(batch) >= REBUILD_BATCH:
                    count += self._add(index, batch, progress)
            count += self._add(index, batch, progress)
        self._local.pair = None
        return count

    def compact(self) -> dict[str, dict[str, int]]:
        """Merge the posting segments into one per kind (``DedupIndex.compact``), in one
        store transaction: a draft check then searches two segments instead of a dozen."""
        with self.store.transaction() as conn:
            return DedupIndex(conn, on_mismatch="raise").compact()

    def maybe_compact(self, ratio: float, min_postings: int) -> dict[str, dict[str, int]]:
        """Size-tiered compaction after an ingest (``DedupIndex.auto_compact``): built
        without the write lock, swapped in one short store transaction."""
        if ratio <= 0 or self.store.readonly:
            return {}
        return self.index().auto_compact(self.store.transaction, ratio, min_postings)

    def warm_text_files(self) -> int:
        """The candidate text files of the store written now (``DedupIndex.warm_text_files``)."""
        return self.index().warm_text_files()

    @staticmethod
    def _add(index: DedupIndex, batch: list, progress) -> int:
        index.add_documents(batch)
        n = len(batch)
        batch.clear()
        if progress and n:
            progress(n)
        return n

    def needs_rebuild(self) -> bool:
        try:
            DedupIndex(self.store.conn)
        except DedupParamsChanged:
            return True
        return False

    # -- reads ---------------------------------------------------------------------
    def group_of(self, doc_id: str) -> tuple[str, int]:
        found = self.index().group_of(doc_id)
        return found if found is not None else (doc_id, 1)

    def groups_of(self, doc_ids: list[str]) -> dict[str, tuple[str, int]]:
        found = self.index().groups_of(doc_ids)
        return {d: found.get(d, (d, 1)) for d in doc_ids}

    def group_members(self, group_id: str) -> list[str]:
        return self.index().group_members(group_id)

    def titles(self, doc_ids) -> dict[str, str]:
        rows = self.store.get_many(list(dict.fromkeys(doc_ids)), columns="id, title")
        return {k: r["title"] for k, r in rows.items()}

    def check(self, text, quotes_as_citation: bool = False, max_chars: int = 200000, **options) -> dict:
        report = check_draft(self.index(), text, quotes_as_citation=quotes_as_citation, max_chars=max_chars, **options)
        return title_check_sources(report, self.titles)

    def boilerplate(self, min_docs: int = 3, limit: int = 50, **filters) -> list[dict]:
        """DedupIndex.boilerplate with the 套话库's filters (search/boilerplate.py)."""
        bq = BoilerplateQuery(min_docs=min_docs, limit=limit, **filters)
        docs = None
        if bq.by_document:
            docs = [
                r["id"]
                for r in self.store.conn.execute("SELECT id, region, doc_type, date, analysis_json FROM documents")
                if bq.doc_matches(r["region"], r["doc_type"], r["date"], r["analysis_json"])
            ]
        items = self.index().boilerplate(
            min_docs=bq.min_docs,
            limit=bq.limit,
            offset=bq.offset,
            q=bq.q,
            kind=bq.kind,
            docs=docs,
            variants=bq.variants,
        )
        return title_occurrences(items, self.titles)

    def copies(self, doc_id: str) -> list[dict]:
        group_id, _ = self.group_of(doc_id)
        members = self.group_members(group_id) or [doc_id]
        rows = self.store.get_many(members, columns="id, title, url, date, source")
        return [
            {
                "id": m,
                "title": rows[m]["title"],
                "url": rows[m]["url"],
                "date": rows[m]["date"],
                "source": rows[m]["source"],
            }
            for m in members
            if m in rows
        ]

    def recurrence(self, doc_id: str) -> list[int]:
        return self.index().paragraph_recurrence(doc_id)

    def stats(self) -> dict:
        return self.index().stats()
