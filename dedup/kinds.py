"""What kind of matched text a draft character is: 复制, 引用 or 套话 (and framing).

All masks are over the draft's *normalized* positions (``Normalized`` from
``dedup.normalize``), computed from the original text:

- ``quoted_mask``: characters inside “…” / "…" / 「…」 / 『…』 / ‘…’ quotes or
  《…》 titles, and the clause a citation verb introduces
  (“第三条明确指出：…”, “报告提出，要…”: the words after the verb up to the end
  of the sentence).  Matched text there is 引用 (quotation).
- ``framing_mask``: the writer's own framing of a citation: the clause that
  names what is cited and ends with the citation verb ("第三条明确指出",
  "2025年国务院政府工作报告提出").  Matched text there is never counted.
- ``whitelist_mask``: occurrences of whitelisted standard wording (套话);
  the default list is ``index_config/boilerplate_whitelist.txt`` (one phrase a
  line, ``#`` comments), normalized like everything else.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from .normalize import Normalized, normalize_text

WHITELIST_FILE = Path(__file__).resolve().parents[1] / "index_config" / "boilerplate_whitelist.txt"

_QUOTES = re.compile(r"“[^“”]*”|\"[^\"\n]*\"|「[^「」]*」|『[^『』]*』|《[^《》]*》|‘[^‘’]*’")
#: verbs that introduce a citation; the strong ones before a colon, a comma or a quote, the
#: weak ones (also nouns: 中央八项规定, 指示要求) only before a colon, a quote or "，要"
_STRONG_VERB = r"(?:明确指出|深刻指出|强调指出|明确提出|明确要求|明确规定|指出|强调|写道)"
_WEAK_VERB = r"(?:提出|要求|规定)"
_END = r"(?=\s*(?:\n|$))"
#: what a framing clause names: an article, a document, a speech, a meeting
_CITED = re.compile(
    r"第[〇零一二三四五六七八九十百千0-9]+[条款章节项]|《[^《》]*》|报告|讲话|会议|决定|意见|通知|"
    r"纲要|规划|方案|文件|条例|办法|法|宪法|总书记|中央|国务院|精神|批示"
)
#: characters a framing clause never contains
_CLAUSE_STOP = "。！？!?；;\n，,：:“”「」『』"
_CLAUSE_MAX = 60
#: a framing clause: from the start of its clause to the citation verb (and its colon / comma)
_CLAUSE = r"(?P<clause>[^" + _CLAUSE_STOP + "]{1," + str(_CLAUSE_MAX) + "}?"
_FRAMING = re.compile(
    _CLAUSE
    + r"(?:"
    + _STRONG_VERB
    + r"(?=[：:，,“「『])|"
    + _STRONG_VERB
    + _END
    + r"|"
    + _WEAK_VERB
    + r"(?=[：:“「『]|[，,](?:要|必须|应当))|"
    + _WEAK_VERB
    + _END
    + r"))(?P<punct>[：:，,]?)"
)
_SENT_END = re.compile(r"[。！？!?；;\n]")
#: every verb of _FRAMING contains one of these, at most _VERB_LEAD characters after the verb starts
_BASE_VERB = re.compile("指出|强调|写道|提出|要求|规定")
_VERB_LEAD = 2
_STOP = re.compile("[" + _CLAUSE_STOP + "]")


def _framing_matches(text: str):
    """The matches of ``_FRAMING.finditer(text)``, found faster: the regex is only tried
    where a match can start, i.e. 1 to ``_CLAUSE_MAX + _VERB_LEAD`` characters before a
    base verb with no clause-stop character in between (the verbs are rare; trying
    every position costs ~60 steps each)."""
    stops = [m.start() for m in _STOP.finditer(text)]
    pos = 0  # where finditer would search next
    for vm in _BASE_VERB.finditer(text):
        v = vm.start()
        k = bisect.bisect_left(stops, v) - 1
        p = max(pos, v - _CLAUSE_MAX - _VERB_LEAD, stops[k] + 1 if k >= 0 else 0)
        while p < v:
            m = _FRAMING.match(text, p)
            if m:
                yield m
                pos = m.end()
                p = max(p + 1, pos)
            else:
                p += 1
        pos = max(pos, v)  # every start before v has been tried


def _to_norm(mask_orig: np.ndarray, nz: Normalized) -> np.ndarray:
    """A mask over original characters -> over normalized positions (all of a
    normalized character's original span must be inside)."""
    if not len(nz):
        return np.zeros(0, dtype=bool)
    return mask_orig[nz.starts] & mask_orig[np.maximum(nz.ends - 1, 0)]


def citation_masks(text: str, nz: Normalized) -> tuple[np.ndarray, np.ndarray]:
    """(quoted, framing) masks over normalized positions; see the module doc."""
    quoted = np.zeros(len(text) + 1, dtype=bool)
    framing = np.zeros(len(text) + 1, dtype=bool)
    for m in _QUOTES.finditer(text):
        quoted[m.start() : m.end()] = True
    for m in _framing_matches(text):
        clause = m.group("clause")
        if not _CITED.search(clause):
            continue
        framing[m.start("clause") : m.end("clause")] = True
        rest = m.end()
        end = _SENT_END.search(text, rest)
        stop = end.start() if end else len(text)
        if m.group("punct") or (rest < len(text) and text[rest] in "“「『《"):
            quoted[rest:stop] = True
    framing &= ~quoted
    return _to_norm(quoted, nz), _to_norm(framing, nz)


@lru_cache(maxsize=4)
def _file_phrases(path: str) -> tuple[str, ...]:
    p = Path(path)
    if not p.is_file():
        return ()
    out = []
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return tuple(out)


def whitelist_phrases(extra=(), path: Path | None = WHITELIST_FILE) -> list[str]:
    """Normalized whitelist phrases: the file's and ``extra`` ones (>= 4 chars after normalization)."""
    phrases = list(_file_phrases(str(path))) if path is not None else []
    phrases += [p for p in extra if isinstance(p, str)]
    out = {normalize_text(p).replace("\n", "") for p in phrases}
    return sorted(p for p in out if len(p) >= 4)


def whitelist_mask(norm: str, phrases: list[str]) -> np.ndarray:
    """Normalized positions covered by an occurrence of a whitelisted phrase."""
    mask = np.zeros(len(norm), dtype=bool)
    for p in phrases:
        start = norm.find(p)
        while start >= 0:
            mask[start : start + len(p)] = True
            start = norm.find(p, start + 1)
    return mask
