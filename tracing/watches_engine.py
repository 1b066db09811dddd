"""Watches on Elasticsearch / OpenSearch: the same API as tracing/watches.py, stored in the engine.

Two plain indices beside the backend's aliases, created on first use:
``<prefix>-watches`` (one document per watch, ``_id`` its number) and
``<prefix>-watch-hits`` (one document per watch and new document, ``_id``
derived from both, so a document is recorded once per watch). They survive
restarts as the engine's indices do; ``drop_indices`` deletes them with the rest.

The engine has no change log: every document carries ``indexed_at`` (the
milliseconds of the write that stored it; updates and re-tagging set it
again), and a watch remembers the milliseconds it was made (``created_seq``)
and the newest ``indexed_at`` it has examined (``checked_seq``). Reading a
watch refreshes the indices, then examines the documents with ``indexed_at``
after ``max(created_seq, checked_seq - OVERLAP_MS)``: the overlap re-reads
the last two minutes, so a write whose stamp was taken before a newer write
but which became visible after it is still seen (a document already recorded
is not recorded twice). Passage watches: containment is a phrase query on the
new documents' paragraphs (``match_phrase`` on ``dd_norm``), near copies come
from the trace lookup (tracing/trace.py's ``find_paragraphs``), as on the
embedded backend. Query watches: the query (search/elastic.py's
``compile_query``) restricted to the new documents' ids. A hit's ``seq`` is
the milliseconds when it was recorded, so ``since`` / ``next_since`` page the
feed in the order hits appear.
"""

from __future__ import annotations

import builtins
import hashlib
import html
import re
import time
from datetime import datetime, UTC

from govtext.batching import chunks
from govtext.errors import BackendError, BadInput, NotFound

from .source import ElasticSource
from .trace import _variant_span, find_paragraphs, match_paragraph, probe_of
from .watch_rules import CHANGES_PER_STEP, MAX_WATCHES, validate_watch

#: documents stamped this long before the newest one examined are examined again
OVERLAP_MS = 120_000
#: new documents examined per refresh at most (the rest at the next one)
MAX_PER_REFRESH = 50_000
#: watch ids and hit sequences stay below this (a JSON number every client reads exactly)
MAX_ID = 2**53
_SETTINGS = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}
_WATCH_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "kind": {"type": "keyword"},
        "text": {"type": "text", "index": False},
        "name": {"type": "keyword", "index": False},
        "created_at": {"type": "keyword", "index": False},
        "created_seq": {"type": "long"},
        "checked_seq": {"type": "long"},
    },
}
_HIT_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "watch_id": {"type": "long"},
        "doc_id": {"type": "keyword"},
        "seq": {"type": "long"},
        "found_at": {"type": "keyword", "index": False},
        "title": {"type": "keyword", "index": False},
        "date": {"type": "keyword", "index": False},
        "region": {"type": "keyword", "index": False},
        "doc_type": {"type": "keyword", "index": False},
        "paragraph_index": {"type": "integer"},
        "reused": {"type": "text", "index": False},
    },
}
_WATCH_FIELDS = ("id", "kind", "text", "name", "created_at", "created_seq", "checked_seq")
_HIT_FIELDS = ("doc_id", "seq", "found_at", "title", "date", "region", "doc_type", "paragraph_index", "reused")


def watch_index_names(prefix: str) -> tuple[str, str]:
    """The watch and hit indices of an index prefix (search/elastic.py's EXTRA_INDICES)."""
    from search.elastic import EXTRA_INDICES

    watches, hits = EXTRA_INDICES
    return f"{prefix}-{watches}", f"{prefix}-{hits}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ms() -> int:
    return int(time.time() * 1000)


def _hit_id(wid: int, doc_id: str) -> str:
    return f"{wid}-" + hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:32]


def _hits(resp) -> list[dict]:
    return ((resp or {}).get("hits") or {}).get("hits") or []


def _status(info: dict) -> int:
    return int(info.get("status") or 0)


