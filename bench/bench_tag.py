"""Theme tagging throughput against jieba segmentation alone, in one run.

    .venv/bin/python bench/bench_tag.py [--paragraphs N] [--repeat R] [--json]

Paragraphs: the distinct paragraphs of the shared seed page and report corpus
(falls back to a built-in sample when the shared folder is missing). Each
stage runs over the same paragraphs, best of R repeats:

* ``jieba``        jieba.lcut(HMM=False) with the governance dictionary (pure Python)
* ``segment``      nlp.segment.cut (rjieba where enabled: what the index uses)
* ``rules``        rule tagger only (normalize + Aho-Corasick + masks)
* ``rules+model``  rules and the logistic model with its combination (what analyze() tags with)

The paragraph cache of nlp.analyze is bypassed, so every paragraph is really
tagged; in ingestion, verbatim repeats (template copies) are tagged once.
Ratios are paragraphs/s of a stage divided by paragraphs/s of ``jieba``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.text import split_paragraphs  # noqa: E402
from nlp.labels import shared_dir  # noqa: E402

FALLBACK = [
    "坚持和发展新时代“枫桥经验”，完善矛盾纠纷多元化解机制，做到小事不出村、大事不出镇、矛盾不上交。",
    "全面推行网格化管理，全县划分网格682个，每个网格配备专职网格员。",
    "依托村民议事会、红白理事会、道德评议会，推进移风易俗，修订完善村规民约。",
    "加快建设物联网、智慧电网、高速率光网等新型基础设施。",
]


def load_paragraphs(limit: int) -> list[str]:
    base = shared_dir()
    paras: list[str] = []
    seed = base / "seeds" / "000_0b7c18f88b416d3f.txt"
    if seed.exists():
        paras += split_paragraphs(seed.read_text(encoding="utf-8"))
    reports = base / "corpus" / "reports.jsonl"
    if reports.exists():
        with open(reports, encoding="utf-8") as fh:
            for line in fh:
                paras += split_paragraphs(json.loads(line).get("text", ""))
                if len(paras) > 4 * limit:
                    break
    seen, out = set(), []
    for p in paras:
        if len(p) >= 10 and p not in seen:
            seen.add(p)
            out.append(p)
    if not out:
        out = FALLBACK * (limit // len(FALLBACK) + 1)
    return out[:limit]


def timed(fn, items, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for it in items:
            fn(it)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from nlp import analyze as an
    from nlp.model import get_model
    from nlp.segment import get_segmenter
    from nlp.textnorm import normalize
    from nlp.themes import get_rule_tagger

    paras = load_paragraphs(args.paragraphs)
    chars = sum(len(p) for p in paras)
    seg = get_segmenter()
    tagger = get_rule_tagger()
    model = get_model()
    names = {t.id: t.name for t in tagger.taxonomy.themes}
    # warm up every stage once (dictionary loads, model load)
    for p in paras[:20]:
        seg.cut_jieba(p)
        seg.cut(p)
        an._tag_many([normalize(p)], tagger, model, names)

    stages = {
        "jieba": lambda p: seg.cut_jieba(p),
        "segment": lambda p: seg.cut(p),
        "rules": lambda p: tagger.score_paragraph(normalize(p), normalized=True),
        "rules+model": lambda p: an._tag_many([normalize(p)], tagger, model, names),
    }
    results = {}
    for name, fn in stages.items():
        secs = timed(fn, paras, args.repeat)
        results[name] = {
            "seconds": round(secs, 4),
            "paragraphs_per_s": round(len(paras) / secs, 1),
            "chars_per_s": round(chars / secs),
        }
    base = results["jieba"]["paragraphs_per_s"]
    for r in results.values():
        r["ratio_to_jieba"] = round(r["paragraphs_per_s"] / base, 3)
    report = {
        "paragraphs": len(paras),
        "avg_chars": round(chars / len(paras), 1),
        "model": model is not None,
        "rjieba": seg.rjieba is not None,
        "stages": results,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(
            f"{report['paragraphs']} distinct paragraphs, {report['avg_chars']} characters on average "
            f"(rjieba: {report['rjieba']}, model: {report['model']})"
        )
        print(f"{'stage':12} {'paragraphs/s':>13} {'chars/s':>11} {'vs jieba':>9}")
        for name, r in results.items():
            print(f"{name:12} {r['paragraphs_per_s']:13.1f} {r['chars_per_s']:11d} {r['ratio_to_jieba']:8.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
