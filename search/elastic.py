"""The Elasticsearch backend (scale-out), behind the protocol of search/backend.py.

Same tokens as the embedded backend: ``title`` and ``body`` hold the jieba
tokens of nlp/segment.py joined by spaces, and the indices split them with a
plain ``whitespace`` analyzer (no plugin, no IK), so a query's tokens are
exactly the indexed ones. The original document (text, paragraphs, analysis)
rides along in ``_source`` under the disabled object ``stored``; snippets are
cut from it by search/snippets.py, as in the embedded backend.

Indices (``P`` = ``settings.es_prefix``), each behind an alias:

    P-documents   -> P-documents-v<template version>-<timestamp>    one per document
    P-paragraphs  -> P-paragraphs-v<template version>-<timestamp>   one per paragraph ("<id>#<idx>")

Duplicate detection (fingerprints, clusters and groups at write time, the draft
check, boilerplate) is search/elastic_dedup.py's; every write goes through it.

Their settings and mappings are data, in ``index_config/es/*.json``, put as
composable index templates whose patterns match the concrete names. Elasticsearch
is not the source of truth for anything it cannot rebuild itself: ``reindex``
re-derives every token and facet field from the stored original into fresh
concrete indices, then swaps both aliases in one atomic ``_aliases`` call, so
readers never see a missing or half-built index.

The query AST of search/query.py compiles to the DSL in pure functions
(:func:`compile_query`, :func:`build_search_body`) that mirror
search/tantivy_index.py clause for clause; tests/test_elastic_dsl.py checks
them without a cluster. Every client exception is turned into a govtext error
(:class:`BackendError`, or :class:`BadInput` for a query the engine rejects).

Client 9 against Elasticsearch 8: the 9.x client asks for
``compatible-with=9``, which 8.x servers refuse. On connect we read the
server's version with a plain JSON request and, for an 8.x server, pin the
compatibility header to 8 in the transport (ES 9 also accepts 8).
"""

from __future__ import annotations

import json
import logging
import re
import time
from contextlib import contextmanager
from datetime import datetime, UTC
from pathlib import Path
from collections.abc import Iterable, Iterator

from govtext.errors import BackendError, BadInput, GovtextError, NotFound
from govtext.settings import REPO_ROOT, Settings
from nlp.segment import index_fields, index_string
from search.backend import FACETS, Hit, IndexedDocument, SearchRequest, SearchResponse, WriteSummary
from search.engine_ids import MAX_ID_BYTES, es_id  # noqa: F401  (MAX_ID_BYTES: tests)
from search.elastic_dedup import ElasticDuplicates, META_KEY, scheme_meta
from search.fields import edition_key_of, facet_values, site_of
from search.filters import Filters
from search.query import And, Match, Not, Or, Phrase, Term, parse_query, relax, widen
from search.similar import telling_terms
from search.evidence import RERANK_WINDOW, Matcher, ahead, analyse, page_evidence, query_words, rerank, reranks
from search.hits import build_hit
from search.outcome import RELAXED_NOTICE, Outcome, suggestions
from search.versions import edition_status, page_editions, swaps_editions, version_chain, with_editions
from search.store import StoredDocument
from search.tantivy_index import PHRASE_BOOST, SYNONYM_BOOST, TITLE_BOOST, token_fields  # one ranking for both

log = logging.getLogger(__name__)

KINDS = ("documents", "paragraphs")
#: plain indices beside the aliased ones, made on first use (tracing/watches_engine.py): ``<prefix>-<name>``
EXTRA_INDICES = ("watches", "watch-hits")
FACET_SIZE = 30
COLLAPSE_FIELD = "group"
COPIES = "copies"
BULK_CHUNK_DOCS = 200
BULK_CHUNK_BYTES = 20 * 1024 * 1024
BULK_RETRIES = 5
PAGE = 200
EDITION_FIELD = "edition_key"
STATUS_FIELD = "status"
EDITION_SOURCE = ["id", EDITION_FIELD, STATUS_FIELD, "stored.doc.title", "stored.doc.date"]
#: edition keys per status query (each key has a handful of documents)
STATUS_KEYS = 200
#: hits looked at beyond a page's end, for the editions folded into hits above them (as embedded)
EDITION_SLACK = 4
#: the engine's index.max_result_window: from + size of one search
MAX_RESULT_WINDOW = 10_000
HIT_SOURCE = [
    "id",
    COLLAPSE_FIELD,
    EDITION_FIELD,
    "stored.doc",
    "stored.analysis.themes",
    "stored.analysis.primary_region",
    "stored.analysis.doc_type",
]
EXISTING_FIELDS = ("id", "content_hash", "paragraph_count", "added_at", COLLAPSE_FIELD)
_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,100}$")
_COMPAT_RE = re.compile(r"compatible-with=\d+")


# -- index templates (data in index_config/es/) ---------------------------------
def template_dir(config_dir: Path | None = None) -> Path:
    """``<config_dir>/es`` when it holds the templates, else the repository's."""
    if config_dir is not None and (Path(config_dir) / "es" / "documents.json").exists():
        return Path(config_dir) / "es"
    return REPO_ROOT / "index_config" / "es"


def check_prefix(prefix: str) -> str:
    if not _PREFIX_RE.match(prefix or ""):
        raise BadInput(
            f"GOVTEXT_ES_PREFIX {prefix!r} is not a valid index prefix: "
            "use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    return prefix


def load_template(kind: str, prefix: str, config_dir: Path | None = None) -> dict:
    """The composable index template for ``kind`` with the prefix filled in (keys starting
    with ``_`` other than ``_meta`` are comments and are dropped)."""
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}")
    check_prefix(prefix)
    path = template_dir(config_dir) / f"{kind}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackendError(f"cannot read the index template {path}: {exc}") from None
    body = {k: v for k, v in raw.items() if not k.startswith("_") or k == "_meta"}
    version = int(body.get("version", 1))
    body["version"] = version
    body["index_patterns"] = [
        p.replace("{prefix}", prefix).replace("{version}", str(version))
        for p in raw.get("index_patterns", [f"{{prefix}}-{kind}-v{{version}}-*"])
    ]
    return body


def alias_name(prefix: str, kind: str) -> str:
    return f"{prefix}-{kind}"


def concrete_name(prefix: str, kind: str, version: int, now: float | None = None) -> str:
    now = time.time() if now is None else now
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now)) + f"{int(now * 1000) % 1000:03d}"
    return f"{prefix}-{kind}-v{version}-{stamp}"


def paragraph_id(doc_id: str, idx: int) -> str:
    return f"{es_id(doc_id)}#{idx}"


# -- query AST -> DSL (pure; mirrors search/tantivy_index.py) --------------------
def _fields(field: str | None) -> list[tuple[str, float]]:
    return [(field, 1.0)] if field else [("title", TITLE_BOOST), ("body", 1.0)]


def _term(field: str, token: str, boost: float = 1.0) -> dict:
    spec: dict = {"value": token}
    if boost != 1.0:
        spec["boost"] = boost
    return {"term": {field: spec}}


def _should(parts: list[dict], boost: float = 1.0) -> dict:
    if len(parts) == 1 and boost == 1.0:
        return parts[0]
    body: dict = {"should": parts, "minimum_should_match": 1}
    if boost != 1.0:
        body["boost"] = boost
    return {"bool": body}


def with_boost(query: dict, factor: float) -> dict:
    """``query`` with its boost multiplied by ``factor`` (a new dict)."""
    if factor == 1.0:
        return query
    ((kind, spec),) = query.items()
    if kind == "bool":
        return {"bool": {**spec, "boost": spec.get("boost", 1.0) * factor}}
    if kind in ("term", "match_phrase"):
        ((field, inner),) = spec.items()
        return {kind: {field: {**inner, "boost": inner.get("boost", 1.0) * factor}}}
    return {"bool": {"must": [query], "boost": factor}}


