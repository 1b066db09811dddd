"""Draw paragraphs to label (the labelling of ``docs/labelling-guide.md``).

    .venv/bin/python -m nlp.label_candidates OUT.jsonl [--per-query N] [--random N] [--seed S]

Candidates come from searching the shared texts for words (the queries below:
each theme's vocabulary *and* the words of its paraphrases and traps) plus
uniformly random paragraphs, spread over registers and groups. No tagger is
run: the annotator reads each candidate and writes its labels by the guide.
Paragraphs already in ``tests/data/theme_labels.jsonl`` and verbatim repeats
are skipped. Each row carries ``register`` and ``group`` (see
:func:`nlp.labels.register_of`).
"""

from __future__ import annotations

import argparse
import json
import random
import re

from ingest.text import split_paragraphs
from nlp.labels import read_label_rows, register_of, shared_dir

QUERIES = {
    "fengqiao": r"枫桥|就地化解|矛盾不上交|化解在基层|化解在萌芽|小事不出",
    "three_governance": r"村规民约|居民公约|村民自治|居民自治|村务公开|村务监督|议事会|移风易俗|红白理事会|乡贤|德治|民主协商|村民会议|彩礼",
    "party_building": r"基层党组织|党群服务|在职党员|吹哨|红色物业|两委|党建引领|社区党组织|村党组织|党支部",
    "grid_management": r"网格",
    "dispute_resolution": r"调解|信访|诉源|矛盾纠纷|多元化解|纠纷",
    "smart_governance": r"雪亮|大数据|信息平台|城市大脑|一网通办|一网统管|数字政府|数据共享|信息孤岛|智慧|智能化|数字化|信息化|数据",
    "public_security": r"平安|治安|扫黑|诈骗|邪教|反恐|禁毒|社会稳定|综治|黑恶|违法犯罪|群防群治",
    "public_services": r"政务服务|一窗|跑一次|一件事|通办|便民服务|赋权|证明事项|12345|代办|办事",
    "social_participation": r"社会组织|志愿|社会工作|社工|群团|公众参与|举报奖励|购买服务|共建共治共享|慈善|社会力量",
    "risk_prevention": r"应急|风险评估|预警|安全生产|突发事件|防灾|消防|公共安全|隐患",
    "special_groups": r"社区矫正|刑满释放|安置帮教|吸毒|精神障碍|留守|困境儿童|孤儿|特困|低保|救助|残疾人|养老服务|失能",
    "rule_of_law": r"法治|依法行政|行政执法|法律援助|法律顾问|普法|法律服务|执法监督|司法",
    "psychological_services": r"心理|精神卫生|危机干预|疏导|心灵|情绪|抑郁",
    "support_guarantee": r"领导小组|工作专班|组织领导|一把手|考核|督导|问责|经费|队伍建设|培训|装备|责任制|保障措施|组织保障",
    "trap_grid": r"电网|网格化布局",
    "trap_digital": r"数字经济|人工智能|数据要素|智能制造|数字产业",
    "trap_autonomy": r"自治区|民族区域自治|自治州|自治县",
    "trap_budget": r"预算|经费|收费|资金",
    "trap_security": r"治安管理处罚|交通安全|道路交通",
}


def candidate_row(item: tuple, why: str) -> dict:
    """The label-file row of a drawn paragraph ``(source, doc_id, index, text, register, group)``, unlabelled."""
    source, doc_id, i, p, register, group = item
    return {
        "source": source,
        "doc_id": doc_id,
        "para_index": i,
        "text_prefix": p[:12],
        "register": register,
        "group": group,
        "drawn_by": why,
        "text": p,
    }


def iter_documents(base):
    """(source, doc, paragraphs) of every shared text."""
    seed_dir = base / "seeds"
    for path in sorted(seed_dir.glob("*.txt")):
        doc = {"id": path.stem, "title": "", "source": "seed", "region": "", "date": ""}
        yield "seed", doc, split_paragraphs(path.read_text(encoding="utf-8"))
    for source in ("laws", "reports"):
        with open(base / "corpus" / f"{source}.jsonl", encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                yield source, doc, split_paragraphs(doc.get("text", ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nlp.label_candidates")
    ap.add_argument("out")
    ap.add_argument("--per-query", type=int, default=40, help="candidates per query and register")
    ap.add_argument("--random", type=int, default=100, help="uniformly random paragraphs besides")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--max-chars", type=int, default=400, help="skip longer paragraphs")
    ap.add_argument("--only", default="", help="comma-separated query names to run (default: all)")
    ap.add_argument("--registers", default="", help="comma-separated registers to draw from (default: all)")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    seen_keys = {(r["source"], r["doc_id"], r["para_index"]) for r in read_label_rows()}
    seen_texts: set[str] = set()
    pool = []  # (source, doc, index, text, register, group)
    for source, doc, paras in iter_documents(shared_dir()):
        register, group = register_of(source, doc)
        for i, p in enumerate(paras):
            if (source, doc["id"], i) in seen_keys:
                seen_texts.add(p)
                continue
            if len(p) < 12 or len(p) > args.max_chars:
                continue
            pool.append((source, doc["id"], i, p, register, group))
    rng.shuffle(pool)
    chosen: dict[tuple, dict] = {}

    def take(item, why):
        source, doc_id, i, p = item[:4]
        if p in seen_texts or (source, doc_id, i) in chosen:
            return False
        seen_texts.add(p)
        chosen[(source, doc_id, i)] = candidate_row(item, why)
        return True

    only = {q for q in args.only.split(",") if q}
    registers = {r for r in args.registers.split(",") if r}
    if registers:
        pool = [item for item in pool if item[4] in registers]
    for name, pattern in QUERIES.items():
        if only and name not in only:
            continue
        rx = re.compile(pattern)
        per_register: dict[str, int] = {}
        for item in pool:
            if per_register.get(item[4], 0) >= args.per_query:
                continue
            if rx.search(item[3]) and take(item, name):
                per_register[item[4]] = per_register.get(item[4], 0) + 1
    n = 0
    for item in pool:
        if n >= args.random:
            break
        if take(item, "random"):
            n += 1
    with open(args.out, "w", encoding="utf-8") as fh:
        for row in chosen.values():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(chosen)} candidates -> {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
