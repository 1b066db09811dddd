"""Production serving with gunicorn: N worker processes reading store and index.

The master catches the index up with the store once before forking, so
workers start consistent; each worker then opens its own read handles
(tantivy and SQLite handles must not cross a fork) and reloads the index as
writers commit, so new documents appear without a restart.

Clients do not talk to gunicorn directly: the buffering front
(service/front.py) listens on the public address, reads whole requests with
timeouts and connection limits, and hands them to gunicorn over a Unix
socket, so slow or idle clients cannot hold gunicorn's request threads.
``GOVTEXT_FRONT=0`` binds gunicorn to the address itself (behind nginx,
which buffers the same way: deploy/nginx.conf).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile

from govtext.settings import Settings


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1, threads: int = 4) -> int:
    from gunicorn.app.base import BaseApplication

    from search import open_backend
    from service.app import create_app

    backend = open_backend(settings, writer=True)  # catch the index up, then let go
    backend.close()
    from nlp.segment import get_segmenter

    get_segmenter(settings)  # loaded once here, inherited by the forked workers

    front = start_front(settings, host, port) if settings.front else None
    bind = f"unix:{front.upstream}" if front else f"{host}:{port}"

    class _App(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            if front:
                self.cfg.set("when_ready", front.start)
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

    print(
        f"govtext: serving http://{host}:{port}/ (data: {settings.data_dir}, {workers} worker(s)"
        f"{', buffering front' if front else ''})",
        file=sys.stderr,
    )
    json_errors_from_gunicorn()
    try:
        _App().run()
    finally:
        if front:
            front.cleanup()
    return 0


def json_errors_from_gunicorn() -> None:
    """The requests gunicorn itself refuses (without the front: over-long lines, TE with CL, bad
    headers) get the API's JSON problem instead of its HTML page. gunicorn writes them all through
    ``util.write_error``; it is replaced before the workers are forked."""
    import json

    from gunicorn import util

    def write_error(sock, status_int, reason, mesg):
        code = reason.lower().replace(" ", "_")
        body = json.dumps({"status": status_int, "code": code, "message": mesg or reason}).encode()
        head = (
            f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        util.write_nonblock(sock, head + body)

    util.write_error = write_error


class FrontProcess:
    """service/front.py in its own process, on a listening socket bound here (so a busy port fails
    at once), started when gunicorn is ready and ended with it (govtext/lifetime.py)."""

    def __init__(self, listener: socket.socket, upstream_dir: str):
        self.listener = listener
        self.dir = upstream_dir
        self.upstream = os.path.join(upstream_dir, "app.sock")
        self.proc: subprocess.Popen | None = None

    def start(self, arbiter=None) -> None:
        fd = self.listener.fileno()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service.front",
                "--fd",
                str(fd),
                "--upstream",
                self.upstream,
                "--parent",
                str(os.getpid()),
            ],
            pass_fds=(fd,),
        )
        self.listener.close()  # the front has it; gunicorn's workers must not inherit it

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
        shutil.rmtree(self.dir, ignore_errors=True)


def start_front(settings: Settings, host: str, port: int) -> FrontProcess:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=1024)
    return FrontProcess(listener, tempfile.mkdtemp(prefix="govtext-serve-"))
