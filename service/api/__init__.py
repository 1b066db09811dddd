"""HTTP API under /api/v1: one blueprint per area, declared through spec.endpoint."""

from __future__ import annotations

from flask import Flask

from service.api import dedup, documents, meta, search


def register_api(app: Flask) -> None:
    for module in (search, documents, dedup, meta):
        app.register_blueprint(module.bp, url_prefix="/api/v1")
    from service.api import tracing  # issue 17: trace, diff, implements, watches

    app.register_blueprint(tracing.bp, url_prefix="/api/v1")