def token_query(token: str, field: str | None) -> dict:
    """One token in title (boosted) or body; without a field also among the sub-words
    (dictionary words inside longer tokens: 人民政府 -> 政府), as the tantivy index does."""
    fields = token_fields(field)
    return _should([_term(name, token, boost) for name, boost in fields])


def phrase_query(tokens: tuple[str, ...], field: str | None) -> dict:
    """Tokens adjacent and in order. The query string is the tokens joined by spaces,
    which the fields' whitespace search analyzer splits back into exactly these tokens."""
    if len(tokens) == 1:
        return token_query(tokens[0], field)
    parts = []
    for name, boost in _fields(field):
        spec: dict = {"query": " ".join(tokens), "slop": 0}
        if boost != 1.0:
            spec["boost"] = boost
        parts.append({"match_phrase": {name: spec}})
    return _should(parts)


def tokens_query(tokens: tuple[str, ...], field: str | None) -> dict:
    """A word the user typed: every token required, the tokens in order rank higher."""
    if len(tokens) == 1:
        return token_query(tokens[0], field)
    return {
        "bool": {
            "must": [token_query(t, field) for t in tokens],
            "should": [with_boost(phrase_query(tokens, field), PHRASE_BOOST)],
        }
    }


def compile_query(node) -> dict:
    """The Elasticsearch query for a node of search/query.py's AST."""
    if isinstance(node, Term):
        alternatives = [tokens_query(node.tokens, node.field)]
        alternatives += [with_boost(phrase_query(s, node.field), SYNONYM_BOOST) for s in node.synonyms]
        return _should(alternatives)
    if isinstance(node, Phrase):
        return phrase_query(node.tokens, node.field)
    if isinstance(node, And):
        must = [compile_query(i) for i in node.items if not isinstance(i, Not)]
        must_not = [compile_query(i.item) for i in node.items if isinstance(i, Not)]
        body: dict = {}
        if must:
            body["must"] = must
        if must_not:
            body["must_not"] = must_not
            if not must:
                body["must"] = [{"match_all": {}}]
        return {"bool": body}
    if isinstance(node, Or):
        return {"bool": {"should": [compile_query(i) for i in node.items], "minimum_should_match": 1}}
    if isinstance(node, Match):
        body = {"should": [compile_query(i) for i in node.optional], "minimum_should_match": node.minimum}
        if node.required:
            body["must"] = [compile_query(i) for i in node.required]
        if node.excluded:
            body["must_not"] = [compile_query(i) for i in node.excluded]
        return {"bool": body}
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [compile_query(node.item)]}}
    raise TypeError(f"unknown query node {node!r}")


def filter_clauses(filters: Filters) -> list[dict]:
    """``bool.filter`` clauses for the filters (search/filters.py holds their rules)."""
    out: list[dict] = [{"term": {name: value}} for name, value in filters.terms()]
    out += [{"terms": {name: list(values)}} for name, values in filters.choices()]
    bounds = filters.year_bounds()
    if bounds is not None:
        year: dict = {"gte": bounds[0]}
        if bounds[1] is not None:
            year["lte"] = bounds[1]
        out.append({"range": {"year": year}})
    return out


def facet_aggs(names: Iterable[str] = FACETS, size: int = FACET_SIZE) -> dict:
    return {name: {"terms": {"field": name, "size": size}} for name in names}


def sort_clause(sort: str) -> list:
    if sort == "relevance":
        return ["_score", {"id": "asc"}]
    return [{"date_key": "asc" if sort == "date" else "desc"}, {"id": "asc"}]


def filtered_query(root, filters: Filters) -> dict:
    """The compiled query (match_all for None: browsing) under the filters."""
    query = compile_query(root) if root is not None else {"match_all": {}}
    clauses = filter_clauses(filters)
    return {"bool": {"must": [query], "filter": clauses}} if clauses else query


def build_search_body(root, req: SearchRequest) -> dict:
    """The whole ``_search`` body for a parsed query (None: browse by filters, newest first)
    and a request."""
    query = filtered_query(root, Filters.of(req))
    body: dict = {
        "query": query,
        "from": req.offset,
        "size": req.limit,
        "sort": sort_clause("-date" if root is None and req.sort == "relevance" else req.sort),
        "track_total_hits": True,
        "_source": HIT_SOURCE,
    }
    if req.sort == "relevance":
        body["track_scores"] = True  # scores in the hits whatever the sort list looks like
    if req.collapse:
        body["collapse"] = {"field": COLLAPSE_FIELD, "inner_hits": {"name": COPIES, "size": 1, "_source": False}}
    if req.facets:
        body["aggs"] = facet_aggs()
    return body


def similar_body(weighted: list[tuple[str, float]], exclude_id: str, limit: int) -> dict:
    """An OR of weighted body terms, the document itself excluded (as in the embedded backend)."""
    return {
        "query": {
            "bool": {
                "should": [_term("body", t, round(max(w, 0.01), 6)) for t, w in weighted],
                "minimum_should_match": 1,
                "must_not": [{"ids": {"values": [es_id(exclude_id)]}}],
            }
        },
        "size": limit,
        "sort": ["_score", {"id": "asc"}],
        "track_scores": True,
        "_source": HIT_SOURCE,
    }


def parse_facets(aggs: dict) -> dict[str, list[dict]]:
    out = {}
    for name in FACETS:
        buckets = (aggs.get(name) or {}).get("buckets", [])
        out[name] = [
            {"value": b["key"], "count": b["doc_count"]} for b in buckets if not (name == "year" and b["key"] == 0)
        ]
    return out


# -- documents as Elasticsearch sources --------------------------------------
def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def document_source(
    doc_dict: dict,
    paragraphs: list[str],
    analysis: dict,
    *,
    group: str,
    content_hash: str,
    added_at: str,
    updated_at: str,
    indexed_at: int,
) -> dict:
    """The ``_source`` of a document: searchable tokens, filter fields, the stored original."""
    from govtext.documents import Document

    document = Document(**{k: v for k, v in doc_dict.items()})
    values = facet_values(StoredDocument(document, paragraphs, analysis, added_at, updated_at))
    title_tokens, title_sub = index_fields(document.title)
    body_tokens, body_sub = index_fields("\n".join(paragraphs))
    source = {
        "id": document.id,
        "title": title_tokens,
        "body": body_tokens,
        "sub": body_sub,
        "title_sub": title_sub,
        "theme": values["themes"],
        "group": group,
        "year": values["year"],
        "date_key": values["date_key"],
        "content_hash": content_hash,
        "chars": len(document.text),
        "paragraph_count": len(paragraphs),
        "added_at": added_at,
        "updated_at": updated_at,
        "indexed_at": indexed_at,
        "stored": {"doc": document.to_dict(), "paragraphs": paragraphs, "analysis": analysis},
    }
    for name in ("region", "city", "doc_type", "site"):
        if values[name]:  # no empty keyword: no empty facet bucket (as in tantivy)
            source[name] = values[name]
    key = edition_key_of(document.title, document.region, document.doc_type, analysis)
    if key:
        source[EDITION_FIELD] = key
    return source


def paragraph_source(doc_id: str, idx: int, text: str, indexed_at: int, dedup: dict | None = None) -> dict:
    """A paragraph's ``_source``; ``dedup`` adds its fingerprints, cluster and site
    (search/elastic_dedup.py's ``Plan.fields``)."""
    return {
        "doc_id": doc_id,
        "idx": idx,
        "text": text,
        "tokens": index_string(text),
        "chars": len(text),
        "indexed_at": indexed_at,
        **(dedup or {}),
    }


