"""How extraction is scored: character-multiset precision, recall and F1 against
hand-cleaned text, whitespace ignored (tests/test_extract.py, bench/bench_extract.py,
bench/eval_extract_external.py)."""

from __future__ import annotations

import re
from collections import Counter


def char_scores(extracted: str, gold: str) -> tuple[float, float, float]:
    pred = Counter(re.sub(r"\s", "", extracted))
    true = Counter(re.sub(r"\s", "", gold))
    overlap = sum((pred & true).values())
    p = overlap / max(1, sum(pred.values()))
    r = overlap / max(1, sum(true.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
