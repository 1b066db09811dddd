"""Page-level features for a learned page-kind decision (article or not), issue 19.

The extractor's refusals are hand-written signals, each fitted to a kind of page it was shown.
This module computes generic page-level numbers from what the extractor already has (every
block of the page, the blocks of the chosen container, the cleaned blocks kept from it, the
HTML's tags); nothing here names a site or a phrase. A logistic regression over them, fitted on
sets 1-11, did not beat the rules leave-site-out at ~1% article loss. Refitted on sets 1-15 and
*gated* (it may refuse only a page the rules keep whose kept text is under half of the page's
text outside link and boilerplate lines, ``text_share``: weak article evidence), it refuses 3 more of 110 non-articles
leave-site-out for 3 of 374 articles, but with that rule chosen inside the folds (nested) for 6
(README, the page-kind paragraphs). Refitted on sets 1-18 with the same gate (i19y), then on sets 1-19 (i19aa), then on sets 1-27 (i19ax) with the candidate features
below and a second gate (``record_prose`` < 0.5: a kept text mostly inside repeated sibling records and mostly
not prose; C 0.1; leave-site-out 250/288 non-articles refused for 8/542 articles against the sets 1-19 model's
244 and 7, nested 246 and 7). The extractor
applies that frozen model (``MODEL``, ``ingest/pagekind_model.json``, written by ``bench/pagekind_cv.py
--freeze``) after its rules when the setting ``page_kind`` (GOVTEXT_PAGE_KIND, on by default) is on, or
per call (``page_kind=True``).

Features (``FEATURES``, in this order):

* ``log_chars``       log1p of the kept blocks' characters
* ``kept_links``      share of the kept characters inside links
* ``inside_links``    share of the container's characters inside links
* ``page_links``      share of the page's characters inside links
* ``body_share``      kept characters / the page's characters outside link lines
* ``log_sentences``   log1p of the sentence ends (。！？!?) in the kept text
* ``sentence_rate``   sentence ends per 100 kept characters
* ``log_sentence_len`` log1p of kept characters per sentence end
* ``prose_share``     share of kept characters in blocks with a sentence end and few links
* ``short_share``     share of kept blocks of at most 20 characters without punctuation
* ``field_share``     share of kept blocks that are label/value lines (地址：…)
* ``date_share``      share of kept blocks that are mostly a date
* ``punct_rate``      Chinese punctuation marks per 100 kept characters
* ``digit_share``     share of digits in the kept text
* ``log_blocks``      log1p of the kept blocks
* ``log_records``     log1p of the largest run of sibling elements of one tag and class, page-wide
* ``record_chars``    log1p of the mean characters of that run's elements
* ``title_overlap``   share of the <title>'s character pairs found in the kept text
* ``header_date``     1 when a date is printed just above or at the top of the container (a byline)
* ``log_page_dates``  log1p of the dates printed anywhere on the page (lists date every record)
* ``log_media``       log1p of the <video>, <embed>, <object> and <iframe> tags in the HTML
* ``log_controls``    log1p of the form controls (<input>, <select>, <textarea>, <button>)
* ``log_images``      log1p of the <img> tags
* ``log_prices``      log1p of the price marks (￥, ¥) in the page's text

Candidate features (``CANDIDATE_FEATURES``, i19ax; computed beside FEATURES, in the data file; a model
uses them only if its file lists them):

* ``log_marks``       log1p of the kept text's sentence marks of any kind: sentence ends, blocks of
                      clauses separated by spaces, label:value lines
* ``record_share``    share of the kept characters inside repeated sibling records: the outermost element
                      around a kept block (not inline, not a table part) holding at most RECORD_MAX kept
                      characters and having RECORD_MIN or more siblings of its tag and class (digits
                      ignored), when RECORD_MIN or more of those siblings hold kept text
* ``record_multi``    the same, records of two or more kept blocks only (title + teaser + date)
* ``teaser_end``      share of kept blocks ending as a teaser (… / ... / 更多 / 详细 / 阅读全文 / >>)
* ``label_share``     share of kept blocks that are labels (at most 12 characters ending in a colon, or
                      inside th / label / legend / option)
* ``log_headings``    log1p of the page's h1-h3 blocks
* ``dated_rows``      share of kept blocks of at most 80 characters ending in a date
* ``log_empty_cells`` log1p of the HTML's empty table cells

Gate number ``record_prose`` (``GATE_FEATURES``): the kept text's ``prose_share`` when ``record_share``
>= 0.5 (mostly inside repeated records), else 1.

Data: ``bench/pagekind_data.py`` writes the features of every labelled page of sets 1-27
(read from their checkouts) to ``bench/data/pagekind_features.jsonl``; ``bench/pagekind_cv.py``
fits and scores the model on that file, folds grouped by site. The extractor computes the
features only when asked (``ingest.extract.page_kind_features``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections import Counter
from pathlib import Path

from ingest.text import spaced_clauses

FEATURES = (
    "log_chars",
    "kept_links",
    "inside_links",
    "page_links",
    "body_share",
    "log_sentences",
    "sentence_rate",
    "log_sentence_len",
    "prose_share",
    "short_share",
    "field_share",
    "date_share",
    "punct_rate",
    "digit_share",
    "log_blocks",
    "log_records",
    "record_chars",
    "title_overlap",
    "header_date",
    "log_page_dates",
    "log_media",
    "log_controls",
    "log_images",
    "log_prices",
)
#: numbers computed beside FEATURES for the served model's gate (not inputs of the regression):
#: ``text_share`` the kept characters / the page's characters outside link lines and boilerplate lines
GATE_FEATURES = ("text_share", "record_prose")
#: candidate features measured by session i19ax (computed beside FEATURES; see page_features)
CANDIDATE_FEATURES = (
    "log_marks",
    "record_share",
    "record_multi",
    "teaser_end",
    "label_share",
    "log_headings",
    "dated_rows",
    "log_empty_cells",
)
RECORD_MAX = 400
RECORD_MIN = 3
DIGITS = re.compile(r"\d+")
INLINE = frozenset(("p", "br", "span", "font", "a", "b", "strong", "em", "i", "u"))
TEASER_TAIL = re.compile(r"(?:…|\.\.\.|。。。|更多|详细|详情|阅读全文|查看全文|>>|»|＞＞)\s*[\]】）)]?\s*$")
#: table rows and cells are no records here: a notice's metadata table is rows of one tag (the rules judge grids)
TABLE_TAGS = frozenset(("table", "tbody", "thead", "tfoot", "tr", "td", "th"))
LABEL_TAGS = frozenset(("th", "thead", "label", "legend", "option"))
DATE_END = re.compile(
    r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}日?)?(?:\s+\d{1,2}:\d\d(?::\d\d)?)?\s*[\]】）)]?\s*$"
)
SENTENCE_END = re.compile(r"[。！？!?]")
PUNCT = re.compile(r"[，。；：！？、“”（）《》]")
FIELD_LINE = re.compile(r"^[\u4e00-\u9fffA-Za-z ]{1,8}\s*[:：]")
DATE_LINE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2})?")
DIGIT = re.compile(r"\d")
SPACE = re.compile(r"\s+")
TAGS = re.compile(r"<(video|embed|object|iframe|input|select|textarea|button|img)\b", re.I)
MEDIA = ("video", "embed", "object", "iframe")
CONTROLS = ("input", "select", "textarea", "button")
HTML_CHARS = 2_000_000
#: the frozen gated model the extractor applies (bench/pagekind_cv.py --freeze writes it)
MODEL = Path(__file__).with_name("pagekind_model.json")
#: its digest: a rebuilt or edited model file must be committed with a new digest (tests/test_pagekind.py)
MODEL_SHA256 = "5fa2d1cced7527c42213558498a6f420fb4739a6c8cde6bb2ec7de1259ad8209"


@functools.lru_cache(maxsize=1)
def model() -> dict:
    """The frozen model: features, standardization, coefficients, threshold, gate."""
    raw = MODEL.read_bytes()
    if hashlib.sha256(raw).hexdigest() != MODEL_SHA256:
        raise RuntimeError(f"{MODEL.name} is not the committed model (digest differs from MODEL_SHA256)")
    return json.loads(raw)


def probability(features: dict[str, float]) -> float:
    """The model's probability that the page is not an article."""
    m = model()
    z = m["intercept"]
    for k, mean, scale, coef in zip(m["features"], m["mean"], m["scale"], m["coef"]):
        z += (features[k] - mean) / scale * coef
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def refuses(features: dict[str, float]) -> bool:
    """The gated decision for a page the rules keep: weak article evidence and p >= the threshold."""
    m = model()
    gate = m["gate"]
    pairs = gate["any"] if "any" in gate else [gate]
    return any(features[g["feature"]] < g["below"] for g in pairs) and probability(features) >= m["threshold"]


CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]\s*>", re.I | re.S)
TAG = re.compile(r"<[^>]*>|&nbsp;|\s")


def _cells(html: str) -> list[str]:
    """The text of every table cell in the HTML (empty cells are a form's or an app's empty grid)."""
    return [TAG.sub("", m.group(1)) for m in CELL.finditer(html, 0, HTML_CHARS)]


def _chars(blocks) -> int:
    return sum(b.chars for b in blocks)


def _links(blocks) -> int:
    return sum(b.link_chars for b in blocks)


def _records(blocks) -> tuple[int, float]:
    """The largest group of sibling elements of one tag and class holding blocks, and their mean characters."""
    groups: dict = {}
    for b in blocks:
        if len(b.ancestors) < 2:
            continue
        for depth in range(len(b.ancestors) - 1, 0, -1):
            el, parent = b.ancestors[depth], b.ancestors[depth - 1]
            if el.tag in ("p", "br", "span", "font", "a", "b", "strong"):
                continue
            key = (id(parent), el.tag, el.get("class") or "")
            members = groups.setdefault(key, {})
            members[id(el)] = members.get(id(el), 0) + b.chars
            break
    best: dict = max(groups.values(), key=len, default={})
    return len(best), (sum(best.values()) / len(best) if best else 0.0)


