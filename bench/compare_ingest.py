"""Are two builds' ingests identical? Byte for byte, on a sample of the shared corpus.

    .venv/bin/python bench/compare_ingest.py --before /work/main/.venv/bin/govtext [--docs 300]

Runs ``govtext ingest`` of each build (``--before``: another checkout's
executable; ``--after``: this one's) on the same JSONL sample into two fresh
data folders, then compares:

* ``idf.json`` (the IDF table refresh_idf learned), byte for byte;
* every stored document's analysis (themes, paragraph themes, keywords,
  entities …) and paragraphs, as stored JSON;
* the index fields (tokens and sub-words of title and body) of every document;
* the IDF table this build's ``refresh_idf`` learns from the after store with
  its kept term sets removed (an older store), against the same ``idf.json``.

The sample is the first ``--docs`` reports and laws taken alternately (then
the rest of the longer file), so both registers are in it. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from common import LAWS, REPORTS, read_jsonl, require_shared


def ingest(govtext: str, source: Path, data: Path) -> None:
    subprocess.run(
        [govtext, "--data", str(data), "ingest", str(source), "--quiet"],
        check=True,
        env={**os.environ, "GOVTEXT_ANALYZE": "1"},
        stdout=subprocess.DEVNULL,
    )


def stored(data: Path) -> dict[str, tuple]:
    db = sqlite3.connect(str(data / "govtext.sqlite3"))
    out = {}
    for doc_id, title, text, analysis in db.execute("SELECT id, title, text, analysis_json FROM documents"):
        paras = [p for (p,) in db.execute("SELECT text FROM paragraphs WHERE doc_id = ? ORDER BY idx", (doc_id,))]
        out[doc_id] = (title, text, analysis, paras)
    db.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, help="govtext executable of the build to compare against")
    parser.add_argument("--after", default=str(Path(sys.executable).parent / "govtext"))
    parser.add_argument("--docs", type=int, default=300)
    args = parser.parse_args()
    require_shared()
    reports, laws = read_jsonl(REPORTS), read_jsonl(LAWS)
    n = min(len(reports), len(laws))
    docs = ([d for pair in zip(reports, laws) for d in pair] + reports[n:] + laws[n:])[: args.docs]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "sample.jsonl"
        source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        before, after = Path(tmp) / "before", Path(tmp) / "after"
        ingest(args.before, source, before)
        ingest(args.after, source, after)
        idf = (before / "idf.json").read_bytes()
        if idf != (after / "idf.json").read_bytes():
            problems.append("idf.json differs")
        old, new = stored(before), stored(after)
        if set(old) != set(new):
            problems.append("different document ids")
        from nlp.segment import index_fields

        fields_checked = 0
        for doc_id in sorted(set(old) & set(new)):
            if old[doc_id] != new[doc_id]:
                problems.append(f"{doc_id}: stored text, analysis or paragraphs differ")
            for o, n in ((old[doc_id][0], new[doc_id][0]), ("\n".join(old[doc_id][3]), "\n".join(new[doc_id][3]))):
                fields_checked += 1
                if index_fields(o) != index_fields(n):
                    problems.append(f"{doc_id}: index fields differ")
        # an older store: no kept term sets, so refresh_idf tokenizes every text
        kept = after / "idf_terms.sqlite"
        had_terms = kept.exists()
        kept.unlink(missing_ok=True)
        (after / "idf.json").unlink()
        from govtext.settings import load_settings
        from search.embedded import EmbeddedBackend
        from service.cli import refresh_idf

        backend = EmbeddedBackend(load_settings().replace(data_dir=after))
        try:
            refresh_idf(backend, load_settings().replace(data_dir=after), quiet=True)
        finally:
            backend.close()
        if idf != (after / "idf.json").read_bytes():
            problems.append("idf.json recomputed without kept term sets differs")
        print(
            f"{len(docs)} documents ({sum(1 for d in docs if d['id'].startswith('rep'))} reports); "
            f"idf.json {len(idf):,} bytes; {len(new)} stored analyses; {fields_checked} index field pairs; "
            f"term sets kept by the after build: {had_terms}"
        )
    for p in problems[:20]:
        print("DIFFERENT:", p)
    print("identical" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
