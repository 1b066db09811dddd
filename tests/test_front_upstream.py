"""The front keeps its Unix-socket connections to the application open between requests.

A real front (service/front.py) on a loopback port, in front of a small HTTP server on a
Unix socket that this test controls, so the cases gunicorn produces only by timing (an
idle kept connection closed just as the next request is sent) happen every time.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

from bench.httpraw import call
from service.front import Front, Limits


class Upstream:
    """Answers ``GET /n`` with ``n`` and keeps the connection; ``mode`` changes that:
    ``drop_second``: a connection's second request is dropped unanswered (the keep-alive
    race), ``close``: every answer says ``Connection: close``."""

    def __init__(self, path: Path, mode: str = "keep"):
        self.path, self.mode = str(path), mode
        self.connections = 0
        self.answered = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        served = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if self.mode == "drop_second" and served == 1:
                    return  # closed without a byte of an answer
                target = head.split(b" ")[1]
                self.answered += 1
                body = target[1:] or b"root"
                closing = self.mode == "close"
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: %s\r\n\r\n%s"
                    % (len(body), b"close" if closing else b"keep-alive", body)
                )
                await writer.drain()
                served += 1
                if closing:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


@contextmanager
def front_before(upstream: Upstream):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    front = Front(upstream.path, Limits(header_timeout=5))
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    started = threading.Event()

    async def main():
        up = await asyncio.start_unix_server(upstream.handle, path=upstream.path)
        down = await asyncio.start_server(front.handle, sock=listener)
        started.set()
        async with up, down:
            await stop.wait()
        for _, writer in front.idle:
            writer.close()
        await asyncio.sleep(0.05)

    def run():
        try:
            loop.run_until_complete(main())
        finally:
            loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield listener.getsockname()[1], front
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)


def get(port: int, path: str) -> tuple[int, bytes]:
    status, _, body = call(f"http://127.0.0.1:{port}", "GET", path, timeout=10)
    return status, body


def test_one_upstream_connection_serves_request_after_request(tmp_path):
    upstream = Upstream(tmp_path / "app.sock")
    with front_before(upstream) as (port, _):
        answers = [get(port, f"/{k}") for k in range(5)]
        assert answers == [(200, str(k).encode()) for k in range(5)]
        assert upstream.connections == 1


def test_a_kept_connection_dropped_by_the_application_is_retried_on_a_new_one(tmp_path):
    upstream = Upstream(tmp_path / "app.sock", mode="drop_second")
    with front_before(upstream) as (port, _):
        assert get(port, "/1") == (200, b"1")
        assert get(port, "/2") == (200, b"2")  # not a 502: the dropped request went again
        assert upstream.answered == 2 and upstream.connections == 2


def test_an_answer_that_closes_is_not_kept(tmp_path):
    upstream = Upstream(tmp_path / "app.sock", mode="close")
    with front_before(upstream) as (port, front):
        assert [get(port, f"/{k}") for k in range(3)] == [(200, b"0"), (200, b"1"), (200, b"2")]
        assert upstream.connections == 3
        assert front.idle == []
