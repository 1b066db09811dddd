"""Adjudicate two readings of the same paragraphs into one label file.

``python -m nlp.adjudicate FILE_A FILE_B DECISIONS OUT`` writes ``OUT``: the
rows of ``FILE_A`` in its order; where the two readings agree, their common
label set; where they differ, the label set of the decision for that row.
``DECISIONS`` is a JSON-lines file of ``{"key": "source:doc_id:para_index",
"labels": [...], "reason": "..."}``, one per differing row: a differing row
without a decision, a decision for a row the readings agree on, or a decision
without a reason is an error. Each output row carries ``"reader":
"adjudicated"``, and ``"decided": true`` where a decision set its labels.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nlp.agreement import paired, row_key
from nlp.labels import read_label_rows
from nlp.taxonomy import THEME_IDS


def adjudicate(rows_a: list[dict], rows_b: list[dict], decisions: list[dict]) -> list[dict]:
    pairs = {key: (a, b) for key, a, b in paired(rows_a, rows_b)}
    by_key: dict[str, dict] = {}
    for d in decisions:
        if d["key"] in by_key:
            raise ValueError(f"two decisions for {d['key']}")
        if not d.get("reason", "").strip():
            raise ValueError(f"decision without a reason: {d['key']}")
        bad = [t for t in d["labels"] if t not in THEME_IDS]
        if bad:
            raise ValueError(f"unknown theme ids {bad} in the decision for {d['key']}")
        if d["key"] not in pairs:
            raise ValueError(f"decision for a paragraph neither file holds: {d['key']}")
        a, b = pairs[d["key"]]
        if a == b:
            raise ValueError(f"decision for a paragraph both readings agree on: {d['key']}")
        by_key[d["key"]] = d
    missing = [key for key, (a, b) in pairs.items() if a != b and key not in by_key]
    if missing:
        raise ValueError(f"differing paragraphs without a decision: {missing}")
    out = []
    for row in rows_a:
        key = row_key(row)
        a, _ = pairs[key]
        new = {k: v for k, v in row.items() if k not in ("reader", "decided")}
        if key in by_key:
            new["labels"] = sorted(set(by_key[key]["labels"]), key=THEME_IDS.index)
            new["decided"] = True
        else:
            new["labels"] = sorted(a, key=THEME_IDS.index)
        new["reader"] = "adjudicated"
        out.append(new)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file_a", type=Path)
    ap.add_argument("file_b", type=Path)
    ap.add_argument("decisions", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    rows = adjudicate(read_label_rows(args.file_a), read_label_rows(args.file_b), read_label_rows(args.decisions))
    with open(args.out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows ({sum(1 for r in rows if r.get('decided'))} decided) to {args.out}")


if __name__ == "__main__":
    main()
