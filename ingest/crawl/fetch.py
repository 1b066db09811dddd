"""One HTTP exchange, with limits: redirects followed hop by hop (each hop
checked against the site scope and robots.txt), a total time limit, a size
limit enforced while reading, and content-type triage before the body is read.

Built on urllib3 (connection pooling, thread-safe, gzip/deflate decoding).
Retries are not done here: a retryable outcome goes back to the crawler, which
reschedules the URL in the persistent frontier (so a retry survives a kill).
"""

from __future__ import annotations

import email.message
import email.utils
import posixpath
import hashlib
import time
from dataclasses import dataclass, field
from collections.abc import Callable

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ProtocolError, ReadTimeoutError, ConnectTimeoutError, MaxRetryError

from ingest.crawl.urls import ATTACHMENT_TYPES, HTML_TYPES, BadURL, extension, media_type, normalize_url

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SITEMAP_TYPES = frozenset(
    {
        "application/xml",
        "text/xml",
        "application/gzip",
        "application/x-gzip",
        "text/plain",
        "application/octet-stream",
        "",
    }
)


@dataclass
class FetchResult:
    url: str
    final_url: str
    outcome: str  # ok | not_modified | retry | failed | skipped_robots | skipped_offsite | skipped_type
    status: int = 0
    content_type: str = ""
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    reason: str = ""
    retry_after: float | None = None
    disposition: str = ""
    redirects: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.body).hexdigest()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class Fetcher:
    def __init__(self, *, user_agent: str, timeout: float, max_bytes: int, max_redirects: int = 10, pool_size: int = 4):
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.base_headers = {
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml,application/pdf,application/msword,"
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
            "application/xml;q=0.9,*/*;q=0.5",
            "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        }
        self.http = urllib3.PoolManager(
            num_pools=32,
            maxsize=max(1, pool_size),
            block=False,
            retries=False,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
            headers=self.base_headers,
        )

    def close(self) -> None:
        self.http.clear()

    def fetch(
        self,
        url: str,
        *,
        kind: str = "page",
        etag: str = "",
        last_modified: str = "",
        allowed: Callable[[str], str | None] | None = None,
        validators_url: str | None = None,
    ) -> FetchResult:
        """GET ``url``. ``allowed(target)`` vets each redirect target: it returns
        None when the target may be fetched, else "robots" or "offsite"."""
        started = time.monotonic()
        deadline = started + self.timeout
        chain = [url]
        current = url
        validators = {}
        if etag:
            validators["If-None-Match"] = etag
        if last_modified:
            validators["If-Modified-Since"] = last_modified
        # ETag / Last-Modified were given for the URL that answered last time
        # (the end of its redirect chain)
        validators_url = validators_url or url

        def result(outcome: str, **kw) -> FetchResult:
            return FetchResult(
                url=url,
                final_url=current,
                outcome=outcome,
                redirects=chain[1:],
                elapsed=time.monotonic() - started,
                **kw,
            )

        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return result("retry", reason=f"timeout after {self.timeout:g}s")
            try:
                headers = {**self.base_headers, **validators} if current == validators_url else self.base_headers
                resp = self.http.request(
                    "GET",
                    current,
                    headers=headers,
                    redirect=False,
                    preload_content=False,
                    timeout=urllib3.Timeout(connect=min(remaining, self.timeout), read=min(remaining, self.timeout)),
                )
            except (ReadTimeoutError, ConnectTimeoutError, TimeoutError):
                return result("retry", reason=f"timeout after {self.timeout:g}s")
            except MaxRetryError as exc:  # urllib3 wraps connection errors even with retries=False
                cause = exc.reason
                if isinstance(cause, (ReadTimeoutError, ConnectTimeoutError)):
                    return result("retry", reason=f"timeout after {self.timeout:g}s")
                return result("retry", reason=f"connection error: {cause}")
            except (Urllib3Error, OSError) as exc:
                return result("retry", reason=f"connection error: {exc.__class__.__name__}: {exc}")
            except (ValueError, UnicodeError) as exc:
                return result("failed", reason=f"bad request: {exc}")

            try:
                status = resp.status
                if status in REDIRECT_STATUSES:
                    location = resp.headers.get("Location")
                    if not location:
                        return result("failed", status=status, reason=f"HTTP {status} without Location")
                    try:
                        target = normalize_url(location, base=current)
                    except BadURL as exc:
                        return result("failed", status=status, reason=f"bad redirect target: {exc}")
                    if target in chain:
                        chain.append(target)
                        return result("failed", status=status, reason="redirect loop: " + " -> ".join(chain[-4:]))
                    if len(chain) > self.max_redirects:
                        return result("failed", status=status, reason=f"too many redirects (> {self.max_redirects})")
                    verdict = allowed(target) if allowed else None
                    chain.append(target)
                    if verdict:
                        current = target
                        return result(
                            f"skipped_{verdict}", status=status, reason=f"redirected to {verdict} URL {target}"
                        )
                    current = target
                    continue

                if status == 304:
                    return result(
                        "not_modified",
                        status=304,
                        etag=resp.headers.get("ETag", ""),
                        last_modified=resp.headers.get("Last-Modified", ""),
                    )
                if status in RETRY_STATUSES:
                    return result(
                        "retry",
                        status=status,
                        reason=f"HTTP {status}",
                        retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                    )
                if status >= 400 or status < 200:
                    return result("failed", status=status, reason=f"HTTP {status}")
                full_ctype = resp.headers.get("Content-Type", "")
                ctype = media_type(full_ctype)
                if not self._wanted(kind, ctype, current):
                    return result(
                        "skipped_type", status=status, content_type=ctype, reason=f"content type {ctype or 'unknown'}"
                    )
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    return result(
                        "failed",
                        status=status,
                        content_type=ctype,
                        reason=f"too large: Content-Length {int(length)} > max_bytes {self.max_bytes}",
                    )
                body, problem = self._read(resp, deadline)
                if problem:
                    outcome = "retry" if problem.startswith("timeout") or problem.startswith("connection") else "failed"
                    return result(outcome, status=status, content_type=ctype, reason=problem)
                return result(
                    "ok",
                    status=status,
                    content_type=full_ctype,
                    body=body,
                    disposition=resp.headers.get("Content-Disposition", ""),
                    etag=resp.headers.get("ETag", ""),
                    last_modified=resp.headers.get("Last-Modified", ""),
                )
            finally:
                self._let_go(resp)

    @staticmethod
    def _let_go(resp) -> None:
        """Give the connection back for reuse when the body is (or can cheaply
        be) read to its end; otherwise drop the connection."""
        try:
            length = resp.headers.get("Content-Length")
            if resp.isclosed() or (length and length.isdigit() and int(length) <= 65536):
                resp.drain_conn()
                resp.release_conn()
                return
        except Exception:
            pass
        try:
            resp.close()
        finally:
            resp.release_conn()

    @staticmethod
    def _wanted(kind: str, ctype: str, url: str) -> bool:
        if kind == "robots":
            return True
        if kind == "sitemap":
            return ctype in SITEMAP_TYPES or ctype.endswith("+xml")
        if ctype in HTML_TYPES or ctype in ATTACHMENT_TYPES:
            return True
        if ctype in (
            "",
            "application/octet-stream",
            "binary/octet-stream",
            "application/x-download",
            "application/force-download",
        ):
            return True  # decided by sniffing / file extension later
        return False

    def _read(self, resp, deadline: float) -> tuple[bytes, str]:
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    return b"", f"timeout after {self.timeout:g}s while reading"
                # read1 returns what is there (at most 64 KiB decoded), b"" only at the end
                chunk = resp.read1(65536, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    return b"", f"too large: more than max_bytes {self.max_bytes} bytes"
                chunks.append(chunk)
        except (ReadTimeoutError, TimeoutError):
            return b"", f"timeout after {self.timeout:g}s while reading"
        except (ProtocolError, Urllib3Error, OSError) as exc:
            return b"", f"connection error while reading: {exc.__class__.__name__}"
        return b"".join(chunks), ""


def sniff_kind(body: bytes, ctype: str, url: str) -> str:
    """ "html", "attachment" or "other" for a fetched body."""
    if ctype in ATTACHMENT_TYPES:
        return "attachment"
    head = body[:8].lstrip()
    if head.startswith(b"%PDF"):
        return "attachment"
    if head.startswith(b"\xd0\xcf\x11\xe0") and extension(url) in (".doc", ".docx", ""):
        return "attachment"  # OLE2 (.doc)
    if head.startswith(b"PK\x03\x04") and extension(url) in (".docx", ".doc"):
        return "attachment"
    if ctype in HTML_TYPES:
        return "html"
    if extension(url) in (".pdf", ".doc", ".docx"):
        return "attachment"
    probe = body[:2048].lower()
    if b"<html" in probe or b"<!doctype html" in probe or b"<body" in probe or b"<head" in probe or b"<p" in probe:
        return "html"
    return "other"


def attachment_filename(url: str, ctype: str, disposition: str = "") -> str:
    from ingest.crawl.urls import filename_of

    name = ""
    if disposition:
        msg = email.message.Message()
        msg["Content-Disposition"] = disposition
        name = (msg.get_filename() or "").replace("/", "_").replace("\\", "_").strip()
    name = name or filename_of(url)
    if posixpath.splitext(name.lower())[1] in (".pdf", ".doc", ".docx"):
        return name
    ext = ATTACHMENT_TYPES.get(ctype, "")
    return name + ext if ext else name
