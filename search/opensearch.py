"""The OpenSearch backend: search/elastic.py's backend through ``opensearch-py``.

Everything that decides results is shared with the Elasticsearch backend: the DSL
builders, the index templates of ``index_config/es/``, the alias swap of reindex and
the duplicate scheme of search/elastic_dedup.py. This module holds only what differs
between the two client libraries, in one place:

- the client: ``opensearchpy.OpenSearch`` (the ``elasticsearch`` 9 client refuses a
  server that is not Elasticsearch: product check, ``compatible-with`` media types);
- :class:`CompatClient`, which answers the calls the shared code makes in the
  ``elasticsearch`` 9 style (keyword bodies such as ``msearch(searches=)``,
  ``mget(ids=)``, ``count(query=)``, ``source_includes=``; responses with ``.body``)
  by forwarding them to opensearch-py's ``body=`` / ``_source_includes=`` style;
- its helpers (``streaming_bulk``, ``scan``) and exception classes, turned into
  govtext errors with the same messages and codes as the Elasticsearch backend;
- the version check on connect (OpenSearch 2.x or 3.x; no compatibility header).

``GOVTEXT_BACKEND=opensearch`` with ``GOVTEXT_OPENSEARCH_URL`` selects it; the index
prefix is ``GOVTEXT_ES_PREFIX`` as for Elasticsearch. API keys do not exist in
OpenSearch: put ``user:password`` in the URL for a secured cluster.
"""

from __future__ import annotations

from types import SimpleNamespace

from govtext.errors import BackendError, BadInput, GovtextError
from search.elastic import ElasticBackend, _reason, _scrub, api_error


class Resp(dict):
    """A response dict that also answers ``.body`` (as elasticsearch 9's ObjectApiResponse)."""

    @property
    def body(self) -> dict:
        return self


def _wrap(resp):
    return Resp(resp) if isinstance(resp, dict) else resp


def _source_params(kwargs: dict) -> dict:
    """elasticsearch 9's ``source_includes`` / ``source_excludes`` -> opensearch-py's query params."""
    out = {}
    for name in ("source_includes", "source_excludes"):
        if name in kwargs:
            value = kwargs.pop(name)
            out["_" + name] = ",".join(value) if isinstance(value, (list, tuple)) else value
    return out


def _index(value) -> str:
    return ",".join(value) if isinstance(value, (list, tuple)) else value


class _Indices:
    def __init__(self, raw):
        self.raw = raw

    def create(self, index: str, mappings: dict | None = None, aliases: dict | None = None, settings=None):
        body = {k: v for k, v in (("mappings", mappings), ("aliases", aliases), ("settings", settings)) if v}
        return _wrap(self.raw.indices.create(index=index, body=body or None))

    def put_index_template(self, name: str, body: dict):
        return _wrap(self.raw.indices.put_index_template(name=name, body=body))

    def delete_index_template(self, name: str):
        return _wrap(self.raw.indices.delete_index_template(name=name))

    def get_alias(self, name: str):
        return _wrap(self.raw.indices.get_alias(name=name))

    def exists_alias(self, name: str) -> bool:
        return bool(self.raw.indices.exists_alias(name=name))

    def delete(self, index, ignore_unavailable: bool = False):
        return _wrap(self.raw.indices.delete(index=_index(index), ignore_unavailable=ignore_unavailable))

    def refresh(self, index):
        return _wrap(self.raw.indices.refresh(index=_index(index)))

    def update_aliases(self, actions: list[dict]):
        return _wrap(self.raw.indices.update_aliases(body={"actions": actions}))

    def get_mapping(self, index):
        return _wrap(self.raw.indices.get_mapping(index=_index(index)))

    def put_mapping(self, index, properties: dict):
        return _wrap(self.raw.indices.put_mapping(index=_index(index), body={"properties": properties}))

    def stats(self, index, metric: str = ""):
        return _wrap(self.raw.indices.stats(index=_index(index), metric=metric or None))

    def resolve_index(self, name: str, expand_wildcards: str = "open"):
        return _wrap(self.raw.indices.resolve_index(name=name, expand_wildcards=expand_wildcards))

    def exists(self, index) -> bool:
        return bool(self.raw.indices.exists(index=_index(index)))


class CompatClient:
    """The subset of the elasticsearch 9 client API that search/elastic*.py calls, over opensearch-py."""

    def __init__(self, raw):
        self.raw = raw
        self.transport = raw.transport
        self.indices = _Indices(raw)
        self.cluster = SimpleNamespace(health=lambda index=None: _wrap(raw.cluster.health(index=_index(index))))

    def search(self, index, body: dict, **params):
        return _wrap(self.raw.search(index=_index(index), body=body, params=params or None))

    def msearch(self, searches: list[dict]):
        return _wrap(self.raw.msearch(body=searches))

    def mget(self, index, ids: list[str], **kwargs):
        return _wrap(self.raw.mget(index=_index(index), body={"ids": list(ids)}, params=_source_params(kwargs)))

    def get(self, index, id: str, **kwargs):  # noqa: A002 - the client's own argument name
        return _wrap(self.raw.get(index=_index(index), id=id, params=_source_params(kwargs)))

    def count(self, index, query: dict | None = None):
        return _wrap(self.raw.count(index=_index(index), body={"query": query} if query else None))

    def termvectors(self, index, doc: dict, fields: list[str], **flags):
        body = {"doc": doc, "fields": fields, **flags}
        return _wrap(self.raw.termvectors(index=_index(index), body=body))

    def update_by_query(self, index, query: dict, script: dict, conflicts: str = "abort", refresh: bool = False):
        return _wrap(
            self.raw.update_by_query(
                index=_index(index), body={"query": query, "script": script}, conflicts=conflicts, refresh=refresh
            )
        )

    def bulk(self, *args, **kwargs):
        return self.raw.bulk(*args, **kwargs)

    def close(self) -> None:
        self.raw.close()


