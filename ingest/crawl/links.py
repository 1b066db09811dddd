"""Links out of a fetched page, and URLs out of a sitemap."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

from ingest.crawl.urls import BadURL, normalize_url

_REFRESH = re.compile(r"""^\s*\d*\s*[;,]?\s*url\s*=\s*['"]?([^'"]+)""", re.I)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#", "about:", "ftp:", "file:")
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_ATTR = re.compile(rb"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def meta_robots(raw: bytes) -> set[str]:
    """Directives of ``<meta name="robots">`` (or name="govtext-crawler") in the page head:
    {"noindex", "nofollow", …}."""
    words: set[str] = set()
    head = raw[:65536]
    for tag in _META_TAG.findall(head):
        attrs = {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or b"") for m in _ATTR.finditer(tag)}
        if attrs.get(b"name", b"").strip().lower() in (b"robots", b"govtext-crawler"):
            content = attrs.get(b"content", b"").decode("ascii", "ignore").lower()
            words |= {w.strip() for w in content.split(",") if w.strip()}
    if "none" in words:
        words |= {"noindex", "nofollow"}
    return words


@dataclass
class PageLinks:
    links: list[str] = field(default_factory=list)
    nofollow: bool = False  # <meta name="robots" content="nofollow">
    noindex: bool = False  # <meta name="robots" content="noindex">


def _parse_html(raw: bytes, encoding: str | None):
    if encoding:
        try:
            parser = lxml.html.HTMLParser(encoding=encoding)
            return lxml.html.document_fromstring(raw, parser=parser)
        except (LookupError, ValueError, lxml.etree.ParserError):
            pass
    return lxml.html.document_fromstring(raw)


def page_links(raw: bytes, url: str, encoding: str | None = None) -> PageLinks:
    """Absolute, normalized links of an HTML page in document order, deduplicated.

    ``encoding`` is the page's real encoding when known (the HTML extractor's
    detection), so that non-ASCII hrefs survive a page that lies about it.
    """
    out = PageLinks()
    if not raw.strip():
        return out
    try:
        tree = _parse_html(raw, encoding)
    except (lxml.etree.ParserError, ValueError):
        return out
    base = url
    for href in tree.xpath("//base/@href")[:1]:
        try:
            base = normalize_url(href, base=url)
        except BadURL:
            pass
    directives = meta_robots(raw)
    out.nofollow = "nofollow" in directives
    out.noindex = "noindex" in directives
    candidates: list[str] = []
    for content in tree.xpath("//meta[translate(@http-equiv,'REFSH','refsh')='refresh']/@content"):
        m = _REFRESH.match(content)
        if m:
            candidates.append(m.group(1))
    candidates += tree.xpath("//a/@href | //area/@href | //frame/@src | //iframe/@src")
    seen = set()
    for href in candidates:
        href = (href or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        try:
            link = normalize_url(href, base=base)
        except BadURL:
            continue
        if link not in seen:
            seen.add(link)
            out.links.append(link)
    return out


@dataclass
class Sitemap:
    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def parse_sitemap(raw: bytes, url: str) -> Sitemap:
    """A sitemap (urlset), a sitemap index, gzipped or not, or a plain-text list."""
    out = Sitemap()
    if raw[:2] == b"\x1f\x8b":
        try:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            raw = d.decompress(raw, MAX_SITEMAP_BYTES)
        except (zlib.error, OSError):
            return out
    stripped = raw.lstrip()
    if stripped.startswith(b"<"):
        try:
            parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
            root = lxml.etree.fromstring(stripped, parser=parser)
        except (lxml.etree.XMLSyntaxError, ValueError):
            return out
        if root is None:
            return out
        is_index = lxml.etree.QName(root).localname.lower() == "sitemapindex"
        for loc in root.iter("{*}loc"):
            text = (loc.text or "").strip()
            try:
                link = normalize_url(text, base=url)
            except BadURL:
                continue
            (out.sitemaps if is_index else out.pages).append(link)
    else:
        for line in stripped.decode("utf-8", errors="replace").splitlines():
            line = line.strip()
            if line.startswith(("http://", "https://")):
                try:
                    out.pages.append(normalize_url(line))
                except BadURL:
                    pass
    return out
