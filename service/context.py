"""What a request handler reads from the running app: the settings and the backend.

Kept apart from the app factory (``service/app.py``) so views and API modules
import it without importing the factory that imports them.
"""

from __future__ import annotations

import threading

from flask import current_app

from govtext.settings import Settings
from search import open_backend
from search.backend import Backend


class BackendHolder:
    """Opens the backend lazily, once per process (gunicorn forks before first use)."""

    def __init__(self, settings: Settings, backend: Backend | None = None):
        self.settings = settings
        self._backend = backend
        self._lock = threading.Lock()

    def get(self) -> Backend:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = open_backend(self.settings, writer=False)
        return self._backend


def get_backend() -> Backend:
    return current_app.extensions["govtext_backend"].get()


def get_settings() -> Settings:
    return current_app.extensions["govtext_settings"]
