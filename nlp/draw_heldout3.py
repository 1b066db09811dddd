"""Draw the paragraphs of the third held-out label set (``tests/data/theme_labels_heldout3.jsonl``).

    .venv/bin/python -m nlp.draw_heldout3 OUT.jsonl [--seed 1603]

Only documents that no label file uses (``theme_labels.jsonl``,
``theme_labels_heldout.jsonl``, ``theme_labels_heldout2.jsonl``) are drawn
from, nor another version of one of them (same title once brackets and spaces
are removed); a paragraph that is a verbatim copy of a paragraph of a used
document or of the 范文 seed page is skipped. Paragraphs of 15-300 characters,
shuffled with a fixed seed; each draw takes at most 2 paragraphs per document.

The draws (``drawn_by``) are word searches written for this set, aimed at the
themes the second held-out set was thin or weak on, and at the guide's hard
negatives, plus random paragraphs. No tagger, model or rule matcher is run: the
candidates (with their text) go to OUT for the annotator, who labels each one
by ``docs/labelling-guide.md``.
"""

from __future__ import annotations


from nlp.heldout_draw import command
from nlp.labels import HELDOUT_FILE, LABELS_FILE

#: the earlier label files: their documents are not drawn from
USED_FILES = (LABELS_FILE, HELDOUT_FILE, LABELS_FILE.with_name("theme_labels_heldout2.jsonl"))

