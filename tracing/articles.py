"""第X条 parsing: a law or regulation as a list of articles.

Lines (stored paragraphs) that start with 第…条 open an article; 第…编/章/节
lines are headings that set the current chapter; other lines continue the
current article (its 款 and 项) or, before the first article, form the 题注
(title, adoption and amendment history, table of contents). Article numbers
are Chinese numerals (第一百二十三条) or digits, optionally with 之一.

A document with fewer than two articles (a report, a notice) is split into
its paragraphs instead, so any two documents can be compared.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

_NUM = "零〇一二三四五六七八九十百千两0-9０-９"
ARTICLE = re.compile(rf"^\s*第\s*([{_NUM}]+)\s*条(?:\s*之\s*([{_NUM}]+))?[\s\u3000：:]*")
HEADING = re.compile(rf"^\s*第\s*([{_NUM}]+)\s*(编|章|节)(?![^\n]*[。；;])")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_DIGITS.update({"〇": 0, "两": 2})
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_number(text: str) -> int | None:
    """一百二十三 -> 123, 十五 -> 15, 二〇二二 -> 2022, 12 -> 12; None when not a number."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if not any(c in _UNITS for c in text):  # digit by digit: 二〇二二
        if all(c in _DIGITS for c in text):
            return int("".join(str(_DIGITS[c]) for c in text))
        return None
    total, current = 0, 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        elif c in _UNITS:
            total += (current or 1) * _UNITS[c]
            current = 0
        else:
            return None
    return total + current


@dataclass
class Article:
    #: "第十条", "第十条之一", "题注", or "¶3" for a plain paragraph
    label: str
    #: article number (10), None for the 题注 and for paragraphs
    number: int | None
    sub: int
    chapter: str
    #: the text without the 第X条 label (what content matching compares)
    body: str
    #: the full text, lines joined by newlines
    text: str
    #: index of the first stored paragraph of the article
    index: int

    def to_dict(self) -> dict:
        return asdict(self)


def parse_articles(paragraphs: list[str], fallback: bool = True) -> list[Article]:
    """Articles of a document's paragraphs (see the module docstring)."""
    out: list[Article] = []
    preamble: list[tuple[int, str]] = []
    chapter = ""
    current: Article | None = None
    for i, line in enumerate(paragraphs):
        if not line.strip():
            continue
        m = ARTICLE.match(line)
        h = HEADING.match(line) if m is None else None
        if m is not None:
            number = cn_number(m.group(1))
            sub = cn_number(m.group(2)) if m.group(2) else 0
            label = line[: m.end()].strip().rstrip("：:").replace(" ", "").replace("\u3000", "")
            body = line[m.end() :].strip()
            current = Article(label, number, sub or 0, chapter, body, line.strip(), i)
            out.append(current)
        elif h is not None:
            chapter = re.sub(r"\s+", " ", line.strip())
            current = None
        elif current is not None:
            current.body = (current.body + "\n" + line.strip()).strip()
            current.text += "\n" + line.strip()
        elif not out:
            preamble.append((i, line.strip()))
    if len(out) < 2:
        if not fallback:
            return out
        return [Article(f"¶{i}", None, 0, "", p.strip(), p.strip(), i) for i, p in enumerate(paragraphs) if p.strip()]
    if preamble:
        joined = "\n".join(t for _, t in preamble)
        out.insert(0, Article("题注", None, 0, "", joined, joined, preamble[0][0]))
    return out


def has_articles(paragraphs: list[str]) -> bool:
    return len(parse_articles(paragraphs, fallback=False)) >= 2
