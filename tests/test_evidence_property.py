"""search/evidence.py's analysis against a brute-force reading of the same text: line by
line, which words each line holds, how often each occurs (its fast paths must agree)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search.evidence import MENTIONS_CAP, SYNONYM_CREDIT, Matcher, Word

WORDS = [Word("调解", ("调解",), ("人民调解",)), Word("网格", ("网格",), ()), Word("信访", ("信访",), ("来访",))]
PIECES = ["调解", "网格", "信访", "来访", "人民调解", "工作", "，", "。", "\n", "第三条 ", "群众"]


def brute(words: list[Word], title: str, text: str):
    """(per line {label: credit}, best line, together, mentions) read plainly."""
    lines = text.split("\n")
    per_para: dict[int, dict[str, float]] = {}
    counts: dict[str, float] = {}
    for w in words:
        for credit, forms in ((1.0, w.forms), (SYNONYM_CREDIT, w.synonyms)):
            for form in forms:
                counts[w.label] = counts.get(w.label, 0.0) + credit * text.count(form)
                for n, line in enumerate(lines):
                    if form in line and per_para.setdefault(n, {}).get(w.label, 0.0) < credit:
                        per_para[n][w.label] = credit
        if any(f in title for f in w.forms):
            counts[w.label] = float(MENTIONS_CAP)
    best = min(per_para, key=lambda n: (-sum(per_para[n].values()), n)) if per_para else None
    together = sum(per_para[best].values()) / len(words) if per_para else 0.0
    mentions = sum(min(c, MENTIONS_CAP) for c in counts.values()) / (MENTIONS_CAP * len(words))
    return per_para, best, together, mentions


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.sampled_from(["", "网格化管理办法", "信访条例"]),
    st.integers(min_value=1, max_value=3),
)
def test_analysis_matches_a_plain_reading(text, title, n):
    words = WORDS[:n]
    ev = Matcher(words).analyse(title, text, detail=False)
    per_para, best, together, mentions = brute(words, title, text)
    assert ev.per_para == per_para and ev.best_paragraph == best
    assert abs(ev.together - together) < 1e-12 and abs(ev.mentions - mentions) < 1e-12
