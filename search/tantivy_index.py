"""The tantivy index derived from the store.

One tantivy document per govtext document. ``title`` and ``body`` hold the
jieba tokens joined by spaces and are split by tantivy's whitespace
tokenizer, so tantivy ranks exactly the tokens nlp/segment.py produced.
Filter and facet fields are raw (untokenized) fast fields. The text itself
is not stored here: snippets are cut from the store's original text.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import tantivy

from govtext.errors import BackendError
from search.filters import Filters
from search.query import And, Match, Not, Or, Phrase, Term

INDEX_VERSION = 5  # 5: the edition status field
RAW_FIELDS = ("theme", "region", "city", "doc_type", "site", "group", "status")
TITLE_BOOST = 2.0
PHRASE_BOOST = 1.5
SUB_BOOST = 0.5
SYNONYM_BOOST = 0.5  # a synonym's match weighs less than the word the user typed


def token_fields(field: str | None) -> list[tuple[str, float]]:
    """Where one query token is looked for, with boosts (shared with the Elasticsearch backend):
    the words themselves, and the dictionary words inside longer words (sub fields)."""
    if field == "title":
        return [("title", 1.0), ("title_sub", SUB_BOOST)]
    if field == "body":
        return [("body", 1.0), ("sub", SUB_BOOST)]
    return [("title", TITLE_BOOST), ("body", 1.0), ("title_sub", TITLE_BOOST * SUB_BOOST), ("sub", SUB_BOOST)]


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field("title", tokenizer_name="whitespace")
    sb.add_text_field("body", tokenizer_name="whitespace")
    # dictionary words inside longer tokens (人民政府 → 政府); matched, not phrase-searched
    sb.add_text_field("sub", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("title_sub", tokenizer_name="whitespace", index_option="freq")
    for name in RAW_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    sb.add_integer_field("year", fast=True, indexed=True)
    sb.add_integer_field("date_key", fast=True, indexed=True)
    return sb.build()


@dataclass
class IndexRecord:
    id: str
    title_tokens: str
    body_tokens: str
    sub_tokens: str
    title_sub_tokens: str
    themes: list[str]
    region: str
    city: str
    doc_type: str
    site: str
    year: int
    date_key: int
    #: edition status (search/versions.py), '' for documents of no edition type
    status: str = ""


class Ranked(Sequence[tuple[str, float]]):
    """A search's hits, (id, score) in rank order, whose ids are read from the index only
    when looked at: a page reads the window it may need to fill (ten times the page, for
    collapsing) but mostly looks at its first rows, and each id read costs a stored-document
    fetch."""

    def __init__(self, searcher: tantivy.Searcher, hits: list, scored: bool, head: list | None = None, skip: int = 0):
        self._searcher, self._hits, self._scored = searcher, hits, scored
        self._items: list[tuple[str, float]] = list(head or [])
        self._next = skip  # the next of ``hits`` to read

    def __len__(self) -> int:
        return len(self._items) + len(self._hits) - self._next

    def _fill(self, n: int) -> None:
        while len(self._items) < n and self._next < len(self._hits):
            score, address = self._hits[self._next]
            self._next += 1
            self._items.append((self._searcher.doc(address)["id"][0], float(score) if self._scored else 0.0))

    @overload
    def __getitem__(self, key: int) -> tuple[str, float]: ...
    @overload
    def __getitem__(self, key: slice) -> list[tuple[str, float]]: ...
    def __getitem__(self, key):
        if isinstance(key, slice):
            self._fill(key.indices(len(self))[1])
            return self._items[key]
        self._fill((key if key >= 0 else key + len(self)) + 1)
        return self._items[key]

    def __iter__(self) -> Iterator[tuple[str, float]]:
        for i in range(len(self)):
            yield self[i]

    def with_head(self, head: list[tuple[str, float]], replaced: int) -> Ranked:
        """These hits with the first ``replaced`` of them replaced by ``head`` (a reranked
        window, maybe shorter); the rest are still read when looked at."""
        self._fill(replaced)
        rest = Ranked(self._searcher, self._hits, self._scored, head, self._next)
        rest._items += self._items[replaced:]
        return rest


class TantivyIndex:
    """Wraps one tantivy index folder plus its watermark file."""

    WATERMARK = "govtext-watermark.json"

    def __init__(self, path: Path, transient_writer: bool = False):
        """``transient_writer``: take the (single, cross-process) writer lock only
        while applying a change, as API workers do; a bulk ingest keeps it."""
        self.path = Path(path)
        self.transient_writer = transient_writer
        self.path.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        fresh = not (self.path / "meta.json").exists() or self._read_watermark().get("version") != INDEX_VERSION
        if fresh and (self.path / "meta.json").exists():
            self._wipe()
        self.index = tantivy.Index(self.schema, path=str(self.path), reuse=not fresh)
        if fresh:
            self.write_watermark(0)
        self._writer: tantivy.IndexWriter | None = None
        self._last_reload = 0.0

    def _wipe(self) -> None:
        for child in self.path.iterdir():
            if child.is_file():
                child.unlink()

    # -- watermark -----------------------------------------------------------
    def _read_watermark(self) -> dict:
        try:
            return json.loads((self.path / self.WATERMARK).read_text())
        except (OSError, ValueError):
            return {}

    @property
    def watermark(self) -> int:
        return int(self._read_watermark().get("seq", 0))

    def write_watermark(self, seq: int) -> None:
        tmp = self.path / (self.WATERMARK + ".tmp")
        tmp.write_text(json.dumps({"seq": seq, "version": INDEX_VERSION}))
        os.replace(tmp, self.path / self.WATERMARK)

    # -- writing ---------------------------------------------------------------
    def writer(self, wait: float = 10.0):
        deadline = time.monotonic() + wait
        while self._writer is None:
            try:
                self._writer = self.index.writer(heap_size=128_000_000, num_threads=1)
            except ValueError as exc:
                if time.monotonic() >= deadline:
                    raise BackendError(f"the search index is locked by another writer ({exc})") from None
                time.sleep(0.1)
        return self._writer

    def apply(self, records: list[IndexRecord], deleted: list[str], seq: int, wait: float = 10.0) -> None:
        """Replace/delete documents, commit, then move the watermark to ``seq``."""
        writer = self.writer(wait)
        for doc_id in deleted:
            writer.delete_documents_by_term("id", doc_id)
        for rec in records:
            writer.delete_documents_by_term("id", rec.id)
            doc = tantivy.Document()
            doc.add_text("id", rec.id)
            doc.add_text("title", rec.title_tokens)
            doc.add_text("body", rec.body_tokens)
            doc.add_text("sub", rec.sub_tokens)
            doc.add_text("title_sub", rec.title_sub_tokens)
            for theme in rec.themes:
                doc.add_text("theme", theme)
            for name in ("region", "city", "doc_type", "site", "status"):
                value = getattr(rec, name)
                if value:
                    doc.add_text(name, value)
            doc.add_integer("year", rec.year)
            doc.add_integer("date_key", rec.date_key)
            writer.add_document(doc)
        writer.commit()
        self.write_watermark(seq)
        if self.transient_writer:
            self.close_writer()
        self.index.reload()

    def clear(self) -> None:
        writer = self.writer()
        writer.delete_all_documents()
        writer.commit()
        self.write_watermark(0)

    def close_writer(self) -> None:
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    # -- reading ---------------------------------------------------------------
    def searcher(self) -> tantivy.Searcher:
        now = time.monotonic()
        if now - self._last_reload > 0.5:
            self.index.reload()
            self._last_reload = now
        return self.index.searcher()

    def num_docs(self) -> int:
        return self.searcher().num_docs

    def compile(self, node) -> tantivy.Query:
        Q, O = tantivy.Query, tantivy.Occur
        if isinstance(node, Term):
            alternatives = [self._tokens_query(node.tokens, node.field)]
            # a synonym is a fixed expression: its words adjacent and in order
            alternatives += [Q.boost_query(self._phrase_query(s, node.field), SYNONYM_BOOST) for s in node.synonyms]
            if len(alternatives) == 1:
                return alternatives[0]
            return Q.boolean_query([(O.Should, q) for q in alternatives])
        if isinstance(node, Phrase):
            return self._phrase_query(node.tokens, node.field)
        if isinstance(node, And):
            clauses = []
            for item in node.items:
                if isinstance(item, Not):
                    clauses.append((O.MustNot, self.compile(item.item)))
                else:
                    clauses.append((O.Must, self.compile(item)))
            return Q.boolean_query(clauses)
        if isinstance(node, Or):
            return Q.boolean_query([(O.Should, self.compile(i)) for i in node.items])
        if isinstance(node, Match):
            clauses = [(O.Must, self.compile(i)) for i in node.required]
            clauses += [(O.Should, self.compile(i)) for i in node.optional]
            clauses += [(O.MustNot, self.compile(i)) for i in node.excluded]
            return Q.boolean_query(clauses, minimum_number_should_match=node.minimum)
        if isinstance(node, Not):
            return Q.boolean_query([(O.Must, Q.all_query()), (O.MustNot, self.compile(node.item))])
        raise TypeError(f"unknown query node {node!r}")

    def _fields(self, field: str | None) -> list[tuple[str, float]]:
        return [(field, 1.0)] if field else [("title", TITLE_BOOST), ("body", 1.0)]

    def _token_query(self, token: str, field: str | None) -> tantivy.Query:
        Q, O = tantivy.Query, tantivy.Occur
        parts = []
        for name, boost in token_fields(field):
            q = Q.term_query(self.schema, name, token)
            parts.append(Q.boost_query(q, boost) if boost != 1.0 else q)
        return parts[0] if len(parts) == 1 else Q.boolean_query([(O.Should, p) for p in parts])

    def _phrase_query(self, tokens: tuple[str, ...], field: str | None) -> tantivy.Query:
        Q, O = tantivy.Query, tantivy.Occur
        if len(tokens) == 1:
            return self._token_query(tokens[0], field)
        parts = []
        for name, boost in self._fields(field):
            q = Q.phrase_query(self.schema, name, list(tokens))
            parts.append(Q.boost_query(q, boost) if boost != 1.0 else q)
        return parts[0] if len(parts) == 1 else Q.boolean_query([(O.Should, p) for p in parts])

    def _tokens_query(self, tokens: tuple[str, ...], field: str | None) -> tantivy.Query:
        """A word the user typed: every token required, the tokens in order rank higher."""
        Q, O = tantivy.Query, tantivy.Occur
        if len(tokens) == 1:
            return self._token_query(tokens[0], field)
        clauses = [(O.Must, self._token_query(t, field)) for t in tokens]
        clauses.append((O.Should, Q.boost_query(self._phrase_query(tokens, field), PHRASE_BOOST)))
        return Q.boolean_query(clauses)

    def filter_query(self, query: tantivy.Query, filters: Filters) -> tantivy.Query:
        """``query`` restricted by ``filters`` (search/filters.py holds their rules)."""
        Q, O = tantivy.Query, tantivy.Occur
        clauses = [(O.Must, query)]
        clauses += [(O.Must, Q.term_query(self.schema, name, value)) for name, value in filters.terms()]
        for name, values in filters.choices():
            either = [(O.Should, Q.term_query(self.schema, name, v)) for v in values]
            clauses.append((O.Must, Q.boolean_query(either)))
        bounds = filters.year_bounds()
        if bounds is not None:
            clauses.append(
                (O.Must, Q.range_query(self.schema, "year", tantivy.FieldType.Integer, bounds[0], bounds[1]))
            )
        return clauses[0][1] if len(clauses) == 1 else Q.boolean_query(clauses)

    def search(self, query: tantivy.Query, limit: int, offset: int = 0, sort: str = "relevance"):
        searcher = self.searcher()
        if sort == "relevance":
            result = searcher.search(query, limit=limit, offset=offset, count=True)
        else:
            order = tantivy.Order.Asc if sort == "date" else tantivy.Order.Desc
            result = searcher.search(
                query, limit=limit, offset=offset, count=True, order_by_field="date_key", order=order
            )
        hits = Ranked(searcher, result.hits, sort == "relevance")
        return hits, result.count  # type: ignore[attr-defined]  # tantivy-py SearchResult.count

    def facets(self, query: tantivy.Query, names: tuple[str, ...], size: int = 30) -> dict[str, list[dict]]:
        aggs = {name: {"terms": {"field": name, "size": size}} for name in names}
        raw = self.searcher().aggregate(query, aggs)
        out = {}
        for name in names:
            buckets = raw.get(name, {}).get("buckets", [])
            out[name] = [
                {"value": b["key"], "count": b["doc_count"]} for b in buckets if not (name == "year" and b["key"] == 0)
            ]
        return out

    def doc_freq(self, field: str, token: str) -> int:
        return self.searcher().doc_freq(field, token)

    def terms_query(self, weighted: list[tuple[str, float]], exclude_id: str = "") -> tantivy.Query:
        """An OR of weighted body terms (used for "similar documents")."""
        Q, O = tantivy.Query, tantivy.Occur
        clauses = [(O.Should, Q.boost_query(Q.term_query(self.schema, "body", t), max(w, 0.01))) for t, w in weighted]
        if exclude_id:
            clauses.append((O.MustNot, Q.term_query(self.schema, "id", exclude_id)))
        return Q.boolean_query(clauses)

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())