class EngineWatches:
    """The watches of an Elasticsearch / OpenSearch backend (see the module docstring)."""

    def __init__(self, backend):
        self.backend = backend
        backend._ensure()
        self.watches, self.hits = watch_index_names(backend.prefix)
        self.client = backend.client
        for name, mapping in ((self.watches, _WATCH_MAPPING), (self.hits, _HIT_MAPPING)):
            self._create(name, mapping)

    # -- the engine ------------------------------------------------------------------
    def _create(self, name: str, mapping: dict) -> None:
        with self.backend._api(f"checking index {name}"):
            if self.client.indices.exists(index=name):
                return
        try:
            with self.backend._api(f"creating index {name}"):
                self.client.indices.create(index=name, mappings=mapping, settings=_SETTINGS)
        except BackendError as exc:
            if "resource_already_exists" not in exc.message:  # another worker made it first
                raise

    def _search(self, index: str, body: dict, action: str) -> dict:
        with self.backend._api(action):
            return self.client.search(index=index, body=body)

    def _write(self, actions: builtins.list[dict], action: str) -> builtins.list[dict]:
        """Bulk actions; returns the failed items except conflicts of ``create`` (already there)."""
        helpers = self.backend._helpers()
        failed = []
        with self.backend._api(action):
            for _ok, item in helpers.streaming_bulk(
                self.client, actions, raise_on_error=False, raise_on_exception=True, yield_ok=False
            ):
                ((op, info),) = item.items()
                if (op == "create" and _status(info) == 409) or (op == "delete" and _status(info) == 404):
                    continue
                failed.append(item)
            self.client.indices.refresh(index=[self.watches, self.hits])
        return failed

    # -- create / read / delete ------------------------------------------------------
    def create(self, kind: str, text, name: str = "", max_query_chars: int = 500) -> dict:
        text = validate_watch(self.backend, kind, text, name, max_query_chars)
        for _attempt in range(5):
            resp = self._search(
                self.watches,
                {"size": 0, "track_total_hits": True, "aggs": {"top": {"max": {"field": "id"}}}},
                "reading watches",
            )
            total = resp["hits"]["total"]
            if int(total["value"] if isinstance(total, dict) else total) >= MAX_WATCHES:
                raise BadInput(f"at most {MAX_WATCHES} watches; delete some first", code="too_many_watches")
            wid = int(((resp.get("aggregations") or {}).get("top") or {}).get("value") or 0) + 1
            now = _ms()
            doc = {
                "id": wid,
                "kind": kind,
                "text": text,
                "name": name.strip(),
                "created_at": _now(),
                "created_seq": now,
                "checked_seq": now,
            }
            failed = self._write(
                [{"_op_type": "create", "_index": self.watches, "_id": str(wid), "_source": doc}], "saving a watch"
            )
            if not failed:
                return self.get(wid)
        raise BackendError("could not number a new watch (others were being saved at once): try again")

    def _row(self, wid) -> dict:
        try:
            wid = int(wid)
        except (TypeError, ValueError):
            raise NotFound(f"no watch {str(wid)[:40]!r}") from None
        if not 0 < wid < MAX_ID:  # beyond the engine's long field: no such watch, not an engine error
            raise NotFound(f"no watch {str(wid)[:40]}")
        resp = self._search(
            self.watches, {"query": {"term": {"id": wid}}, "size": 1, "_source": list(_WATCH_FIELDS)}, "reading a watch"
        )
        hits = _hits(resp)
        if not hits:
            raise NotFound(f"no watch {wid}")
        src = hits[0]["_source"]
        return {k: src.get(k) for k in _WATCH_FIELDS}

    def _counts(self, wids: builtins.list[int]) -> dict[int, int]:
        if not wids:
            return {}
        body = {
            "size": 0,
            "query": {"terms": {"watch_id": wids}},
            "aggs": {"per": {"terms": {"field": "watch_id", "size": len(wids)}}},
        }
        resp = self._search(self.hits, body, "counting watch hits")
        buckets = ((resp.get("aggregations") or {}).get("per") or {}).get("buckets") or []
        return {int(b["key"]): int(b["doc_count"]) for b in buckets}

    def get(self, wid) -> dict:
        row = self._row(wid)
        row["hits"] = self._counts([row["id"]]).get(row["id"], 0)
        return row

    def list(self) -> builtins.list[dict]:
        resp = self._search(
            self.watches,
            {"query": {"match_all": {}}, "size": MAX_WATCHES, "sort": [{"id": "asc"}], "_source": list(_WATCH_FIELDS)},
            "listing watches",
        )
        rows = [{k: h["_source"].get(k) for k in _WATCH_FIELDS} for h in _hits(resp)]
        counts = self._counts([r["id"] for r in rows])
        for r in rows:
            r["hits"] = counts.get(r["id"], 0)
        return rows

    def delete(self, wid) -> None:
        row = self._row(wid)
        actions = [{"_op_type": "delete", "_index": self.watches, "_id": str(row["id"])}]
        while True:
            resp = self._search(
                self.hits,
                {"query": {"term": {"watch_id": row["id"]}}, "size": 5000, "_source": False},
                "reading watch hits",
            )
            ids = [h["_id"] for h in _hits(resp)]
            failed = self._write(
                [{"_op_type": "delete", "_index": self.hits, "_id": i} for i in ids] + actions, "deleting a watch"
            )
            if failed:
                raise BackendError(f"could not delete watch {row['id']}: {str(failed[0])[:200]}")
            actions = []
            if len(ids) < 5000:
                return

    def new(self, wid, since: int = 0, limit: int = 100, newest: bool = False) -> dict:
        """As tracing/watches.py's ``Watches.new``."""
        self.refresh(wid)
        watch = self.get(wid)
        order = "desc" if newest else "asc"
        body = {
            "query": {
                "bool": {
                    "filter": [
                        {"term": {"watch_id": watch["id"]}},
                        {"range": {"seq": {"gt": max(0, min(int(since), MAX_ID))}}},
                    ]
                }
            },
            "size": max(1, min(int(limit), 10000)),
            "sort": [{"seq": order}, {"doc_id": order}],
            "_source": list(_HIT_FIELDS),
        }
        items = [
            {k: h["_source"].get(k) for k in _HIT_FIELDS}
            for h in _hits(self._search(self.hits, body, "reading watch hits"))
        ]
        items.sort(key=lambda r: (r["seq"], r["doc_id"]))
        return {"watch": watch, "since": since, "items": items, "next_since": items[-1]["seq"] if items else since}

    # -- bringing a watch up to date ---------------------------------------------------
    def refresh(self, wid) -> int:
        """Examine the documents written since the watch's last check; returns hits added."""
        watch = self._row(wid)
        self.backend._refresh()  # every write acknowledged so far is visible
        after = max(int(watch["created_seq"]), int(watch["checked_seq"]) - OVERLAP_MS)
        found = self._changed(after)
        added = 0
        newest = int(watch["checked_seq"])
        for chunk in chunks(found, CHANGES_PER_STEP):
            ids = [d for d, _ in chunk]
            hits = self._passage_hits(watch, ids) if watch["kind"] == "passage" else self._query_hits(watch, ids)
            added += self._record(watch, hits)
            newest = max(newest, max(stamp for _, stamp in chunk))
        if newest > int(watch["checked_seq"]):
            doc = {**{k: watch[k] for k in _WATCH_FIELDS}, "checked_seq": newest}
            self._write(
                [{"_op_type": "index", "_index": self.watches, "_id": str(watch["id"]), "_source": doc}],
                "saving a watch",
            )
        return added

    def _changed(self, after: int) -> builtins.list[tuple[str, int]]:
        """(doc id, indexed_at) of the documents stamped after ``after``, oldest first."""
        out: builtins.list[tuple[str, int]] = []
        body: dict = {
            "query": {"range": {"indexed_at": {"gt": int(after)}}},
            "size": CHANGES_PER_STEP,
            "_source": ["id", "indexed_at"],
            "sort": [{"indexed_at": "asc"}, {"id": "asc"}],
            "track_total_hits": False,
        }
        while len(out) < MAX_PER_REFRESH:
            hits = _hits(self._search(self.backend.aliases["documents"], body, "finding new documents"))
            out += [(h["_source"]["id"], int(h["_source"].get("indexed_at") or 0)) for h in hits]
            if len(hits) < CHANGES_PER_STEP:
                break
            body["search_after"] = hits[-1]["sort"]
        return out

    def _record(self, watch: dict, hits: builtins.list[dict]) -> int:
        if not hits:
            return 0
        meta = ElasticSource(self.backend).meta([h["doc_id"] for h in hits])
        seq, now = _ms(), _now()
        actions = []
        for h in hits:
            m = meta.get(h["doc_id"])
            if m is None:
                continue
            src = {
                "watch_id": watch["id"],
                "doc_id": h["doc_id"],
                "seq": seq,
                "found_at": now,
                **{k: m.get(k, "") or "" for k in ("title", "date", "region", "doc_type")},
                "paragraph_index": h.get("paragraph_index"),
                "reused": h.get("reused", "")[:2000],
            }
            actions.append(
                {"_op_type": "create", "_index": self.hits, "_id": _hit_id(watch["id"], h["doc_id"]), "_source": src}
            )
        before = self._counts([watch["id"]]).get(watch["id"], 0)
        failed = self._write(actions, "recording watch hits")
        if failed:
            raise BackendError(f"could not record watch hits: {str(failed[0])[:200]}")
        return self._counts([watch["id"]]).get(watch["id"], 0) - before

    def _passage_hits(self, watch: dict, doc_ids: builtins.list[str]) -> builtins.list[dict]:
        if not doc_ids:
            return []
        source = ElasticSource(self.backend)
        lookup = source.lookup
        _, q = probe_of(watch["text"])
        wanted = set(doc_ids)
        best: dict[str, tuple] = {}
        # exact containment, in the new documents' paragraphs (document order, then paragraph)
        pids = lookup.containing([q], 10000, doc_ids=doc_ids)[0]
        rows = lookup.paragraph_rows(pids)
        for pid in pids:
            row = rows.get(pid)
            if row is None or row["doc_id"] in best:
                continue
            m = match_paragraph(q, row["norm"], near=False)
            if m is not None:
                best[row["doc_id"]] = (row["paragraph_index"], pid, m)
        # near copies, through the index's candidates
        found, _ = find_paragraphs(source, q)
        for pid, (row, kind, sim, a, b) in sorted(
            found.items(), key=lambda f: (f[1][0]["doc_id"], f[1][0]["paragraph_index"])
        ):
            doc = row["doc_id"]
            if doc in wanted and doc not in best:
                best[doc] = (row["paragraph_index"], pid, (kind, sim, a, b))
        texts = source.lookup.texts([pid for _, pid, _ in best.values()])
        out = []
        for doc, (idx, pid, (_kind, _sim, a, b)) in best.items():
            variant, _, _ = _variant_span(texts.get(pid, ""), a, b)
            out.append({"doc_id": doc, "paragraph_index": int(idx), "reused": variant})
        return out

    def _query_hits(self, watch: dict, doc_ids: builtins.list[str]) -> builtins.list[dict]:
        if not doc_ids:
            return []
        from search.elastic import compile_query
        from search.query import parse_query
        from search.snippets import snippet

        settings = self.backend.settings
        parsed = parse_query(watch["text"], settings.config_dir, max(settings.max_query_chars, len(watch["text"])))
        query = compile_query(parsed.root) if parsed.root is not None else {"match_all": {}}
        body = {
            "query": {"bool": {"must": [query], "filter": [{"terms": {"id": list(doc_ids)}}]}},
            "size": len(doc_ids),
            "_source": ["id", "stored.doc.text"],
            "track_total_hits": False,
        }
        out = []
        for h in _hits(self._search(self.backend.aliases["documents"], body, "searching new documents")):
            src = h["_source"]
            text = ((src.get("stored") or {}).get("doc") or {}).get("text", "")
            plain = html.unescape(re.sub(r"</?mark>", "", snippet(text, parsed.highlight_terms)))
            out.append({"doc_id": src["id"], "paragraph_index": None, "reused": plain})
        return out
