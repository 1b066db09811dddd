"""Text normalization and paragraph / sentence splitting for Chinese documents.

Chinese pages indent paragraphs with full-width spaces (U+3000, "　　"), use
non-breaking and zero-width spaces freely, and end sentences with 。！？ and
their half-width cousins, often followed by a closing quote.
"""

from __future__ import annotations

import re

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HSPACE = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u202f]+")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。；：！？、）》”])[ ]+(?=[{_CJK}，。；：！？、（《“])")
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|$)")


def clean_text(text: str) -> str:
    """Normalize line breaks and invisible characters; keep the visible text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.translate(_ZERO_WIDTH)
    text = _CONTROL.sub("", text)
    return text


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs in order: one per non-empty line, indents and stray spaces removed.

    Spaces between two Chinese characters are layout, not content, and go;
    spaces inside Latin text stay (collapsed to one).
    """
    paragraphs = []
    for line in clean_text(text).split("\n"):
        line = _HSPACE.sub(" ", line).strip()
        if not line:
            continue
        line = _SPACE_BETWEEN_CJK.sub("", line)
        paragraphs.append(line)
    return paragraphs


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, each keeping its closing punctuation and quote."""
    return [s.strip() for s in _SENTENCE.findall(paragraph) if s.strip()]


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
