"""What tracing reads from a backend, behind one small adapter.

The duplicate index already answers "which stored paragraphs share these
fingerprint keys / this exact hash" (``DedupIndex`` on the embedded backend,
``ParagraphLookup`` on Elasticsearch / OpenSearch). Tracing adds: the original
text of paragraphs, the members of a paragraph cluster, a containment scan for
phrases too short for the winnowing guarantee, and document metadata (date,
region, type). The embedded backend answers those from its SQLite file
(:class:`EmbeddedSource`); Elasticsearch / OpenSearch from their paragraphs and
documents indices (:class:`ElasticSource`: the containment scan is a
``match_phrase`` on ``dd_norm``, indexed as character bigrams, cluster members and
a document's paragraphs are ``term`` queries, all batched in ``_msearch`` /
``mget``); any other backend through ``backend.get`` (slower, and without the
scan: see :attr:`TraceSource.can_scan`).
"""

from __future__ import annotations

import json

from govtext.errors import BackendError, NotFound

META_COLUMNS = ("id", "title", "date", "region", "doc_type", "url", "source")


def _chunks(seq, n=500):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


class TraceSource:
    """Generic adapter: a DedupIndex-like ``lookup`` plus ``backend.get`` for the rest."""

    can_scan = False

    def __init__(self, backend, lookup):
        self.backend = backend
        self.lookup = lookup
        self._docs: dict[str, dict | None] = {}

    # -- documents ---------------------------------------------------------------
    def document(self, doc_id: str) -> dict:
        if doc_id not in self._docs:
            self._docs[doc_id] = self.backend.get(doc_id)
        doc = self._docs[doc_id]
        if doc is None:
            raise NotFound(f"no document with id {doc_id!r}")
        return doc

    def meta(self, doc_ids) -> dict[str, dict]:
        out = {}
        for doc_id in dict.fromkeys(doc_ids):
            try:
                doc = self.document(doc_id)
            except NotFound:
                continue
            out[doc_id] = {k: doc.get(k, "") or "" for k in META_COLUMNS}
        return out

    def paragraphs(self, doc_id: str) -> list[str]:
        return list(self.document(doc_id).get("paragraphs") or [])

    # -- paragraphs of the duplicate index ---------------------------------------------
    def texts(self, rows: dict[int, dict]) -> dict[int, str]:
        """pid -> original paragraph text, for paragraph rows of ``lookup.paragraph_rows``."""
        out = {}
        for pid, row in rows.items():
            paras = self.paragraphs(row["doc_id"])
            i = int(row["paragraph_index"])
            if 0 <= i < len(paras):
                out[pid] = paras[i]
        return out

    def cluster_pids(self, cluster, cap: int) -> list[int]:
        return []

    def scan(self, norm: str, cap: int, probe: str = "") -> list[int]:
        return []

    def document_pids(self, doc_id: str) -> list[int]:
        """pids of the document's paragraphs, by paragraph index (generic: none known)."""
        return []


