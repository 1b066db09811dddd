"""The embedded backend: SQLite store (truth) + tantivy index (derived).

Writes go to the store first, in one transaction per batch, then the index
follows the store's change log up to a watermark. If the process dies in
between, the next writer to open the backend catches the index up; `reindex`
rebuilds it from the store alone.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from collections.abc import Iterable, Iterator, Sequence

from govtext.errors import BackendError, NotFound
from govtext.settings import Settings
from nlp.segment import index_fields
from search.backend import FACETS, Hit, IndexedDocument, SearchRequest, SearchResponse, WriteSummary
from search import evidence as ranking
from search.evidence import Matcher, ahead, analyse, page_evidence, query_words, rerank
from search.versions import EDITION_SCHEME, page_editions, swaps_editions, version_chain, with_editions
from search.outcome import RELAXED_NOTICE, Outcome, suggestions
from search.query import And, parse_query, relax, widen
from search.similar import telling_terms
from search.hits import build_hit
from search.duplicates import StoreDuplicates
from search.fields import canonical_region, edition_key_of, facet_values, site_of
from search.filters import Filters
from search.store import StoredDocument, Store
from search.tantivy_index import IndexRecord, TantivyIndex

#: at most this many documents holding both words of a widened two-word query rank first
FIRST_MAX = 2000
#: groups looked at beyond a page's end, for the editions folded into hits above them
EDITION_SLACK = 4
log = logging.getLogger(__name__)


def tantivy_all():
    import tantivy

    return tantivy.Query.all_query()


SYNC_CHUNK = 500


def refresh_keywords(data: dict, data_dir: Path) -> None:
    """Keywords with the corpus IDF learned after this document was tagged (idf.json)."""
    analysis = data.get("analysis")
    if not analysis:
        return
    from nlp.keywords import idf_table_at, keywords

    idf = idf_table_at(data_dir / "idf.json")
    if idf is not None:
        analysis["keywords"] = keywords(data["text"][:300_000], k=len(analysis.get("keywords") or []) or 10, idf=idf)


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, settings: Settings, writer: bool = True):
        self.settings = settings
        data_dir = Path(settings.data_dir)
        self.store = Store(
            data_dir,
            edition_key=edition_key_of,
            edition_scheme=EDITION_SCHEME,
            mmap_mb=settings.sqlite_mmap_mb,
            write_cache_mb=settings.sqlite_write_cache_mb,
        )
        self.index = TantivyIndex(data_dir / "index", transient_writer=not writer)
        self.groups = StoreDuplicates(self.store, site_of)
        self.store.write_hooks.append(self.groups.on_write)
        self.is_writer = writer
        self._sync_lock = threading.Lock()
        self._compacting = threading.Lock()
        self._compactor: threading.Thread | None = None
        self._last_sync_try = 0.0
        if writer:
            if self.groups.needs_rebuild():
                log.warning("duplicate fingerprints were made with another scheme: rebuilding them")
                self.groups.rebuild()
            self.catch_up()

    # -- writing ---------------------------------------------------------------
    def write(self, docs: list[IndexedDocument]) -> WriteSummary:
        result = self.store.write_batch((d.document, d.paragraphs, d.analysis) for d in docs)
        try:
            self.catch_up()
        except BackendError:
            if self.is_writer:
                raise
            log.warning("index busy: %d document(s) stored, indexed when the writer lets go", len(docs))
        return WriteSummary(result.added, result.updated, result.unchanged)

    def content_hashes(self, doc_ids: list[str]) -> dict[str, str]:
        rows = self.store.get_many(doc_ids, columns="id, content_hash")
        return {k: r["content_hash"] for k, r in rows.items()}

    def set_analysis(self, updates: list[tuple[str, dict]]) -> int:
        n = self.store.set_analysis(updates)
        self.catch_up()
        return n

    def delete(self, doc_ids: Iterable[str]) -> int:
        n = self.store.delete(doc_ids)
        self.catch_up()
        return n

    def _records(self, stored: list[StoredDocument]) -> list[IndexRecord]:
        """Index records of stored documents, with their edition statuses (one store query)."""
        statuses = self.store.edition_statuses([s.document.id for s in stored])
        return [self._record(s, statuses.get(s.document.id, "")) for s in stored]

    def _record(self, stored: StoredDocument, status: str = "") -> IndexRecord:
        values = facet_values(stored)
        title_tokens, title_sub = index_fields(stored.document.title)
        body_tokens, body_sub = index_fields("\n".join(stored.paragraphs))
        return IndexRecord(
            id=stored.document.id,
            title_tokens=title_tokens,
            body_tokens=body_tokens,
            sub_tokens=body_sub,
            title_sub_tokens=title_sub,
            themes=values["themes"],
            region=values["region"],
            city=values["city"],
            doc_type=values["doc_type"],
            site=values["site"],
            year=values["year"],
            date_key=values["date_key"],
            status=status,
        )

    def maybe_catch_up(self) -> None:
        """Readers help a lagging index along (at most every 2 s, never waiting for the lock).

        A document written by an API worker while a bulk ingest held the index
        lock is in the store but not yet indexed; whoever comes next applies it.
        """
        now = time.monotonic()
        if now - self._last_sync_try < 2.0:
            return
        self._last_sync_try = now
        if self.store.last_seq() <= self.index.watermark:
            return
        try:
            self.catch_up(wait=0.0)
        except BackendError:
            pass  # another process holds the writer and will apply the changes

    def catch_up(self, wait: float = 10.0) -> int:
        """Apply the store's changes after the index watermark; returns documents applied."""
        with self._sync_lock:
            return self._catch_up(wait)

    def _catch_up(self, wait: float) -> int:
        applied = 0
        seq = self.index.watermark
        if seq > self.store.last_seq():
            # The store was replaced or rolled back behind the index: rebuild.
            return self.reindex()
        while True:
            ids, new_seq = self.store.changes_since(seq, SYNC_CHUNK)
            if not ids:
                return applied
            found, deleted = [], []
            for doc_id in ids:
                stored = self.store.get(doc_id)
                if stored is None:
                    deleted.append(doc_id)
                else:
                    found.append(stored)
            self.index.apply(self._records(found), deleted, new_seq, wait=wait)
            applied += len(ids)
            seq = new_seq

    def reindex(self, progress=None, dedup: bool = False) -> int:
        """Rebuild the search index from the store (and the duplicate fingerprints if asked
        or if their scheme changed)."""
        if dedup or self.groups.needs_rebuild():
            self.groups.rebuild()
        self.index.clear()
        top = self.store.last_seq()
        batch, count = [], 0
        for stored in self.store.iter_documents():
            batch.append(stored)
            if len(batch) >= SYNC_CHUNK:
                self.index.apply(self._records(batch), [], 0)
                count += len(batch)
                if progress:
                    progress(len(batch))
                batch = []
        self.index.apply(self._records(batch), [], top)
        count += len(batch)
        if progress and batch:
            progress(len(batch))
        return count

    # -- reading ---------------------------------------------------------------
    def get(self, doc_id: str) -> dict | None:
        stored = self.store.get(doc_id)
        if stored is None:
            return None
        data = stored.to_dict()
        group_id, size = self.groups.group_of(doc_id)
        data["group_id"], data["copies"] = group_id, size
        data["paragraph_recurrence"] = self.groups.recurrence(doc_id)
        refresh_keywords(data, Path(self.settings.data_dir))
        return data

    def titles(self, doc_ids: Iterable[str]) -> dict[str, str]:
        return self.groups.titles(doc_ids)

    def source_docs(self, doc_ids: Iterable[str], paragraphs: Iterable[tuple[str, int]] = ()) -> dict[str, dict]:
        """id → title, date, region, doc_type (as the facets have them) and ``paragraphs``
        {index: text} of the wanted (doc_id, index) pairs, for a report's sources: a light
        read (no document text, keywords, copies or recurrence)."""
        ids = list(dict.fromkeys(doc_ids))
        rows = self.store.get_many(ids, columns="id, title, date, region, doc_type, analysis_json")
        out = {}
        for doc_id in ids:
            row = rows.get(doc_id)
            if row is None:
                continue
            analysis = json.loads(row["analysis_json"] or "{}")
            region = canonical_region(row["region"])[0] if row["region"] else ""
            out[doc_id] = {
                "title": row["title"],
                "date": row["date"],
                "region": region or (analysis.get("primary_region") or {}).get("province", ""),
                "doc_type": row["doc_type"] or (analysis.get("doc_type") or {}).get("id", ""),
                "paragraphs": {},
            }
        for doc_id, idx in set(paragraphs):
            if doc_id in out:
                found = self.store.conn.execute(
                    "SELECT text FROM paragraphs WHERE doc_id = ? AND idx = ?", (doc_id, int(idx))
                ).fetchone()
                if found is not None:
                    out[doc_id]["paragraphs"][int(idx)] = found[0]
        return out

    # -- duplicates --------------------------------------------------------------
    def check(self, text, quotes_as_citation: bool = False, max_chars: int = 200000, **options) -> dict:
        return self.groups.check(text, quotes_as_citation=quotes_as_citation, max_chars=max_chars, **options)

    def boilerplate(self, min_docs: int = 3, limit: int = 50, **filters) -> list[dict]:
        return self.groups.boilerplate(min_docs=min_docs, limit=limit, **filters)

    def copies(self, doc_id: str) -> list[dict]:
        """The duplicate group, then the dated editions of the same law outside it."""
        members = self.groups.copies(doc_id)
        found = self.store.editions_of([doc_id]).get(doc_id) or []
        if len(found) < 2:
            return members
        rows = self.store.get_many([r["id"] for r in found], columns="id, title, url, date, source")
        editions = [{k: rows[r["id"]][k] for k in ("id", "title", "url", "date", "source")} for r in found]
        return with_editions(members, editions, doc_id)

    def after_ingest(self, background: bool = False) -> None:
        """Called once an ingest (CLI ingest or crawl, an API write) has written documents:
        compacts the duplicate index's posting segments when their sizes call for it.

        ``background``: in a thread of this process (one at a time), so an API write
        returns at once; a merge of a large store takes tens of seconds, longer than a
        server worker may spend on a request. A process that stops meanwhile loses
        only the unfinished merge (nothing is written until the swap)."""
        if not background:
            self._compact()
            return
        if not self._compacting.acquire(blocking=False):
            return  # one is running: it sees these segments, or the next write does
        self._compactor = threading.Thread(target=self._compact, args=(True,), name="compact", daemon=True)
        self._compactor.start()

    def _compact(self, release: bool = False) -> None:
        started = time.perf_counter()
        try:
            done = self.groups.maybe_compact(self.settings.compact_ratio, self.settings.compact_min_postings)
            # the draft check's text files of the new complete blocks, here rather than in a request
            self.groups.warm_text_files()
        except sqlite3.OperationalError as exc:  # e.g. locked past the busy timeout: the next ingest retries
            log.warning("posting compaction skipped: %s", exc)
            return
        finally:
            if release:
                self.store.close()  # this thread's connection
                self._compacting.release()
        if done:
            log.info("compacted posting segments in %.1f s: %s", time.perf_counter() - started, done)

    def wait_for_compaction(self, timeout: float | None = None) -> None:
        """Until a background compaction (``after_ingest(background=True)``) has ended."""
        thread = self._compactor
        if thread is not None:
            thread.join(timeout)

    def compact_postings(self) -> dict[str, dict[str, int]]:
        """One posting segment per kind in the dedup index (``govtext compact``)."""
        return self.groups.compact()

    def iter_documents(self) -> Iterator[dict]:
        for stored in self.store.iter_documents():
            yield stored.to_dict()

    def iter_texts(self) -> Iterator[str]:
        """The ``text`` of each of :meth:`iter_documents`, in its order, read alone."""
        return self.store.iter_texts()

    def search(self, req: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        req.validate()
        self.maybe_catch_up()
        parsed = None if req.browsing else parse_query(req.q, self.settings.config_dir, self.settings.max_query_chars)
        filters = Filters.of(req)
        root = parsed.root if parsed else None
        wide = widen(root) if root is not None else None
        every: list[str] = []  # all the strict query's matches, when it had too few to fill the page
        filtered, picks, total = self._run(root, req, filters, short=wide is not None, every=every)
        # a short page (the matches run out, or copies and editions fold them into fewer hits):
        # documents with fewer of the words follow them
        wide = wide if total and len(picks) < req.limit else None
        if wide is not None:
            first = None
            if isinstance(root, And):  # two words: those holding both first (3+: by the rerank)
                if every and total <= FIRST_MAX:  # the strict run read them all already
                    first = set(every)
                else:
                    first = {d for d, _ in self.index.search(filtered, limit=min(total, FIRST_MAX))[0]}
            filtered, picks, total = self._run(wide, req, filters, first)
        outcome = Outcome()
        if total == 0 and root is not None:
            loose = relax(root)
            if loose is not None:
                filtered2, picks2, total2 = self._run(loose, req, filters)
                if total2:
                    filtered, picks, total = filtered2, picks2, total2
                    outcome.relaxed, outcome.notice = True, RELAXED_NOTICE
            if total == 0:
                outcome.suggestions = suggestions(req, parsed, self._count, filters)
        rows = self.store.get_many([p[0] for p in picks])
        terms = parsed.highlight_terms if parsed else []
        matcher = Matcher(query_words(root) if root is not None else [])
        hits = []
        for doc_id, score, size, group_id, ev, versions in picks:
            row = rows.get(doc_id)
            if row is None:  # deleted between index and store read
                continue
            if root is not None:  # the page's hits get their evidence with article labels
                ev = page_evidence(matcher, ev, row["title"], row["text"])
            hit = self._hit(row, score, terms, size, group_id, ev)
            hit.versions = versions
            hits.append(hit)
        facets = self.index.facets(filtered, FACETS) if req.facets else {}
        return outcome.response(req, total, hits, facets, started)

    def _editions(self, picks: list, req: SearchRequest) -> list:
        """The page's hits with their editions (search/versions.py): an older edition shows
        the newest instead (ranked by relevance, without filters the newest may not pass),
        two editions of one title make one hit. One store query for the page."""
        if not picks or not req.collapse:
            return picks
        found = self.store.editions_of([p[0] for p in picks], shared=True)
        if not found:
            return picks
        editions = {k: [{"id": r["id"], "title": r["title"], "date": r["date"]} for r in v] for k, v in found.items()}
        date = {r["id"]: r["date"] for v in editions.values() for r in v}
        page = [{"id": p[0], "date": date.get(p[0], ""), "versions": p[5]} for p in picks]
        kept = page_editions(page, editions, swap=swaps_editions(req))
        swapped = [shown for pos, shown, _ in kept if shown != picks[pos][0]]
        group_of = self.groups.groups_of(swapped) if swapped else {}
        out = []
        for pos, shown, chain in kept:
            doc_id, score, size, group_id, ev, _ = picks[pos]
            if shown != doc_id:  # its evidence is found afresh on the page
                (group_id, size), ev = group_of[shown], None
            out.append((shown, score, size, group_id, ev, chain))
        return out

    def _count(self, root, filters: Filters) -> int:
        query = self.index.compile(root) if root is not None else tantivy_all()
        return self.index.search(self.index.filter_query(query, filters), limit=1)[1]

    def _run(
        self,
        root,
        req: SearchRequest,
        filters: Filters,
        first: set[str] | None = None,
        short: bool = False,
        every: list[str] | None = None,
    ):
        """(filtered query, page picks (id, score, copies, group, evidence), total) for ``root``;
        ``first``: documents ranked ahead of the others (those holding all the words of a
        widened query); ``short``: no picks when too few match to fill the page (the caller
        widens the query then, and this run's picks would be thrown away), and ``every``
        gets the ids of all the matches when the window held them all."""
        query = self.index.compile(root) if root is not None else tantivy_all()
        filtered = self.index.filter_query(query, filters)
        sort = "-date" if root is None and req.sort == "relevance" else req.sort
        need = req.offset + req.limit
        window = min(10 * need + 20, 2000) if req.collapse else need
        if sort == "relevance":
            window = max(window, ranking.RERANK_WINDOW if ranking.reranks(root) else 0)
        found, total = self.index.search(filtered, limit=window, offset=0, sort=sort)
        if short and total < need:
            if every is not None and len(found) == total:
                every.extend(d for d, _ in found)
            return filtered, [], total
        ranked: Sequence[tuple[str, float]] = found
        evidence: dict[str, object] = {}
        if sort == "relevance" and found and ranking.reranks(root):
            head = found[: ranking.RERANK_WINDOW]
            text = "CAST(text AS BLOB) AS text" if ranking.NATIVE else "text"  # bytes: scanned undecoded
            rows = self.store.get_many([d for d, _ in head], columns=f"id, title, {text}")
            rescored = rerank([(d, s, rows[d]["title"], rows[d]["text"]) for d, s in head if d in rows], root)
            evidence = {d: ev for d, _, ev in rescored}
            ranked = found.with_head([(d, s) for d, s, _ in rescored], len(head))
        if first and sort == "relevance":
            ranked = ahead(ranked, first)
        if req.collapse:
            # editions of one law fold into one hit before the page is cut, so a page stays
            # full and the same hit never shows again on the next page
            extra, swap = EDITION_SLACK, swaps_editions(req)
            while True:
                chosen = list(self._first_groups(ranked, need + extra).items())
                picks = [
                    self._newest_version(doc_id, score, size, gid, evidence.get(doc_id), root, swap)
                    for gid, (doc_id, score, size) in chosen
                ]
                picks = self._editions(picks, req)
                if len(picks) >= need or len(chosen) < need + extra:
                    break
                extra *= 2
            picks = picks[req.offset : need]
        else:
            page = ranked[req.offset : need]
            group_of = self.groups.groups_of([d for d, _ in page])
            picks = [(d, s, group_of[d][1], group_of[d][0], evidence.get(d), []) for d, s in page]
        return filtered, picks, total

    def _first_groups(self, ranked: Sequence[tuple[str, float]], need: int) -> dict[str, tuple[str, float, int]]:
        """The first ``need`` duplicate groups of ``ranked`` (group id -> its best document,
        score, size), looked up a slice at a time: most groups are single documents, so a page
        rarely needs more lookups than its own length (each costs a few microseconds of SQLite)."""
        groups: dict[str, tuple[str, float, int]] = {}
        start, step = 0, need + 10
        while start < len(ranked) and len(groups) < need:
            chunk = ranked[start : start + step]
            group_of = self.groups.groups_of([doc_id for doc_id, _ in chunk])
            for doc_id, score in chunk:
                group_id, size = group_of[doc_id]
                if group_id not in groups:
                    groups[group_id] = (doc_id, score, size)
            start, step = start + step, step * 2
        return groups

    def _newest_version(self, doc_id: str, score: float, size: int, group_id: str, ev, root, swap: bool = True):
        """A collapsed group shows its newest version when it holds versions of one text
        (with ``swap``: no filter or sort the newest might not pass; else the matched one,
        with the chain)."""
        if size < 2:
            return doc_id, score, size, group_id, ev, []
        members = self.groups.group_members(group_id) or [doc_id]
        rows = self.store.get_many(members, columns="id, title, date, text")
        chain = version_chain([{"id": m, "title": r["title"], "date": r["date"]} for m, r in rows.items()], doc_id)
        if not chain:
            return doc_id, score, size, group_id, ev, []
        newest = chain[0]["id"] if swap else doc_id
        if newest != doc_id and root is not None:
            ev = analyse(rows[newest]["title"], rows[newest]["text"], query_words(root))
        return newest, score, size - len(chain) + 1, group_id, ev, chain

    def _group_size(self, doc_id: str) -> tuple[int, str]:
        group_id, size = self.groups.group_of(doc_id)
        return size, group_id

    def _hit(self, row, score: float, terms: list[str], copies: int, group_id: str, ev=None) -> Hit:
        analysis = json.loads(row["analysis_json"] or "{}")
        return build_hit(dict(row), analysis, score=score, terms=terms, copies=copies, group_id=group_id, ev=ev)

    def similar(self, doc_id: str, limit: int = 10) -> list[Hit]:
        stored = self.store.get(doc_id)
        if stored is None:
            raise NotFound(f"no document with id {doc_id!r}")
        text = stored.document.title + "\n" + "\n".join(stored.paragraphs)
        weighted = telling_terms(
            text, self.index.num_docs(), lambda tokens: {t: self.index.doc_freq("body", t) for t in tokens}
        )
        if not weighted:
            return []
        ranked, _ = self.index.search(self.index.terms_query(weighted, exclude_id=doc_id), limit=limit)
        rows = self.store.get_many([d for d, _ in ranked])
        terms = [t for t, _ in weighted[:10]]
        return [self._hit(rows[d], s, terms, *self._group_size(d)) for d, s in ranked if d in rows]

    def stats(self) -> dict:
        counts = self.store.count()
        return {
            "backend": self.name,
            **counts,
            "indexed_documents": self.index.num_docs(),
            "index_watermark": self.index.watermark,
            "store_seq": self.store.last_seq(),
            "store_bytes": self.store.size_bytes(),
            "index_bytes": self.index.size_bytes(),
            "schema_version": self.store.schema_version(),
            "duplicates": self.groups.stats(),
        }

    def health(self) -> dict:
        try:
            counts = {"documents": self.store.document_count()}
            indexed = self.index.num_docs()
        except Exception as exc:  # the health endpoint reports, it does not crash
            raise BackendError(f"store or index unreadable: {type(exc).__name__}") from None
        behind = self.store.last_seq() - self.index.watermark
        return {
            "status": "ok",
            "backend": self.name,
            "documents": counts["documents"],
            "indexed_documents": indexed,
            "index_behind_changes": max(behind, 0),
        }

    def close(self) -> None:
        self.wait_for_compaction()  # a background merge finishes (or gives up) first
        self.index.close_writer()
        self.store.close()