def _record_shares(kept) -> tuple[float, float]:
    """Shares of the kept characters inside repeated sibling records: an element (not an inline one) with
    RECORD_MIN or more siblings of its tag and class (digits ignored: news1, news2 ...), holding at most
    RECORD_MAX kept characters, the outermost such around each kept block; (any record, records of two or
    more kept blocks)."""
    chars = _chars(kept)
    if not chars:
        return 0.0, 0.0
    inside: Counter = Counter()
    lines: Counter = Counter()
    for b in kept:
        for el in b.ancestors:
            inside[id(el)] += b.chars
            lines[id(el)] += 1
    groups: dict = {}

    def group(parent) -> Counter:
        key = id(parent)
        if key not in groups:
            groups[key] = Counter(
                (c.tag, DIGITS.sub("", c.get("class") or "")) for c in parent if isinstance(c.tag, str)
            )
        return groups[key]

    found: list = []
    members: dict = {}
    for b in kept:
        record = None
        for depth in range(1, len(b.ancestors)):
            el = b.ancestors[depth]
            if el.tag in INLINE or el.tag in TABLE_TAGS or inside[id(el)] > RECORD_MAX:
                continue
            klass = DIGITS.sub("", el.get("class") or "")
            if group(b.ancestors[depth - 1])[(el.tag, klass)] >= RECORD_MIN:
                record = (el, (id(b.ancestors[depth - 1]), el.tag, klass))
                members.setdefault(record[1], set()).add(id(el))
                break
        found.append(record)
    anyrec = multi = 0
    for b, record in zip(kept, found):
        if record is not None and len(members[record[1]]) >= RECORD_MIN:
            anyrec += b.chars
            if lines[id(record[0])] >= 2:
                multi += b.chars
    return anyrec / chars, multi / chars


