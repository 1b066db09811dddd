"""Dump everything an ingest stores, for byte-for-byte comparison of two builds.

    .venv/bin/python bench/dump_ingest.py OUT [--docs 600] [--workers N]

Ingests the same documents as ``bench/bench_ingest.py --docs N`` (the first N
of reports then laws) with the ``govtext`` beside the running Python into a
fresh data folder, then writes to OUT, one document per line in id order: its
title, text, paragraphs and stored analysis JSON (themes with scores and
evidence, paragraph themes, keywords, entities, doc type …), and the index
fields (tokens and sub-words of title and body) computed by the running
build's ``nlp.segment.index_fields``; then ``idf.json`` and the kept IDF term
sets. Run it with each tree's own Python (``/work/other/.venv/bin/python
bench/dump_ingest.py``: the editable install imports that tree's code) and
``cmp`` the two files.

The script imports nothing from ``bench/`` so that another tree's Python can run it.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--workers", type=int, default=None, help="GOVTEXT_INGEST_WORKERS (default: as set)")
    args = parser.parse_args()
    docs = read_jsonl(SHARED / "corpus" / "reports.jsonl") + read_jsonl(SHARED / "corpus" / "laws.jsonl")
    if args.docs:
        docs = docs[: args.docs]
    from nlp.segment import index_fields

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "docs.jsonl"
        source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        data = Path(tmp) / "data"
        env = {**os.environ, "GOVTEXT_ANALYZE": "1"}
        if args.workers is not None:
            env["GOVTEXT_INGEST_WORKERS"] = str(args.workers)
        govtext = str(Path(sys.executable).parent / "govtext")
        subprocess.run(
            [govtext, "--data", str(data), "ingest", str(source), "--quiet"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        db = sqlite3.connect(str(data / "govtext.sqlite3"))
        with args.out.open("w", encoding="utf-8") as out:
            rows = db.execute("SELECT id, title, text, analysis_json FROM documents ORDER BY id").fetchall()
            for doc_id, title, text, analysis in rows:
                paras = [
                    p for (p,) in db.execute("SELECT text FROM paragraphs WHERE doc_id = ? ORDER BY idx", (doc_id,))
                ]
                record = {
                    "id": doc_id,
                    "title": title,
                    "text": text,
                    "paragraphs": paras,
                    "analysis_json": analysis,
                    "index_title": index_fields(title),
                    "index_body": index_fields("\n".join(paras)),
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            db.close()
            out.write((data / "idf.json").read_text(encoding="utf-8") + "\n")
            terms = data / "idf_terms.sqlite"
            if terms.exists():
                kept = sqlite3.connect(str(terms))
                for table in [
                    t for (t,) in kept.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
                ]:
                    for r in kept.execute(f"SELECT * FROM {table} ORDER BY 1"):  # noqa: S608 - table names from the file
                        cells = [
                            zlib.decompress(c).decode("utf-8", "surrogatepass") if isinstance(c, bytes) else c
                            for c in r
                        ]
                        out.write(json.dumps([table, *cells], ensure_ascii=False) + "\n")
                kept.close()
    print(f"{len(rows)} documents dumped to {args.out}")


if __name__ == "__main__":
    main()
