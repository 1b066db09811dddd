"""Normalization for matching, with a map back to the original text.

Two texts that differ only in layout, punctuation, script (traditional vs
simplified), numbers or template placeholders / place names must normalize to
the same string, so that reposted template copies line up character for
character.  Steps, in order:

1. per character: NFKC, lower case, traditional -> simplified (character level,
   see below), so full-width letters and digits become ASCII;
2. masking (one regex pass): placeholders (``xx``, ``XX``, ``**``, ``××``, ``□□``,
   ``某``/``某某``, optionally followed by an administrative suffix such as 市 /
   县 / 街道), administrative place names (晋城市, 阳城县, 晋城 …, from jieba's
   dictionary of place names), digit runs, and Chinese numerals in number
   contexts (第三条, 二〇二三年, 十五个) each become one mask character
   ``MASK``;
3. deletion of whitespace, punctuation, symbols and control characters;
4. runs of adjacent masks collapse to one (so ``2,000`` and ``20xx`` and
   ``2023`` all read ``□``).

Traditional -> simplified is done character by character with OpenCC's
TSCharacters table (first candidate), applied with ``str.translate``.  This is
length-preserving (every normalized character still maps to one original
character) and faster than both OpenCC converters (measured on 300 k chars of
laws.jsonl: OpenCC C++ wheel 1.4.2 ~20 M chars/s, opencc-python-reimplemented
~0.4 M chars/s; the table is built once from the installed
opencc-python-reimplemented dictionary).  Phrase-level conversion is not needed
for matching: both sides go through the same deterministic mapping.

Every normalized character carries ``starts[i]``/``ends[i]``: the span of
original characters it came from (a mask covers the whole masked run).  A match
on normalized positions ``[a, b)`` is the original span
``[starts[a], ends[b - 1])``.

Change anything here that alters output -> bump ``NORMALIZATION_VERSION``; the
dedup index refuses to mix keys of two versions.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import native

NORMALIZATION_VERSION = "norm-4"

#: the one mask character (placeholders, place names, numbers)
MASK = "□"
_MASK_CODE = ord(MASK)

_CN_DIGITS = "零〇一二三四五六七八九十百千万亿两"
_ADMIN_SUFFIX = "省|市|县|区|州|盟|旗|镇|乡|街道|社区|村|居委会|村委会"
#: units after which a run of Chinese numerals is a number (十五个, 二〇二三年)
_UNITS = "年月日个条款项章节名家户人次元件所篇批类种支座级届期岁台辆"
#: place-name stems that are also ordinary words / not template variables
_STEM_STOP = {
    "中国",
    "中华",
    "全国",
    "江南",
    "华北",
    "华东",
    "华南",
    "华中",
    "西北",
    "东北",
    "西南",
    "东部",
    "西部",
    "中部",
    "南方",
    "北方",
    "内地",
    "城关",
    "城区",
    "新区",
    "市区",
    "郊区",
    "长安",
    "和平",
    "新华",
    "东方",
    "中山",
    "人民",
    "胜利",
    "解放",
    "光明",
    "团结",
    "平安",
    "城中",
    "海港",
    "开发",
    "高新",
    "经济",
    "枫桥",
}


@dataclass(frozen=True)
class Normalized:
    """A normalized string and, per character, its span in the original text."""

    text: str
    starts: np.ndarray  # int64, len(text)
    ends: np.ndarray  # int64, len(text)

    def __len__(self) -> int:
        return len(self.text)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Original [start, end) of normalized positions [a, b)."""
        return int(self.starts[a]), int(self.ends[b - 1])


# ---------------------------------------------------------------- tables


@functools.lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Character-level traditional -> simplified table from OpenCC's dictionary."""
    table: dict[int, str] = {}
    path = None
    try:
        import opencc  # opencc-python-reimplemented ships the plain-text dictionaries

        cand = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
        if cand.exists():
            path = cand
    except ImportError:  # pragma: no cover - opencc is a requirement
        pass
    if path is not None:
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 2 and len(parts[0]) == 1:
                target = parts[1].split(" ")[0]
                if len(target) == 1 and target != parts[0]:
                    table[ord(parts[0])] = target
        return table
    # fallback: any OpenCC with OpenCC('t2s').convert (e.g. the C++ wheel)
    import opencc  # noqa: F811

    conv = opencc.OpenCC("t2s")
    chars = [chr(c) for c in range(0x3400, 0xA000)] + [chr(c) for c in range(0xF900, 0xFB00)]
    out = conv.convert("\n".join(chars)).split("\n")
    for src, dst in zip(chars, out):
        if len(dst) == 1 and dst != src:
            table[ord(src)] = dst
    return table


