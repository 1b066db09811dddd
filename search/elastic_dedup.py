"""Duplicate detection in the Elasticsearch backend: dedup/'s scheme over the paragraphs index.

Every paragraph document carries dedup/fingerprint.py's keys as keyword strings
(``dd_hash``, ``dd_bands``, ``dd_fps``), its normalized text (``dd_norm``) and its
near-duplicate ``cluster``; every document carries its duplicate ``group`` (the
collapse field). The rules are dedup/index.py's; only the storage differs.

- The draft check is dedup/check.py's ``check_draft`` over :class:`ParagraphLookup`,
  which answers its posting-list questions with ``term``/``terms`` queries in
  ``_msearch`` requests. One hit per normalized text (``collapse`` on ``dd_hash``)
  stands for its exact twins, as DedupIndex posts only a text's first occurrence;
  ``twins`` lists them.
- Clusters and groups are made when a batch is written (:meth:`ElasticDuplicates.plan`
  and :meth:`ElasticDuplicates.link`): exact twins and verified LSH candidates join a
  cluster, bridged clusters are relabelled to the largest (``update_by_query``), and
  documents are linked by ``GROUP_SHARE`` / ``GROUP_MIN_REVERSE`` over the
  normalized characters of their shared clusters.
- Work per key is capped (hits per search, documents read per cluster, partners
  scored), so a write costs O(paragraphs x caps) however large the boilerplate
  clusters it touches.
- Removal is not undone: deleting or rewriting a document deletes its paragraphs
  and hands its group id to the group's next member, but clusters and groups it
  bridged stay joined (DedupIndex re-clusters them) until ``govtext reindex``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from govtext.batching import chunks
from dedup.unionfind import UnionFind
from dedup.check import check_draft
from dedup.titles import title_check_sources, title_occurrences
from dedup.fingerprint import fingerprint_paragraphs, scheme_params
from dedup.formulas import formula_kind
from dedup.grouping import GROUP_CLUSTER_DOCS, group_candidates, group_link
from dedup.index import MAX_POSTINGS, MAX_VERIFY
from dedup.minhash import is_near_duplicate, shingle_set
from dedup.normalize import NORMALIZATION_VERSION, tables_fingerprint
from govtext.errors import BackendError, GovtextError
from search.boilerplate import BoilerplateQuery
from search.engine_ids import es_id

COLLAPSE_FIELD = "group"
#: term clauses per lookup search (well below Elasticsearch's clause limit)
KEYS_PER_SEARCH = 256
#: hits per lookup search, however many paragraphs hold its keys
HITS_PER_SEARCH = 1000
SEARCHES_PER_REQUEST = 100
MAX_PAGE = 10000
#: Elasticsearch's default index.max_inner_result_window
MAX_INNER_HITS = 100
MAX_MEMBERS = 1000
BOILERPLATE_MIN_CHARS = 10
BOILERPLATE_MAX_DOCS = 10_000  # documents a 套话库 document filter may name (a terms filter)
BOILERPLATE_MAX_BUCKETS = 5_000  # clusters one 套话库 aggregation may return
ROW_SOURCE = ["doc_id", "idx", "dd_norm", "cluster", "site", "dd_hash"]
RELABEL_SCRIPT = "ctx._source[params.field] = params.value"
META_KEY = "govtext_dedup"
#: how ``dd_norm`` is indexed (index_config/es/paragraphs.json): character bigrams, so that
#: ``match_phrase`` is a containment query (tracing); part of the scheme an index must match
NORM_INDEX = "bigrams-2"


def dd_scheme() -> str:
    """The ``dd_scheme`` value of every paragraph (as dedup.fingerprint.fingerprint_fields gives it)."""
    return NORMALIZATION_VERSION + "/" + tables_fingerprint()


def scheme_meta() -> dict:
    """What the paragraphs index records in its mapping ``_meta`` (JSON-normalized, comparable)."""
    meta = {"dd_scheme": dd_scheme(), "params": scheme_params(), "norm_index": NORM_INDEX}
    return json.loads(json.dumps(meta, sort_keys=True))


def _bool(*, should=None, filter_=None, must_not=None) -> dict:
    body: dict = {}
    if should:
        body["should"], body["minimum_should_match"] = should, 1
    if filter_:
        body["filter"] = filter_
    if must_not:
        body["must_not"] = must_not
    return {"bool": body}


def _not_docs(doc_ids) -> list[dict]:
    return [{"terms": {"doc_id": sorted(doc_ids)}}] if doc_ids else []


# -- request bodies (pure; tests/test_elastic_dsl.py checks them) ------------------------
def keyed_body(field_name: str, keys: Sequence[str], size: int, exclude_docs=()) -> dict:
    """Paragraphs holding any of ``keys`` in ``field_name``. Term scores are idf, so the
    paragraphs sharing the rarest keys come first and a boilerplate key cannot crowd out
    a rare one; each clause is named after its key (``matched_queries``)."""
    should = [{"term": {field_name: {"value": k, "_name": k}}} for k in keys]
    return _best_paragraphs(should, size, exclude_docs, source=False)


def exact_body(hashes: Sequence[str], cap: int, exclude_docs=()) -> dict:
    """Up to ``cap`` paragraphs per exact hash: one collapsed hit per hash, its twins as inner hits."""
    return {
        "query": _bool(filter_=[{"terms": {"dd_hash": hashes}}], must_not=_not_docs(exclude_docs)),
        "size": len(hashes),
        "_source": False,
        "track_total_hits": False,
        "sort": [{"dd_hash": "asc"}],
        "collapse": {
            "field": "dd_hash",
            "inner_hits": {
                "name": "twins",
                "size": max(1, min(cap, MAX_INNER_HITS)),
                "_source": False,
                "sort": [{"doc_id": "asc"}, {"idx": "asc"}],
            },
        },
    }


def near_body(bands: list[str], size: int, exclude_docs=()) -> dict:
    """The ``size`` paragraphs sharing the most band keys with one paragraph (DedupIndex's
    LSH candidates), one per normalized text, with what verification needs."""
    should = [{"constant_score": {"filter": {"term": {"dd_bands": k}}}} for k in bands]
    return _best_paragraphs(should, size, exclude_docs, source=ROW_SOURCE)


def _best_paragraphs(should: list[dict], size: int, exclude_docs, source) -> dict:
    """The ``size`` best-scoring paragraphs for ``should``, one per normalized text, in a stable order."""
    return {
        "query": _bool(should=should, must_not=_not_docs(exclude_docs)),
        "size": size,
        "collapse": {"field": "dd_hash"},
        "_source": source,
        "track_total_hits": False,
        "sort": ["_score", {"doc_id": "asc"}, {"idx": "asc"}],
    }


def cluster_docs_body(cluster: str, size: int, exclude_docs=()) -> dict:
    """Some paragraphs of a cluster (index order, so a huge cluster stops early)."""
    return {
        "query": _bool(filter_=[{"term": {"cluster": cluster}}], must_not=_not_docs(exclude_docs)),
        "size": size,
        "_source": ["doc_id"],
        "sort": ["_doc"],
        "track_total_hits": False,
    }


def containing_body(norm: str, size: int, doc_ids=()) -> dict:
    """Paragraphs whose normalized text contains ``norm``: a phrase of its character bigrams
    over ``dd_norm`` (indexed as bigrams), optionally only in ``doc_ids``; first stored first."""
    filter_ = [{"terms": {"doc_id": sorted(doc_ids)}}] if doc_ids else []
    return {
        "query": {"bool": {"must": [{"match_phrase": {"dd_norm": {"query": norm}}}], "filter": filter_}},
        "size": size,
        "_source": ROW_SOURCE,
        "track_total_hits": False,
        "sort": [{"doc_id": "asc"}, {"idx": "asc"}],
    }


def cluster_members_body(cluster: str, size: int) -> dict:
    """The paragraphs of a near-duplicate cluster (its members), with their rows."""
    return {
        "query": {"bool": {"filter": [{"term": {"cluster": cluster}}]}},
        "size": size,
        "_source": ROW_SOURCE,
        "track_total_hits": False,
        "sort": [{"doc_id": "asc"}, {"idx": "asc"}],
    }


def doc_paragraphs_body(doc_id: str, source: list[str]) -> dict:
    return {"query": {"term": {"doc_id": doc_id}}, "size": MAX_PAGE, "_source": source, "sort": [{"idx": "asc"}]}


def counts_body(
    field_name: str, values: Sequence[str], *, distinct: str = "", exclude: tuple[str, list] = ("", [])
) -> dict:
    """Documents per value of ``field_name`` (and distinct ``distinct`` values per bucket)."""
    terms: dict = {"terms": {"field": field_name, "size": max(1, len(values))}}
    if distinct:
        terms["aggs"] = {"distinct": {"cardinality": {"field": distinct}}}
    ex_field, ex_values = exclude
    must_not = [{"terms": {ex_field: sorted(ex_values)}}] if ex_field and ex_values else []
    return {
        "size": 0,
        "query": _bool(filter_=[{"terms": {field_name: values}}], must_not=must_not),
        "aggs": {"counts": terms},
    }


def relabel_body(field_name: str, old: list[str], new: str, exclude_ids=()) -> dict:
    """``update_by_query`` body: set ``field_name`` to ``new`` where it is one of ``old``."""
    must_not = [{"ids": {"values": sorted(exclude_ids)}}] if exclude_ids else []
    return {
        "query": _bool(filter_=[{"terms": {field_name: sorted(old)}}], must_not=must_not),
        "script": {"source": RELABEL_SCRIPT, "lang": "painless", "params": {"field": field_name, "value": new}},
    }


def members_body(group_id: str, size: int, exclude_ids=(), source=("id",)) -> dict:
    """Documents of a group, first added first (``added_at`` has seconds: then ``indexed_at``)."""
    must_not = [{"ids": {"values": sorted(exclude_ids)}}] if exclude_ids else []
    return {
        "query": _bool(filter_=[{"term": {COLLAPSE_FIELD: group_id}}], must_not=must_not),
        "size": size,
        "_source": list(source),
        "sort": [{"added_at": "asc"}, {"indexed_at": "asc"}, {"id": "asc"}],
    }


def boilerplate_body(
    min_docs: int,
    size: int,
    *,
    variants: int = 5,
    occurrences: int = 20,
    min_chars: int = BOILERPLATE_MIN_CHARS,
    doc_ids: list[str] | None = None,
) -> dict:
    """Clusters ordered by distinct documents (a ``cardinality`` of doc_id), with their
    sites, most common exact variants and first occurrences; ``doc_ids``: only these
    documents' paragraphs count."""
    first = [{"doc_id": "asc"}, {"idx": "asc"}]
    query: dict = {"range": {"dd_norm_len": {"gte": min_chars}}}
    if doc_ids is not None:
        query = {"bool": {"filter": [query, {"terms": {"doc_id": sorted(doc_ids)}}]}}
    return {
        "size": 0,
        "query": query,
        "aggs": {
            "clusters": {
                "terms": {
                    "field": "cluster",
                    "size": size,
                    "min_doc_count": min_docs,
                    "order": [{"docs": "desc"}, {"_count": "desc"}, {"_key": "asc"}],
                },
                "aggs": {
                    "docs": {"cardinality": {"field": "doc_id"}},
                    "enough": {
                        "bucket_selector": {
                            "buckets_path": {"docs": "docs"},
                            "script": f"params.docs >= {int(min_docs)}",
                        }
                    },
                    "sites": {"cardinality": {"field": "site"}},
                    "variant_count": {"cardinality": {"field": "dd_hash"}},
                    "variants": {
                        "terms": {"field": "dd_hash", "size": variants},
                        "aggs": {"example": {"top_hits": {"size": 1, "_source": ["text"], "sort": first}}},
                    },
                    "occurrences": {
                        "top_hits": {"size": occurrences, "_source": ["doc_id", "idx", "site"], "sort": first}
                    },
                },
            }
        },
    }