def _pairs(text: str) -> set:
    text = SPACE.sub("", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def page_features(blocks, inside, kept, html_title: str, header: str, html: str) -> dict[str, float]:
    """The page's numbers (``FEATURES``) from the extractor's blocks (the page's, its container's, the kept
    ones), the lines around the container's top (``header``) and the HTML's tags."""
    chars = _chars(kept)
    text = "\n".join(b.text for b in kept)
    sentences = len(SENTENCE_END.findall(text))
    page_chars = _chars(blocks)
    outside_links = sum(b.chars for b in blocks if b.link_density <= 0.5)
    page_text_chars = sum(b.chars for b in blocks if b.link_density <= 0.5 and not b.is_boilerplate)
    n = len(kept)
    short = sum(1 for b in kept if b.chars <= 20 and not PUNCT.search(b.text))
    fields = sum(1 for b in kept if b.chars <= 60 and FIELD_LINE.match(b.text))
    dates = 0
    for b in kept:
        if b.chars <= 40:
            m = DATE_LINE.search(b.text)
            if m and len(m.group(0)) >= 0.3 * b.chars:
                dates += 1
    prose = sum(b.chars for b in kept if b.link_density <= 0.3 and SENTENCE_END.search(b.text))
    records, record_chars = _records(blocks)
    title = _pairs(html_title[:80])
    head = _pairs(text[:3000]) if title else set()
    tags = Counter(t.lower() for t in TAGS.findall(html, 0, HTML_CHARS))
    page_text = "\n".join(b.text for b in blocks)

    spaced = sum(1 for b in kept if spaced_clauses(b.text))
    record_any, record_multi = _record_shares(kept)
    labels = sum(
        1
        for b in kept
        if b.chars <= 12 and (b.text.rstrip().endswith(("：", ":")) or any(e.tag in LABEL_TAGS for e in b.ancestors))
    )
    empty = sum(1 for el in _cells(html) if not el)
    return {
        "log_marks": math.log1p(sentences + spaced + fields),
        "record_share": record_any,
        "record_multi": record_multi,
        "teaser_end": sum(1 for b in kept if TEASER_TAIL.search(b.text)) / n if n else 0.0,
        "label_share": labels / n if n else 0.0,
        "log_headings": math.log1p(sum(1 for b in blocks if b.heading)),
        "dated_rows": sum(1 for b in kept if b.chars <= 80 and DATE_END.search(b.text)) / n if n else 0.0,
        "log_empty_cells": math.log1p(empty),
        "log_chars": math.log1p(chars),
        "kept_links": _links(kept) / chars if chars else 0.0,
        "inside_links": _links(inside) / max(1, _chars(inside)),
        "page_links": _links(blocks) / page_chars if page_chars else 0.0,
        "body_share": min(1.0, chars / outside_links) if outside_links else 0.0,
        "log_sentences": math.log1p(sentences),
        "sentence_rate": 100.0 * sentences / chars if chars else 0.0,
        "log_sentence_len": math.log1p(chars / max(1, sentences)),
        "prose_share": prose / chars if chars else 0.0,
        "short_share": short / n if n else 0.0,
        "field_share": fields / n if n else 0.0,
        "date_share": dates / n if n else 0.0,
        "punct_rate": 100.0 * len(PUNCT.findall(text)) / chars if chars else 0.0,
        "digit_share": len(DIGIT.findall(text)) / chars if chars else 0.0,
        "log_blocks": math.log1p(n),
        "log_records": math.log1p(records),
        "record_chars": math.log1p(record_chars),
        "title_overlap": len(title & head) / len(title) if title else 0.0,
        "header_date": 1.0 if DATE_LINE.search(header) else 0.0,
        "log_page_dates": math.log1p(len(DATE_LINE.findall(page_text))),
        "log_media": math.log1p(sum(tags[t] for t in MEDIA)),
        "log_controls": math.log1p(sum(tags[t] for t in CONTROLS)),
        "log_images": math.log1p(tags["img"]),
        "log_prices": math.log1p(page_text.count("￥") + page_text.count("¥")),
        "text_share": min(1.0, chars / page_text_chars) if page_text_chars else 0.0,
        "record_prose": prose / chars if chars and record_any >= 0.5 else 1.0,
    }
