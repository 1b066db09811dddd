"""Decode the bytes of a Chinese page or text file without producing mojibake.

Chinese pages are often GB2312/GBK/GB18030 and often lie about it, in the HTTP
header or in ``<meta charset>``. The strategy:

1. a byte-order mark decides;
2. otherwise try, in order, the declared charset, the charsets the document
   declares about itself (``<meta>``, ``<?xml encoding>``), UTF-8 and GB18030;
   GB2312 and GBK are read as GB18030, their superset;
3. every candidate is *verified*: the share of replacement characters and of
   characters unlikely in a Chinese page (controls, private use, hanzi outside
   GB2312 and Big5, Latin-1 debris) among the non-ASCII characters must be low;
4. then charset-normalizer's guess, verified the same way;
5. if nothing is clean, the least bad candidate is returned only when it is
   nearly clean; otherwise :class:`SourceError` says why.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from functools import lru_cache

from govtext.errors import SourceError

CLEAN = 0.01  # accept at once at or below this share of bad characters
TOLERABLE = 0.05  # the best candidate is still usable up to this share
_SAMPLE = 120_000  # characters verified from each of the start, middle and end

_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_COMMON_SYMBOLS = set("\u00a0©®°±·×÷«»¥£€¢§¶µ¼½¾")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x19]")  # binary debris; \x0b \x0c \x1a-\x1f and DEL occur in old text files
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_\-.]+)""", re.I)


def normalize_charset(name: str | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charsets(raw: bytes) -> list[str]:
    """Charsets the document declares about itself, in order (first 4 KB)."""
    head = raw[:4096]
    found = [m.group(1).decode("ascii", "replace") for m in _XML_ENCODING.finditer(head)]
    found += [m.group(1).decode("ascii", "replace") for m in _META_CHARSET.finditer(head)]
    return found


@lru_cache(maxsize=65536)
def _unlikely(ch: str) -> bool:
    """True for a non-ASCII character that rarely occurs in a correctly decoded page."""
    code = ord(ch)
    if code == 0xFFFD or 0x80 <= code <= 0x9F or 0xE000 <= code <= 0xF8FF:
        return True
    if ch in _COMMON_SYMBOLS or 0x2000 <= code <= 0x206F or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:
        return False  # punctuation, CJK symbols, full-width forms
    if code >= 0x1F000:
        return False  # emoji
    for codec in ("gb2312", "big5"):
        try:
            ch.encode(codec)
            return False
        except UnicodeEncodeError:
            pass
    if 0x3400 <= code <= 0x9FFF or 0xA0 <= code <= 0xFF:
        return True  # rare hanzi and Latin-1 debris: the signature of a wrong codec
    return not ch.isprintable()


def badness(text: str) -> float:
    """Share of unlikely characters among the non-ASCII ones (0 for pure ASCII)."""
    if len(text) > 3 * _SAMPLE:
        mid = len(text) // 2
        text = text[:_SAMPLE] + text[mid : mid + _SAMPLE] + text[-_SAMPLE:]
    controls = len(_CONTROLS.findall(text))  # NUL and other controls: binary, not text
    counts = Counter("".join(_NON_ASCII.findall(text)))
    nonascii = controls + sum(counts.values())
    bad = controls + sum(n for ch, n in counts.items() if _unlikely(ch))
    return bad / nonascii if nonascii else 0.0


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:8192]
    return sample.count(0) > len(sample) // 100 + 1


def decode_bytes(raw: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for the bytes of a page or text file.

    ``declared`` is the charset a transport claimed (an HTTP header); it is a
    hint to verify, not a fact. Raises :class:`SourceError` when no charset
    gives clean text.
    """
    if not raw:
        return "", "utf-8"
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, "replace"), codec
    if _looks_binary(raw):
        raise SourceError("not text: the bytes contain NUL characters (binary data?)")

    tried: dict[str, float] = {}  # codec -> badness
    best: tuple[float, str, str] = (2.0, "", "")  # (badness, text, codec) of the least bad so far

    def attempt(label: str | None) -> bool:
        nonlocal best
        codec = normalize_charset(label)
        if not codec or codec in tried:
            return False
        text = raw.decode(codec, "replace")
        tried[codec] = score = badness(text)
        if score < best[0]:
            best = (score, text, codec)
        return score <= CLEAN

    for label in [declared, *declared_charsets(raw), "utf-8", "gb18030"]:
        if attempt(label):
            return best[1], best[2]
    attempt(_detect(raw))
    score, text, codec = best
    if score <= TOLERABLE:
        return text, codec
    claims = ", ".join(f"{c} {s:.0%} bad" for c, s in tried.items())
    raise SourceError(f"cannot decode text cleanly (tried {claims})")


def _detect(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    return best.encoding if best else None
