"""The Flask app factory. Behaviour lives in the blueprints; this only wires."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from govtext.settings import Settings, load_settings


class BackendHolder:
    """Opens the backend lazily, once per process (gunicorn forks before first use)."""

    def __init__(self, settings: Settings, backend=None):
        self.settings = settings
        self._backend = backend
        self._lock = threading.Lock()

    def get(self):
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    from search import open_backend

                    self._backend = open_backend(self.settings, writer=False)
        return self._backend


def create_app(settings: Settings | None = None, backend=None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    app.extensions["govtext_settings"] = settings
    app.extensions["govtext_backend"] = BackendHolder(settings, backend)

    from service.api import register_api
    from service.errors import register_error_handlers

    register_api(app)
    try:
        from service.ui import ui
    except ImportError:
        ui = None
    if ui is not None:
        app.register_blueprint(ui)
        from service.ui_tracing import tracing_ui  # issue 17: trace, diff, implements, watches pages

        app.register_blueprint(tracing_ui)
    else:
        app.add_url_rule("/", "home", _home)
    register_error_handlers(app)
    return app


def get_backend():
    return current_app.extensions["govtext_backend"].get()


def get_settings() -> Settings:
    return current_app.extensions["govtext_settings"]


def _home():
    """Plain landing page used when the web UI is not installed."""
    stats = get_backend().health()
    return (f"<!doctype html><meta charset=utf-8><title>govtext</title><h1>govtext</h1>"
            f"<p>{stats['documents']} documents. API: <a href=/api/v1/openapi.json>/api/v1/openapi.json</a></p>"
            f"<p>添加文档: <code>govtext ingest 文件或文件夹</code></p>")
