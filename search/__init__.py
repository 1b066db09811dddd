"""Search backends behind one protocol (search/backend.py)."""

from __future__ import annotations

from govtext.errors import BadInput
from govtext.settings import Settings
from search.backend import Backend


def open_backend(settings: Settings, writer: bool = True) -> Backend:
    """The backend the settings name; ``writer`` lets it catch its index up on open."""
    if settings.backend == "embedded":
        from search.embedded import EmbeddedBackend

        return EmbeddedBackend(settings, writer=writer)
    if settings.backend == "elasticsearch":
        from search.elastic import ElasticBackend

        return ElasticBackend(settings)
    if settings.backend == "opensearch":
        from search.opensearch import OpenSearchBackend

        return OpenSearchBackend(settings)
    raise BadInput(f"unknown backend {settings.backend!r}: use 'embedded', 'elasticsearch' or 'opensearch'")
