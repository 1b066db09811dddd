"""The extractors compared in bench/bench_extract.py and bench/eval_extract_external.py,
and the score they share.

Each runner takes the decoded HTML of a page (the same string for all) and
returns ``(text, doc)``: ``text`` is None when the extractor refuses the page
(no main text); ``doc`` is govtext's Document, None for the peers.
trafilatura and readability-lxml are development dependencies
(requirements.txt, issue 19 block); a missing one is skipped, not faked.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lxml.html  # noqa: E402

from govtext.errors import SourceError  # noqa: E402
from ingest.evaluate import char_scores  # noqa: E402,F401  (re-exported to the benchmarks)
from ingest.extract import extract_html  # noqa: E402


def run_govtext(html: str, chrome=None, page_kind: bool | None = None):
    """govtext's extractor; ``page_kind`` None: the learned page-kind model as the setting says (on)."""
    try:
        doc = extract_html(html, chrome=chrome, page_kind=page_kind)
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
        for name, fn, module in (
            ("trafilatura", run_trafilatura, "trafilatura"),
            ("readability", run_readability, "readability"),
        ):
            try:
                __import__(module)
            except ImportError:
                print(f"{name} is not installed: skipped (pip install -r requirements.txt)")
                continue
            out[name] = fn
    return out
