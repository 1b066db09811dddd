"""Held-out-by-source splits of the labelled paragraphs (see docs/labelling-guide.md).

Three folds; each labelled paragraph is in the test part of exactly one, and a
fold never splits a document, a province's report or the 范文 page between
training and test:

====  ==================================================  =========================================
fold  test                                                train
====  ==================================================  =========================================
A     provincial reports of provinces P2, the 范文 page    laws, provinces P1, national + congress
B     laws, provincial reports of provinces P1            provinces P2, 范文, national + congress
C     national work reports and congress reports          laws, all provincial reports, 范文
====  ==================================================  =========================================

P1 / P2: the provinces of the 2026 reports, sorted by name and taken
alternately, so each half has coastal and inland, large and small provinces.
A and B are "the reverse" of each other (laws + some provinces' reports
against other provinces' reports + the 范文 page); C holds out a register
(national texts) altogether. Pooling the three test parts gives one
prediction per paragraph, made by a model that never saw its source: the
cross-source figure.
"""

from __future__ import annotations

from dataclasses import dataclass

FOLDS = ("A", "B", "C")


@dataclass(frozen=True)
class SourceSplit:
    name: str
    test: list[int]
    train: list[int]
    describe: str


def province_halves(examples) -> tuple[set[str], set[str]]:
    provinces = sorted({e.group for e in examples if e.register == "provincial_report"})
    return set(provinces[0::2]), set(provinces[1::2])


def fold_of(example, p1: set[str]) -> str:
    if example.register in ("national_report", "congress_report"):
        return "C"
    if example.register == "law" or (example.register == "provincial_report" and example.group in p1):
        return "B"
    return "A"  # provincial reports of P2, the 范文 page


def source_splits(examples) -> list[SourceSplit]:
    p1, p2 = province_halves(examples)
    folds = [fold_of(e, p1) for e in examples]
    describe = {
        "A": f"test: provincial reports of {len(p2)} provinces + 范文 page; train: laws, other provinces, national",
        "B": f"test: laws + provincial reports of {len(p1)} provinces; train: other provinces, 范文, national",
        "C": "test: national work + congress reports; train: laws, provincial reports, 范文",
    }
    out = []
    for name in FOLDS:
        test = [i for i, f in enumerate(folds) if f == name]
        train = [i for i, f in enumerate(folds) if f != name]
        out.append(SourceSplit(name, test, train, describe[name]))
    return out
