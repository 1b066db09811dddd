"""Agreement between two readings of the same paragraphs (two label files).

``python -m nlp.agreement FILE_A FILE_B [--json] [--diff]`` matches the rows of
two label files by ``source:doc_id:para_index`` (both files must hold the same
paragraphs) and reports, per theme:

- ``a`` / ``b``: positives in each reading, ``both``: positives in both;
- ``f1``: F1 of reading B scored against reading A (symmetric: 2·both/(a+b));
- ``kappa``: Cohen's kappa of the two yes/no readings over all paragraphs
  (1 = full agreement, 0 = chance; ``None`` when both readings are constant).

The macro averages are over the themes with at least ``--min-support`` (5)
positives in either reading, as the held-out macro-F1 of ``nlp.evaluate`` is
over themes with 5 gold positives. Agreement F1 between two careful readers
is the ceiling a tagger can be expected to reach on one reader's labels.
``--diff`` prints the paragraphs whose label sets differ. ``--exclude KEYS``
(a file of ``source:doc_id:para_index`` lines) leaves those paragraphs out of
both files, ``--only KEYS`` keeps just those: e.g. the paragraphs whose label
the second reader took from a judgement call the first reader had written
into the guide (``tests/data/theme_labels_heldout6_reader2_guided.txt``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nlp.labels import read_label_rows
from nlp.taxonomy import THEME_IDS

MIN_SUPPORT = 5


def row_key(row: dict) -> str:
    return f"{row['source']}:{row['doc_id']}:{row['para_index']}"


def paired(rows_a: list[dict], rows_b: list[dict]) -> list[tuple[str, set[str], set[str]]]:
    """(key, labels A, labels B) in A's order; the two files must reference the same paragraphs."""
    by_b = {row_key(r): set(r["labels"]) for r in rows_b}
    keys_a = [row_key(r) for r in rows_a]
    if len(set(keys_a)) != len(keys_a) or len(by_b) != len(rows_b):
        raise ValueError("a label file references a paragraph twice")
    if set(keys_a) != set(by_b):
        raise ValueError(f"the files reference different paragraphs: {sorted(set(keys_a) ^ set(by_b))[:5]}")
    return [(row_key(r), set(r["labels"]), by_b[row_key(r)]) for r in rows_a]


def read_keys(path: Path) -> set[str]:
    """``source:doc_id:para_index`` per line; blank lines and ``#`` comments skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def kappa(n11: int, n10: int, n01: int, n00: int) -> float | None:
    """Cohen's kappa of two binary readings from their 2x2 table (n10: A yes, B no)."""
    n = n11 + n10 + n01 + n00
    if n == 0:
        return None
    po = (n11 + n00) / n
    pa, pb = (n11 + n10) / n, (n11 + n01) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe == 1.0:
        return None
    return (po - pe) / (1 - pe)


def agreement(pairs: list[tuple[str, set[str], set[str]]], min_support: int = MIN_SUPPORT) -> dict:
    themes: dict[str, dict] = {}
    for tid in THEME_IDS:
        n11 = sum(1 for _, a, b in pairs if tid in a and tid in b)
        n10 = sum(1 for _, a, b in pairs if tid in a and tid not in b)
        n01 = sum(1 for _, a, b in pairs if tid not in a and tid in b)
        n00 = len(pairs) - n11 - n10 - n01
        na, nb = n11 + n10, n11 + n01
        f1 = 2 * n11 / (na + nb) if na + nb else None
        themes[tid] = {
            "a": na,
            "b": nb,
            "both": n11,
            "f1": f1,
            "kappa": kappa(n11, n10, n01, n00),
            "in_macro": max(na, nb) >= min_support,
        }
    macro = [t for t in themes.values() if t["in_macro"]]
    kappas = [t["kappa"] for t in macro if t["kappa"] is not None]
    return {
        "paragraphs": len(pairs),
        "identical_sets": sum(1 for _, a, b in pairs if a == b),
        "min_support": min_support,
        "themes": themes,
        "macro_f1": sum(t["f1"] for t in macro) / len(macro) if macro else None,
        "macro_kappa": sum(kappas) / len(kappas) if kappas else None,
        "macro_themes": [tid for tid, t in themes.items() if t["in_macro"]],
    }


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def format_report(rep: dict, name_a: str = "A", name_b: str = "B") -> str:
    lines = [
        f"{rep['paragraphs']} paragraphs, {rep['identical_sets']} with identical label sets",
        f"{'theme':24} {name_a:>6} {name_b:>6} {'both':>5} {'F1':>6} {'kappa':>6}",
    ]
    for tid, t in rep["themes"].items():
        mark = "" if t["in_macro"] else "  (not in macro)"
        lines.append(f"{tid:24} {t['a']:6d} {t['b']:6d} {t['both']:5d} {_fmt(t['f1']):>6} {_fmt(t['kappa']):>6}{mark}")
    lines.append(
        f"macro over {len(rep['macro_themes'])} themes with >= {rep['min_support']} positives in either reading: "
        f"F1 {_fmt(rep['macro_f1'])}, kappa {_fmt(rep['macro_kappa'])}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file_a", type=Path)
    ap.add_argument("file_b", type=Path)
    ap.add_argument("--min-support", type=int, default=MIN_SUPPORT)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--diff", action="store_true", help="list the paragraphs whose label sets differ")
    keys = ap.add_mutually_exclusive_group()
    keys.add_argument("--exclude", type=Path, metavar="KEYS", help="leave out the paragraphs listed in KEYS")
    keys.add_argument("--only", type=Path, metavar="KEYS", help="keep only the paragraphs listed in KEYS")
    args = ap.parse_args(argv)
    pairs = paired(read_label_rows(args.file_a), read_label_rows(args.file_b))
    if args.exclude or args.only:
        listed = read_keys(args.exclude or args.only)
        unknown = listed - {key for key, _, _ in pairs}
        if unknown:
            raise SystemExit(f"keys not in the files: {sorted(unknown)[:5]}")
        pairs = [p for p in pairs if (p[0] in listed) == bool(args.only)]
    rep = agreement(pairs, args.min_support)
    print(json.dumps(rep, indent=2) if args.json else format_report(rep))
    if args.diff:
        for key, a, b in pairs:
            if a != b:
                print(f"{key}\tA={sorted(a)}\tB={sorted(b)}")


if __name__ == "__main__":
    main()