def _hits(resp: dict) -> list[dict]:
    return (resp.get("hits") or {}).get("hits") or []


def _row(src: dict) -> dict:
    return {
        "doc_id": src.get("doc_id", ""),
        "paragraph_index": int(src.get("idx", 0)),
        "norm": src.get("dd_norm", ""),
        "cluster": src.get("cluster", ""),
        "site": src.get("site", ""),
        "hash": int(src.get("dd_hash", 0)),
    }


# -- the lookup check_draft reads -----------------------------------------------------------
class ParagraphLookup:
    """DedupIndex's read interface (``lookup_fingerprints``, ``lookup_bands``, ``lookup_exact``,
    ``twins``, ``paragraph_rows``) over one paragraphs index. check_draft wants int paragraph
    ids: each ``_id`` seen gets a number, valid for this object's life."""

    def __init__(self, dups: ElasticDuplicates, index: str, exclude_docs=()):
        self.dups = dups
        self.index = index
        self.exclude = sorted(set(exclude_docs))
        self._ids: list[str] = []
        self._pid: dict[str, int] = {}
        self._rows: dict[int, dict] = {}

    def pid(self, es_id: str) -> int:
        found = self._pid.get(es_id)
        if found is None:
            found = self._pid[es_id] = len(self._ids)
            self._ids.append(es_id)
        return found

    def _keyed(self, field_name: str, keys, cap: int) -> dict[int, list[int]]:
        names = {str(int(k)): int(k) for k in keys}
        key_chunks = list(chunks(sorted(names), KEYS_PER_SEARCH))
        bodies = [
            keyed_body(field_name, c, min(HITS_PER_SEARCH, max(1, cap) * len(c)), self.exclude) for c in key_chunks
        ]
        out: dict[int, list[int]] = {}
        for resp in self.dups.msearch(self.index, bodies, "looking up fingerprints"):
            for hit in _hits(resp):
                matched = hit.get("matched_queries") or ()
                for name in matched.keys() if isinstance(matched, dict) else matched:
                    key = names.get(name)
                    if key is not None:
                        postings = out.setdefault(key, [])
                        if len(postings) < cap:
                            postings.append(self.pid(hit["_id"]))
        return out

    def lookup_fingerprints(self, hashes, cap: int = MAX_POSTINGS) -> dict[int, list[int]]:
        return self._keyed("dd_fps", hashes, cap)

    def lookup_bands(self, keys, cap: int = MAX_POSTINGS) -> dict[int, list[int]]:
        return self._keyed("dd_bands", keys, cap)

    def lookup_exact(self, hashes, cap: int = MAX_POSTINGS) -> dict[int, list[int]]:
        wanted = sorted({str(int(h)) for h in hashes})
        bodies = [exact_body(c, cap, self.exclude) for c in chunks(wanted, 500)]
        out: dict[int, list[int]] = {}
        for resp in self.dups.msearch(self.index, bodies, "looking up exact copies"):
            for hit in _hits(resp):
                key = ((hit.get("fields") or {}).get("dd_hash") or [None])[0]
                inner = (hit.get("inner_hits") or {}).get("twins") or {}
                ids = [h["_id"] for h in _hits(inner)] or [hit["_id"]]
                if key is not None:
                    out[int(key)] = [self.pid(i) for i in ids[:cap]]
        return out

    def twins(self, hashes, cap: int = MAX_POSTINGS) -> dict[int, list[int]]:
        return self.lookup_exact(hashes, cap)

    def near(self, band_lists: list[list[str]], size: int = MAX_VERIFY) -> list[list[int]]:
        """Per paragraph (its band keys), the stored paragraphs sharing the most keys."""
        bodies = [near_body(keys, size, self.exclude) for keys in band_lists]
        out = []
        for resp in self.dups.msearch(self.index, bodies, "looking up near copies"):
            out.append(self._rows_of(resp))
        return out

    def _rows_of(self, resp: dict) -> list[int]:
        pids = []
        for hit in _hits(resp):
            p = self.pid(hit["_id"])
            self._rows[p] = _row(hit.get("_source") or {})
            pids.append(p)
        return pids

    def containing(self, norms: list[str], cap: int, doc_ids=()) -> list[list[int]]:
        """Per normalized phrase: the paragraphs containing it (at most ``cap``, at most MAX_PAGE),
        optionally only those of ``doc_ids``; one ``_msearch`` for all of them."""
        size = max(1, min(int(cap), MAX_PAGE))
        bodies = [containing_body(n, size, doc_ids) for n in norms]
        return [self._rows_of(r) for r in self.dups.msearch(self.index, bodies, "finding a phrase")]

    def cluster_members(self, clusters: list[str], cap: int) -> list[list[int]]:
        """Per cluster id: its paragraphs (at most ``cap``, at most MAX_PAGE), in one ``_msearch``."""
        size = max(1, min(int(cap), MAX_PAGE))
        bodies = [cluster_members_body(str(c), size) for c in clusters]
        return [self._rows_of(r) for r in self.dups.msearch(self.index, bodies, "reading a cluster")]

    def document_pids(self, doc_ids: list[str]) -> list[list[int]]:
        """Per document: its paragraphs in order, in one ``_msearch``."""
        bodies = [doc_paragraphs_body(d, ROW_SOURCE) for d in doc_ids]
        return [self._rows_of(r) for r in self.dups.msearch(self.index, bodies, "reading paragraphs")]

    def texts(self, pids) -> dict[int, str]:
        """pid -> the paragraph's original text (one ``mget`` per 1000)."""
        pids = [int(p) for p in dict.fromkeys(pids) if 0 <= int(p) < len(self._ids)]
        out: dict[int, str] = {}
        for chunk in chunks(pids, 1000):
            with self.dups.api("reading paragraphs"):
                resp = self.dups.client.mget(
                    index=self.index, ids=[self._ids[p] for p in chunk], source_includes=["text"]
                )
            for d in resp["docs"]:
                if d.get("found"):
                    out[self._pid[d["_id"]]] = (d.get("_source") or {}).get("text", "")
        return out

    def paragraph_rows(self, pids) -> dict[int, dict]:
        """pid -> {doc_id, paragraph_index, norm, cluster, site, hash}."""
        pids = list(dict.fromkeys(int(p) for p in pids))
        missing = [p for p in pids if p not in self._rows and 0 <= p < len(self._ids)]
        for chunk in chunks(missing, 1000):
            with self.dups.api("reading paragraphs"):
                resp = self.dups.client.mget(
                    index=self.index, ids=[self._ids[p] for p in chunk], source_includes=ROW_SOURCE
                )
            for d in resp["docs"]:
                if d.get("found"):
                    self._rows[self._pid[d["_id"]]] = _row(d["_source"])
        return {p: self._rows[p] for p in pids if p in self._rows}