_AUTONOMY = r"(?<!民族区域)(?<!区域)自治(?![区州县旗])"
#: (name, pattern, how many, pattern that excludes a paragraph or "") in draw order
DRAWS: tuple[tuple[str, str, int, str], ...] = (
    ("h3_fengqiao", r"枫桥|就地化解|矛盾不上交|化解在基层|化解在萌芽|小事不出", 10, ""),
    ("h3_party_building", r"党组织|党支部|党群服务|党员|党建", 10, ""),
    (
        "h3_support_guarantee",
        r"(?:经费|资金).{0,12}(?:预算|保障)|领导小组|联席会议|考核|责任制|队伍建设|业务培训|督导|问责",
        34,
        "",
    ),
    (
        "h3_public_security",
        r"平安|治安防控|社会治安|反恐|恐怖|禁毒|毒品|邪教|扫黑|黑恶|诈骗|群防群治|社会稳定|综治",
        30,
        r"治安管理处罚",
    ),
    (
        "h3_public_services",
        r"政务服务|便民服务|一窗|通办|代办|证明事项|12345|办事指南|网上办理|跑一次|服务大厅|公共服务",
        30,
        "",
    ),
    (
        "h3_special_groups",
        r"社区矫正|刑满释放|安置帮教|吸毒人员|精神障碍|留守|困境儿童|孤儿|特困|最低生活保障|临时救助|残疾人|养老服务|失能|流浪乞讨",
        24,
        "",
    ),
    ("h3_grid_management", r"(?<!电)网格", 10, ""),
    (
        "h3_smart_governance",
        r"信息平台|大数据|视频监控|数据共享|信息共享|数字政府|一网统管|信息化|电子政务|智慧|雪亮",
        28,
        "",
    ),
    ("h3_dispute_resolution", r"调解|信访|矛盾纠纷|纠纷化解|诉调|诉源", 24, ""),
    (
        "h3_three_governance",
        "村规民约|居民公约|村民会议|居民会议|村务|议事|移风易俗|红白|乡贤|民主协商|彩礼|" + _AUTONOMY,
        24,
        "",
    ),
    ("h3_psychological_services", r"心理|精神卫生", 16, ""),
    ("h3_risk_prevention", r"应急|突发事件|预警|安全生产|消防|防灾", 8, ""),
    ("h3_social_participation", r"社会组织|志愿|社会工作|社工|社会力量|慈善", 10, ""),
    ("h3_rule_of_law", r"法治|依法行政|行政执法|法律援助|法律顾问|普法|法律服务|执法监督", 10, ""),
    ("h3_trap_grid", r"电网|网格化布局|网格状", 8, ""),
    ("h3_trap_digital", r"数字经济|人工智能|数据要素|智能制造|数字产业|数字化转型", 8, ""),
    ("h3_trap_autonomy", r"自治区|自治州|自治县|民族区域自治", 10, ""),
    ("h3_trap_budget", r"预算|收费|经费|资金", 12, ""),
    ("h3_trap_security", r"治安管理处罚|交通安全|道路交通", 10, ""),
)
#: second round, after the first gave few positives for most themes: narrower word queries
#: (a governance-task word next to a safeguard word for support; no criminal-law items for security)
_TASK = "调解|矫正|救助|应急|禁毒|戒毒|治安|法律援助|志愿|养老|残疾|信访|网格|社区|消防|安全生产|普法|防灾|反恐|平安|综合治理|政务服务|未成年人保护|心理"
DRAWS_B: tuple[tuple[str, str, int, str], ...] = (
    (
        "h3b_three_governance",
        r"村规民约|居民公约|村民自治|居民自治|村民会议|村民代表会议|居民会议|村务公开|村务监督|移风易俗|红白理事会|乡贤|彩礼|"
        r"自治章程|民主评议|村民委员会|居民委员会",
        12,
        "",
    ),
    (
        "h3b_support_guarantee",
        rf"(?=.*(?:经费|领导小组|联席会议|协调机制|考核|队伍建设|培训|责任制))(?=.*(?:{_TASK}))",
        14,
        "",
    ),
    (
        "h3b_public_security",
        r"禁毒|戒毒|反恐怖|社会治安综合治理|综治|治安防控|群防群治|平安|邪教|扫黑|黑恶|治安保卫|技防|毒品",
        10,
        r"治安管理处罚|有期徒刑|拘役|罪",
    ),
    (
        "h3b_public_services",
        r"政务服务|便民服务|一网通办|一窗|通办|代办|证明事项|12345|办事指南|服务窗口|就近办|网上办理|减证|便民",
        8,
        "",
    ),
    (
        "h3b_rule_of_law",
        r"法律援助|普法|法治宣传|法制宣传|法律顾问|公共法律服务|依法行政|法治政府|执法监督|行政执法责任制|法治建设|法律服务",
        5,
        "",
    ),
    ("h3b_psychological_services", r"心理|精神卫生", 2, ""),
    ("h3b_social_participation", r"志愿服务|志愿者|社会工作者|社工|慈善组织|社会组织参与|群团", 3, ""),
    (
        "h3b_smart_governance",
        r"(?=.*(?:信息平台|数据共享|大数据|视频监控|一网统管|电子政务|数字政府|信息系统|信息共享平台))(?=.*(?:政府|部门|机关))",
        5,
        "",
    ),
    ("h3b_party_building", r"党委|党组织|党员|党建|基层党", 5, ""),
    ("h3b_dispute_resolution", r"人民调解|矛盾纠纷|信访|调解委员会|调解员", 4, ""),
)
#: third round, after the second still gave no three_governance positive and few for services and support
DRAWS_C: tuple[tuple[str, str, int, str], ...] = (
    (
        "h3c_three_governance",
        r"村规民约|居民公约|村民自治|居民自治|村民会议|村民代表会议|居民会议|村务公开|村务监督|移风易俗|红白理事会|乡贤|彩礼|"
        r"自治章程|民主评议|议事协商",
        14,
        "",
    ),
    (
        "h3c_public_services",
        r"政务服务|便民服务中心|一网通办|一窗|通办|代办|证明事项|12345|办事指南|服务窗口|就近办|网上办理|减证",
        5,
        "",
    ),
    (
        "h3c_support_guarantee",
        rf"(?=.*(?:所需经费|工作经费|经费保障|(?:列入|纳入)[^。；]{{0,8}}预算|领导小组|联席会议))(?=.*(?:{_TASK}))",
        5,
        "",
    ),
)
RANDOM_LAW = 76
RANDOM_REPORT = 20


def main(argv: list[str] | None = None) -> int:
    randoms = (("h3_random", {"law"}, RANDOM_LAW), ("h3_report_random", None, RANDOM_REPORT))
    return command(argv, "python -m nlp.draw_heldout3", 1603, USED_FILES, DRAWS, randoms, later=(DRAWS_B, DRAWS_C))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
