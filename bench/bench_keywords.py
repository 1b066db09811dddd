"""Keyword precision@5 against hand-written keyphrases (bench/data/keyphrases.jsonl).

    .venv/bin/python bench/bench_keywords.py [--show dev] [--idf corpus|generic]

The labels: 3-7 keyphrases for each of 53 shared-corpus documents (reports and
laws of several sources), written from the document's title, headings and text
before the keyword extractor ran on them. ``split`` is by source: ``dev``
(national work reports, local regulations, judicial interpretations) may be
looked at to improve the extractor; ``test`` (provincial 2026 reports, congress
reports, administrative regulations, national laws) was the headline until it
had been read while tuning; ``test2`` (13 documents added on 2026-12-02: four
more provincial 2026 reports, three congress reports, six laws of six law
sources, none of them labelled before) is read once per extractor and is the
headline now.

Keywords are those of :func:`nlp.analyze.analyze` (the ingest path). IDF:
``corpus`` (default) learns it as ingest does (``IdfTable.from_texts``) from all
reports and every 5th law of the shared corpus, cached in the system temp
folder; ``generic`` uses jieba's table (what a store without idf.json gets).

Match rule: keyword and keyphrase are normalized (NFKC, simplified, lower
case); a keyword counts when it equals a keyphrase, is contained in one
(政府机构 in 政府机构改革) or contains one (统计调查制度 ⊃ 统计调查).
precision@5 = matching keywords among the top 5 / 5 (a document with fewer
than 5 keywords is not excused). ``exact@5`` counts equality only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from common import LAWS, REPORTS, read_jsonl, require_shared, row

LABELS = Path(__file__).parent / "data" / "keyphrases.jsonl"
K = 5


def load_labels() -> list[dict]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]


def matches(word: str, phrases: list[str]) -> tuple[bool, bool]:
    """(loose match, exact match) of one keyword against the document's keyphrases."""
    exact = word in phrases
    return exact or any(word in p or p in word for p in phrases), exact


def corpus_idf_folder(reports: list[dict], laws: list[dict]) -> Path:
    """A data folder whose idf.json is learnt as ingest learns it (cached between runs)."""
    from nlp.idf_terms import stamp
    from nlp.keywords import IdfTable

    texts = [d["text"] for d in reports] + [d["text"] for d in laws[::5]]
    # keyed by what the terms depend on too (word lists, tokenization format): checkouts do not share it
    folder = Path(tempfile.gettempdir()) / f"govtext-bench-idf-{len(texts)}-{stamp()[:12]}"
    if not (folder / "idf.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        IdfTable.from_texts(texts, source="bench corpus").save(folder / "idf.json", min_df=2)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--show", choices=["dev", "test", "test2", "none"], default="none", help="print each document's keywords"
    )
    parser.add_argument("--idf", choices=["corpus", "generic"], default="corpus")
    parser.add_argument(
        "--split", choices=["dev", "test", "test2", "both"], default="both", help="documents to score (both: all)"
    )
    args = parser.parse_args()
    require_shared()
    from govtext.settings import load_settings
    from nlp.analyze import analyze
    from nlp.textnorm import normalize

    reports, laws = read_jsonl(REPORTS), read_jsonl(LAWS)
    docs = {d["id"]: d for d in reports + laws}
    settings = load_settings()
    if args.idf == "corpus":
        settings = settings.replace(data_dir=corpus_idf_folder(reports, laws))
    else:  # a data folder without idf.json (index_config has none): jieba's generic table
        settings = settings.replace(data_dir=Path(tempfile.mkdtemp(prefix="govtext-bench-noidf-")))
    labels = [lab for lab in load_labels() if args.split in ("both", lab["split"])]
    per_split: dict[str, list[tuple[float, float]]] = {}
    for lab in labels:
        doc = docs[lab["doc_id"]]
        phrases = [normalize(p).lower() for p in lab["keyphrases"]]
        words = [k["word"] for k in analyze(doc["text"], doc.get("title", ""), settings=settings)["keywords"][:K]]
        judged = [matches(normalize(w).lower(), phrases) for w in words]
        loose = sum(m for m, _ in judged) / K
        exact = sum(e for _, e in judged) / K
        per_split.setdefault(lab["split"], []).append((loose, exact))
        if args.show == lab["split"]:
            marks = " ".join(f"{w}{'✓' if m else '✗'}" for w, (m, _) in zip(words, judged))
            print(f"{lab['title'][:24]:26s} {loose:.1f}  {marks}   | {' '.join(lab['keyphrases'])}")
    print(f"keyword precision@{K} against hand keyphrases ({len(labels)} documents, idf: {args.idf})")
    row("split", "documents", f"precision@{K}", f"exact@{K}")
    for split in ("dev", "test", "test2"):
        vals = per_split.get(split, [])
        if vals:
            row(
                split + (" (headline)" if split == "test2" else ""),
                str(len(vals)),
                f"{sum(v for v, _ in vals) / len(vals):.3f}",
                f"{sum(e for _, e in vals) / len(vals):.3f}",
            )


if __name__ == "__main__":
    sys.exit(main())
