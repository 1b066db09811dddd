"""Text normalization and paragraph / sentence splitting for Chinese documents.

Chinese pages indent paragraphs with full-width spaces (U+3000, "　　"), use
non-breaking and zero-width spaces freely, and end sentences with 。！？ and
their half-width cousins, often followed by a closing quote.
"""

from __future__ import annotations

import re

_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = dict.fromkeys(map(ord, _ZERO_WIDTH_CHARS), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HSPACE = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u202f]+")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。；：！？、）》”])[ ]+(?=[{_CJK}，。；：！？、（《“])")
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|$)")


def clean_text(text: str) -> str:
    """Normalize line breaks and invisible characters; keep the visible text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    # translate looks each character up in a dict (~60 ns); most texts hold none of these
    if any(map(text.__contains__, _ZERO_WIDTH_CHARS)):
        text = text.translate(_ZERO_WIDTH)
    text = _CONTROL.sub("", text)
    return text


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs in order: one per non-empty line, indents and stray spaces removed.

    Spaces between two Chinese characters are layout, not content, and go;
    spaces inside Latin text stay (collapsed to one).
    """
    # the two substitutions run over the whole text: neither pattern matches a line break, and a space
    # between two Chinese characters lies inside its line, so stripping the line's ends keeps its neighbours
    # (tests/test_text.py compares this with the line-by-line definition)
    text = _HSPACE.sub(" ", clean_text(text))
    if " " in text:
        text = _SPACE_BETWEEN_CJK.sub("", text)
    return [line for line in map(str.strip, text.split("\n")) if line]


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, each keeping its closing punctuation and quote."""
    return [s.strip() for s in _SENTENCE.findall(paragraph) if s.strip()]


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


#: a line of space-separated runs of Chinese averaging this many characters or more reads as prose
SPACED_RUN_CHARS = 6
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def spaced_clauses(text: str) -> bool:
    """Prose written with spaces for commas (many blogs, Taiwan's especially): two or more
    space-separated runs of Chinese averaging SPACED_RUN_CHARS characters or more; a menu's
    labels are shorter, and a byline is half digits."""
    parts = text.split(" ")
    if len(parts) < 2:
        return False
    runs = [len(r) for part in parts for r in CJK_RUN.findall(part)]
    cjk = sum(runs)
    return cjk >= 15 and cjk / len(parts) >= SPACED_RUN_CHARS and cjk >= 0.8 * (len(text) - len(parts) + 1)
