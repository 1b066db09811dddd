"""Draw the paragraphs of the seventh held-out label set (``tests/data/theme_labels_heldout7.jsonl``).

    .venv/bin/python -m nlp.draw_heldout7 OUT.jsonl [--seed 1707]

As :mod:`nlp.draw_heldout6`, one file later, on the shared procedure
(:func:`nlp.heldout_draw.draw_set`): only documents that none of the earlier label
files uses (``theme_labels.jsonl``, the six held-out files and the sixth set's second
reading and adjudication, which hold the sixth set's documents) are drawn from, nor
another version of one of them; a paragraph that is a verbatim copy of a paragraph of
a used document or of the 范文 seed page is skipped.

Word searches ``h7_*`` for every theme, weighted towards the themes with few
held-out positives so far (support and guarantee, social participation, smart
governance, public services, special groups, three governance), the guide's hard
negatives (budgets and fees, penalty clauses, criminal law, 电网/数字经济/自治区),
``h7_random`` random law paragraphs, then ``h7b_*``, wider queries for the same
weak themes. No tagger, model or rule matcher is run: the candidates (with their
text) go to OUT for the annotator, who labels each one by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

from nlp.heldout_draw import Draw, command
from nlp.labels import (
    HELDOUT2_FILE,
    HELDOUT3_FILE,
    HELDOUT4_FILE,
    HELDOUT5_FILE,
    HELDOUT6_ADJUDICATED_FILE,
    HELDOUT6_FILE,
    HELDOUT6_READER2_FILE,
    HELDOUT_FILE,
    LABELS_FILE,
)

#: the earlier label files: their documents are not drawn from
USED_FILES = (
    LABELS_FILE,
    HELDOUT_FILE,
    HELDOUT2_FILE,
    HELDOUT3_FILE,
    HELDOUT4_FILE,
    HELDOUT5_FILE,
    HELDOUT6_FILE,
    HELDOUT6_READER2_FILE,
    HELDOUT6_ADJUDICATED_FILE,
)

_AUTONOMY = r"(?<!民族区域)(?<!区域)自治(?![区州县旗条机])"
_TASK = (
    "调解|矫正|救助|应急|禁毒|戒毒|治安|法律援助|志愿|养老|残疾|信访|网格|社区|消防|安全生产|普法|防灾|反恐|"
    "平安|综合治理|政务服务|未成年人保护|心理|老年人|低保|最低生活保障|突发事件|食品安全|防汛|救援|地震"
)
#: (name, pattern, how many, pattern that excludes a paragraph or "") in draw order
DRAWS: tuple[Draw, ...] = (
    (
        "h7_support_guarantee",
        rf"(?=.*(?:经费|预算|领导小组|联席会议|协调机制|考核|督查|督导|问责|队伍|装备|培训|责任制|统一领导|组织领导))"
        rf"(?=.*(?:{_TASK}))",
        36,
        r"罚款|处分",
    ),
    (
        "h7_social_participation",
        r"社会组织|志愿|社会工作者|社工|社会力量|慈善|捐赠|群团|工会、共青团|妇女联合会|鼓励.{0,16}参与|共建共治|"
        r"购买服务|举报.{0,6}奖励|听证|征求.{0,6}意见",
        34,
        "",
    ),
    (
        "h7_smart_governance",
        r"信息平台|大数据|视频监控|数据共享|信息共享|数字政府|一网|信息化|电子政务|智慧|信息系统|数据库|互联网\+|电子证照",
        24,
        "",
    ),
    (
        "h7_public_services",
        r"政务服务|便民|一窗|通办|代办|证明事项|12345|网上办理|在线办理|服务窗口|就近|一站式|办事指南|服务大厅|一次性告知|"
        r"服务中心|办理时限|当场办结",
        26,
        r"举报|投诉",
    ),
    (
        "h7_special_groups",
        r"残疾|最低生活保障|低保|特困|救助|老年人|养老服务|养老机构|失能|未成年人|儿童|留守|孤儿|社区矫正|刑满释放|"
        r"安置帮教|吸毒人员|戒毒|精神障碍|流浪乞讨|无障碍|孕|哺乳",
        36,
        r"养老保险|赔偿|伤残",
    ),
    (
        "h7_three_governance",
        "村规民约|居民公约|村民会议|村民代表会议|村民委员会|居民委员会|村务|议事|移风易俗|红白|乡贤|民主协商|彩礼|"
        "自治公约|殡葬|" + _AUTONOMY,
        20,
        "",
    ),
    (
        "h7_public_security",
        r"平安|治安|反恐|恐怖|禁毒|邪教|扫黑|黑恶|群防群治|社会稳定|综治|安全防范|维护.{0,6}秩序|巡逻|国家安全",
        24,
        "",
    ),
    ("h7_dispute_resolution", r"调解|信访|矛盾纠纷|纠纷|诉调|诉源|行政复议|仲裁", 16, ""),
    (
        "h7_rule_of_law",
        r"法治|依法行政|行政执法|法律援助|法律顾问|普法|法律服务|执法监督|法制宣传|法治宣传|规范性文件",
        16,
        "",
    ),
    ("h7_risk_prevention", r"应急|突发事件|预警|安全生产|消防|防灾|减灾|风险|隐患|事故|灾害", 14, ""),
    ("h7_party_building", r"党组织|党支部|党群服务|党员|党建|党委", 6, ""),
    ("h7_grid_management", r"(?<!电)网格", 6, ""),
    ("h7_psychological_services", r"心理|精神卫生", 6, ""),
    ("h7_fengqiao", r"枫桥|矛盾不上交|就地化解|化解在基层|萌芽状态", 4, ""),
    ("h7_trap_budget", r"预算|收费|经费|资金|考试|考核", 10, ""),
    ("h7_trap_penalty", r"治安管理处罚|依法追究刑事责任|构成犯罪|由公安机关.{0,12}处", 10, ""),
    ("h7_trap_other", r"电网|数字经济|人工智能|数据要素|自治区|自治州|自治县|道路交通|交通安全|市场秩序", 10, ""),
)
RANDOM_LAW = 60
#: second round: wider word queries for the themes with the fewest positives so far
DRAWS_B: tuple[Draw, ...] = (
    (
        "h7b_support_guarantee",
        r"(?:人民政府|主管部门).{0,30}(?:领导|协调|经费|队伍|考核|培训|责任)",
        14,
        r"罚款|处分|企业",
    ),
    ("h7b_social_participation", r"社会各界|单位和个人|公民、法人和其他组织|群众|公众", 10, r"罚款|处罚|罪"),
    ("h7b_public_services", r"服务|办理|申请", 10, r"举报|投诉|罚款|处罚"),
    ("h7b_special_groups", r"老年|妇女|儿童|病人|困难|福利", 12, r"赔偿|罪|养老保险"),
    ("h7b_smart_governance", r"系统|平台|网络|数据|电子", 10, r"罚款|处罚|罪"),
    ("h7b_risk_prevention", r"安全|防护|检查|监测", 10, r"罚款|处罚|罪"),
)

#: third round, after the first two gave no special-groups, support, three-governance or dispute positive and
#: few for security, services and rule of law: narrower words that the unused documents still hold
DRAWS_C: tuple[Draw, ...] = (
    (
        "h7c_dispute_resolution",
        r"人民调解|调解委员会|申请调解|组织调解|着重进行调解|(?:调解|协调解决)[^。；]{0,10}(?:纠纷|争议)|劝阻、调解",
        14,
        r"调解书",
    ),
    (
        "h7c_public_security",
        r"国家安全机关|国家安全技术保卫|危害国家安全|维护社会稳定|社会稳定|治安秩序|安全保卫",
        12,
        r"罪|罚款|拘留",
    ),
    (
        "h7c_rule_of_law",
        r"依法治|法治政府|民主法治|普法|执法证件|裁量权基准|依法行政|执法联勤|行刑衔接|法律宣传|法制教育",
        12,
        "",
    ),
    (
        "h7c_support_guarantee",
        r"(?=.*(?:经费|预算|领导|联席会议|协调机制|考核|队伍|装备|培训|责任制))"
        r"(?=.*(?:应急|突发事件|消防|安全生产|救援|防汛|灾害|事故|质量安全|国家安全|调解))",
        14,
        r"罚款|处分|企业|运营者",
    ),
    (
        "h7c_three_governance",
        r"村规民约|基层群众性自治组织|村民委员会组织法|管理规约|村民小组|居民会议|业主大会",
        10,
        "",
    ),
    ("h7c_special_groups", r"残疾|未成年|老年|妇女儿童|困难", 8, r"赔偿|罪"),
    ("h7c_public_services", r"便民|简化手续|一次性告知|办理时限|当场|网上", 8, r"举报|投诉"),
)

#: fourth round, after the third left three governance and support with fewer than 5 positives
DRAWS_D: tuple[Draw, ...] = (
    ("h7d_three_governance", r"村规民约|制定公约|村民代表|民主议定|村民委员会组织法|村民自治|居民自治", 8, ""),
    (
        "h7d_support_guarantee",
        r"(?=.*(?:统一领导|领导|协调机制|联席会议|经费|预算|队伍建设))(?=.*(?:防疫|质量安全|国家安全|灾害|应急|消防|救援))",
        8,
        r"企业|运营者|罚款|处分",
    ),
)


def main(argv: list[str] | None = None) -> int:
    randoms = (("h7_random", {"law"}, RANDOM_LAW),)
    return command(
        argv, "python -m nlp.draw_heldout7", 1707, USED_FILES, DRAWS, randoms, later=(DRAWS_B, DRAWS_C, DRAWS_D)
    )


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