def _deleted(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "PZCS" and ch != "\n"


@functools.lru_cache(maxsize=1)
def _tables():
    """(translate table for step 1, boolean delete lookup indexed by code point)."""
    t2s = _t2s_table()
    trans: dict[int, str] = {}
    for code in range(0x10000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        out = unicodedata.normalize("NFKC", ch).lower()
        out = "".join(t2s.get(ord(c), c) for c in out)
        if out != ch:
            trans[code] = out
    delete = np.zeros(0x110000, dtype=bool)
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        if _deleted(chr(code)):
            delete[code] = True
    delete[0x10000:] = False
    # supplementary planes: private use / unassigned are rare; treat emoji etc. as symbols
    for code in list(range(0x1F000, 0x1FB00)):
        delete[code] = True
    delete[_MASK_CODE] = False
    lengths = np.ones(0x110000, dtype=np.int64)
    lut = np.arange(0x110000, dtype=np.uint32)
    for code, out in trans.items():
        lengths[code] = len(out)
        if len(out) == 1:
            lut[code] = ord(out)
    expands = lengths != 1
    return trans, delete, lengths, lut, expands


#: line breaks of str.splitlines other than \n (with none, its lines are those of split("\n"))
_ODD_LINE_BREAK = re.compile(r"[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_NS_LINE = re.compile(r"^([^ \n]*) [^ \n]* ns$", re.M)


@functools.lru_cache(maxsize=1)
def _place_names() -> tuple[str, ...]:
    """Administrative place names from jieba's dictionary (tag ns)."""
    names: set[str] = set()
    try:
        import importlib.util

        # the file beside jieba's code, without importing jieba (0.15 s)
        spec = importlib.util.find_spec("jieba")
        assert spec is not None and spec.origin is not None
        text = (Path(spec.origin).resolve().parent / "dict.txt").read_text(encoding="utf-8")
    except Exception:  # pragma: no cover - jieba is a requirement
        text = ""
    if _ODD_LINE_BREAK.search(text):  # pragma: no cover - jieba's dictionary has plain line breaks
        ns = {p[0] for p in (line.split(" ") for line in text.splitlines()) if len(p) == 3 and p[2] == "ns"}
    else:  # each line "word freq ns" (exactly two spaces), found in one pass
        ns = set(_NS_LINE.findall(text))
    suffixes = ("省", "市", "县", "区", "州", "盟", "旗", "镇", "乡")
    for w in ns:
        if len(w) >= 3 and w.endswith(suffixes) and all("\u4e00" <= c <= "\u9fff" for c in w):
            names.add(w)
            stem = w[:-1]
            if w[-1] in "省市县" and len(stem) >= 2 and stem in ns and stem not in _STEM_STOP:
                names.add(stem)
    return tuple(sorted(names))


@functools.lru_cache(maxsize=1)
def _mask_regex() -> re.Pattern:
    """Placeholders, digit runs and Chinese numerals in number contexts."""
    cn = _CN_DIGITS
    units = _UNITS
    parts = [
        # placeholders, optionally with an administrative suffix
        rf"(?:[x×*○△□■]{{2,}}|某+|[x×*□](?=[省市县区镇乡]))(?:{_ADMIN_SUFFIX})?",
        # digit runs, with decimal / thousands separators inside
        r"\d+(?:[.,]\d+)*%?",
        # Chinese numerals in number contexts
        rf"第[{cn}]+",
        rf"[{cn}]+(?=[{units}])",
    ]
    return re.compile("(?:" + "|".join(parts) + ")")


@functools.lru_cache(maxsize=1)
def _mask_starts() -> np.ndarray:
    """Code points a mask match can start with (every alternative of _mask_regex
    starts with one of these); astral code points are all candidates."""
    first = re.compile(rf"[x×*○△□■某\d第{_CN_DIGITS}]")
    lut = np.ones(0x110000, dtype=bool)
    lut[:0x10000] = [bool(first.match(chr(c))) for c in range(0x10000)]
    return lut


def _mask_matches(s: str, codes: np.ndarray) -> list[tuple[int, int]]:
    """``[m.span() for m in _mask_regex().finditer(s)]``, trying the regex only where
    a match can start (a few percent of positions) instead of at every one."""
    rx = _mask_regex()
    spans = []
    end = 0
    for i in np.flatnonzero(_mask_starts()[codes]).tolist():
        if i < end:
            continue
        m = rx.match(s, i)
        if m:
            spans.append((i, m.end()))
            end = m.end()
    return spans


_BIG_BITS = 22


def _bigram_hash(c0: np.ndarray, c1: np.ndarray) -> np.ndarray:
    h = c0.astype(np.uint64) * np.uint64(0x9E3779B1) + c1.astype(np.uint64) * np.uint64(0x85EBCA77)
    return ((h >> np.uint64(13)) & np.uint64((1 << _BIG_BITS) - 1)).astype(np.int64)


@functools.lru_cache(maxsize=1)
def _place_index():
    """(names by first bigram -> lengths desc, bigram hash filter, suffix regex)."""
    names = set(_place_names())
    by_bigram: dict[str, list[int]] = {}
    for w in names:
        by_bigram.setdefault(w[:2], []).append(len(w))
    for k in by_bigram:
        by_bigram[k] = sorted(set(by_bigram[k]), reverse=True)
    filt = np.zeros(1 << _BIG_BITS, dtype=bool)
    if names:
        c0 = np.array([ord(k[0]) for k in by_bigram], dtype=np.uint32)
        c1 = np.array([ord(k[1]) for k in by_bigram], dtype=np.uint32)
        filt[_bigram_hash(c0, c1)] = True
    suffix = re.compile(rf"(?:{_ADMIN_SUFFIX})")
    return names, by_bigram, filt, suffix


def _place_spans(s: str, codes: np.ndarray) -> list[tuple[int, int]]:
    """Longest gazetteer matches (plus an optional administrative suffix), left to right."""
    names, by_bigram, filt, suffix = _place_index()
    if len(codes) < 2 or not names:
        return []
    cand = np.flatnonzero(filt[_bigram_hash(codes[:-1], codes[1:])])
    spans = []
    last = -1
    n = len(s)
    for i in cand.tolist():
        if i < last:
            continue
        lens = by_bigram.get(s[i : i + 2])
        if not lens:
            continue
        for L in lens:
            if i + L <= n and s[i : i + L] in names:
                b = i + L
                m = suffix.match(s, b)
                if m:
                    b = m.end()
                spans.append((i, b))
                last = b
                break
    return spans


@functools.lru_cache(maxsize=1)
def tables_fingerprint() -> str:
    """Short hash of the data behind normalization (t2s table, place names)."""
    h = hashlib.sha1()
    h.update(NORMALIZATION_VERSION.encode())
    t2s = _t2s_table()
    h.update("".join(f"{k}:{v}" for k, v in sorted(t2s.items())).encode())
    h.update("|".join(_place_names()).encode())
    h.update(_mask_regex().pattern.encode())
    h.update(unicodedata.unidata_version.encode())
    return h.hexdigest()[:12]


# ---------------------------------------------------------------- core


def _codes(s: str) -> np.ndarray:
    return np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)


def _from_codes(codes: np.ndarray) -> str:
    return codes.astype(np.uint32).tobytes().decode("utf-32-le")


def _mask_spans(s1: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-overlapping [a, b) spans to mask: regex matches and place names."""
    spans = _mask_matches(s1, codes)
    places = _place_spans(s1, codes)
    if places:
        spans.extend(places)
        spans.sort(key=lambda x: (x[0], -x[1]))
        merged = []
        last = -1
        for a, b in spans:
            if a >= last:
                merged.append((a, b))
                last = b
        spans = merged
    if not spans:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    arr = np.asarray(spans, dtype=np.int64)
    return arr[:, 0], arr[:, 1]


#: the masking regex the native normalizer implements (by hand): with another, numpy's code runs
_NATIVE_MASK_PATTERN = (
    "(?:(?:[x×*○△□■]{2,}|某+|[x×*□](?=[省市县区镇乡]))(?:省|市|县|区|州|盟|旗|镇|乡|街道|社区|村|居委会|村委会)?"
    "|\\d+(?:[.,]\\d+)*%?|第[零〇一二三四五六七八九十百千万亿两]+"
    "|[零〇一二三四五六七八九十百千万亿两]+(?=[年月日个条款项章节名家户人次元件所篇批类种支座级届期岁台辆]))"
)


@functools.lru_cache(maxsize=1)
def _native_normalizer():
    """The native normalizer, given the tables of this module; None without the kernels or
    when the masking regex is not the one it implements."""
    if native.lib is None or _mask_regex().pattern != _NATIVE_MASK_PATTERN:
        return None
    trans, delete, _, lut, _ = _tables()
    codes = np.arange(0x110000, dtype=np.uint32)
    every = codes[(codes < 0xD800) | (codes > 0xDFFF)].tobytes().decode("utf-32-le")  # every character but surrogates
    decimal = [ord(ch) for ch in re.findall(r"\d", every)]  # what the regex's \d matches
    return native.lib.Normalizer(
        lut,
        delete.view(np.uint8),
        [(k, v) for k, v in trans.items() if len(v) != 1],
        decimal,
        list(_place_names()),
        _ADMIN_SUFFIX.split("|"),
        _CN_DIGITS,
        _UNITS,
    )


def _normalize_arrays(text: str, with_offsets: bool):
    nat = _native_normalizer()
    if nat is not None:
        try:
            out, starts, ends = nat.normalize(text, with_offsets)
        except (ValueError, TypeError):  # e.g. a lone surrogate: numpy's path raises as it always did
            pass
        else:
            if not with_offsets:
                return out, None, None
            return out, np.frombuffer(starts, dtype=np.int64), np.frombuffer(ends, dtype=np.int64)
    return _normalize_arrays_np(text, with_offsets)


def _normalize_arrays_np(text: str, with_offsets: bool):
    """``_normalize_arrays`` in numpy (the fallback of the native normalizer)."""
    trans, delete, lengths, lut, expands = _tables()
    n0 = len(text)
    c0 = _codes(text)
    exp = np.flatnonzero(expands[c0])
    if len(exp):  # NFKC expansions (①, ㈠, ligatures): repeat, then patch those few
        width = lengths[c0]
        codes = np.repeat(lut[c0], width)
        at = np.cumsum(width) - width
        for p in exp.tolist():
            out = trans[int(c0[p])]
            codes[at[p] : at[p] + len(out)] = [ord(ch) for ch in out]
        s1 = _from_codes(codes)
    else:
        codes = lut[c0]
        s1 = _from_codes(codes)
    n1 = len(codes)
    starts = ends = None
    if with_offsets:
        if n1 == n0:
            starts = np.arange(n0, dtype=np.int64)
        else:  # some characters expanded under NFKC (①, ㈠, ligatures)
            starts = np.repeat(np.arange(n0, dtype=np.int64), lengths[c0])
        ends = starts + 1
    A, B = _mask_spans(s1, codes)
    keep = np.ones(n1, dtype=bool)
    if len(A):
        drop = np.zeros(n1 + 1, dtype=np.int32)
        long = B - A > 1
        # the spans do not overlap: their starts are distinct, and so are their ends
        drop[A[long] + 1] += 1
        drop[B[long]] -= 1
        keep &= np.cumsum(drop[:n1]) == 0
        codes[A] = _MASK_CODE
        if ends is not None:
            ends[A] = ends[B - 1]
    keep &= ~delete[codes]
    if len(A):
        # collapse adjacent masks (adjacent after deletion); the survivor spans them all
        idx = np.flatnonzero(keep)
        ism = codes[idx] == _MASK_CODE
        dup = np.zeros(len(idx), dtype=bool)
        dup[1:] = ism[1:] & ism[:-1]
        if dup.any():
            if ends is not None:
                heads = np.maximum.accumulate(np.where(ism & ~dup, np.arange(len(idx)), 0))
                dpos = np.flatnonzero(dup)
                np.maximum.at(ends, idx[heads[dpos]], ends[idx[dpos]])
            keep[idx[dup]] = False
    out = _from_codes(codes[keep])
    if starts is None or ends is None:  # both set together (with_offsets)
        return out, None, None
    return out, starts[keep], ends[keep]


def normalize(text: str) -> Normalized:
    """Normalize one text (newlines are kept, as separators) with offsets back."""
    out, starts, ends = _normalize_arrays(text, True)
    return Normalized(out, starts, ends)


def normalize_text(text: str) -> str:
    """Normalized string only (no offsets); newlines kept."""
    return _normalize_arrays(text, False)[0]


def normalize_many(paragraphs: list[str]) -> list[str]:
    """Normalize many paragraphs in one pass; same result as normalize_text per item.

    Newlines inside a paragraph are dropped (a paragraph is one line).
    """
    if not paragraphs:
        return []
    nat = _native_normalizer()
    if nat is not None:
        try:
            return nat.normalize_many(paragraphs if isinstance(paragraphs, list) else list(paragraphs))
        except (ValueError, TypeError):
            pass
    return normalize_many_np(paragraphs)


def normalize_many_np(paragraphs: list[str]) -> list[str]:
    """``normalize_many`` in numpy (the fallback of the native normalizer)."""
    if not paragraphs:
        return []
    joined = "\n".join(p.replace("\n", " ").replace("\r", " ") for p in paragraphs)
    out = _normalize_arrays(joined, False)[0].split("\n")
    assert len(out) == len(paragraphs)
    return out


if __name__ == "__main__":  # pragma: no cover
    for line in sys.stdin:
        print(normalize_text(line.rstrip("\n")))
