"""The Flask app factory. Behaviour lives in the blueprints; this only wires."""

from __future__ import annotations

from flask import Flask

from govtext.settings import Settings, load_settings
from search.backend import Backend
from service.api import register_api
from service.auth import register_auth
from service.context import BackendHolder, get_backend, get_settings
from service.errors import register_error_handlers
from service.json_provider import OrjsonProvider
from service.throttle import register_throttle
from service.ui import ui
from service.ui_tracing import tracing_ui
from service.wsgi import drain_input

__all__ = ["create_app", "get_backend", "get_settings"]


def create_app(settings: Settings | None = None, backend: Backend | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.json = OrjsonProvider(app)  # service/json_provider.py: the same JSON, a third of the time
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["govtext_settings"] = settings
    app.extensions["govtext_backend"] = BackendHolder(settings, backend)
    register_auth(app)  # first: its before_request hook locks every route that reads data
    register_throttle(app)  # then the budget and concurrency cap of expensive requests
    register_api(app)
    app.register_blueprint(ui)
    app.register_blueprint(tracing_ui)  # trace, diff, implements, watches pages
    register_error_handlers(app)

    # Flask's documented middleware pattern; its stubs type wsgi_app as a method
    app.wsgi_app = drain_input(app.wsgi_app, settings.max_request_bytes)  # type: ignore[method-assign]  # refusals reach the client
    return app
