"""A buffering front for `govtext serve`: slow or idle clients cannot starve the others.

gunicorn's threads read requests with blocking calls and no read timeout, so
a handful of clients that send half a header and wait hold every request
slot. This front is what nginx does in production (``deploy/nginx.conf``),
in one asyncio process:

- it reads each request's head within ``header_timeout`` seconds and its body
  at no less than ``min_body_rate`` bytes a second (408 otherwise), so a
  waiting connection costs a few kilobytes here and no application thread;
- only a complete request goes on to gunicorn (over a Unix socket the
  public cannot reach), and the answer is taken in at once and written to the
  client from here, so a slow reader does not hold a thread either;
- it limits connections in all and per client address (503 beyond them);
- malformed requests get the documented JSON problem, not gunicorn's HTML:
  an over-long request line (414), raw non-ASCII bytes in the target (400),
  both ``Transfer-Encoding`` and ``Content-Length`` (400), an unknown transfer
  coding (501), oversized heads (431) and bodies (413).

Client connections are kept alive between requests (HTTP/1.1 unless the client
says ``Connection: close``; HTTP/1.0 when it asks), for up to
``keepalive_timeout`` seconds idle and ``MAX_KEEPALIVE_REQUESTS`` requests:
a new connection per request cost about 5 ms of the API's latency. The
Unix-socket connections to gunicorn are kept too (its gthread workers keep them
for a few seconds idle) and reused one request at a time: a new one per request
was about a third of the front's CPU. A response
whose length is not given (a streamed export) ends the client connection. The
client's address reaches the application as ``X-Real-IP`` (any such header it
sent is dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import sys
from collections import defaultdict
from dataclasses import dataclass

MAX_REQUEST_LINE = 8190
MAX_HEAD_BYTES = 64 * 1024
RESPONSE_CHUNK = 256 * 1024
MAX_KEEPALIVE_REQUESTS = 1000
MAX_IDLE_UPSTREAM = 32
LINGER_SECONDS = 2.0
HOP_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "transfer-encoding",
    "upgrade",
    "expect",
    "trailer",
    "x-real-ip",
    "x-forwarded-for",
    "content-length",
}
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_TARGET = re.compile(rb"[\x21-\x7e]+")
_VERSION = re.compile(rb"HTTP/1\.[01]")
REASONS = {
    400: "Bad Request",
    408: "Request Timeout",
    413: "Content Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


async def within(awaitable, seconds: float):
    """``await awaitable``, TimeoutError after ``seconds``: ``asyncio.wait_for`` without the
    task it creates per call (several per request: about a quarter of the front's CPU)."""
    async with asyncio.timeout(seconds):
        return await awaitable


@dataclass
class Limits:
    header_timeout: float = 10.0
    min_body_rate: float = 50_000.0  # bytes per second, after header_timeout of grace
    max_body: int = 8 * 1024 * 1024
    max_connections: int = 1024
    max_per_client: int = 64
    upstream_timeout: float = 300.0
    write_timeout: float = 120.0
    keepalive_timeout: float = 5.0


class Reject(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def problem_bytes(status: int, code: str, message: str, extra: dict | None = None) -> bytes:
    body = json.dumps({"status": status, "code": code, "message": message}, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Connection": "close",
        **(extra or {}),
    }
    head = f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()
    )
    return head.encode("latin-1") + b"\r\n" + body


def parse_head(head: bytes) -> tuple[bytes, bytes, bytes, list[tuple[bytes, bytes]]]:
    """(method, target, version, headers) of a request head, or Reject with the reason."""
    lines = head.split(b"\r\n")
    line = lines[0]
    if len(line) > MAX_REQUEST_LINE:
        raise Reject(414, "uri_too_long", f"the request line is longer than {MAX_REQUEST_LINE} bytes")
    parts = line.split(b" ")
    if len(parts) != 3:
        raise Reject(400, "bad_request_line", "the request line must be: METHOD TARGET HTTP/1.1")
    method, target, version = parts
    if not _TOKEN.fullmatch(method):
        raise Reject(400, "bad_method", "the request method is not a valid token")
    if not _TARGET.fullmatch(target):
        raise Reject(400, "bad_target", "the URL holds raw bytes that are not printable ASCII: percent-encode it")
    if not _VERSION.fullmatch(version):
        raise Reject(400, "bad_http_version", "only HTTP/1.0 and HTTP/1.1 are served")
    headers = []
    for raw in lines[1:]:
        if not raw:
            continue
        name, sep, value = raw.partition(b":")
        if not sep or not _TOKEN.fullmatch(name):
            raise Reject(400, "bad_header", "a header line is malformed")
        if any(b < 0x20 and b != 0x09 for b in value) or b"\x7f" in value:
            raise Reject(400, "bad_header", "a header value holds control characters")
        headers.append((name, value.strip(b" \t")))
    return method, target, version, headers


def body_length(headers: list[tuple[bytes, bytes]], limits: Limits) -> tuple[int, bool]:
    """(Content-Length, chunked) of a request; Reject for smuggling-shaped or oversized ones."""
    lengths = {v for n, v in headers if n.lower() == b"content-length"}
    codings = [v.lower() for n, v in headers if n.lower() == b"transfer-encoding"]
    if codings and lengths:
        raise Reject(400, "ambiguous_length", "a request may not carry both Transfer-Encoding and Content-Length")
    if codings:
        if [c.strip() for c in b",".join(codings).split(b",")] != [b"chunked"]:
            raise Reject(501, "unsupported_transfer_coding", "only 'Transfer-Encoding: chunked' is supported")
        return 0, True
    if len(lengths) > 1:
        raise Reject(400, "ambiguous_length", "conflicting Content-Length headers")
    if not lengths:
        return 0, False
    (value,) = lengths
    if not value.isdigit() or len(value) > 15:
        raise Reject(400, "bad_content_length", "Content-Length must be a number of bytes")
    length = int(value)
    if length > limits.max_body:
        raise Reject(413, "request_too_large", f"the body is {length} bytes; the limit is {limits.max_body}")
    return length, False


def keeps_alive(version: bytes, headers: list[tuple[bytes, bytes]]) -> bool:
    """HTTP/1.1 keeps the connection unless the client says close; HTTP/1.0 only when asked."""
    tokens = {t.strip().lower() for n, v in headers if n.lower() == b"connection" for t in v.split(b",")}
    if version == b"HTTP/1.1":
        return b"close" not in tokens
    return b"keep-alive" in tokens and b"close" not in tokens


def upstream_request(
    method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes, client: str
) -> bytes:
    """The request as gunicorn gets it: hop-by-hop headers dropped, the body's length set,
    the client's address added; the Unix-socket connection is kept for the next request."""
    out = [method + b" " + target + b" HTTP/1.1"]
    out += [n + b": " + v for n, v in headers if n.lower().decode() not in HOP_HEADERS]
    out += [b"Content-Length: " + str(len(body)).encode()] if (body or method in (b"POST", b"PUT", b"PATCH")) else []
    out += [b"X-Real-IP: " + client.encode(), b"X-Forwarded-For: " + client.encode(), b"Connection: keep-alive"]
    return b"\r\n".join(out) + b"\r\n\r\n" + body


def response_framing(head: bytes, method: bytes) -> tuple[int, int | None]:
    """(status, body length) of gunicorn's answer head; the length is None when only the end of
    the connection delimits the body (chunked or unannounced)."""
    lines = head[:-4].split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise asyncio.IncompleteReadError(head, None)
    status = int(parts[1])
    if method == b"HEAD" or status in (204, 304) or 100 <= status < 200:
        return status, 0
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding":
            return status, None
        if name == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
    return status, length


def upstream_keeps(head: bytes) -> bool:
    """Whether gunicorn keeps its side of the connection open after this answer (its gthread
    workers do for a while; the sync worker and an answer with ``Connection: close`` do not)."""
    for line in head[:-4].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"connection":
            return b"close" not in value.lower()
    return True


def with_connection(head: bytes, keep: bool) -> bytes:
    """The answer head with its Connection header saying whether the client connection stays."""
    lines = [line for line in head[:-4].split(b"\r\n") if not line.lower().startswith(b"connection:")]
    lines.append(b"Connection: keep-alive" if keep else b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"


class Front:
    def __init__(self, upstream: str, limits: Limits):
        self.upstream = upstream
        self.limits = limits
        self.open = 0
        self.per_client: dict[str, int] = defaultdict(int)
        # idle upstream connections, newest last: a new Unix-socket connection per request
        # (connect, gunicorn's accept and hand-over to a thread) cost ~0.5 ms of each answer
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        client = peer[0] if isinstance(peer, tuple) else "local"
        if self.open >= self.limits.max_connections or self.per_client[client] >= self.limits.max_per_client:
            await self._finish(
                writer,
                problem_bytes(
                    503, "too_many_connections", "too many open connections; try again shortly", {"Retry-After": "1"}
                ),
            )
            return
        self.open += 1
        self.per_client[client] += 1
        try:
            await self._serve(reader, writer, client)
        except Reject as exc:
            await self._finish(writer, problem_bytes(exc.status, exc.code, exc.message), reader)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.open -= 1
            self.per_client[client] -= 1
            if not self.per_client[client]:
                del self.per_client[client]
            writer.close()

    async def _next_head(self, reader: asyncio.StreamReader, served: int) -> bytes | None:
        """The next request head; None when a kept-alive connection is closed or stays idle
        before the next request starts (the first request must come: 408 otherwise)."""
        if not served:
            return await self._read_head(reader)
        try:
            first = await within(reader.readexactly(1), self.limits.keepalive_timeout)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            return None
        return first + await self._read_head(reader)

    async def _read_head(self, reader: asyncio.StreamReader) -> bytes:
        try:
            return await within(reader.readuntil(b"\r\n\r\n"), self.limits.header_timeout)
        except TimeoutError:
            raise Reject(
                408, "request_timeout", f"the request head did not arrive within {self.limits.header_timeout:g} s"
            ) from None
        except asyncio.LimitOverrunError:
            first = await reader.read(MAX_REQUEST_LINE + 2)
            if b"\r\n" not in first[: MAX_REQUEST_LINE + 2]:
                raise Reject(414, "uri_too_long", f"the request line is longer than {MAX_REQUEST_LINE} bytes") from None
            raise Reject(431, "headers_too_large", f"the request head is larger than {MAX_HEAD_BYTES} bytes") from None

    async def _read_body(self, reader: asyncio.StreamReader, length: int, chunked: bool) -> bytes:
        limits = self.limits
        deadline = asyncio.get_running_loop().time() + limits.header_timeout + length / limits.min_body_rate

        def left() -> float:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise Reject(408, "request_timeout", "the request body arrived too slowly")
            return remaining

        try:
            if not chunked:
                return await within(reader.readexactly(length), left()) if length else b""
            body = bytearray()
            deadline = (
                asyncio.get_running_loop().time() + limits.header_timeout + limits.max_body / limits.min_body_rate
            )
            while True:
                size_line = await within(reader.readuntil(b"\r\n"), left())
                size_text = size_line.split(b";")[0].strip()
                if not size_text or len(size_text) > 8 or not re.fullmatch(rb"[0-9A-Fa-f]+", size_text):
                    raise Reject(400, "bad_chunk", "a chunk size is malformed")
                size = int(size_text, 16)
                if size == 0:
                    while (await within(reader.readuntil(b"\r\n"), left())) != b"\r\n":
                        pass  # trailers are dropped
                    return bytes(body)
                if len(body) + size > limits.max_body:
                    raise Reject(413, "request_too_large", f"the body is larger than {limits.max_body} bytes")
                body += await within(reader.readexactly(size), left())
                if await within(reader.readexactly(2), left()) != b"\r\n":
                    raise Reject(400, "bad_chunk", "a chunk does not end with CRLF")
        except TimeoutError:
            raise Reject(408, "request_timeout", "the request body arrived too slowly") from None
        except asyncio.LimitOverrunError:
            raise Reject(400, "bad_chunk", "a chunk size line is too long") from None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, client: str) -> None:
        served = 0
        while served < MAX_KEEPALIVE_REQUESTS:
            head = await self._next_head(reader, served)
            if head is None:
                return
            method, target, version, headers = parse_head(head[:-4])
            length, chunked = body_length(headers, self.limits)
            expects = any(n.lower() == b"expect" and v.lower() == b"100-continue" for n, v in headers)
            if expects and (length or chunked):
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = await self._read_body(reader, length, chunked)
            served += 1
            keep = keeps_alive(version, headers) and served < MAX_KEEPALIVE_REQUESTS
            if not await self._relay(upstream_request(method, target, headers, body, client), method, writer, keep):
                return

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
        """An upstream connection: the most recently idle one still open, else a new one
        (the flag says whether it was reused)."""
        while self.idle:
            up_reader, up_writer = self.idle.pop()
            if not up_reader.at_eof() and not up_writer.is_closing():
                return up_reader, up_writer, True
            up_writer.close()
        try:
            up_reader, up_writer = await within(asyncio.open_unix_connection(self.upstream), 10)
        except (TimeoutError, OSError):
            raise Reject(502, "upstream_unavailable", "the application server is not answering") from None
        return up_reader, up_writer, False

    async def _relay(self, request: bytes, method: bytes, writer: asyncio.StreamWriter, keep: bool) -> bool:
        """Send one request to gunicorn and its answer to the client, buffered here so the
        application thread is free at once. True when the client connection stays open.

        A kept upstream connection that gunicorn closed while idle (its keep-alive ran out)
        fails before any byte of an answer: the request was not taken, so it goes again
        once on a new connection."""
        up_reader, up_writer, reused = await self._connect()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.upstream_timeout

        def left() -> float:
            return max(0.1, deadline - loop.time())

        pooled = False
        try:
            try:
                up_writer.write(request)
                await up_writer.drain()
            except ConnectionError:  # answered (413, 429) without reading the whole body: read the answer
                pass
            try:
                head = await within(up_reader.readuntil(b"\r\n\r\n"), left())
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                partial = getattr(exc, "partial", b"")
                if not reused or partial:
                    raise
                up_writer.close()
                up_reader, up_writer, _ = await self._connect_new()
                up_writer.write(request)
                await up_writer.drain()
                head = await within(up_reader.readuntil(b"\r\n\r\n"), left())
            status, length = response_framing(head, method)
            keep = keep and length is not None
            writer.write(with_connection(head, keep))
            remaining = length if length is not None else -1
            while remaining:
                chunk = await within(
                    up_reader.read(RESPONSE_CHUNK if remaining < 0 else min(RESPONSE_CHUNK, remaining)), left()
                )
                if not chunk:
                    if remaining > 0:  # the application closed early: the client must not wait for the rest
                        keep = False
                    break
                writer.write(chunk)
                if remaining > 0:
                    remaining -= len(chunk)
                if writer.transport.get_write_buffer_size() > 32 * 1024 * 1024:
                    await within(writer.drain(), self.limits.write_timeout)
            pooled = (
                remaining == 0 and length is not None and upstream_keeps(head) and len(self.idle) < MAX_IDLE_UPSTREAM
            )
        except TimeoutError:
            raise Reject(504, "upstream_timeout", "the application took too long to answer") from None
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            raise Reject(502, "bad_upstream_answer", "the application server's answer was malformed") from None
        finally:
            if pooled:
                self.idle.append((up_reader, up_writer))
            else:
                up_writer.close()
        await within(writer.drain(), self.limits.write_timeout)
        return keep

    async def _connect_new(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
        while self.idle:  # idle as long as the one that failed, or longer: likely closed too
            self.idle.pop()[1].close()
        return await self._connect()

    async def _finish(
        self, writer: asyncio.StreamWriter, data: bytes, reader: asyncio.StreamReader | None = None
    ) -> None:
        """Answer and close. With ``reader``, a lingering close: what the client is still sending
        (a refused body) is read and dropped for a moment, or the kernel would reset the
        connection and the client would never see the answer."""
        try:
            writer.write(data)
            await within(writer.drain(), 5)
            if reader is not None and writer.can_write_eof():
                writer.write_eof()
                loop = asyncio.get_running_loop()
                deadline = loop.time() + LINGER_SECONDS
                while loop.time() < deadline and bool(await within(reader.read(65536), deadline - loop.time())):
                    pass
        except (TimeoutError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()


async def run(listener: socket.socket, upstream: str, limits: Limits) -> None:
    front = Front(upstream, limits)
    server = await asyncio.start_server(front.handle, sock=listener, limit=MAX_HEAD_BYTES, backlog=1024)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="govtext's buffering front (started by `govtext serve`)")
    parser.add_argument("--fd", type=int, required=True, help="listening socket, inherited")
    parser.add_argument("--upstream", required=True, help="gunicorn's Unix socket")
    parser.add_argument("--parent", type=int, required=True, help="exit when this process exits")
    args = parser.parse_args(argv)
    from govtext.lifetime import die_with_parent
    from govtext.settings import load_settings

    die_with_parent(args.parent, sig=15)
    s = load_settings()
    limits = Limits(
        header_timeout=s.header_timeout,
        max_body=s.max_request_bytes,
        max_connections=s.max_connections,
        max_per_client=s.max_connections_per_client,
        keepalive_timeout=min(Limits.keepalive_timeout, s.header_timeout),
    )
    listener = socket.socket(fileno=args.fd)
    try:
        asyncio.run(run(listener, args.upstream, limits))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
