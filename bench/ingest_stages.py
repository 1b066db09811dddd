"""Where ingest's CPU goes: analysis stage by stage, and the ingest process against its tagging workers.

    .venv/bin/python bench/ingest_stages.py [--docs N] [--split]

Stages: the per-document analysis of the tagging workers
(``pipeline.analyze_document_terms``) runs here in one process over the
first N documents of bench_ingest's sample (reports, then laws), and each
stage's CPU seconds are summed by wrapping its function (nested stages are
indented and included in their parent). ``startup`` is the one-off load of
dictionaries and models (each worker pays it). Run it in two checkouts, one
after the other, to compare them; on a shared machine, stages whose code did
not change show the noise.

``--split`` also runs ``govtext ingest`` of the same documents into a fresh
folder in this process and prints the CPU of the ingest process itself
(loading, storing, dedup, index) against its tagging workers.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import runpy
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import LAWS, REPORTS, read_jsonl, require_shared

STAGES = [
    ("nlp.analyze", "tag_paragraphs", "themes (tag_paragraphs)"),
    ("nlp.themes", "RuleTagger.score_paragraphs|score_paragraph", "  rules"),
    ("nlp.model", "ThemeModel.vectorize_many|vectorize", "  model features"),
    ("nlp.model", "ThemeModel.predict_vectors|predict_vector", "  model predict"),
    ("nlp.model", "ThemeModel.explain", "  model explain"),
    ("nlp.analyze", "extract_entities", "entities"),
    ("nlp.analyze", "keyword_and_idf_words", "keyword tokens + IDF term set"),
    ("nlp.analyze", "extract_keywords", "keywords (TF-IDF, TextRank)"),
    ("nlp.analyze", "classify", "document type"),
    ("nlp.analyze", "normalize_many|normalize", "normalize paragraphs"),
    ("nlp.analyze", "words_and_word_tags", "segment and tag the body once"),
    ("nlp.analyze", "index_string_reusing", "index tokens for the parent"),
]


def wrap(spent: Counter, module: str, name: str, label: str) -> None:
    import importlib

    owner = importlib.import_module(module)
    *path, attrs = name.split(".")
    for part in path:
        owner = getattr(owner, part)
    # the first of the alternatives this checkout has (an older one may lack a stage's function)
    attr = next((a for a in attrs.split("|") if hasattr(owner, a)), None)
    if attr is None:
        return
    func = getattr(owner, attr)

    @functools.wraps(func)
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    setattr(owner, attr, timed)


def stages(docs: list[dict]) -> None:
    from govtext.documents import Document
    from govtext.settings import load_settings
    from pipeline import analyze_document_terms

    settings = load_settings()
    spent: Counter = Counter()
    start = time.process_time()
    analyze_document_terms(Document(id="warm", text=docs[0]["text"][:200]), settings=settings)
    startup = time.process_time() - start
    for module, name, label in STAGES:
        wrap(spent, module, name, label)
    start = time.process_time()
    for d in docs:
        analyze_document_terms(Document(id=d["id"], text=d["text"], title=d.get("title") or ""), settings=settings)
    total = time.process_time() - start
    print(f"{'startup (once per process)':32} {startup:7.2f}")
    for _, _, label in STAGES:
        if label in spent:
            print(f"{label:32} {spent[label]:7.2f}")
    print(f"{'analysis of all documents':32} {total:7.2f}")


def split(docs: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "sample.jsonl"
        source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        os.environ["GOVTEXT_ANALYZE"] = "1"
        self_before = resource.getrusage(resource.RUSAGE_SELF)
        argv, sys.argv = sys.argv, ["govtext", "--data", str(Path(tmp) / "data"), "ingest", str(source), "--quiet"]
        try:
            runpy.run_path(str(Path(sys.executable).parent / "govtext"), run_name="__main__")
        except SystemExit:
            pass
        finally:
            sys.argv = argv
        s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    main_cpu = s.ru_utime + s.ru_stime - self_before.ru_utime - self_before.ru_stime
    print(f"govtext ingest CPU: ingest process {main_cpu:.2f} s, tagging workers {c.ru_utime + c.ru_stime:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--split", action="store_true", help="also: ingest process against tagging workers")
    args = parser.parse_args()
    require_shared()
    docs = (read_jsonl(REPORTS) + read_jsonl(LAWS))[: args.docs]
    print(f"{len(docs)} documents, {sum(len(d['text']) for d in docs):,} characters; CPU seconds")
    if args.split:  # first, before this process loads the models itself
        split(docs)
    stages(docs)


if __name__ == "__main__":
    main()