class EmbeddedSource(TraceSource):
    """The embedded backend: everything from the store's SQLite file."""

    can_scan = True

    def __init__(self, backend):
        super().__init__(backend, backend.groups.index())
        self.conn = self.lookup.conn
        self.store = backend.store

    def meta(self, doc_ids) -> dict[str, dict]:
        ids = [d for d in dict.fromkeys(doc_ids) if d]
        rows = self.store.get_many(ids, columns=", ".join(META_COLUMNS))
        return {k: {c: r[c] or "" for c in META_COLUMNS} for k, r in rows.items()}

    def paragraphs(self, doc_id: str) -> list[str]:
        if doc_id in self._docs:
            return super().paragraphs(doc_id)
        rows = [
            r[0]
            for r in self.store.conn.execute("SELECT text FROM paragraphs WHERE doc_id = ? ORDER BY idx", (doc_id,))
        ]
        if not rows and self.store.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
            raise NotFound(f"no document with id {doc_id!r}")
        return rows

    def document(self, doc_id: str) -> dict:
        if doc_id not in self._docs:
            stored = self.store.get(doc_id)
            self._docs[doc_id] = None if stored is None else stored.to_dict()
        return super().document(doc_id)

    def texts(self, rows: dict[int, dict]) -> dict[int, str]:
        out = {}
        for chunk in _chunks(rows):
            for pid, text in self.conn.execute(
                "SELECT p.pid, p.text FROM json_each(?) j JOIN dd_para p ON p.pid = j.value", (json.dumps(chunk),)
            ):
                out[pid] = text
        return out

    def cluster_pids(self, cluster, cap: int) -> list[int]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT pid FROM dd_para WHERE cluster = ? ORDER BY pid LIMIT ?", (int(cluster), int(cap))
            )
        ]

    def scan(self, norm: str, cap: int, probe: str = "") -> list[int]:
        """pids whose normalized text contains ``norm``.

        With the search index: the documents holding every inner word of ``probe``
        (the first and last words may be segmented differently inside a longer
        sentence, so they are left out; a word may also be a sub-word of a longer
        token), then their paragraphs checked with ``instr``. Without it, or when
        the probe has no usable word: a full scan of ``dd_para.norm``."""
        docs = self._index_docs(probe, cap) if probe else None
        if docs is None:
            return [
                r[0]
                for r in self.conn.execute(
                    "SELECT pid FROM dd_para WHERE instr(norm, ?) > 0 ORDER BY pid LIMIT ?", (norm, int(cap))
                )
            ]
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT p.pid FROM json_each(?) j JOIN dd_doc d ON d.doc = j.value JOIN dd_para p ON p.did = d.did "
                "WHERE instr(p.norm, ?) > 0 ORDER BY p.pid LIMIT ?",
                (json.dumps(docs), norm, int(cap)),
            )
        ]

    def _index_docs(self, probe: str, cap: int) -> list[str] | None:
        index = getattr(self.backend, "index", None)
        if index is None or not hasattr(index, "search") or not hasattr(index, "schema"):
            return None
        import tantivy

        from nlp.segment import index_tokens

        tokens = [t for t in index_tokens(probe) if not any(c.isdigit() for c in t)]
        inner = tokens[1:-1] if len(tokens) >= 3 else tokens
        if not inner:
            return None
        Q, O = tantivy.Query, tantivy.Occur
        clauses = [
            (
                O.Must,
                Q.boolean_query(
                    [
                        (O.Should, Q.term_query(index.schema, "body", t)),
                        (O.Should, Q.term_query(index.schema, "sub", t)),
                    ]
                ),
            )
            for t in dict.fromkeys(inner)
        ]
        maybe = getattr(self.backend, "maybe_catch_up", None)
        if maybe:
            maybe()
        ranked, _ = index.search(Q.boolean_query(clauses), limit=int(cap))
        return [d for d, _ in ranked]

    def document_pids(self, doc_id: str) -> list[int]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT p.pid FROM dd_doc d JOIN dd_para p ON p.did = d.did WHERE d.doc = ? ORDER BY p.idx", (doc_id,)
            )
        ]


