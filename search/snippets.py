"""Snippets on the original text with the matched words marked.

Matching is done on the original characters (case-insensitive for Latin),
so what the reader sees is the document's own text. Everything is
HTML-escaped before the <mark> tags go in: documents come from the open web.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


def _pattern(terms: list[str]) -> re.Pattern | None:
    return _compiled(tuple(sorted({t for t in terms if t and t.strip()}, key=lambda t: (-len(t), t))))


@lru_cache(maxsize=1024)
def _compiled(terms: tuple[str, ...]) -> re.Pattern | None:
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def best_window(text: str, terms: list[str], width: int = 160) -> tuple[int, int]:
    """Start and end of the window of ``width`` characters holding the most distinct terms."""
    pattern = _pattern(terms)
    if pattern is None or len(text) <= width:
        return 0, min(len(text), width)
    matches = [(m.start(), m.group(0).lower()) for m in pattern.finditer(text)]
    if not matches:
        return 0, width
    best, best_start, j = -1, 0, 0
    for i, (start, _) in enumerate(matches):
        while matches[j][0] < start - width // 3:
            j += 1
        window = {w for s, w in matches[j:] if s < start + width - width // 3}
        if len(window) > best:
            best, best_start = len(window), max(0, start - width // 3)
        if i > 2000:
            break
    best_start = max(0, min(best_start, len(text) - width))
    return best_start, best_start + width


def highlight(text: str, terms: list[str]) -> str:
    """HTML-escaped ``text`` with every occurrence of ``terms`` wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        out.append(MARK_OPEN + html.escape(m.group(0)) + MARK_CLOSE)
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str, terms: list[str], width: int = 160) -> str:
    """The best window of ``text`` (line breaks shown as spaces), highlighted and escaped."""
    text = text.strip()
    start, end = best_window(text, terms, width)
    window = re.sub(r"\s*\n\s*", " ", text[start:end])
    return ("…" if start > 0 else "") + highlight(window, terms) + ("…" if end < len(text) else "")


def paragraph_snippet(text: str, paragraph: int, terms: list[str], width: int = 160) -> str:
    """The snippet cut from one paragraph (line) of ``text``: the passage that holds the
    most query words, chosen by search/evidence.py."""
    lines = text.split("\n")
    if not 0 <= paragraph < len(lines) or not lines[paragraph].strip():
        return snippet(text, terms, width)
    line = lines[paragraph].strip()
    start, end = best_window(line, terms, width)
    before = start > 0 or any(l.strip() for l in lines[:paragraph])
    after = end < len(line) or any(l.strip() for l in lines[paragraph + 1 :])
    return ("…" if before else "") + highlight(line[start:end], terms) + ("…" if after else "")
