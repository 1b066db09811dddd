"""Draw the paragraphs of the fourth held-out label set (``tests/data/theme_labels_heldout4.jsonl``).

    .venv/bin/python -m nlp.draw_heldout4 OUT.jsonl [--seed 1604]

As :mod:`nlp.draw_heldout3`, one file later: only documents that none of the
four earlier label files uses (``theme_labels.jsonl`` and the three held-out
files) are drawn from, nor another version of one of them (same title once
brackets and spaces are removed); a paragraph that is a verbatim copy of a
paragraph of a used document or of the 范文 seed page is skipped. Paragraphs of
15-300 characters, shuffled with a fixed seed; each draw takes at most 2
paragraphs per document.

The draws (``drawn_by``) are word searches written for this set, aimed at the
themes the third held-out set found weak on law text (public security and its
penalty-clause trap, support and guarantee clauses, special groups) and at the
guide's other hard negatives, plus random paragraphs. No tagger, model or rule
matcher is run: the candidates (with their text) go to OUT for the annotator,
who labels each one by ``docs/labelling-guide.md``.
"""

from __future__ import annotations


from nlp.heldout_draw import command
from nlp.labels import HELDOUT2_FILE, HELDOUT3_FILE, HELDOUT_FILE, LABELS_FILE

#: the earlier label files: their documents are not drawn from
USED_FILES = (LABELS_FILE, HELDOUT_FILE, HELDOUT2_FILE, HELDOUT3_FILE)

_AUTONOMY = r"(?<!民族区域)(?<!区域)自治(?![区州县旗])"
_TASK = (
    "调解|矫正|救助|应急|禁毒|戒毒|治安|法律援助|志愿|养老|残疾|信访|网格|社区|消防|安全生产|普法|防灾|反恐|"
    "平安|综合治理|政务服务|未成年人保护|心理|老年人|低保|最低生活保障"
)
#: (name, pattern, how many, pattern that excludes a paragraph or "") in draw order
DRAWS: tuple[tuple[str, str, int, str], ...] = (
    # public security: the work of keeping order, and its traps (penalty clauses, criminal law)
    (
        "h4_public_security",
        r"平安|治安防控|社会治安|反恐|恐怖活动|禁毒|邪教|扫黑|黑恶|群防群治|社会稳定|综治|治安保卫|维护.{0,6}秩序|技防|安全防范",
        40,
        "",
    ),
    ("h4_trap_penalty", r"治安管理处罚|依法追究刑事责任|构成犯罪|由公安机关.{0,12}处", 30, ""),
    ("h4_trap_criminal", r"有期徒刑|拘役|诈骗|毒品|走私", 10, ""),
    # support and guarantee: the safeguards of a task, and their traps (budgets, fees, exams)
    (
        "h4_support_guarantee",
        rf"(?=.*(?:经费|领导小组|联席会议|协调机制|考核|评价|队伍|装备|培训|责任制|督查|督导|问责))(?=.*(?:{_TASK}))",
        40,
        "",
    ),
    (
        "h4_support_words",
        r"考核评价|经费保障|工作经费|所需经费|队伍和装备|装备保障|领导小组|工作责任制|目标责任",
        20,
        "",
    ),
    ("h4_trap_budget", r"预算|收费|经费|资金|考试|考核", 15, ""),
    # special groups: disability, 低保, the elderly, minors, and their traps
    (
        "h4_special_groups",
        r"残疾|最低生活保障|低保|特困|临时救助|老年人|养老|失能|未成年人|留守|困境儿童|孤儿|社区矫正|刑满释放|安置帮教|"
        r"吸毒人员|精神障碍|流浪乞讨|妇女儿童",
        45,
        "",
    ),
    # the other themes, fewer each
    ("h4_dispute_resolution", r"调解|信访|矛盾纠纷|纠纷化解|诉调|诉源", 16, ""),
    ("h4_risk_prevention", r"应急|突发事件|预警|安全生产|消防|防灾|减灾|风险评估", 16, ""),
    (
        "h4_smart_governance",
        r"信息平台|大数据|视频监控|数据共享|信息共享|数字政府|一网统管|信息化|电子政务|智慧|信息系统",
        14,
        "",
    ),
    (
        "h4_public_services",
        r"政务服务|便民服务|一窗|通办|代办|证明事项|12345|办事指南|网上办理|服务大厅|公共服务|服务窗口",
        14,
        "",
    ),
    ("h4_social_participation", r"社会组织|志愿|社会工作|社工|社会力量|慈善|鼓励.{0,12}参与", 14, ""),
    ("h4_rule_of_law", r"法治|依法行政|行政执法|法律援助|法律顾问|普法|法律服务|执法监督|法制宣传", 12, ""),
    (
        "h4_three_governance",
        "村规民约|居民公约|村民会议|居民会议|村务|议事|移风易俗|红白|乡贤|民主协商|彩礼|村民委员会|居民委员会|"
        + _AUTONOMY,
        14,
        "",
    ),
    ("h4_party_building", r"党组织|党支部|党群服务|党员|党建", 6, ""),
    ("h4_grid_management", r"(?<!电)网格", 6, ""),
    ("h4_psychological_services", r"心理|精神卫生", 8, ""),
    ("h4_trap_other", r"电网|数字经济|人工智能|数据要素|自治区|自治州|自治县|道路交通|交通安全", 12, ""),
)
#: second round, after the first gave few positives for special groups, services and three governance:
#: narrower word queries (no pension insurance or damages for special groups; no criminal law for security)
DRAWS_B: tuple[tuple[str, str, int, str], ...] = (
    (
        "h4b_special_groups",
        r"残疾人(?!联合会)|最低生活保障|特困人员|临时救助|养老服务|养老机构|老年人权益|失能|留守儿童|困境儿童|孤儿|社区矫正|"
        r"安置帮教|流浪乞讨|未成年人保护|精神障碍患者",
        20,
        r"养老保险|赔偿|伤残|罪",
    ),
    (
        "h4b_public_services",
        r"政务服务|便民服务|一窗|通办|代办|证明事项|12345|网上办理|服务窗口|就近办|一站式",
        8,
        "",
    ),
    (
        "h4b_three_governance",
        r"村规民约|居民公约|村民会议|村民代表会议|村务公开|村务监督|移风易俗|红白理事会|自治章程|议事协商",
        8,
        "",
    ),
    (
        "h4b_public_security",
        r"治安保卫|群防群治|社会治安综合治理|综治|禁毒|反恐怖|平安建设|治安防控|社会治安",
        10,
        r"罪|处罚|罚款",
    ),
)
RANDOM_LAW = 60
RANDOM_REPORT = 15


def main(argv: list[str] | None = None) -> int:
    randoms = (("h4_random", {"law"}, RANDOM_LAW), ("h4_report_random", None, RANDOM_REPORT))
    return command(argv, "python -m nlp.draw_heldout4", 1604, USED_FILES, DRAWS, randoms, later=(DRAWS_B,))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
