"""Generate reposted copies the way template-essay sites make them, for tests
and benchmarks: swap place names and placeholders (xx市 / 晋城市 / **市), change
numbers, insert or drop a clause, swap sentences, change punctuation, convert
to traditional characters."""

from __future__ import annotations

import functools
import random
import re

PLACES = ["晋城市", "xx市", "**市", "XX县", "××区", "某某市", "太原市", "阳城县", "我市"]
CLAUSES = [
    "坚持以人民为中心的发展思想，",
    "在县委县政府的坚强领导下，",
    "按照上级部门的统一部署，",
    "结合本地实际情况，",
    "进一步压实工作责任，",
]
EDITS = ("place", "number", "insert", "drop", "swap", "punct", "traditional")

_PLACE_RE = re.compile(r"(?:[\u4e00-\u9fff]{2}(?:市|县|区)|xx[市县区]|XX[市县区]|\*\*[市县区]|××[市县区]|某某[市县区])")
_NUM_RE = re.compile(r"\d+")
_SENT = re.compile(r"[^。！？；]*[。！？；]")


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


def repost(text: str, rng: random.Random, edits=EDITS) -> str:
    """One edited copy of ``text`` (every listed edit is applied when it can be)."""
    out = text
    if "place" in edits:
        m = list(_PLACE_RE.finditer(out))
        if m:
            x = rng.choice(m)
            out = out[: x.start()] + rng.choice(PLACES) + out[x.end() :]
        else:
            out = rng.choice(PLACES) + out
    if "number" in edits:
        out = _NUM_RE.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), out)
    if "swap" in edits:
        sents = _SENT.findall(out)
        if len(sents) >= 2 and "".join(sents) == out:
            i = rng.randrange(len(sents) - 1)
            sents[i], sents[i + 1] = sents[i + 1], sents[i]
            out = "".join(sents)
    if "insert" in edits:
        cuts = [m.end() for m in re.finditer("[，。；]", out)] or [0]
        c = rng.choice(cuts)
        out = out[:c] + rng.choice(CLAUSES) + out[c:]
    if "drop" in edits:
        parts = re.split("(，)", out)
        clauses = [i for i in range(0, len(parts), 2) if 4 <= len(parts[i]) <= len(out) // 5]
        if len(parts) >= 5 and clauses:
            i = rng.choice(clauses)
            del parts[i : i + 2]
            out = "".join(parts)
    if "punct" in edits:
        out = out.replace("，", ", ").replace("。", ". ").replace("“", '"').replace("”", '"')
    if "traditional" in edits:
        out = to_traditional(out)
    return out
