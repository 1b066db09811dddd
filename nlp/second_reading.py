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

Rows with ``"source": "github"`` (the eighth held-out file) reference a saved
web page of a public git repository, not ``../shared``: their title and
paragraphs come from the snapshot through the fixed reader of
:mod:`nlp.external_docs` (``--checkout owner/name=PATH`` points elsewhere
than ``../.mirror``), and each paragraph's ``sha1`` is checked.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from ingest.text import split_paragraphs
from nlp import external_docs
from nlp.labels import read_label_rows, shared_dir
from nlp.taxonomy import THEME_IDS

SEED = 1616


def _external_documents(rows: list[dict]) -> dict[tuple[str, str], dict]:
    """Title and paragraphs of the saved pages that ``github`` rows reference (:mod:`nlp.external_docs`)."""
    docs: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = ("github", row["doc_id"])
        if key not in docs:
            data = external_docs.read_blob(row["repo"], row["commit"], row["path"])
            docs[key] = {"title": external_docs.html_title(data), "paras": external_docs.html_paragraphs(data)}
    return docs


def _documents(rows: list[dict], base: Path | None) -> dict[tuple[str, str], dict]:
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row["source"] != "github":
            wanted.setdefault(row["source"], set()).add(row["doc_id"])
    docs = _external_documents([r for r in rows if r["source"] == "github"])
    root = (base or shared_dir()) if wanted else Path()
    for source, ids in wanted.items():
        with open(root / "corpus" / f"{source}.jsonl", encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                if doc.get("id") in ids:
                    docs[(source, doc["id"])] = {
                        "title": doc.get("title", ""),
                        "paras": split_paragraphs(doc.get("text", "")),
                    }
    return docs


def _reference(row: dict) -> str:
    """Where a row points, without its labels or ``drawn_by`` (error messages must not show them)."""
    return f"{row['source']}:{row['doc_id']}:{row['para_index']}"


def reading_order(n: int, seed: int = SEED) -> list[int]:
    """Row indices in the order the sheet shows them (fixed seed)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def sheet_blocks(rows: list[dict], base: Path | None = None) -> list[dict]:
    """One block per row, in reading order: number, reference, title, previous paragraph, text."""
    docs = _documents(rows, base)
    blocks = []
    for number, i in enumerate(reading_order(len(rows)), start=1):
        row = rows[i]
        doc = docs[(row["source"], row["doc_id"])]
        k = row["para_index"]
        if k >= len(doc["paras"]):
            raise ValueError(f"label reference not found: {_reference(row)}")
        text = doc["paras"][k]
        if row.get("text_prefix") and not text.startswith(row["text_prefix"]):
            raise ValueError(f"label reference misaligned: {_reference(row)}")
        if "sha1" in row and external_docs.sha1(text) != row["sha1"]:
            raise ValueError(f"label reference misaligned (sha1 mismatch): {_reference(row)}")
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


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("sheet", type=Path)
    ap.add_argument("--merge", nargs=2, type=Path, metavar=("ANSWERS", "OUT"))
    ap.add_argument(
        "--checkout",
        action="append",
        default=[],
        metavar="OWNER/NAME=PATH",
        help="where to read a repository that github rows reference (default ../.mirror/OWNER+NAME/repo)",
    )
    args = ap.parse_args(argv)
    external_docs.set_checkouts(dict(external_docs.parse_checkout(spec) for spec in args.checkout))
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
