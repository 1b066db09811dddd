"""Gold text of a page from a hand-written annotation, without storing the page's text.

For pages whose repository holds no main-text gold, the annotation names where
the main text starts and ends and which lines inside it are not main text, by
short anchors (a few characters from the start of a line). The gold is the
page's *rendered lines* between the two anchors, less the dropped ones.

The rendering is deliberately plain and is not an extractor: every text node of
the body in document order, a line break at every block-level element, scripts,
styles and templates left out. It was written and committed before any page
was annotated, and it is what the annotator read.

    .venv/bin/python bench/annotated_gold.py CHECKOUT PATH   # prints the numbered lines (for annotating)
"""

from __future__ import annotations

import re
import sys

import lxml.html

BLOCKS = frozenset(
    "address article aside blockquote br center dd details div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td th thead tfoot tr ul".split()
)
SKIP = frozenset("script style noscript template head iframe svg select option textarea button".split())
SPACE = re.compile(r"[ \t\r\n\u00a0\u3000\u2002\u2003\u2009\u202f\ufeff]+")


def rendered_lines(html: str) -> list[str]:
    """The page's visible text as non-empty, whitespace-collapsed lines."""
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    html = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", html)
    root = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(remove_comments=True, recover=True))
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in SKIP:  # a comment, processing instruction or skipped element: only its tail shows
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in BLOCKS
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    lines = (SPACE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def _find(lines: list[str], anchor: str, start: int = 0) -> int:
    key = SPACE.sub("", anchor)
    for i in range(start, len(lines)):
        if SPACE.sub("", lines[i]).startswith(key):
            return i
    raise ValueError(f"anchor not found: {anchor!r}")


def gold_text(html: str, note: dict) -> str:
    """The lines from the one starting with note['first'] to the one starting with
    note['last'] (the first such line after it), less every line starting with one of
    note['drop'] (anchors searched in that span only)."""
    lines = rendered_lines(html)
    lo = _find(lines, note["first"])
    hi = _find(lines, note["last"], lo)
    drops = [SPACE.sub("", d) for d in note.get("drop", [])]
    kept = [line for line in lines[lo : hi + 1] if not any(SPACE.sub("", line).startswith(d) for d in drops)]
    return "\n".join(kept)


def main() -> None:
    from eval_extract_external import Checkout, decode_bytes

    checkout, path = sys.argv[1], sys.argv[2]
    html = decode_bytes(Checkout(checkout).read(path))[0]
    for i, line in enumerate(rendered_lines(html)):
        print(f"{i:4} {line}")


if __name__ == "__main__":
    main()