# -- writing: clusters and groups ---------------------------------------------------------
@dataclass
class Plan:
    """What :meth:`ElasticDuplicates.plan` decided for a batch."""

    #: per document, per paragraph: the dd_ fields, cluster and site to index
    fields: list[list[dict]]
    #: per document: cluster -> normalized chars of its paragraphs in it
    doc_clusters: list[dict[str, int]]
    #: clusters that also hold stored paragraphs (other documents may share them)
    stored_clusters: set[str] = field(default_factory=set)


class ElasticDuplicates:
    """Duplicate detection of an ElasticBackend (clusters, groups, check, boilerplate)."""

    def __init__(self, backend):
        self.backend = backend

    @property
    def client(self):
        return self.backend.client

    def api(self, action: str):
        return self.backend._api(action)

    @property
    def paragraphs(self) -> str:
        return self.backend.aliases["paragraphs"]

    @property
    def documents(self) -> str:
        return self.backend.aliases["documents"]

    def msearch(self, index: str, bodies: list[dict], action: str) -> list[dict]:
        out = []
        for chunk in chunks(bodies, SEARCHES_PER_REQUEST):
            searches = []
            for body in chunk:
                searches += [{"index": index}, body]
            with self.api(action):
                resp = self.client.msearch(searches=searches)
            for r in resp["responses"]:
                if "error" in r:
                    err = r["error"]
                    reason = err.get("reason", err) if isinstance(err, dict) else err
                    raise BackendError(f"Elasticsearch error while {action}: {str(reason)[:300]}")
                out.append(r)
        return out

    def _search(self, index: str, body: dict, action: str) -> dict:
        with self.api(action):
            return self.client.search(index=index, body=body).body

    def _counts(self, index: str, field_name: str, values, **kw) -> dict[str, tuple[int, int]]:
        """value -> (documents, distinct ``distinct`` values) for each of ``values``."""
        values = sorted(set(values))
        out: dict[str, tuple[int, int]] = {}
        for chunk in chunks(values, 1000):
            resp = self._search(index, counts_body(field_name, chunk, **kw), "counting")
            for b in ((resp.get("aggregations") or {}).get("counts") or {}).get("buckets", []):
                out[b["key"]] = (int(b["doc_count"]), int((b.get("distinct") or {}).get("value", 0)))
        return out

    def _relabel(self, index: str, field_name: str, moves: dict[str, str], exclude_ids=()) -> None:
        by_target: dict[str, list[str]] = defaultdict(list)
        for old, new in moves.items():
            by_target[new].append(old)
        for new, olds in sorted(by_target.items()):
            body = relabel_body(field_name, olds, new, exclude_ids)
            with self.api(f"relabelling {field_name}"):
                self.client.update_by_query(
                    index=index, query=body["query"], script=body["script"], conflicts="proceed", refresh=True
                )

    # -- scheme ---------------------------------------------------------------------
    def scheme_problem(self) -> str:
        """Why the paragraphs index cannot be used for dedup ('' when it can)."""
        with self.api("reading the paragraphs mapping"):
            mappings = self.client.indices.get_mapping(index=self.paragraphs).body
        for name, info in mappings.items():
            found = ((info.get("mappings") or {}).get("_meta") or {}).get(META_KEY)
            if found != scheme_meta():
                how = "without duplicate fingerprints" if found is None else "with another fingerprint scheme"
                return (
                    f"the paragraphs index {name} was built {how}: run `govtext reindex` "
                    "to rebuild it from the stored documents"
                )
        return ""

    # -- writes ---------------------------------------------------------------------
    def plan(self, docs: list[tuple[str, str, list[str]]], index: str) -> Plan:
        """Fingerprints and cluster ids for the paragraphs of ``(doc_id, site, paragraphs)``;
        stored clusters that a new paragraph bridges are relabelled to the largest."""
        flat = [p for _, _, ps in docs for p in ps]
        owner = [k for k, (_, _, ps) in enumerate(docs) for _ in ps]
        prints = fingerprint_paragraphs(flat)
        norm, n = prints.norm, len(flat)
        lookup = ParagraphLookup(self, index, exclude_docs=[d for d, _, _ in docs])
        uf = UnionFind()
        # 1. exact twins, stored or earlier in the batch: same cluster, no near search
        stored = lookup.lookup_exact({prints.hashes[i] for i in range(n) if norm[i]}, cap=1)
        rows = lookup.paragraph_rows(p[0] for p in stored.values())
        first: dict[int, int] = {}
        todo = []
        for i in range(n):
            uf.find(("p", i))
            if not norm[i]:
                continue
            h = prints.hashes[i]
            same = stored.get(h)
            twin = same[0] if same else None
            if twin in rows:
                uf.union(("p", i), ("c", rows[twin]["cluster"]))
            elif h in first:
                uf.union(("p", i), ("p", first[h]))
            else:
                first[h] = i
                if prints.bands[i]:
                    todo.append(i)
        # 2. near copies: stored LSH candidates and earlier batch paragraphs sharing band keys, verified
        shingles: dict[int, frozenset] = {}

        def sh(i: int) -> frozenset:
            if i not in shingles:
                shingles[i] = shingle_set(norm[i])
            return shingles[i]

        found = lookup.near([[str(k) for k in prints.bands[i]] for i in todo], MAX_VERIFY)
        buckets: dict[int, list[int]] = defaultdict(list)
        for i, cands in zip(todo, found):
            for p in cands:
                r = lookup.paragraph_rows([p]).get(p)
                if (
                    r
                    and uf.find(("p", i)) != uf.find(("c", r["cluster"]))
                    and is_near_duplicate(sh(i), shingle_set(r["norm"]))[0]
                ):
                    uf.union(("p", i), ("c", r["cluster"]))
            shared = Counter(j for k in prints.bands[i] for j in buckets[k][:MAX_POSTINGS])
            for j, _ in shared.most_common(MAX_VERIFY):
                if uf.find(("p", i)) != uf.find(("p", j)) and is_near_duplicate(sh(i), sh(j))[0]:
                    uf.union(("p", i), ("p", j))
            for k in prints.bands[i]:
                buckets[k].append(i)
        # 3. one label per component: the largest stored cluster in it, else a new id
        comps: dict = defaultdict(list)
        for node in list(uf.parent):
            comps[uf.find(node)].append(node)
        olds = {node[1] for node in uf.parent if node[0] == "c"}
        sizes = self._counts(index, "cluster", olds, exclude=("doc_id", lookup.exclude)) if olds else {}
        labels: list[str] = [""] * n
        moves: dict[str, str] = {}
        stamp = secrets.token_hex(8)
        stored_clusters = set()
        for members in comps.values():
            news = sorted(node[1] for node in members if node[0] == "p")
            clusters = sorted(node[1] for node in members if node[0] == "c")
            if clusters:
                target = min(clusters, key=lambda c: (-sizes.get(c, (0, 0))[0], c))
                moves.update({c: target for c in clusters if c != target})
                stored_clusters.add(target)
            else:
                i = news[0]
                seed = f"{docs[owner[i]][0]}\0{i}\0{stamp}"
                target = "c" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:20]
            for i in news:
                labels[i] = target
        if moves:
            self._relabel(index, "cluster", moves)
        scheme = dd_scheme()
        fields: list[list[dict]] = [[] for _ in docs]
        doc_clusters: list[dict[str, int]] = [defaultdict(int) for _ in docs]
        for i in range(n):
            k = owner[i]
            fields[k].append(
                {
                    "dd_hash": str(prints.hashes[i]),
                    "dd_bands": [str(b) for b in prints.bands[i]],
                    "dd_fps": [str(h) for h in prints.fps[i].tolist()],
                    "dd_norm": norm[i],
                    "dd_norm_len": len(norm[i]),
                    "dd_scheme": scheme,
                    "cluster": labels[i],
                    **({"site": docs[k][1]} if docs[k][1] else {}),
                }
            )
            doc_clusters[k][labels[i]] += len(norm[i])
        return Plan(fields, [dict(c) for c in doc_clusters], stored_clusters)

    def link(self, plan: Plan, doc_ids: list[str], indices: dict[str, str]) -> dict[str, str]:
        """The duplicate group of each batch document (dedup/index.py's rule); stored groups
        the batch bridges are relabelled to the largest."""
        batch = set(doc_ids)
        position = {d: k for k, d in enumerate(doc_ids)}
        in_batch: dict[str, list[str]] = defaultdict(list)
        for d, doc_clusters in zip(doc_ids, plan.doc_clusters):
            for c in doc_clusters:
                in_batch[c].append(d)
        # documents holding each stored cluster touched (at most GROUP_CLUSTER_DOCS per cluster)
        order = sorted(plan.stored_clusters)
        bodies = [cluster_docs_body(c, 2 * GROUP_CLUSTER_DOCS, batch) for c in order]
        holders: dict[str, list[str]] = {}
        for c, resp in zip(order, self.msearch(indices["paragraphs"], bodies, "finding copies")):
            holders[c] = list(dict.fromkeys(h["_source"]["doc_id"] for h in _hits(resp)))[:GROUP_CLUSTER_DOCS]
        # candidates sharing at least GROUP_MIN_REVERSE of a batch document
        candidates: dict[str, list[str]] = {}
        for d, mine in zip(doc_ids, plan.doc_clusters):
            total = sum(mine.values())
            shared: dict[str, int] = defaultdict(int)
            for c, chars in mine.items():
                for o in set(holders.get(c, ())) | set(in_batch.get(c, ())):
                    if o != d:
                        shared[o] += chars
            candidates[d] = group_candidates(total, shared)
        theirs: dict[str, dict[str, int]] = {d: c for d, c in zip(doc_ids, plan.doc_clusters)}
        others = sorted({o for os in candidates.values() for o in os} - batch)
        bodies = [doc_paragraphs_body(o, ["cluster", "dd_norm_len"]) for o in others]
        for o, resp in zip(others, self.msearch(indices["paragraphs"], bodies, "reading copies")):
            clusters: dict[str, int] = defaultdict(int)
            for h in _hits(resp):
                clusters[h["_source"].get("cluster", "")] += int(h["_source"].get("dd_norm_len") or 0)
            theirs[o] = clusters
        links = []
        for d, mine in zip(doc_ids, plan.doc_clusters):
            for o in candidates[d]:
                if group_link(mine, theirs.get(o) or {}) is not None:
                    links.append((d, o))
        return self._merge_groups(doc_ids, links, indices["documents"], position)

    def _merge_groups(self, doc_ids, links, documents: str, position) -> dict[str, str]:
        batch = set(doc_ids)
        label = {d: d for d in doc_ids}
        others = sorted({o for _, o in links} - batch)
        found = self.backend._existing(others, fields=("id", COLLAPSE_FIELD), index=documents) if others else {}
        for o in others:
            label[o] = (found.get(o) or {}).get(COLLAPSE_FIELD) or o
        stored = {label[o] for o in others}
        sizes = self._counts(documents, COLLAPSE_FIELD, stored, exclude=("id", sorted(batch))) if stored else {}
        uf = UnionFind()
        for d, o in links:
            uf.union(label[d], label[o])

        def rank(g: str):  # largest first; then stored groups (older) before the batch's, in order
            return (-sizes.get(g, (1, 0))[0], 0 if g in stored else 1, position.get(g, 0), g)

        comps: dict[str, list[str]] = defaultdict(list)
        for g in set(label.values()):
            comps[uf.find(g)].append(g)
        target = {}
        moves = {}
        for groups in comps.values():
            best = min(groups, key=rank)
            for g in groups:
                target[g] = best
                if g != best and g in stored:
                    moves[g] = best
        if moves:
            self._relabel(documents, COLLAPSE_FIELD, moves, exclude_ids=[self.backend_id(d) for d in batch])
        return {d: target[label[d]] for d in doc_ids}

    def backend_id(self, doc_id: str) -> str:
        return es_id(doc_id)

    def retire(self, groups: dict[str, str]) -> None:
        """Documents about to be rewritten or deleted (doc id -> their group) hand the group
        id they represent to the group's next member, so it does not name a ghost."""
        reps = sorted(d for d, g in groups.items() if (g or d) == d)
        if not reps:
            return
        leaving = [self.backend_id(d) for d in groups]
        bodies = [members_body(r, 1, leaving) for r in reps]
        moves = {}
        for r, resp in zip(reps, self.msearch(self.documents, bodies, "passing on duplicate groups")):
            hits = _hits(resp)
            if hits:
                moves[r] = hits[0]["_source"]["id"]
        for old, new in moves.items():
            self._relabel(self.documents, COLLAPSE_FIELD, {old: new}, exclude_ids=leaving)

    # -- reads ----------------------------------------------------------------------
    def group_of(self, doc_id: str) -> tuple[str, int]:
        return self.groups_of([doc_id])[doc_id]

    def groups_of(self, doc_ids: list[str]) -> dict[str, tuple[str, int]]:
        found = self.backend._existing(list(dict.fromkeys(doc_ids)), fields=("id", COLLAPSE_FIELD))
        group = {d: (found.get(d) or {}).get(COLLAPSE_FIELD) or d for d in doc_ids}
        sizes = self._counts(self.documents, COLLAPSE_FIELD, group.values()) if group else {}
        return {d: (g, max(1, sizes.get(g, (1, 0))[0])) for d, g in group.items()}

    def group_members(self, group_id: str) -> list[str]:
        resp = self._search(self.documents, members_body(group_id, MAX_MEMBERS), "reading a duplicate group")
        members = [h["_source"]["id"] for h in _hits(resp)]
        return sorted(members, key=lambda m: m != group_id)  # the document naming the group first

    def titles(self, doc_ids) -> dict[str, str]:
        found = self.backend._existing(list(dict.fromkeys(doc_ids)), fields=("id", "stored.doc.title"))
        return {d: ((src.get("stored") or {}).get("doc") or {}).get("title", "") for d, src in found.items()}

    def check(self, text, quotes_as_citation: bool = False, max_chars: int = 200000, **options) -> dict:
        """dedup/check.py's report against the paragraphs index, sources with their titles."""
        report = check_draft(
            ParagraphLookup(self, self.paragraphs),
            text,
            quotes_as_citation=quotes_as_citation,
            max_chars=max_chars,
            **options,
        )
        return title_check_sources(report, self.titles)

    def _filtered_doc_ids(self, bq: BoilerplateQuery) -> list[str]:
        """Ids of the documents passing the 套话库's document filters (the documents
        index's region / doc_type / year fields, as search filters them)."""
        from search.backend import SearchRequest
        from search.filters import Filters

        f = Filters.of(SearchRequest(q="", region=bq.region, doc_type=bq.doc_type, year=bq.year))
        clauses: list[dict] = [{"term": {name: value}} for name, value in f.terms()]
        bounds = f.year_bounds()
        if bounds is not None:
            clauses.append({"range": {"year": {"gte": bounds[0], **({"lte": bounds[1]} if bounds[1] else {})}}})
        body = {
            "size": BOILERPLATE_MAX_DOCS,
            "query": {"bool": {"filter": clauses}},
            "_source": ["id"],
            "track_total_hits": BOILERPLATE_MAX_DOCS + 1,
            "sort": [{"id": "asc"}],
        }
        resp = self._search(self.documents, body, "filtering the 套话库 by document")
        total = ((resp.get("hits") or {}).get("total") or {}).get("value", 0)
        if total > BOILERPLATE_MAX_DOCS:
            raise GovtextError(
                f"filtering the 套话库 by region, type or year over more than {BOILERPLATE_MAX_DOCS} documents "
                "is not supported on Elasticsearch/OpenSearch yet: narrow the filter (add a year, a type or a region)",
                code="unsupported_filter",
                status=501,
            )
        return [h["_source"]["id"] for h in _hits(resp)]

    def boilerplate(self, min_docs: int = 3, limit: int = 50, **filters) -> list[dict]:
        """DedupIndex.boilerplate's items, from one aggregation over the paragraphs.

        ``q`` and ``kind`` are applied to the aggregated clusters (``q`` to the
        variants returned, at least 100 of each cluster), so a page may hold
        fewer items than ``limit`` when they are rare; document filters become a
        ``terms`` filter on doc_id (at most BOILERPLATE_MAX_DOCS documents, else 501)."""
        bq = BoilerplateQuery(min_docs=min_docs, limit=limit, **filters)
        min_docs, limit = max(1, int(bq.min_docs)), max(0, int(bq.limit))
        if not limit:
            return []
        doc_ids = self._filtered_doc_ids(bq) if bq.by_document else None
        if doc_ids is not None and not doc_ids:
            return []
        want = bq.offset + limit
        narrowed = bool(bq.q or bq.kind)
        size = min(BOILERPLATE_MAX_BUCKETS, want * (20 if narrowed else 3))
        variants = max(bq.variants, 100) if bq.q else bq.variants
        body = boilerplate_body(min_docs, size, variants=variants, doc_ids=doc_ids)
        resp = self._search(self.paragraphs, body, "finding boilerplate")
        items = []
        for b in ((resp.get("aggregations") or {}).get("clusters") or {}).get("buckets", []):
            variants_out = [
                {
                    "text": (_hits(v["example"]) or [{}])[0].get("_source", {}).get("text", ""),
                    "count": int(v["doc_count"]),
                }
                for v in b["variants"]["buckets"]
            ]
            text = variants_out[0]["text"] if variants_out else ""
            kind = formula_kind(text)
            if bq.kind and kind != bq.kind:
                continue
            if bq.q and not any(bq.q in v["text"] for v in variants_out):
                continue
            occ = [
                {
                    "doc_id": h["_source"]["doc_id"],
                    "paragraph_index": int(h["_source"]["idx"]),
                    "site": h["_source"].get("site", ""),
                }
                for h in _hits(b["occurrences"])
            ]
            items.append(
                {
                    "cluster_id": b["key"],
                    "kind": kind,
                    "docs": int(b["docs"]["value"]),
                    "sites": int(b["sites"]["value"]),
                    "paragraphs": int(b["doc_count"]),
                    "text": text,
                    "variant_count": int((b.get("variant_count") or {}).get("value", len(variants_out))),
                    "variants": variants_out[: bq.variants],
                    "occurrences": occ,
                }
            )
        items = [i for i in items if i["docs"] >= min_docs]
        items.sort(key=lambda b: (-b["docs"], -b["sites"], -b["paragraphs"], b["cluster_id"]))
        return title_occurrences(items[bq.offset : want], self.titles)

    def copies(self, doc_id: str) -> list[dict]:
        group_id, _ = self.group_of(doc_id)
        members = self.group_members(group_id) or [doc_id]
        fields = ("id",) + tuple(f"stored.doc.{k}" for k in ("title", "url", "date", "source"))
        found = self.backend._existing(members, fields=fields)
        out = []
        for m in members:
            if m in found:
                doc = (found[m].get("stored") or {}).get("doc") or {}
                out.append({"id": m, **{k: doc.get(k, "") for k in ("title", "url", "date", "source")}})
        return out

    def recurrence(self, doc_id: str) -> list[int]:
        """Per paragraph: distinct documents (itself included) holding its cluster."""
        resp = self._search(self.paragraphs, doc_paragraphs_body(doc_id, ["idx", "cluster"]), "reading paragraphs")
        clusters = [h["_source"].get("cluster", "") for h in _hits(resp)]
        counts = self._counts(self.paragraphs, "cluster", [c for c in clusters if c], distinct="doc_id")
        return [max(1, counts.get(c, (0, 1))[1]) for c in clusters]
