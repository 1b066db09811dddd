"""Enumerations in a paragraph: clauses of three or more items joined by 、.

The unit of the labelling guide's "List mentions" rule
(docs/labelling-guide.md): a theme word that is only one item of a mixed
enumeration (提供法律咨询、医疗救治、心理疏导等帮助) does not give the theme;
a list whose items are mostly the theme's own (人民调解、行政调解、司法调解)
does. Used by the rule tagger (``skip_list_items``) and by
:mod:`nlp.list_mentions`, which finds the labels the rule touches.
"""

from __future__ import annotations

import re

#: clause boundaries (full-width forms become ASCII under NFKC): an enumeration never crosses one
CLAUSE_SPLIT = re.compile(r"[，。；：！？,;:!?（）()“”\n]")
#: joins the last item of an enumeration (not inside 和谐, 和平, 和解; 以及 counts as 及)
LAST_JOIN = re.compile(r"以及|及|与|和(?![谐平解])")
#: a list is the theme's own when at least this share of its items carry the theme's words
HOMOGENEOUS_SHARE = 0.5


def clauses(text: str) -> list[tuple[int, str]]:
    """(offset, clause) pairs of the text, split at clause punctuation."""
    out, start = [], 0
    for m in CLAUSE_SPLIT.finditer(text):
        out.append((start, text[start : m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return [(o, c) for o, c in out if c]


def list_items(clause: str) -> list[str]:
    """The items of a clause split at 、; a last item joined by 和/及/与 (A、B和C) counts as two."""
    return [clause[s:e] for s, e in _item_spans(clause)]


def _item_spans(clause: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, ch in enumerate(clause):
        if ch == "、":
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(clause)))
    if len(spans) >= 2:
        s, e = spans[-1]
        m = LAST_JOIN.search(clause, s, e)
        if m:
            spans[-1:] = [(s, m.start()), (m.end(), e)]
    return [(s, e) for s, e in spans if e > s]


def enumerations(text: str) -> list[list[tuple[int, int]]]:
    """Item spans (offsets into ``text``) of every clause with three or more items."""
    out = []
    for off, clause in clauses(text):
        if "、" not in clause:
            continue
        spans = _item_spans(clause)
        if len(spans) >= 3:
            out.append([(off + s, off + e) for s, e in spans])
    return out


def only_in_mixed_lists(spans: list[tuple[int, int]], lists: list[list[tuple[int, int]]]) -> bool:
    """True when every span lies inside one item of an enumeration in which fewer
    than :data:`HOMOGENEOUS_SHARE` of the items hold one of the spans."""
    if not spans:
        return False
    for s, e in spans:
        found = False
        for items in lists:
            if not any(a <= s and e <= b for a, b in items):
                continue
            held = sum(1 for a, b in items if any(a <= s2 and e2 <= b for s2, e2 in spans))
            if held / len(items) >= HOMOGENEOUS_SHARE:
                return False
            found = True
            break
        if not found:
            return False
    return True
