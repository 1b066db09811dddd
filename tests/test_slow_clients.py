"""Slow, idle and malformed clients against a real `govtext serve` (its buffering front) on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from bench.common import free_port, wait_for_http
from bench.httpraw import call, parse_reply, send_raw
from conftest import GOVTEXT, serving

pytestmark = pytest.mark.slow  # every test here starts govtext processes; `make test-fast` leaves them out

SLOW_FROM = "127.0.0.2"  # the slow clients' own loopback address (per-client limits are per address)
HEAD_TIMEOUT = 6
ENV = {"GOVTEXT_HEADER_TIMEOUT": str(HEAD_TIMEOUT), "GOVTEXT_MAX_CONNECTIONS_PER_CLIENT": "64"}
# A starved request would wait for the slow clients' head timeout; half of it
# tells starvation from a machine loaded by other work.
SERVED_WITHIN = HEAD_TIMEOUT / 2


@pytest.fixture(scope="module")
def server(seeded_dir):
    with serving(seeded_dir, workers=1, env=ENV) as base:
        yield base


def _connect(base: str, source: str = SLOW_FROM) -> socket.socket:
    port = int(base.rsplit(":", 1)[1])
    s = socket.socket()
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def _health_latencies(base: str, n: int = 10) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        status, _, _ = call(base, "GET", "/api/v1/health", timeout=5)
        assert status == 200
        out.append(time.perf_counter() - start)
    return out


def test_health_answers_while_50_slow_clients_hold_connections(server):
    with ExitStack() as stack:
        for i in range(50):
            s = stack.enter_context(_connect(server))
            if i % 2:  # half a header, then nothing
                s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Wait: ")
            else:  # a head announcing 1000 bytes of body, then a few of them
                s.sendall(
                    b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b'Content-Length: 1000\r\n\r\n{"text": '
                )
        time.sleep(1.0)
        latencies = _health_latencies(server)
        assert max(latencies) < SERVED_WITHIN, latencies
        # the slow ones are cut off after the head timeout, with the JSON problem
        time.sleep(HEAD_TIMEOUT + 0.5)
        status, headers, body = parse_reply(s.recv(4096))
        assert status == 408 and headers["content-type"] == "application/json" and b'"request_timeout"' in body


def test_one_client_cannot_take_every_connection(server):
    with ExitStack() as stack:
        for _ in range(64):
            stack.enter_context(_connect(server)).sendall(b"GET / HTTP/1.1\r\n")
        # the front accepts the 64 at its own pace on a loaded machine: until it
        # has, an extra connection is still within the limit and is served
        deadline = time.monotonic() + 15
        while True:
            extra = stack.enter_context(_connect(server))
            extra.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, _ = parse_reply(extra.recv(4096))
            if status != 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status == 503 and headers.get("retry-after")
        assert max(_health_latencies(server, 3)) < SERVED_WITHIN  # other clients are still served


@pytest.mark.parametrize(
    "raw,status,code",
    [
        (b"GET /api/v1/search?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
        ("GET /api/v1/search?q=治理 HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 400, "bad_target"),
        (
            b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400,
            "ambiguous_length",
        ),
        (
            b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            501,
            "unsupported_transfer_coding",
        ),
        (b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413, "request_too_large"),
        (b"GET / HTTP/1.1\r\nX-Big: " + b"b" * 70000 + b"\r\n\r\n", 431, "headers_too_large"),
        (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", 400, "bad_request_line"),
        (b"GET / HTTP/1.1\r\nBad Header Name: x\r\n\r\n", 400, "bad_header"),
    ],
)
def test_malformed_requests_get_the_json_problem(server, raw, status, code):
    got, headers, body = parse_reply(send_raw(server, raw))
    assert got == status and headers["content-type"] == "application/json", body[:200]
    assert f'"code": "{code}"'.encode() in body


def test_a_chunked_body_is_read_and_passed_on(server):
    body = '{"text": "一是组织建设实效化。"}'.encode()
    raw = (
        b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(body):x}".encode() + b"\r\n" + body + b"\r\n0\r\n\r\n"
    )
    status, _, reply = parse_reply(send_raw(server, raw))
    assert status == 200 and b"overlap_ratio" in reply


def _read_reply(sock: socket.socket) -> tuple[int, dict, bytes]:
    """One answer with a Content-Length off a connection that stays open."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed before the answer"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, headers, _ = parse_reply(head + b"\r\n\r\n")
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        body += sock.recv(65536)
    assert len(body) == length, "more than one answer arrived"
    return status, headers, body


def test_connections_are_kept_alive_between_requests(server):
    """A keep-alive client sends several requests on one connection (a new connection per
    request cost the API about 5 ms); HEAD answers carry no body; close ends it."""
    with _connect(server, "127.0.0.1") as s:
        s.settimeout(10)
        for _ in range(3):
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, body = _read_reply(s)
            assert status == 200 and headers["connection"] == "keep-alive" and b'"documents"' in body
        s.sendall(b"HEAD /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(4096)
        assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"\r\n\r\n")  # no body after a HEAD
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, headers, _ = _read_reply(s)
        assert status == 200 and headers["connection"] == "close"
        assert s.recv(1) == b""  # closed by the front


def test_an_idle_kept_alive_connection_is_closed_quietly(server):
    with _connect(server, "127.0.0.1") as s:
        s.settimeout(15)
        s.sendall(b"GET /api/v1/health HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        status, headers, _ = _read_reply(s)
        assert status == 200 and headers["connection"] == "keep-alive"
        started = time.monotonic()
        assert s.recv(4096) == b""  # no 408 for a connection that is only idle between requests
        assert time.monotonic() - started < 10


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            todo += [k for k in kids if k not in found]
            found.update(kids)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_kill_dash_nine_of_serve_leaves_no_front_or_worker_behind(seeded_dir):
    port = free_port()
    proc = subprocess.Popen(
        [GOVTEXT, "--data", str(seeded_dir), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **ENV},
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/v1/health", timeout=60)
        # health answers once the front and one worker are up; gunicorn forks the second after
        started = time.monotonic() + 30
        while len(children := _descendants(proc.pid)) < 3 and time.monotonic() < started:
            time.sleep(0.1)
        assert len(children) >= 3  # the front and two workers
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.2)
    left = [c for c in children if _alive(c)]
    for c in left:
        os.kill(c, signal.SIGKILL)
    assert not left
    with socket.socket() as s:  # and the port is free again: no listener left (TIME_WAIT of
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # closed connections may remain)
        s.bind(("127.0.0.1", port))
        s.listen(1)


def test_without_the_front_gunicorn_refusals_are_json_too(seeded_dir):
    with serving(seeded_dir, workers=1, env={"GOVTEXT_FRONT": "0"}) as base:
        for raw, status in (
            (b"GET /api/v1/search?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
            (
                b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                400,
            ),
        ):
            got, headers, body = parse_reply(send_raw(base, raw))
            assert got == status and headers["content-type"] == "application/json", body[:200]
            assert json.loads(body)["status"] == status
