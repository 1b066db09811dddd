"""The extractors compared in bench/bench_extract.py and bench/eval_extract_external.py,
and the score they share.

Each runner takes the decoded HTML of a page (the same string for all) and
returns ``(text, doc)``: ``text`` is None when the extractor refuses the page
(no main text); ``doc`` is govtext's Document, None for the peers.
trafilatura and readability-lxml are development dependencies
(requirements.txt, issue 19 block); a missing one is skipped, not faked.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lxml.html  # noqa: E402

from govtext.errors import SourceError  # noqa: E402
from ingest.extract import extract_html  # noqa: E402


def char_scores(extracted: str, gold: str) -> tuple[float, float, float]:
    """Character-multiset precision, recall and F1, whitespace ignored (as tests/test_extract.py)."""
    pred = Counter(re.sub(r"\s", "", extracted))
    true = Counter(re.sub(r"\s", "", gold))
    overlap = sum((pred & true).values())
    p = overlap / max(1, sum(pred.values()))
    r = overlap / max(1, sum(true.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_govtext(html: str, chrome=None):
    try:
        doc = extract_html(html, chrome=chrome)
    except SourceError:
        return None, None
    return doc.text, doc


def run_trafilatura(html: str):
    import trafilatura

    return trafilatura.extract(html, include_comments=False), None


def run_readability(html: str):
    from readability import Document as Readability

    summary = Readability(html).summary(html_partial=True)
    if not summary.strip():
        return None, None
    root = lxml.html.fromstring(summary)
    for el in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content(), None


def extractors(peers: bool = True) -> dict:
    """govtext, then each installed peer."""
    out = {"govtext": run_govtext}
    if peers:
        for name, fn, module in (("trafilatura", run_trafilatura, "trafilatura"), ("readability", run_readability, "readability")):
            try:
                __import__(module)
            except ImportError:
                print(f"{name} is not installed: skipped (pip install -r requirements.txt)")
                continue
            out[name] = fn
    return out