class ElasticSource(TraceSource):
    """Elasticsearch / OpenSearch: the paragraphs index (search/elastic_dedup.py's
    ``ParagraphLookup``) and the stored documents, read in batches."""

    can_scan = True

    def __init__(self, backend):
        from search.elastic_dedup import ParagraphLookup

        backend._require_dedup()  # an index of another scheme has no bigram-indexed dd_norm
        groups = backend.groups
        super().__init__(backend, ParagraphLookup(groups, groups.paragraphs))
        self._meta: dict[str, dict | None] = {}

    def _load(self, doc_ids) -> None:
        """Read the stored documents not read yet (one ``mget`` per 500)."""
        missing = [d for d in dict.fromkeys(doc_ids) if d and d not in self._docs]
        if not missing:
            return
        found = self.backend._existing(missing, fields=("id", "stored.doc", "stored.paragraphs"))
        for d in missing:
            src = found.get(d)
            if src is None:
                self._docs[d] = None
                continue
            stored = src.get("stored") or {}
            self._docs[d] = {**(stored.get("doc") or {}), "paragraphs": stored.get("paragraphs") or []}

    def document(self, doc_id: str) -> dict:
        self._load([doc_id])
        return super().document(doc_id)

    def meta(self, doc_ids) -> dict[str, dict]:
        """Metadata only (not the texts): one ``mget`` per 500 documents not read yet."""
        ids = [d for d in dict.fromkeys(doc_ids) if d]
        missing = [d for d in ids if d not in self._docs and d not in self._meta]
        if missing:
            fields = ("id",) + tuple(f"stored.doc.{k}" for k in META_COLUMNS[1:])
            found = self.backend._existing(missing, fields=fields)
            for d in missing:
                src = found.get(d)
                doc = ((src or {}).get("stored") or {}).get("doc") or {}
                self._meta[d] = None if src is None else {"id": d, **{k: doc.get(k) or "" for k in META_COLUMNS[1:]}}
        out = {}
        for d in ids:
            if d in self._docs:
                full = self._docs[d]
                if full is not None:
                    out[d] = {k: full.get(k, "") or "" for k in META_COLUMNS}
            else:
                light = self._meta.get(d)
                if light is not None:
                    out[d] = dict(light)
        return out

    def texts(self, rows: dict[int, dict]) -> dict[int, str]:
        return self.lookup.texts(rows)

    def cluster_pids(self, cluster, cap: int) -> list[int]:
        if cluster is None or cluster == "":
            return []
        return self.lookup.cluster_members([str(cluster)], cap)[0]

    def scan(self, norm: str, cap: int, probe: str = "") -> list[int]:
        """pids whose normalized text contains ``norm`` (a phrase query of its bigrams): no more
        than the trace verifies (``MAX_CANDIDATES``, and one more to tell that it was cut)."""
        from .trace import MAX_CANDIDATES

        return self.lookup.containing([norm], min(cap, MAX_CANDIDATES + 1))[0]

    def document_pids(self, doc_id: str) -> list[int]:
        return self.lookup.document_pids([doc_id])[0]

    def same_title(self, title: str, limit: int = 50) -> list[dict]:
        """Stored documents titled exactly ``title`` (a phrase query on the title's tokens, then
        compared as written), dated ones first by date, then by id."""
        from nlp.segment import index_fields

        tokens, _ = index_fields(title)
        if not tokens:
            return []
        body = {
            "query": {"match_phrase": {"title": tokens}},
            "size": 500,
            "_source": ["id", "stored.doc.title", "stored.doc.date", "stored.doc.region", "stored.doc.doc_type"],
        }
        with self.backend._api("finding editions"):
            resp = self.backend.client.search(index=self.backend.aliases["documents"], body=body)
        rows = []
        for hit in (resp.get("hits") or {}).get("hits") or []:
            doc = ((hit["_source"].get("stored") or {}).get("doc")) or {}
            if doc.get("title", "") == title:
                rows.append({"id": hit["_source"]["id"], **{k: doc.get(k, "") for k in META_COLUMNS[1:5]}})
        rows.sort(key=lambda r: (r["date"] == "", r["date"], r["id"]))
        return [{k: r[k] for k in ("id", "title", "date", "region", "doc_type")} for r in rows[:limit]]


def source_for(backend) -> TraceSource:
    """The adapter for ``backend`` (embedded, or Elasticsearch / OpenSearch)."""
    groups = getattr(backend, "groups", None)
    if getattr(backend, "store", None) is not None and callable(getattr(groups, "index", None)):
        return EmbeddedSource(backend)
    if groups is not None and hasattr(groups, "paragraphs") and hasattr(backend, "_existing"):
        return ElasticSource(backend)
    if groups is not None and hasattr(groups, "paragraphs"):
        from search.elastic_dedup import ParagraphLookup

        return TraceSource(backend, ParagraphLookup(groups, groups.paragraphs))
    raise BackendError("this backend has no duplicate index to trace with", code="trace_unavailable")