class _Helpers:
    """opensearch-py's helpers with the elasticsearch 9 keyword names."""

    @staticmethod
    def streaming_bulk(client: CompatClient, actions, **kwargs):
        from opensearchpy import helpers

        return helpers.streaming_bulk(client.raw, actions, **kwargs)

    @staticmethod
    def scan(client: CompatClient, index, query: dict, size: int, **kwargs):
        from opensearchpy import helpers

        return helpers.scan(client.raw, query=query, index=_index(index), size=size, **_source_params(kwargs))


class OpenSearchBackend(ElasticBackend):
    name = "opensearch"
    product = "OpenSearch"
    url_env = "GOVTEXT_OPENSEARCH_URL"

    def _configured_url(self) -> str:
        return self.settings.opensearch_url

    def _new_client(self, hosts: list[str], options: dict):
        try:
            from opensearchpy import OpenSearch
        except ImportError:  # pragma: no cover - the client is a dependency
            raise BackendError("the OpenSearch backend needs the 'opensearch-py' package") from None
        if getattr(self.settings, "es_api_key", ""):
            raise BadInput(
                "GOVTEXT_ES_API_KEY is set, but OpenSearch has no API keys: "
                "put user:password in GOVTEXT_OPENSEARCH_URL instead"
            )
        options = dict(options)
        options["timeout"] = options.pop("request_timeout", 30)
        try:
            return CompatClient(OpenSearch(hosts, **options))
        except (ValueError, TypeError) as exc:
            raise BadInput(
                f"GOVTEXT_OPENSEARCH_URL {_scrub(self.url)!r} is not usable: {_scrub(str(exc))} "
                "(it should look like http://127.0.0.1:9200 or https://user:password@host:9200)"
            ) from None

    @staticmethod
    def _helpers():
        return _Helpers

    @staticmethod
    def _not_found():
        from opensearchpy import NotFoundError

        return NotFoundError

    def _translate(self, exc: Exception, action: str) -> GovtextError | None:
        from opensearchpy.exceptions import (
            AuthenticationException,
            AuthorizationException,
            ConnectionError,
            ImproperlyConfigured,
            SerializationError,
            TransportError,
        )
        from opensearchpy.helpers import BulkIndexError, ScanError

        where = _scrub(self.url)
        if isinstance(exc, (ValueError, ImproperlyConfigured)) and not isinstance(exc, SerializationError):
            return BackendError(f"OpenSearch client error while {action}: {_scrub(str(exc))[:300]}")
        if isinstance(exc, (AuthenticationException, AuthorizationException)):
            return BackendError(
                f"OpenSearch at {where} refused the credentials while {action} "
                f"({exc.status_code}): put user:password in GOVTEXT_OPENSEARCH_URL"
            )
        if isinstance(exc, (ConnectionError, SerializationError)):  # refused, reset, timeout, TLS, garbage
            return BackendError(
                f"cannot reach OpenSearch at {where} while {action}: {type(exc).__name__}: {_scrub(str(exc))[:200]}"
            )
        if isinstance(exc, TransportError):  # an HTTP error answer
            return api_error("OpenSearch", exc.status_code, _os_reason(exc), action)
        if isinstance(exc, (BulkIndexError, ScanError)):
            return BackendError(f"OpenSearch error while {action}: {_scrub(str(exc))[:300]}")
        return None

    def _connect(self) -> None:
        """Read the server's version; refuse what is not OpenSearch 2.x or 3.x."""
        with self._api("connecting"):
            body = self.client.transport.perform_request("GET", "/")
        if not isinstance(body, dict):
            raise BackendError(f"OpenSearch at {_scrub(self.url)} gave no JSON answer to GET /")
        info = body.get("version") or {}
        version = str(info.get("number", ""))
        if info.get("distribution") != "opensearch":
            raise BackendError(
                f"the server at {_scrub(self.url)} is not OpenSearch (version {version or '?'}): "
                "use GOVTEXT_BACKEND=elasticsearch with GOVTEXT_ES_URL for Elasticsearch"
            )
        major = int(version.split(".")[0]) if version[:1].isdigit() else 0
        if major not in (2, 3):
            raise BackendError(
                f"OpenSearch {version or '(unknown version)'} at {_scrub(self.url)} is not supported: use 2.x or 3.x"
            )
        self.server_version = version


def _os_reason(exc) -> str:
    info = getattr(exc, "info", None)
    if isinstance(info, dict):
        exc.body = info  # _reason reads .body, as the elasticsearch client names it
        return _reason(exc)
    return str(getattr(exc, "error", "") or exc)[:300]
