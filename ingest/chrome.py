"""Site chrome: text blocks that repeat across the pages of one site.

A site's template (navigation, legal notices, footers, "related" boxes) prints
the same lines on every page; an article's paragraphs appear on one. When
several pages of a site are extracted (a crawl, a re-extraction), a
:class:`SiteChrome` remembers the blocks of the pages it has seen per host and
tells the extractor which blocks of the next page were already seen on
``min_pages`` other pages of the same host: those count as boilerplate both when
the content block is chosen and when its lines are cleaned.

Off by default: on the public page set it changed nothing on the held-out
sites (their few pages per site come from different years and templates), so it
is not yet shown to help. ``GOVTEXT_STRIP_CHROME=1`` or ``crawl --strip-chrome``
turn it on; measured with bench/eval_extract_external.py (``--chrome``), which
hands each page the other pages of its site.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter, deque
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

SPACES = re.compile(r"\s+")
MIN_CHARS = 4  # shorter blocks (a "|", a date) repeat on every page and say nothing about the template


def fingerprint(text: str) -> int | None:
    """A block's key: its text without whitespace (None for blocks too short to judge)."""
    norm = SPACES.sub("", text)
    return hash(norm) if len(norm) >= MIN_CHARS else None


def site_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower() if url else ""


class SiteChrome:
    """Blocks seen per host, over the last ``window`` pages of each host."""

    def __init__(self, min_pages: int = 2, window: int = 50, host: str = ""):
        """``host`` fixes the site for pages without a URL (all pages handed over are of that site)."""
        if min_pages < 1 or window < min_pages:
            raise ValueError("SiteChrome needs 1 <= min_pages <= window")
        self.min_pages = min_pages
        self.host = host
        self.window = window
        self._pages: dict[str, deque] = {}
        self._counts: dict[str, Counter] = {}
        self._lock = threading.Lock()

    def host_for(self, url: str) -> str:
        return self.host or site_of(url)

    def observe(self, host: str, keys: set[int]) -> None:
        """Record one page's block keys (call once per page)."""
        if not host:
            return
        with self._lock:
            pages = self._pages.setdefault(host, deque())
            counts = self._counts.setdefault(host, Counter())
            pages.append(keys)
            counts.update(keys)
            if len(pages) > self.window:
                counts.subtract(pages.popleft())

    def repeated(self, host: str, keys: set[int]) -> set[int]:
        """The keys of a page (not yet observed) that ``min_pages`` other pages of its host also have."""
        with self._lock:
            counts = self._counts.get(host)
            if not counts:
                return set()
            return {k for k in keys if counts[k] >= self.min_pages}

    def pages_seen(self, host: str) -> int:
        return len(self._pages.get(host, ()))


# ------------------------------------------------ chrome in text given to us

# toolbar words a scraper copies with the text: 下载 打印 全屏 收藏 【字号： 加大 还原 减小 】 …
TOOLBAR = re.compile(
    r"(?:[【\[(（]?\s*(?:下载|打印|全屏|收藏|分享|关闭|加大|还原|减小|放大|缩小|默认|大|中|小|字号|字体|"
    r"打印本页|打印此页|关闭窗口|返回顶部|返回|纠错|我要纠错|分享到|微信|微博|QQ空间)\s*[:：]?\s*[】\])）]?\s*[|｜/]?\s*)+"
)
BRACKETS = re.compile(r"[【】\[\]|｜/>»›\s]+")
MAX_CHROME_LINES = 30  # looked for at each end


_TAG = re.compile(r"<[^<>]{0,200}>")


@lru_cache(maxsize=1)
def _given_text_drop_line() -> re.Pattern:
    """The site profiles' furniture-line patterns less the script-remnant one: in a text that
    arrives already extracted, code or markup next to words is content (kept, shown escaped)."""
    data = json.loads((Path(__file__).parent / "sites" / "boilerplate.json").read_text(encoding="utf-8"))
    return re.compile("|".join(f"(?:{p})" for p in data["drop_line"] if "script" not in p), re.I)


def _is_given_chrome(line: str) -> bool:
    # judged on the words: literal markup in a given text (<script>…</script>枫桥经验) is content
    # to keep and show escaped, not a page's furniture
    line = _TAG.sub("", line).strip()
    if not line:
        return False
    if len(line) > 80:
        return False
    if len(line) <= 40 and (TOOLBAR.fullmatch(line) or BRACKETS.fullmatch(line)):
        return True
    return _given_text_drop_line().search(line) is not None


def strip_given_chrome(text: str) -> tuple[str, list[str]]:
    """Toolbar, breadcrumb and copyright lines at the head and the tail of a text that
    arrived already extracted (JSONL from another scraper): the cleaned text and the
    lines removed. Lines between the first and the last line of content are kept."""
    lines = text.split("\n")
    start = 0
    while start < min(len(lines), MAX_CHROME_LINES) and (
        not lines[start].strip() or _is_given_chrome(lines[start].strip())
    ):
        start += 1
    end = len(lines)
    while end > max(start, len(lines) - MAX_CHROME_LINES) and (
        not lines[end - 1].strip() or _is_given_chrome(lines[end - 1].strip())
    ):
        end -= 1
    if start >= end:  # nothing but chrome: leave the text as it is (validation reports it)
        return text, []
    removed = [line.strip() for line in lines[:start] + lines[end:] if line.strip()]
    if not removed:
        return text, []
    return "\n".join(lines[start:end]), removed