def hit_from_source(src: dict, score: float | None, terms: list[str], copies: int, ev=None) -> Hit:
    stored = src.get("stored") or {}
    doc = {"id": src.get("id", ""), **(stored.get("doc") or {})}
    return build_hit(
        doc,
        stored.get("analysis") or {},
        score=score,
        terms=terms,
        copies=copies,
        group_id=src.get(COLLAPSE_FIELD) or doc["id"],
        ev=ev,
        versions=src.get("_versions") or [],
    )


_USERINFO_RE = re.compile(r"//[^/@\s]*@")


def _scrub(text: str) -> str:
    """A URL or a message with any user:password@ removed."""
    return _USERINFO_RE.sub("//", text)


def _reason(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            root = (err.get("root_cause") or [err])[0]
            return f"{root.get('type', '')}: {root.get('reason', '')}".strip(": ")
        if isinstance(err, str):
            return err
    return str(getattr(exc, "message", "") or exc)[:300]


def api_error(product: str, status, reason: str, action: str) -> GovtextError:
    """The govtext error for an engine's HTTP error answer (shared by both client libraries)."""
    if status == 429:
        return BackendError(f"{product} is overloaded while {action} (429): try again shortly")
    if status == 400 and action == "searching":
        return BadInput(f"the search engine rejected the query: {reason}", code="bad_query")
    return BackendError(f"{product} error while {action} ({status}): {reason}")


class ElasticBackend:
    name = "elasticsearch"
    #: the engine's name in messages, and the setting holding its URL
    product = "Elasticsearch"
    url_env = "GOVTEXT_ES_URL"

    def __init__(self, settings: Settings):
        self.settings = settings
        url = self._configured_url()
        if not url:
            raise BackendError(
                f"{self.url_env} is empty: set it to the cluster's URL (for example http://127.0.0.1:9200; "
                f"see '{self.product}' in the README), or use GOVTEXT_BACKEND=embedded",
                code="backend_not_configured",
            )
        self.prefix = check_prefix(settings.es_prefix)
        self.url = url
        self.aliases = {kind: alias_name(self.prefix, kind) for kind in KINDS}
        self.groups = ElasticDuplicates(self)
        self.server_version = ""
        self._ready = False
        self._dedup_problem = ""
        hosts = [u.strip() for u in self.url.split(",") if u.strip()]
        options: dict = {
            "request_timeout": 30,
            "max_retries": 3,
            "retry_on_timeout": True,
            "retry_on_status": (502, 503, 504),
        }
        self.client = self._new_client(hosts, options)

    # -- the client library (search/opensearch.py overrides these five) -------------
    def _configured_url(self) -> str:
        return self.settings.es_url

    def _new_client(self, hosts: list[str], options: dict):
        try:
            from elasticsearch import Elasticsearch
        except ImportError:  # pragma: no cover - the client is a dependency
            raise BackendError("the Elasticsearch backend needs the 'elasticsearch' package") from None
        api_key = getattr(self.settings, "es_api_key", "")
        if api_key:
            options["api_key"] = api_key
        try:
            return Elasticsearch(hosts, **options)
        except ValueError as exc:
            raise BadInput(
                f"GOVTEXT_ES_URL {_scrub(self.url)!r} is not usable: {_scrub(str(exc))} "
                "(it should look like http://127.0.0.1:9200 or https://user:password@host:9200)"
            ) from None

    @staticmethod
    def _helpers():
        """The client library's helpers module (streaming_bulk, scan)."""
        from elasticsearch import helpers

        return helpers

    @staticmethod
    def _not_found():
        from elasticsearch import NotFoundError

        return NotFoundError

    def _translate(self, exc: Exception, action: str) -> GovtextError | None:
        """The govtext error for a client exception (None: not the client's, let it through)."""
        from elasticsearch import ApiError, AuthenticationException, AuthorizationException, TransportError
        from elasticsearch.helpers import BulkIndexError, ScanError

        where = _scrub(self.url)
        if isinstance(exc, ValueError):  # the client refusing an argument or URL before any request
            return BackendError(f"Elasticsearch client error while {action}: {_scrub(str(exc))[:300]}")
        if isinstance(exc, (AuthenticationException, AuthorizationException)):
            return BackendError(
                f"Elasticsearch at {where} refused the credentials while {action} "
                f"({exc.meta.status}): put user:password in GOVTEXT_ES_URL or set an API key"
            )
        if isinstance(exc, ApiError):
            status = getattr(exc, "status", None) or getattr(getattr(exc, "meta", None), "status", 0)
            return api_error("Elasticsearch", status, _reason(exc), action)
        if isinstance(exc, TransportError):  # connection refused, timeouts, TLS, serialization
            return BackendError(
                f"cannot reach Elasticsearch at {where} while {action}: {type(exc).__name__}: {_scrub(str(exc))[:200]}"
            )
        if isinstance(exc, (BulkIndexError, ScanError)):
            return BackendError(f"Elasticsearch error while {action}: {_scrub(str(exc))[:300]}")
        return None

    # -- errors ----------------------------------------------------------------
    @contextmanager
    def _api(self, action: str):
        """Turn any client exception into a govtext error naming what we were doing."""
        try:
            yield
        except GovtextError:
            raise
        except Exception as exc:
            err = self._translate(exc, action)
            if err is None:
                raise
            raise err from None

    # -- connection and indices ---------------------------------------------
    def _connect(self) -> None:
        """Read the server version with a plain JSON request; pin compatibility for 8.x."""
        with self._api("connecting"):
            meta, body = self.client.transport.perform_request("GET", "/", headers={"accept": "application/json"})
        if not 200 <= meta.status < 300 or not isinstance(body, dict):
            raise BackendError(f"Elasticsearch at {_scrub(self.url)} answered {meta.status} to GET /")
        version = str((body.get("version") or {}).get("number", ""))
        major = int(version.split(".")[0]) if version[:1].isdigit() else 0
        if major < 8:
            raise BackendError(
                f"Elasticsearch {version or '(unknown version)'} at {_scrub(self.url)} is not supported: use 8.x or 9.x"
            )
        self.server_version = version
        if major == 8:
            pin_compatibility(self.client, 8)

    def _ensure(self) -> None:
        if self._ready:
            return
        self._connect()
        self._put_templates()
        for kind in KINDS:
            self._ensure_alias(kind)
        self._ensure_edition_field()
        self._dedup_problem = self.groups.scheme_problem()
        self._ready = True

    def _ensure_edition_field(self) -> None:
        """An index made by template version 1 or 2 (strict mapping) gets ``edition_key`` and
        ``status`` added, so new writes can carry them; its older documents get them from
        ``govtext reindex``."""
        alias = self.aliases["documents"]
        with self._api("reading the documents mapping"):
            mappings = self.client.indices.get_mapping(index=alias).body
        for name, body in mappings.items():
            properties = (body.get("mappings") or {}).get("properties") or {}
            missing = [f for f in (EDITION_FIELD, STATUS_FIELD) if f not in properties]
            if missing:
                log.warning(
                    "%s predates %s: run `govtext reindex` to link editions of one law", name, " and ".join(missing)
                )
                with self._api("adding the edition fields"):
                    self.client.indices.put_mapping(index=name, properties={f: {"type": "keyword"} for f in missing})

    def _require_dedup(self) -> None:
        """Writes and duplicate queries refuse an index made with another fingerprint scheme."""
        self._ensure()
        if self._dedup_problem:
            raise BackendError(self._dedup_problem, code="dedup_rebuild_needed")

    def _create_index(self, kind: str, name: str, **kwargs) -> None:
        """Create a concrete index; the paragraphs' records the fingerprint scheme in its _meta."""
        if kind == "paragraphs":
            kwargs["mappings"] = {"_meta": {META_KEY: scheme_meta()}}
        try:
            self.client.indices.create(index=name, **kwargs)
        except Exception as exc:
            # A create that timed out on a busy node is retried by the client; the first attempt
            # may have succeeded (with its alias: one request): the name is ours, keep it.
            if "resource_already_exists_exception" in str(exc) and self.client.indices.exists(index=name):
                log.info("index %s already created by an earlier attempt", name)
                return
            raise

    def _template(self, kind: str) -> dict:
        return load_template(kind, self.prefix, self.settings.config_dir)

    def _put_templates(self) -> None:
        with self._api("putting index templates"):
            for kind in KINDS:
                body = self._template(kind)
                self.client.indices.put_index_template(name=self.aliases[kind], body=body)

    def _concrete(self, kind: str) -> list[str]:
        """The concrete indices behind ``kind``'s alias (normally one)."""
        NotFoundError = self._not_found()
        with self._api("reading aliases"):
            try:
                return sorted(self.client.indices.get_alias(name=self.aliases[kind]).body)
            except NotFoundError:
                return []

    def _ensure_alias(self, kind: str) -> None:
        """Create the first concrete index with its alias when the alias does not exist."""
        alias = self.aliases[kind]
        with self._api("checking aliases"):
            if self.client.indices.exists_alias(name=alias):
                return
        name = concrete_name(self.prefix, kind, self._template(kind)["version"])
        with self._api(f"creating index {name}"):
            self._create_index(kind, name, aliases={alias: {}})
        # Two processes racing to create the first index: keep the oldest, drop the others.
        indices = self._concrete(kind)
        if len(indices) > 1:
            keep, extra = indices[0], indices[1:]
            try:
                with self._api("resolving an index creation race"):
                    self.client.indices.delete(index=extra, ignore_unavailable=True)  # takes the alias along
            except BackendError as exc:  # the other process may have cleaned up first
                log.warning("while keeping %s for %s: %s", keep, alias, exc.message)

    def _refresh(self, indices: dict[str, str] | None = None) -> None:
        with self._api("refreshing"):
            self.client.indices.refresh(index=list((indices or self.aliases).values()))

    def _bulk(self, actions: Iterable[dict], action: str = "indexing", require_alias: bool = True) -> None:
        """streaming_bulk with retries: a 429 (whole request or single items) backs off
        exponentially and retries; an item that still fails is a BackendError. Writes
        through an alias set ``require_alias`` so a missing alias can never auto-create
        an unmapped index of that name."""
        helpers = self._helpers()
        failures = []
        extra = {"require_alias": True} if require_alias else {}
        with self._api(action):
            for _ok, item in helpers.streaming_bulk(
                self.client,
                actions,
                chunk_size=BULK_CHUNK_DOCS,
                max_chunk_bytes=BULK_CHUNK_BYTES,
                max_retries=BULK_RETRIES,
                initial_backoff=1,
                max_backoff=30,
                raise_on_error=False,
                raise_on_exception=True,
                yield_ok=False,
                **extra,
            ):
                ((op, info),) = item.items()
                if op == "delete" and info.get("status") == 404:
                    continue  # already gone
                failures.append(f"{op} {info.get('_id')}: {json.dumps(info.get('error'), ensure_ascii=False)[:200]}")
        if failures:
            raise BackendError(f"{len(failures)} bulk actions failed while {action}; first: {failures[0]}")

    # -- writing ---------------------------------------------------------------
    def _existing(
        self,
        doc_ids: list[str],
        fields=EXISTING_FIELDS,
        index: str = "",
    ) -> dict[str, dict]:
        out: dict[str, dict] = {}
        with self._api("reading documents"):
            for start in range(0, len(doc_ids), 500):
                chunk = [es_id(d) for d in doc_ids[start : start + 500]]
                if not chunk:
                    continue
                resp = self.client.mget(
                    index=index or self.aliases["documents"], ids=chunk, source_includes=list(fields)
                )
                for d in resp["docs"]:
                    if d.get("found"):
                        out[d["_source"]["id"]] = d["_source"]
        return out

    def _doc_actions(
        self,
        doc_dict: dict,
        paragraphs: list[str],
        analysis: dict,
        *,
        content_hash: str,
        added_at: str,
        updated_at: str,
        old_paragraphs: int,
        indices: dict[str, str],
        indexed_at: int,
        group: str,
        dedup: list[dict],
    ) -> Iterator[dict]:
        doc_id = doc_dict["id"]
        yield {
            "_op_type": "index",
            "_index": indices["documents"],
            "_id": es_id(doc_id),
            "_source": document_source(
                doc_dict,
                paragraphs,
                analysis,
                group=group,
                content_hash=content_hash,
                added_at=added_at,
                updated_at=updated_at,
                indexed_at=indexed_at,
            ),
        }
        for idx, text in enumerate(paragraphs):
            yield {
                "_op_type": "index",
                "_index": indices["paragraphs"],
                "_id": paragraph_id(doc_id, idx),
                "_source": paragraph_source(doc_id, idx, text, indexed_at, dedup[idx]),
            }
        for idx in range(len(paragraphs), old_paragraphs):
            yield {"_op_type": "delete", "_index": indices["paragraphs"], "_id": paragraph_id(doc_id, idx)}

    def _index_batch(self, batch: list[dict], indices: dict[str, str], action: str, require_alias: bool = True) -> None:
        """Index documents (``_doc_actions`` keyword arguments plus ``doc``, ``paragraphs``,
        ``analysis``) with their fingerprints, clusters and duplicate groups (search/elastic_dedup.py)."""
        docs = [
            (b["doc"]["id"], site_of(b["doc"].get("url", ""), b["doc"].get("source", "")), b["paragraphs"])
            for b in batch
        ]
        plan = self.groups.plan(docs, indices["paragraphs"])
        groups = self.groups.link(plan, [d for d, _, _ in docs], indices)
        actions: list[dict] = []
        for b, dedup in zip(batch, plan.fields):
            actions.extend(
                self._doc_actions(
                    b["doc"],
                    b["paragraphs"],
                    b["analysis"],
                    indices=indices,
                    group=groups[b["doc"]["id"]],
                    dedup=dedup,
                    **{k: v for k, v in b.items() if k not in ("doc", "paragraphs", "analysis")},
                )
            )
        # Paragraphs first, documents last: a document (its content_hash) is the commit mark of
        # its paragraphs. A write cut off between the two (node killed, connection lost) leaves
        # the old document or none, so writing the batch again redoes it instead of calling it
        # unchanged with paragraphs missing.
        self._bulk([a for a in actions if a["_index"] != indices["documents"]], action, require_alias=require_alias)
        self._bulk([a for a in actions if a["_index"] == indices["documents"]], action, require_alias=require_alias)
        self._refresh(indices)
        keys = {
            edition_key_of(
                b["doc"].get("title", ""), b["doc"].get("region", ""), b["doc"].get("doc_type", ""), b["analysis"]
            )
            for b in batch
        }
        self._update_statuses(keys, indices["documents"], require_alias=require_alias)

    def _update_statuses(self, keys: Iterable[str], index: str = "", require_alias: bool = True) -> int:
        """Set the edition status (search/versions.py) of every document of the edition
        ``keys`` a write touched: a new, changed or removed edition changes the others'. Only
        changed statuses are written; returns their number."""
        index = index or self.aliases["documents"]
        wanted = sorted(set(keys) - {""})
        actions = []
        for start in range(0, len(wanted), STATUS_KEYS):
            body = {
                "query": {"terms": {EDITION_FIELD: wanted[start : start + STATUS_KEYS]}},
                "size": 10000,
                "_source": EDITION_SOURCE,
            }
            with self._api("reading editions"):
                found = self.client.search(index=index, body=body)["hits"]["hits"]
            members: dict[str, list[dict]] = {}
            for h in found:
                members.setdefault(h["_source"].get(EDITION_FIELD, ""), []).append(h["_source"])
            for group in members.values():
                dates = [((m.get("stored") or {}).get("doc") or {}).get("date", "") for m in group]
                for m, date in zip(group, dates, strict=True):
                    status = edition_status(date, dates)
                    if status != m.get(STATUS_FIELD, ""):
                        actions.append(
                            {
                                "_op_type": "update",
                                "_index": index,
                                "_id": es_id(m["id"]),
                                "doc": {STATUS_FIELD: status},
                            }
                        )
        if actions:
            self._bulk(actions, "setting edition statuses", require_alias=require_alias)
            with self._api("refreshing"):
                self.client.indices.refresh(index=index)
        return len(actions)

    def write(self, docs: list[IndexedDocument]) -> WriteSummary:
        self._require_dedup()
        summary = WriteSummary()
        existing = self._existing([d.document.id for d in docs], fields=EXISTING_FIELDS + (EDITION_FIELD,))
        before = {d: (info.get(COLLAPSE_FIELD) or d) for d, info in existing.items()}
        left: set[str] = set()  # edition keys that documents of this write move away from
        now, now_ms = _now_iso(), int(time.time() * 1000)
        batch: dict[str, dict] = {}  # a document twice in one call: the last one wins
        for item in docs:
            doc = item.document
            digest = doc.content_hash
            prev = existing.get(doc.id)
            if prev and prev.get("content_hash") == digest:
                summary.unchanged += 1
                continue
            earlier = batch.pop(doc.id, None)
            batch[doc.id] = dict(
                doc=doc.to_dict(),
                paragraphs=list(item.paragraphs),
                analysis=item.analysis or {},
                content_hash=digest,
                added_at=(prev or {}).get("added_at") or now,
                updated_at=now,
                old_paragraphs=max(
                    int((prev or {}).get("paragraph_count") or 0), (earlier or {}).get("old_paragraphs", 0)
                ),
                indexed_at=now_ms,
            )
            if prev:
                summary.updated += 1
                key = edition_key_of(doc.title, doc.region, doc.doc_type, item.analysis or {})
                if prev.get(EDITION_FIELD, "") != key:
                    left.add(prev.get(EDITION_FIELD, ""))
            else:
                summary.added += 1
            existing[doc.id] = {
                **(prev or {}),
                "content_hash": digest,
                "paragraph_count": len(item.paragraphs),
                "added_at": (prev or {}).get("added_at") or now,
            }
        if batch:
            self.groups.retire({d: before[d] for d in batch if d in before})
            self._index_batch(list(batch.values()), self.aliases, "indexing documents")
            # (the new keys' statuses are set by _index_batch)
            self._update_statuses(left)
        return summary

    def content_hashes(self, doc_ids: list[str]) -> dict[str, str]:
        self._ensure()
        return {k: v["content_hash"] for k, v in self._existing(list(doc_ids)).items()}

    def delete(self, doc_ids: Iterable[str]) -> int:
        """Delete documents and their paragraphs. A deleted group representative hands the
        group id on; clusters and groups it bridged stay joined until a reindex."""
        self._ensure()
        existing = self._existing(list(dict.fromkeys(doc_ids)), fields=EXISTING_FIELDS + (EDITION_FIELD,))
        paragraphs, documents = [], []
        for doc_id, info in existing.items():
            documents.append({"_op_type": "delete", "_index": self.aliases["documents"], "_id": es_id(doc_id)})
            paragraphs += [
                {"_op_type": "delete", "_index": self.aliases["paragraphs"], "_id": paragraph_id(doc_id, i)}
                for i in range(int(info.get("paragraph_count") or 0))
            ]
        if documents:
            self.groups.retire({d: info.get(COLLAPSE_FIELD) or d for d, info in existing.items()})
            # paragraphs first: cut off halfway, the document is still there to delete again
            self._bulk(paragraphs, "deleting documents")
            self._bulk(documents, "deleting documents")
            self._refresh()
            self._update_statuses(info.get(EDITION_FIELD, "") for info in existing.values())
        return len(existing)

    def update_groups(self, groups: dict[str, str]) -> int:
        """Set the duplicate group of documents (doc id -> group id), for collapsing. The next
        write of a document computes its group again."""
        self._ensure()
        actions = [
            {"_op_type": "update", "_index": self.aliases["documents"], "_id": es_id(d), "doc": {COLLAPSE_FIELD: g}}
            for d, g in groups.items()
        ]
        if actions:
            self._bulk(actions, "updating duplicate groups")
            self._refresh()
        return len(actions)

    def set_analysis(self, updates: list[tuple[str, dict]]) -> int:
        """Replace the stored analysis of documents (``govtext retag``), as the embedded
        store does: the fields derived from it (themes, region, city, doc_type facets) are
        computed again; tokens, paragraphs and duplicate fields are untouched. Unknown
        ids are skipped; returns the documents updated."""
        self._ensure()
        latest = {doc_id: analysis for doc_id, analysis in updates}  # an id twice: the last wins
        if not latest:
            return 0
        found = self._existing(
            list(latest),
            fields=("id", "stored", COLLAPSE_FIELD, "content_hash", "added_at", "updated_at", EDITION_FIELD),
        )
        now_ms = int(time.time() * 1000)
        actions = []
        keys: set[str] = set()  # the edition keys before and after: statuses to set again
        for doc_id, src in found.items():
            stored = src.get("stored") or {}
            source = document_source(
                stored.get("doc") or {},
                stored.get("paragraphs") or [],
                latest[doc_id] or {},
                group=src.get(COLLAPSE_FIELD) or doc_id,
                content_hash=src.get("content_hash", ""),
                added_at=src.get("added_at", ""),
                updated_at=src.get("updated_at", ""),
                indexed_at=now_ms,
            )  # a reindex running now copies it again
            keys.add(source.get(EDITION_FIELD, ""))
            actions.append(
                {"_op_type": "index", "_index": self.aliases["documents"], "_id": es_id(doc_id), "_source": source}
            )
        if actions:
            self._bulk(actions, "retagging documents")
            self._refresh()
            self._update_statuses(keys | {src.get(EDITION_FIELD, "") for src in found.values()})
        return len(actions)

    def catch_up(self, wait: float = 10.0) -> int:
        """Nothing to apply: writes reach the engine directly (the embedded backend's index
        follows its store's change log; here there is no second copy to bring up to date)."""
        return 0

    def maybe_catch_up(self) -> None:
        """See :meth:`catch_up`."""

    # -- reindex (zero downtime) ---------------------------------------------
    def _copy(
        self, source_index: str, targets: dict[str, str], query: dict, progress=None, skip_newer_in: str = ""
    ) -> int:
        """Re-derive documents of ``source_index`` matching ``query`` into ``targets``, in
        batches, with fingerprints, clusters and groups computed again."""
        helpers = self._helpers()
        count = 0
        batch: list[dict] = []

        def flush():
            nonlocal count
            if batch:
                self._index_batch(batch, targets, "reindexing", require_alias=False)
                count += len(batch)
                if progress:
                    progress(len(batch))
                batch.clear()

        with self._api("reading documents for reindex"):
            scanned = helpers.scan(
                self.client,
                index=source_index,
                query={"query": query},
                size=PAGE,
                source_includes=["stored", "content_hash", "added_at", "updated_at", "indexed_at"],
            )
            for hit in scanned:
                src = hit["_source"]
                stored = src.get("stored") or {}
                doc = stored.get("doc") or {}
                if skip_newer_in and self._newer_in(skip_newer_in, doc.get("id", ""), src.get("indexed_at", 0)):
                    continue
                batch.append(
                    dict(
                        doc=doc,
                        paragraphs=stored.get("paragraphs") or [],
                        analysis=stored.get("analysis") or {},
                        content_hash=src.get("content_hash", ""),
                        added_at=src.get("added_at", ""),
                        updated_at=src.get("updated_at", ""),
                        old_paragraphs=0,
                        indexed_at=int(src.get("indexed_at") or 0),
                    )
                )
                if len(batch) >= BULK_CHUNK_DOCS:
                    flush()
            flush()
        return count

    def _newer_in(self, index: str, doc_id: str, indexed_at: int) -> bool:
        with self._api("comparing documents"):
            resp = self.client.mget(index=index, ids=[es_id(doc_id)], source_includes=["indexed_at"])
        d = resp["docs"][0]
        return bool(d.get("found")) and int(d["_source"].get("indexed_at") or 0) >= int(indexed_at or 0)

    def reindex(self, progress=None, dedup: bool = False) -> int:
        """Rebuild both indices from the stored originals into new concrete indices, swap the
        aliases atomically, then delete the old indices. Readers are never interrupted.
        Duplicate fingerprints, clusters and groups are always computed again (``dedup``,
        the embedded backend's option to force that, changes nothing here).
        Documents written while the copy runs are copied again after the swap; a document
        deleted while the copy runs may come back (run reindex outside deletions)."""
        self._ensure()
        self._put_templates()
        old = {kind: self._concrete(kind) for kind in KINDS}
        started_ms = int(time.time() * 1000) - 1000
        new = {}
        now = time.time()
        for kind in KINDS:
            new[kind] = concrete_name(self.prefix, kind, self._template(kind)["version"], now)
            if new[kind] in old[kind]:
                now += 0.001
                new[kind] = concrete_name(self.prefix, kind, self._template(kind)["version"], now)
        try:
            with self._api("creating new indices"):
                for kind in KINDS:
                    self._create_index(kind, new[kind])
            count = 0
            for source in old["documents"]:
                count += self._copy(source, new, {"match_all": {}}, progress)
            with self._api("refreshing new indices"):
                self.client.indices.refresh(index=list(new.values()))
            actions = []
            for kind in KINDS:
                actions += [{"remove": {"index": i, "alias": self.aliases[kind]}} for i in old[kind]]
                actions.append({"add": {"index": new[kind], "alias": self.aliases[kind]}})
            with self._api("swapping aliases"):
                self.client.indices.update_aliases(actions=actions)
        except BaseException:
            try:
                self.client.indices.delete(index=list(new.values()), ignore_unavailable=True)
            except Exception:  # pragma: no cover - best effort cleanup
                log.warning("could not delete the half-built indices %s", list(new.values()))
            raise
        # Catch up writes that reached the old index during the copy, then drop it.
        for source in old["documents"]:
            with self._api("refreshing old index"):
                self.client.indices.refresh(index=source)
            self._copy(source, new, {"range": {"indexed_at": {"gte": started_ms}}}, skip_newer_in=new["documents"])
        self._refresh()
        self._dedup_problem = ""
        stale = old["documents"] + old["paragraphs"]
        if stale:
            with self._api("deleting old indices"):
                self.client.indices.delete(index=stale, ignore_unavailable=True)
        return count

    # -- reading ---------------------------------------------------------------
    def _get_source(self, doc_id: str) -> dict | None:
        NotFoundError = self._not_found()
        with self._api("reading a document"):
            try:
                return self.client.get(
                    index=self.aliases["documents"],
                    id=es_id(doc_id),
                    source_includes=["stored", "added_at", "updated_at", COLLAPSE_FIELD],
                )["_source"]
            except NotFoundError:
                return None

    @staticmethod
    def _stored_dict(src: dict) -> dict:
        stored = src.get("stored") or {}
        data = dict(stored.get("doc") or {})
        data["paragraphs"] = stored.get("paragraphs") or []
        data["analysis"] = stored.get("analysis") or {}
        data["added_at"] = src.get("added_at", "")
        data["updated_at"] = src.get("updated_at", "")
        return data

    def get(self, doc_id: str) -> dict | None:
        self._ensure()
        src = self._get_source(doc_id)
        if src is None:
            return None
        data = self._stored_dict(src)
        group_id = src.get(COLLAPSE_FIELD) or doc_id
        with self._api("counting copies"):
            copies = self.client.count(index=self.aliases["documents"], query={"term": {COLLAPSE_FIELD: group_id}})[
                "count"
            ]
        data["group_id"], data["copies"] = group_id, max(int(copies), 1)
        if not self._dedup_problem:
            data["paragraph_recurrence"] = self.groups.recurrence(doc_id)
        return data

    def titles(self, doc_ids: Iterable[str]) -> dict[str, str]:
        return self.groups.titles(doc_ids)

    def source_docs(self, doc_ids: Iterable[str], paragraphs: Iterable[tuple[str, int]] = ()) -> dict[str, dict]:
        """id → title, date, region, doc_type (as the facets have them) and ``paragraphs``
        {index: text} of the wanted (doc_id, index) pairs: one mget, no counts or recurrence."""
        self._ensure()
        wanted: dict[str, set[int]] = {}
        for doc_id, idx in paragraphs:
            wanted.setdefault(doc_id, set()).add(int(idx))
        found = self._existing(list(dict.fromkeys(doc_ids)), fields=("id", "stored", "region", "doc_type"))
        out = {}
        for doc_id, src in found.items():
            data = self._stored_dict(src)
            paras = data["paragraphs"]
            out[doc_id] = {
                "title": data.get("title", ""),
                "date": data.get("date", ""),
                "region": src.get("region") or data.get("region", ""),
                "doc_type": src.get("doc_type") or data.get("doc_type", ""),
                "paragraphs": {i: paras[i] for i in wanted.get(doc_id, ()) if 0 <= i < len(paras)},
            }
        return out

    # -- duplicates (search/elastic_dedup.py) -------------------------------------
    def check(self, text, quotes_as_citation: bool = False, max_chars: int = 200000, **options) -> dict:
        self._require_dedup()
        return self.groups.check(text, quotes_as_citation=quotes_as_citation, max_chars=max_chars, **options)

    def boilerplate(self, min_docs: int = 3, limit: int = 50, **filters) -> list[dict]:
        self._require_dedup()
        return self.groups.boilerplate(min_docs=min_docs, limit=limit, **filters)

    def copies(self, doc_id: str) -> list[dict]:
        """The duplicate group, then the dated editions of the same law outside it."""
        self._require_dedup()
        members = self.groups.copies(doc_id)
        key = (self._existing([doc_id], fields=("id", EDITION_FIELD)).get(doc_id) or {}).get(EDITION_FIELD)
        found = self._edition_members([key]).get(key, []) if key else []
        if len(found) < 2:
            return members
        full = self._existing([e["id"] for e in found], fields=("id", "stored.doc.url", "stored.doc.source"))
        editions = []
        for e in found:
            doc = ((full.get(e["id"]) or {}).get("stored") or {}).get("doc") or {}
            editions.append({**e, "url": doc.get("url", ""), "source": doc.get("source", "")})
        return with_editions(members, editions, doc_id)

    def _edition_members(self, keys: list[str]) -> dict[str, list[dict]]:
        """edition key -> its documents ({"id", "title", "date"}): one terms query."""
        body = {"query": {"terms": {EDITION_FIELD: keys}}, "size": 1000, "_source": EDITION_SOURCE}
        with self._api("reading editions"):
            found = self.client.search(index=self.aliases["documents"], body=body)["hits"]["hits"]
        out: dict[str, list[dict]] = {}
        for h in found:
            src = h["_source"]
            doc = (src.get("stored") or {}).get("doc") or {}
            out.setdefault(src.get(EDITION_FIELD, ""), []).append(
                {"id": src.get("id", ""), "title": doc.get("title", ""), "date": doc.get("date", "")}
            )
        return out

    def _editions(self, rows: list, req: SearchRequest) -> list:
        """As the embedded backend: the page's hits with their editions (search/versions.py);
        rows are (source, score, copies, evidence). One query for the page, two more only
        when a hit shows a newer edition (its source and its group's size)."""
        keys = sorted({r[0].get(EDITION_FIELD) for r in rows if r[0].get(EDITION_FIELD)})
        if not keys or not req.collapse:
            return rows
        by_key = self._edition_members(keys)
        doc = lambda src: (src.get("stored") or {}).get("doc") or {}  # noqa: E731
        page = [
            {"id": r[0].get("id", ""), "date": doc(r[0]).get("date", ""), "versions": r[0].get("_versions") or []}
            for r in rows
        ]
        editions = {p["id"]: by_key.get(r[0].get(EDITION_FIELD) or "", []) for p, r in zip(page, rows, strict=True)}
        kept = page_editions(page, editions, swap=swaps_editions(req))
        swapped = [shown for pos, shown, _ in kept if shown != page[pos]["id"]]
        sources = self._existing(swapped, fields=HIT_SOURCE) if swapped else {}
        sizes = self._group_sizes([s.get(COLLAPSE_FIELD) or i for i, s in sources.items()])
        out = []
        for pos, shown, chain in kept:
            src, score, copies, ev = rows[pos]
            if shown != page[pos]["id"] and shown in sources:  # its evidence is found afresh on the page
                src, ev = sources[shown], None
                copies = sizes.get(src.get(COLLAPSE_FIELD) or shown, 1)
            out.append(({**src, "_versions": chain}, score, copies, ev))
        return out

    def _group_sizes(self, groups: list[str]) -> dict[str, int]:
        if not groups:
            return {}
        body = {
            "query": {"terms": {COLLAPSE_FIELD: groups}},
            "size": 0,
            "aggs": {"g": {"terms": {"field": COLLAPSE_FIELD, "size": len(groups)}}},
        }
        with self._api("counting copies"):
            resp = self.client.search(index=self.aliases["documents"], body=body)
        return {b["key"]: int(b["doc_count"]) for b in resp["aggregations"]["g"]["buckets"]}

    def recurrence(self, doc_id: str) -> list[int]:
        self._require_dedup()
        return self.groups.recurrence(doc_id)

    def iter_documents(self) -> Iterator[dict]:
        """Every document in id order (like the store), paged with search_after."""
        self._ensure()
        after = None
        while True:
            body = {
                "query": {"match_all": {}},
                "size": PAGE,
                "sort": [{"id": "asc"}],
                "_source": ["stored", "added_at", "updated_at"],
            }
            if after is not None:
                body["search_after"] = after
            with self._api("reading documents"):
                hits = self.client.search(index=self.aliases["documents"], body=body)["hits"]["hits"]
            if not hits:
                return
            for hit in hits:
                yield self._stored_dict(hit["_source"])
            after = hits[-1]["sort"]

    def search(self, req: SearchRequest) -> SearchResponse:
        """As the embedded backend: ranked matching, a relaxed query when the strict one
        finds nothing, the engine's top RERANK_WINDOW reranked by search/evidence.py."""
        started = time.perf_counter()
        req.validate()
        parsed = None if req.browsing else parse_query(req.q, self.settings.config_dir, self.settings.max_query_chars)
        self._ensure()
        root = parsed.root if parsed else None
        resp, picks, total = self._run(root, req)
        # a short page (the matches run out, or copies and editions fold them into fewer hits):
        # documents with fewer of the words follow them
        wide = widen(root) if total and len(picks) < req.limit else None
        if wide is not None:
            first = None
            if isinstance(root, And):  # two words: those holding both first (3+: by the rerank)
                first = {h["_source"].get("id", "") for h in resp["hits"]["hits"]}
            resp, picks, total = self._run(wide, req, first)
        outcome = Outcome()
        if total == 0 and root is not None:
            loose = relax(root)
            if loose is not None:
                resp2, picks2, total2 = self._run(loose, req)
                if total2:
                    resp, picks, total = resp2, picks2, total2
                    outcome.relaxed, outcome.notice = True, RELAXED_NOTICE
            if total == 0:
                outcome.suggestions = suggestions(req, parsed, self._count, Filters.of(req))
        terms = parsed.highlight_terms if parsed else []
        matcher = Matcher(query_words(root) if root is not None else [])
        doc = lambda src: (src.get("stored") or {}).get("doc") or {}  # noqa: E731
        hits = [
            hit_from_source(
                src,
                score,
                terms,
                copies,  # the page's hits get their article labels
                page_evidence(matcher, ev, doc(src).get("title", ""), doc(src).get("text", ""))
                if matcher.words
                else ev,
            )
            for src, score, copies, ev in picks
        ]
        facets = parse_facets(resp.get("aggregations") or {}) if req.facets else {}
        return outcome.response(req, total, hits, facets, started)

    def _count(self, root, filters: Filters) -> int:
        """Matches of ``root`` under ``filters`` (the suggestion counts of an empty page)."""
        with self._api("counting"):
            return int(self.client.count(index=self.aliases["documents"], query=filtered_query(root, filters))["count"])

    def _run(self, root, req: SearchRequest, first: set[str] | None = None):
        """(response, page rows, total); ``first``: ids ranked ahead (as the embedded backend)."""
        body = build_search_body(root, req)
        rerank_it = body["sort"][0] == "_score" and reranks(root)
        need = req.offset + req.limit
        # other orders (by date, browsing) fold editions over the hits from the first on too,
        # so a page stays full and a folded edition does not come back on the next one
        # (pages deeper than the engine's result window fold within the page)
        fold_first = req.collapse and not rerank_it and need + EDITION_SLACK <= MAX_RESULT_WINDOW
        if rerank_it:  # the engine's top window, reranked here, then the page cut
            body["from"], body["size"] = 0, max(RERANK_WINDOW, need)
        elif fold_first:
            body["from"], body["size"] = 0, need + EDITION_SLACK
        while True:
            resp, rows = self._fetch(body, root, req, first, rerank_it, fold_page=not fold_first)
            if not fold_first:
                break
            folded = self._editions(rows, req)
            if len(folded) >= need or len(rows) < body["size"] or body["size"] >= MAX_RESULT_WINDOW:
                rows = folded[req.offset : need]
                break
            body["size"] = min(2 * body["size"], MAX_RESULT_WINDOW)  # folding left the page short
        total = resp["hits"]["total"]
        return resp, rows, int(total["value"] if isinstance(total, dict) else total)

    def _fetch(self, body: dict, root, req: SearchRequest, first, rerank_it: bool, fold_page: bool):
        """One engine search of ``body`` and its rows (source, score, copies, evidence): newest
        versions shown; with ``rerank_it`` reranked, editions folded and the page cut; with
        ``fold_page`` (a page past the result window) editions folded within the page."""
        with self._api("searching"):
            resp = self.client.search(index=self.aliases["documents"], body=body)
        rows: list[tuple] = []
        for h in resp["hits"]["hits"]:
            copies = 1
            if req.collapse:
                inner = ((h.get("inner_hits") or {}).get(COPIES) or {}).get("hits", {}).get("total", {})
                copies = int(inner.get("value", 1) if isinstance(inner, dict) else inner or 1)
            score = 0.0
            if req.sort == "relevance":
                score = h.get("_score") if h.get("_score") is not None else (h.get("sort") or [0.0])[0]
            rows.append((h["_source"], float(score or 0.0), max(copies, 1), None))
        if req.collapse:
            rows = self._newest_versions(rows, root, swaps_editions(req))
        if rerank_it:
            by_id = {r[0].get("id", ""): r for r in rows}
            doc = lambda src: (src.get("stored") or {}).get("doc") or {}  # noqa: E731
            rescored = rerank(
                [(r[0].get("id", ""), r[1], doc(r[0]).get("title", ""), doc(r[0]).get("text", "")) for r in rows], root
            )
            rows = [(by_id[d][0], s, by_id[d][2], ev) for d, s, ev in rescored]
            if first:
                rows = [r for _, r in ahead([(r[0].get("id", ""), r) for r in rows], first)]
            # editions fold into one hit over the whole window, before the page is cut (a
            # page stays full, a folded edition does not come back on the next page)
            rows = self._editions(rows, req)[req.offset : req.offset + req.limit]
        elif req.collapse and fold_page:
            rows = self._editions(rows, req)
        return resp, rows

    def _newest_versions(self, rows: list, root, swap: bool = True) -> list:
        """As the embedded backend: a collapsed group holding versions of one text shows the
        newest (search/versions.py) with ``swap``, else the matched one with the chain; rows
        are (source, score, copies, evidence)."""
        groups = [r[0].get(COLLAPSE_FIELD) for r in rows if r[2] > 1 and r[0].get(COLLAPSE_FIELD)]
        if not groups:
            return rows
        body = {
            "query": {"terms": {COLLAPSE_FIELD: groups}},
            "size": min(sum(r[2] for r in rows), 1000),
            "_source": HIT_SOURCE,
        }
        with self._api("reading duplicate groups"):
            found = self.client.search(index=self.aliases["documents"], body=body)["hits"]["hits"]
        members: dict[str, list[dict]] = {}
        for h in found:
            members.setdefault(h["_source"].get(COLLAPSE_FIELD), []).append(h["_source"])
        out = []
        for src, score, copies, ev in rows:
            group = members.get(src.get(COLLAPSE_FIELD)) or []
            doc = lambda m: (m.get("stored") or {}).get("doc") or {}  # noqa: E731
            chain = version_chain(
                [
                    {"id": m.get("id", ""), "title": doc(m).get("title", ""), "date": doc(m).get("date", "")}
                    for m in group
                ],
                src.get("id", ""),
            )
            if chain:
                shown = chain[0]["id"] if swap else src.get("id", "")
                newest = next((m for m in group if m.get("id") == shown), src)
                if newest.get("id") != src.get("id") and root is not None:
                    ev = analyse(doc(newest).get("title", ""), doc(newest).get("text", ""), query_words(root))
                src, copies = {**newest, "_versions": chain}, copies - len(chain) + 1
            out.append((src, score, copies, ev))
        return out

    def _doc_freqs(self, tokens: list[str]) -> dict[str, int]:
        """Document frequencies of ``tokens`` in ``body``, from an artificial document's term vectors."""
        if not tokens:
            return {}
        with self._api("reading term statistics"):
            resp = self.client.termvectors(
                index=self.aliases["documents"],
                doc={"body": " ".join(tokens)},
                fields=["body"],
                term_statistics=True,
                field_statistics=False,
                positions=False,
                offsets=False,
            )
        terms = ((resp.get("term_vectors") or {}).get("body") or {}).get("terms") or {}
        return {t: int(info.get("doc_freq", 0) or 0) for t, info in terms.items()}

    def similar(self, doc_id: str, limit: int = 10) -> list[Hit]:
        """The embedded backend's method: the document's most telling tokens (tf·idf over
        body document frequencies, common ones dropped), OR-ed with their weights."""
        self._ensure()
        src = self._get_source(doc_id)
        if src is None:
            raise NotFound(f"no document with id {doc_id!r}")
        stored = self._stored_dict(src)
        with self._api("counting documents"):
            n = int(self.client.count(index=self.aliases["documents"])["count"])
        text = stored.get("title", "") + "\n" + "\n".join(stored["paragraphs"])
        weighted = telling_terms(text, n, self._doc_freqs)
        if not weighted:
            return []
        with self._api("searching similar documents"):
            resp = self.client.search(index=self.aliases["documents"], body=similar_body(weighted, doc_id, limit))
        terms = [t for t, _ in weighted[:10]]
        return [hit_from_source(h["_source"], h.get("_score"), terms, 1) for h in resp["hits"]["hits"]]

    def stats(self) -> dict:
        self._ensure()
        with self._api("reading statistics"):
            docs = self.client.search(
                index=self.aliases["documents"],
                body={"size": 0, "track_total_hits": True, "aggs": {"characters": {"sum": {"field": "chars"}}}},
            )
            paragraphs = self.client.count(index=self.aliases["paragraphs"])["count"]
            sizes = self.client.indices.stats(index=list(self.aliases.values()), metric="store")
        total = docs["hits"]["total"]
        n_docs = int(total["value"] if isinstance(total, dict) else total)
        index_bytes = sum(
            int(((i.get("primaries") or {}).get("store") or {}).get("size_in_bytes", 0))
            for i in (sizes.get("indices") or {}).values()
        )
        return {
            "backend": self.name,
            "documents": n_docs,
            "paragraphs": int(paragraphs),
            "characters": int((docs.get("aggregations") or {}).get("characters", {}).get("value") or 0),
            "indexed_documents": n_docs,
            "index_bytes": index_bytes,
            "indices": {self.aliases[k]: self._concrete(k) for k in KINDS},
            "server_version": self.server_version,
            "url": _scrub(self.url),
        }

    def health(self) -> dict:
        self._ensure()
        with self._api("checking health"):
            health = self.client.cluster.health(index=list(self.aliases.values()))
            n = int(self.client.count(index=self.aliases["documents"])["count"])
        status = health.get("status", "")
        if status == "red":
            raise BackendError(f"the govtext indices on {_scrub(self.url)} are red (shards unassigned)")
        return {
            "status": "ok",
            "backend": self.name,
            "documents": n,
            "indexed_documents": n,
            "index_behind_changes": 0,
            "cluster": health.get("cluster_name", ""),
            "cluster_status": status,
            "server_version": self.server_version,
        }

    def drop_indices(self) -> None:
        """Delete this prefix's indices and templates (tests and `reset`); the aliases go with them."""
        NotFoundError = self._not_found()
        self._connect()
        with self._api("deleting indices"):
            for kind in KINDS:
                # Wildcard deletes are refused by default (action.destructive_requires_name): name them.
                found = self.client.indices.resolve_index(name=f"{self.prefix}-{kind}-v*", expand_wildcards="all")
                names = [i["name"] for i in found.get("indices", [])]
                if names:
                    self.client.indices.delete(index=names, ignore_unavailable=True)
                try:
                    self.client.indices.delete_index_template(name=self.aliases[kind])
                except NotFoundError:
                    pass
            extra = [f"{self.prefix}-{name}" for name in EXTRA_INDICES]
            self.client.indices.delete(index=extra, ignore_unavailable=True)
        self._ready = False

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # pragma: no cover - closing never fails the caller
            pass


def pin_compatibility(client, major: int) -> None:
    """Make every request of ``client`` (and of its ``.options()`` copies, which share the
    transport) ask for REST compatibility with ``major`` instead of the client's own major."""
    transport = client.transport
    if getattr(transport, "_govtext_compat", None) == major:
        return
    original = transport.perform_request
    replacement = f"compatible-with={major}"

    def perform_request(method, target, *, headers=None, **kwargs):
        if headers:
            headers = {
                k: (
                    _COMPAT_RE.sub(replacement, v)
                    if isinstance(v, str) and k.lower() in ("accept", "content-type")
                    else v
                )
                for k, v in headers.items()
            }
            return original(method, target, headers=headers, **kwargs)
        return original(method, target, **kwargs)

    transport.perform_request = perform_request
    transport._govtext_compat = major
