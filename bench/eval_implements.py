"""Held-out precision and recall of 上位法对照 (tracing/implements.py).

    .venv/bin/python bench/eval_implements.py [--distractors 300] [--seed 0] [--json]

Labels: bench/data/implements_heldout.json, written by reading the law texts
before the system ran on them, for local regulations whose national law was
not used to set the thresholds (those were set on the 反恐怖主义法 and its
Shanghai / Beijing measures). For every article of each labelled local
regulation: the national articles it copies or adapts, none (its own), or
"partial" (a phrase or a minor part from a national article: reported apart).

The store (a temporary embedded backend) holds the labelled laws and
``--distractors`` other laws of the corpus (half national, half local, drawn
with ``--seed``), so an origin found in another national law counts against
precision as it would in use.

Scored per local article, on the system's single origin (``origin`` of
``implements(local)``):

- a labelled clause is a true positive when the origin is one of its labelled
  articles of the named national law; a false positive when the origin is
  anything else; a false negative when the labelled article is not the origin;
- a clause labelled own is a false positive when the system gives it an origin.

Precision = TP / (TP + FP), recall = TP / labelled clauses.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import LAWS, read_jsonl, require_shared  # noqa: E402

LABELS = ROOT / "bench" / "data" / "implements_heldout.json"
NATIONAL = "全国"


def article_number(label: str) -> int | None:
    from tracing.articles import cn_number

    m = re.match(r"第(.+?)条", label or "")
    return cn_number(m.group(1)) if m else None


def build_store(data: Path, wanted: set[str], distractors: int, seed: int):
    from govtext.documents import Document
    from govtext.settings import load_settings
    from pipeline import ingest_documents
    from search import open_backend

    laws = read_jsonl(LAWS)
    chosen = [d for d in laws if d["id"] in wanted]
    missing = wanted - {d["id"] for d in chosen}
    if missing:
        sys.exit(f"labelled laws missing from the corpus: {sorted(missing)}")
    rng = random.Random(seed)
    labelled_titles = {d["title"] for d in chosen}
    others = [d for d in laws if d["id"] not in wanted and d["title"] not in labelled_titles]
    national = [d for d in others if d.get("region") == NATIONAL]
    local = [d for d in others if d.get("region") != NATIONAL]
    half = distractors // 2
    chosen += rng.sample(national, min(half, len(national))) + rng.sample(local, min(distractors - half, len(local)))
    settings = load_settings(data_dir=data, backend="embedded")
    backend = open_backend(settings)
    report = ingest_documents([Document.from_dict(d) for d in chosen], backend, settings, analyzer=None)
    if report.problems:
        print(f"ingest problems: {report.problems[:3]}", file=sys.stderr)
    return backend, len(chosen)


def score(pairs: list[dict], results: dict[str, dict]) -> dict:
    tp = fp = fn = own_ok = own_claimed = 0
    partial: dict[str, int] = {"origin_named_law": 0, "origin_other": 0, "none": 0}
    rows = []
    for pair in pairs:
        got = {str(a["number"]): a for a in results[pair["local"]]["articles"] if a["number"] is not None}
        for number, label in pair["labels"].items():
            art = got.get(number)
            origin = (art or {}).get("origin")
            pred = (origin["doc_id"], article_number(origin["label"])) if origin else None
            verdict = ""
            if label == "partial":
                key = (
                    "none" if pred is None else ("origin_named_law" if pred[0] == pair["national"] else "origin_other")
                )
                partial[key] += 1
                verdict = "partial:" + key
            elif label:
                if pred is not None and pred[0] == pair["national"] and pred[1] in label:
                    tp += 1
                    verdict = "TP"
                else:
                    fn += 1
                    verdict = "FN"
                    if pred is not None:
                        fp += 1
                        verdict = "FN+FP"
            else:
                if pred is None:
                    own_ok += 1
                    verdict = "own"
                else:
                    fp += 1
                    own_claimed += 1
                    verdict = "FP"
            rows.append(
                {
                    "local": pair["local"],
                    "article": int(number),
                    "label": label,
                    "predicted": pred,
                    "kind": (origin or {}).get("kind"),
                    "coverage": (origin or {}).get("coverage"),
                    "verdict": verdict,
                }
            )
    labelled = tp + fn
    return {
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / labelled, 3) if labelled else None,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "labelled_clauses": labelled,
        "own_clauses": own_ok + own_claimed,
        "own_given_an_origin": own_claimed,
        "partial": partial,
        "rows": rows,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=int, default=300, help="other laws in the store (half national)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print every scored clause as JSON too")
    args = parser.parse_args(argv)
    require_shared()
    pairs = json.loads(LABELS.read_text(encoding="utf-8"))["pairs"]
    wanted = {p["national"] for p in pairs} | {p["local"] for p in pairs}
    from tracing.implements import implements
    from tracing.source import source_for

    with tempfile.TemporaryDirectory(prefix="govtext-eval-implements-") as tmp:
        started = time.perf_counter()
        backend, stored = build_store(Path(tmp), wanted, args.distractors, args.seed)
        built = time.perf_counter() - started
        try:
            results, took = {}, []
            for pair in pairs:
                t0 = time.perf_counter()
                results[pair["local"]] = implements(source_for(backend), pair["local"])
                took.append((time.perf_counter() - t0) * 1000)
        finally:
            backend.close()
    out = score(pairs, results)
    print(f"store: {stored} laws ({len(wanted)} labelled, {stored - len(wanted)} distractors), built in {built:.0f} s")
    print(f"implements per regulation: {', '.join(f'{t:.0f} ms' for t in took)}")
    print(
        f"held-out clause origins: precision {out['precision']} ({out['tp']} / {out['tp'] + out['fp']}), "
        f"recall {out['recall']} ({out['tp']} / {out['labelled_clauses']}); "
        f"own clauses given an origin: {out['own_given_an_origin']} / {out['own_clauses']}; "
        f"partial clauses: {out['partial']}"
    )
    for r in out["rows"]:
        if r["verdict"] not in ("TP", "own"):
            print(
                f"  {r['verdict']:<24} {r['local']} 第{r['article']}条 label={r['label']} got={r['predicted']} "
                f"{r['kind'] or ''} {r['coverage'] or ''}"
            )
    if args.json:
        print(json.dumps({k: v for k, v in out.items()}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
