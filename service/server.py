"""Production serving with gunicorn: N worker processes reading store and index.

The master catches the index up with the store once before forking, so
workers start consistent; each worker then opens its own read handles
(tantivy and SQLite handles must not cross a fork) and reloads the index as
writers commit, so new documents appear without a restart.
"""

from __future__ import annotations

import sys

from govtext.settings import Settings


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1, threads: int = 4) -> int:
    from gunicorn.app.base import BaseApplication

    from search import open_backend
    from service.app import create_app

    backend = open_backend(settings, writer=True)  # catch the index up, then let go
    backend.close()
    from nlp.segment import get_segmenter

    get_segmenter(settings)  # loaded once here, inherited by the forked workers

    class _App(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", max(1, workers))
            self.cfg.set("threads", max(1, threads))
            self.cfg.set("worker_class", "gthread" if threads > 1 else "sync")
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 5)
            self.cfg.set("accesslog", "-" if settings.access_log else None)
            self.cfg.set("limit_request_line", 8190)
            self.cfg.set("post_worker_init", warm_up)

        def load(self):
            return create_app(settings)

    def warm_up(worker):
        """Open the backend and load the dictionary before the first request, not during it."""
        from nlp.segment import get_segmenter

        get_segmenter()
        worker.wsgi.extensions["govtext_backend"].get()

    print(f"govtext: serving http://{host}:{port}/ (data: {settings.data_dir}, {workers} worker(s))", file=sys.stderr)
    _App().run()
    return 0
