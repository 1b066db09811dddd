"""A blind second reading of a label file: the paragraphs without their labels.

``python -m nlp.second_reading LABELS.jsonl SHEET.txt`` writes every row of a
label file as a reading sheet for a second annotator: a numbered block per
paragraph with its reference (source, doc_id, para_index), the document's
title, the paragraph before it and the full paragraph text. The sheet holds
neither the first reader's ``labels`` nor ``drawn_by`` (the word query that
drew the row hints at a theme), and the rows are shuffled with a fixed seed so
that rows drawn by one query do not sit together. Write the sheet outside the
repository (it copies the shared texts).

``python -m nlp.second_reading LABELS.jsonl SHEET.txt --merge ANSWERS.tsv OUT.jsonl``
reads the second reader's answers (``number<TAB>theme,theme`` per line, an
empty second field for no theme) and writes ``OUT.jsonl``: the rows of
``LABELS.jsonl`` in their order with the second reader's ``labels`` and
``"reader": 2``.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from ingest.text import split_paragraphs
from nlp.labels import read_label_rows, shared_dir
from nlp.taxonomy import THEME_IDS

SEED = 1616


def _documents(rows: list[dict], base: Path) -> dict[tuple[str, str], dict]:
    wanted: dict[str, set[str]] = {}
    for row in rows:
        wanted.setdefault(row["source"], set()).add(row["doc_id"])
    docs: dict[tuple[str, str], dict] = {}
    for source, ids in wanted.items():
        with open(base / "corpus" / f"{source}.jsonl", encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                if doc.get("id") in ids:
                    docs[(source, doc["id"])] = {
                        "title": doc.get("title", ""),
                        "paras": split_paragraphs(doc.get("text", "")),
                    }
    return docs


def reading_order(n: int, seed: int = SEED) -> list[int]:
    """Row indices in the order the sheet shows them (fixed seed)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def sheet_blocks(rows: list[dict], base: Path | None = None) -> list[dict]:
    """One block per row, in reading order: number, reference, title, previous paragraph, text."""
    docs = _documents(rows, base or shared_dir())
    blocks = []
    for number, i in enumerate(reading_order(len(rows)), start=1):
        row = rows[i]
        doc = docs[(row["source"], row["doc_id"])]
        k = row["para_index"]
        text = doc["paras"][k]
        if row.get("text_prefix") and not text.startswith(row["text_prefix"]):
            raise ValueError(f"label reference misaligned: {row}")
        blocks.append(
            {
                "number": number,
                "row": i,
                "ref": f"{row['source']}:{row['doc_id']}:{k}",
                "title": doc["title"],
                "before": doc["paras"][k - 1] if k > 0 else "",
                "text": text,
            }
        )
    return blocks


def write_sheet(blocks: list[dict], out: Path) -> None:
    with open(out, "w", encoding="utf-8") as fh:
        for b in blocks:
            fh.write(f"#{b['number']} {b['ref']}\n题: {b['title']}\n前: {b['before'][:300]}\n文: {b['text']}\n\n")


def read_answers(path: Path) -> dict[int, list[str]]:
    """``number<TAB>theme,theme`` lines; unknown theme ids raise."""
    answers: dict[int, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        num, _, rest = line.partition("\t")
        labels = [t.strip() for t in rest.split("#")[0].split(",") if t.strip()]
        bad = [t for t in labels if t not in THEME_IDS]
        if bad:
            raise ValueError(f"unknown theme ids {bad} in line {line!r}")
        if int(num) in answers:
            raise ValueError(f"answer {num} given twice")
        answers[int(num)] = sorted(set(labels), key=THEME_IDS.index)
    return answers


def merge(rows: list[dict], answers: dict[int, list[str]]) -> list[dict]:
    """The rows in file order with the second reader's labels; every row must be answered."""
    order = reading_order(len(rows))
    if sorted(answers) != list(range(1, len(rows) + 1)):
        missing = sorted(set(range(1, len(rows) + 1)) - set(answers))
        raise ValueError(f"answers missing for sheet numbers {missing[:20]}")
    by_row = {order[number - 1]: labels for number, labels in answers.items()}
    return [{**row, "labels": by_row[i], "reader": 2} for i, row in enumerate(rows)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("sheet", type=Path)
    ap.add_argument("--merge", nargs=2, type=Path, metavar=("ANSWERS", "OUT"))
    args = ap.parse_args()
    rows = read_label_rows(args.labels)
    if args.merge:
        answers_path, out = args.merge
        merged = merge(rows, read_answers(answers_path))
        with open(out, "w", encoding="utf-8") as fh:
            for row in merged:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"wrote {len(merged)} rows to {out}")
        return
    write_sheet(sheet_blocks(rows), args.sheet)
    print(f"wrote {len(rows)} paragraphs to {args.sheet}")


if __name__ == "__main__":
    main()
