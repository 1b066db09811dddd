"""URL normalization, site scope and link classification.

Two spellings of one page must become one frontier entry, so every URL is
normalized before it is queued or compared: fragment dropped, scheme and host
lower-cased (IDNA for non-ASCII hosts), default port dropped, dot segments
resolved, percent-escapes upper-cased and non-ASCII characters escaped as
UTF-8, query parameters sorted (blank ones kept, empty ``&&`` dropped).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

# Characters left alone when re-quoting; "%" is kept so existing escapes survive.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/%:@!$'()*+,;=?-._~"
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")

#: file types handed to the file loaders (PDF, Word) rather than the HTML extractor
ATTACHMENT_EXTENSIONS = frozenset({".pdf", ".doc", ".docx"})
ATTACHMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/x-pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: links with these extensions are never queued: nothing to extract from them
SKIP_EXTENSIONS = frozenset(
    """.jpg .jpeg .png .gif .bmp .webp .svg .ico .tif .tiff .css .js .mjs .json .woff .woff2
    .ttf .eot .otf .zip .rar .7z .gz .tgz .bz2 .xz .tar .exe .msi .apk .dmg .iso .bin
    .mp3 .mp4 .avi .wmv .flv .mov .mkv .wav .m4a .ogg .swf .xls .xlsx .ppt .pptx .wps
    .et .dps .csv .txt .xml .rss .atom .ofd .ceb .caj""".split()
)


class BadURL(ValueError):
    pass


def _fix_escapes(part: str, safe: str) -> str:
    part = quote(part, safe=safe)
    # "%" not followed by two hex digits is a literal percent sign
    part = re.sub(r"%(?![0-9a-fA-F]{2})", "%25", part)
    return _ESCAPE.sub(lambda m: m.group(0).upper(), part)


def normalize_url(url: str, base: str | None = None) -> str:
    """The canonical form of ``url`` (resolved against ``base``); raises BadURL."""
    url = (url or "").strip().replace("\\", "/")
    url = re.sub(r"[\t\r\n]", "", url)
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BadURL(str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise BadURL(f"unsupported scheme: {url[:80]}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BadURL(f"no host: {url[:80]}")
    try:
        host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
        port = parts.port
    except (UnicodeError, ValueError) as exc:
        raise BadURL(f"bad host or port: {url[:80]} ({exc})") from None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    trailing = path.endswith("/")
    path = posixpath.normpath(path) if path not in ("/", "") else "/"
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if trailing and not path.endswith("/"):
        path += "/"
    path = _fix_escapes(path, _PATH_SAFE)
    query = ""
    if parts.query:
        params = [p for p in parts.query.split("&") if p]
        params = [_fix_escapes(p, _QUERY_SAFE) for p in params]
        query = "&".join(sorted(params))
    return urlunsplit((scheme, netloc, path, query, ""))


def host_key(url: str) -> str:
    """Politeness slot of a URL: scheme-less host[:port]."""
    return urlsplit(url).netloc


def site_key(url: str) -> str:
    """What "the same site" means: the host (minus a leading www.) and port."""
    netloc = urlsplit(url).netloc
    return netloc[4:] if netloc.startswith("www.") else netloc


def extension(url: str) -> str:
    path = unquote(urlsplit(url).path).lower()
    base = path.rsplit("/", 1)[-1]
    return posixpath.splitext(base)[1]


def filename_of(url: str) -> str:
    name = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    return name or "index"


def link_kind(url: str) -> str | None:
    """ "attachment" for PDF/Word links, "page" for anything that may be HTML,
    None for links to images, scripts, archives and the like."""
    ext = extension(url)
    if ext in ATTACHMENT_EXTENSIONS:
        return "attachment"
    if ext in SKIP_EXTENSIONS:
        return None
    return "page"


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()
