"""A small HTTP client for hostile-input tests and benchmarks: exact bytes, no redirects followed.

``call`` sends one request with http.client and returns (status, headers, body);
``send_raw`` writes arbitrary bytes on a socket (malformed request lines,
Transfer-Encoding with Content-Length, raw non-ASCII) and returns the reply.
"""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit


def _hostport(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname or "127.0.0.1", parts.port or 80


def call(
    base: str,
    method: str,
    path: str,
    body: bytes | str | dict | None = None,
    headers: dict | None = None,
    timeout: float = 30,
    source: str | None = None,
) -> tuple[int, dict, bytes]:
    """One request; ``source`` is the local address to send from (e.g. 127.0.0.2, another loopback client)."""
    host, port = _hostport(base)
    headers = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False)
        headers.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    conn = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def call_json(
    base: str,
    method: str,
    path: str,
    body=None,
    headers: dict | None = None,
    timeout: float = 30,
    source: str | None = None,
) -> tuple[int, dict, object]:
    """``call`` with the body parsed as JSON (None when it is not JSON)."""
    status, hdrs, raw = call(base, method, path, body, headers, timeout, source)
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    return status, hdrs, parsed


def send_raw(base: str, data: bytes, timeout: float = 10) -> bytes:
    """Write ``data`` as-is, half-close, and read the whole reply."""
    host, port = _hostport(base)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def parse_reply(reply: bytes) -> tuple[int, dict, bytes]:
    """(status, lower-cased headers, body) of a raw HTTP/1.x reply; status 0 when there is none."""
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return 0, {}, reply
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body
