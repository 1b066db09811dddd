"""Draw the paragraphs of the twelfth held-out label set (``tests/data/theme_labels_heldout12.jsonl``).

    .venv/bin/python -m nlp.draw_heldout12 OUT.jsonl [--seed 1712] [--checkout owner/name=PATH ...]

Built as the eighth to eleventh sets (:mod:`nlp.draw_heldout11`, the procedure of
:mod:`nlp.external_draw`), from saved web sites that no theme-label file uses and no earlier draw
read (:data:`SOURCES`; none is a source of the eighth to eleventh sets nor of an earlier draw): the
saved site of the Tianjin public security bureau's water-affairs branch (mostly its content
system's admin and template pages, a few news pages), a street office's party-building portal
(海滨街道智慧党建), the Jurong city portal's templates, the Guangdong human-resources department's
service pages, the Xiaoshan citizens' service centre's pages, the Haidian district's
information-disclosure pages, the Zhejiang tourism department's mobile pages, Jinan's
talent-service pages, a 街道办事处's page, and single saved pages of district and city
governments and a civilisation office. All of those that give rows but ``mhxqwer/yjync.wenming.cn``
are also sources of the extraction page sets (``bench/data/extract_pages*.json``), which label page structure, not themes.
They are read by the fixed reader of :mod:`nlp.external_docs` from their snapshots
(``../.mirror/<owner>+<name>/repo`` by default) at the commits below; no text of theirs is stored
in this repository.

What is drawn from: as in the eighth to eleventh sets (every ``.htm``/``.html``/``.shtml`` page at
its commit, sorted by path; pages titled as a national law or regulation skipped; paragraphs of
15-300 characters, at least half CJK, on exactly one page of all the sources, no verbatim copy of
a paragraph of ``../shared``), and no paragraph whose sha1 is that of a row of the eighth to
eleventh sets' files (first and second readings and adjudications). ``register`` is read from the
page title; ``group`` is the source site.

Word searches ``h12_*`` for every theme (the eleventh set's patterns), weighted towards the thin ones
(fengqiao, grids, three governance, support, disputes, public services, smart governance, public
security, special groups, psychological services), the guide's traps, then ``h12_random`` random
paragraphs, then a second round ``h12_b_*`` on the same pool (police work, communities, work
arrangements, meetings and training, cadres and departments). At most ``PER_PAGE`` (6) per page per search, shuffled with the seed. No tagger, model or rule
matcher is run: the candidates (with their text) go to OUT for the annotator, who labels each by
``docs/labelling-guide.md``.
"""

from __future__ import annotations

from nlp import external_draw
from nlp.external_draw import Source
from nlp.heldout_draw import Draw
from nlp.labels import (
    HELDOUT8_ADJUDICATED_FILE,
    HELDOUT8_FILE,
    HELDOUT8_READER2_FILE,
    HELDOUT9_ADJUDICATED_FILE,
    HELDOUT9_FILE,
    HELDOUT9_READER2_FILE,
    HELDOUT10_ADJUDICATED_FILE,
    HELDOUT10_FILE,
    HELDOUT10_READER2_FILE,
    HELDOUT11_FILE,
)

#: (repository, commit, group): the saved sites drawn from
SOURCES: tuple[Source, ...] = (
    ("cjcx-admin/ggfw.hrss.gd.gov.cn", "7f1f4e26caadce621dad94586ba5ec7f976bcf4a", "广东省人力资源和社会保障厅"),
    ("gengzhenpei/shuiwufenju", "65663b1664a189a9bca6cd87ce6a9f39a70248b2", "天津市公安局水务治安分局"),
    ("guohao214/hzxxsmzj.yyhj.zjzwfw.gov.cn", "e293d942f6c967d086f4074153f72ba0d46684cc", "萧山区市民服务中心"),
    ("juxiaowei/jurong", "0f98ceb3914dea9a5c8ac6cea75ec586698b8f14", "中国句容门户网站群"),
    ("lolxy/binhaijiedao", "3ffccbbe743f2351e44f34c8a843e60e3960dc57", "海滨街道智慧党建"),
    ("mhxqwer/dcy.liaoyang.gov.cn", "938aa3cb7eb91834343ded48f87d4488ee042647", "辽阳市人民政府"),
    ("mhxqwer/djjiangsu.gov.cn", "e5ad17db78fcb41e51535ad25be81218072f2b17", "江苏省人民政府"),
    ("mhxqwer/xhyshanghai.gov.cn", "e370cd7163117bcdaa237ae40bbeb61614283e10", "上海市人民政府"),
    ("mhxqwer/ycrjinan.gov.cn", "7e9e6e574aa827e31da319b0a08d51406ca55393", "济南市人民政府"),
    ("mhxqwer/yjync.wenming.cn", "113d7d73cde387060caacb97a34e0dc3d0d318d1", "南昌文明网"),
    ("mhxqwer/zcmbeijing.gov.cn", "1f4b360d4a00808cc7bbe3b99f316e11b134375e", "北京市人民政府"),
    ("mhxqwer/zxwhongshan.gov.cn", "2df2c433c1933fb79efa1da6064ff63b9724123d", "武汉市洪山区人民政府"),
    ("qiji/m.tourzj.gov.cn", "3a3e1d138c2e8acc35ba50c20311d74c76a77fc9", "浙江省文化和旅游厅"),
    ("redkylin/rc.jinan.gov.cn", "8dacefa601cbd32378e503f96832c927f13c6d9a", "济南市人才服务"),
    ("uudiv/ctqrmzf", "2d4a95d7bab5b618bfb7479f045ff70e433628a8", "邯郸市丛台区人民政府"),
    ("uudiv/wuan-gov-cn", "251d915aa8833dd25ab0d61bf5de238ff646d756", "武安市人民政府"),
    ("zlcliuna/spider_www.bjhd.gov.cn-zfxxgk-", "43e111d4389c39ba613a37575f9c7f60fd41fb19", "北京市海淀区人民政府"),
    (
        "zsjyjishukong/kongjiazhuangjiedaoban",
        "1f63bc232e506f8a5ba6e80c4ec924d116a57d80",
        "张家口市万全区孔家庄街道办事处",
    ),
)
_TASK = (
    "安全|应急|消防|防火|救援|防汛|平安|综治|信访|调解|矛盾|救助|残疾|留守|困难|养老|志愿|社会组织|网格|社区|"
    "政务服务|便民|法治|普法|法律援助|扶贫|心理|禁毒|扫黑|疫情|治超|路政|执法"
)
#: (name, pattern, how many, pattern that excludes a paragraph or "") in draw order
DRAWS: tuple[Draw, ...] = (
    ("h12_fengqiao", r"枫桥|矛盾不上交|就地化解|化解在基层|萌芽状态|小事不出", 8, ""),
    ("h12_grid_management", r"网格", 14, r"电网"),
    (
        "h12_three_governance",
        r"村规民约|居民公约|村民会议|村民代表|村务|居务|议事|移风易俗|红白|乡贤|自治(?![县区州旗])|德治|道德评议|积分制|"
        r"文明实践|民主协商|协商议事",
        20,
        "",
    ),
    (
        "h12_support_guarantee",
        rf"(?=.*(?:领导小组|组织领导|工作专班|联席会议|协调机制|考核|督查|督导|问责|责任制|责任追究|经费|队伍建设|培训|"
        rf"一把手|主要负责人|保障措施|宣传引导))(?=.*(?:{_TASK}))",
        34,
        "",
    ),
    ("h12_dispute_resolution", r"调解|信访|矛盾|纠纷|投诉|诉求|来访|维权", 24, ""),
    (
        "h12_public_services",
        r"政务服务|便民|一窗|通办|代办|一站式|网上办|在线办理|办事指南|服务窗口|办事大厅|最多跑一次|一次办|放管服|"
        r"证明事项|12345|服务热线|就近办|不见面",
        26,
        "",
    ),
    (
        "h12_smart_governance",
        r"信息平台|大数据|信息化|视频监控|数据共享|信息共享|智慧|互联网\+|信息系统|数据库|电子政务|云平台|监控|数字化|"
        r"联网|雪亮",
        26,
        "",
    ),
    (
        "h12_public_security",
        r"平安|治安|综治|维稳|扫黑|黑恶|禁毒|毒品|反恐|邪教|诈骗|群防群治|安保|社会稳定|违法犯罪|派出所|警",
        28,
        "",
    ),
    ("h12_psychological_services", r"心理|精神卫生|危机干预|疏导", 12, ""),
    (
        "h12_rule_of_law",
        r"法治|依法行政|行政执法|执法|法律援助|法律顾问|普法|法制|法律服务|宪法|以案释法|法律知识|守法|学法",
        22,
        "",
    ),
    ("h12_party_building", r"党组织|党支部|党建|党员|党总支|两委|党群|主题党日|三会一课", 20, ""),
    (
        "h12_special_groups",
        r"残疾|低保|特困|救助|老年|养老|留守|困境儿童|孤儿|未成年|贫困|困难|资助|特殊教育|优抚|弱势|助残|受灾群众",
        22,
        "",
    ),
    (
        "h12_social_participation",
        r"社会组织|志愿|义工|社工|社会工作|社会力量|慈善|捐赠|捐款|公益|共青团|团委|妇联|工会|协会|购买服务|征求意见|"
        r"公众参与|共建共治",
        20,
        "",
    ),
    (
        "h12_risk_prevention",
        r"应急|突发|预警|安全生产|消防|防火|火灾|防汛|灾害|隐患|事故|风险|疫情|防控|演练|食品安全|地震",
        20,
        "",
    ),
    ("h12_trap_budget", r"预算|收费|经费|资金|考试|考核|价格|培训", 10, ""),
    (
        "h12_trap_other",
        r"电网|数字经济|人工智能|自治区|自治州|自治县|交通安全|市场秩序|信息技术|智能|安全感|心理学|网格化布局|路网",
        12,
        "",
    ),
)
RANDOM = 60
#: at most this many paragraphs per page per search (the sources have few pages; the earlier sets used 2)
PER_PAGE = 6
#: a second round on the same pool (after the random paragraphs; it only adds rows): police work,
#: communities and residents, and work arrangements, where the thin themes' paragraphs and their
#: traps are
LATER: tuple[Draw, ...] = (
    ("h12_b_police", r"公安|民警|警|执勤|巡逻|巡查|案件|保卫|辖区", 20, ""),
    ("h12_b_community", r"社区|居民|村民|群众|街道|乡镇|村委|两委", 40, ""),
    ("h12_b_work", r"部署|落实|推进|督促|要求|责任|机制|制度|服务", 70, ""),
    ("h12_b_meeting", r"会议|培训|学习|检查|活动|座谈", 40, ""),
    ("h12_b_people", r"党|干部|职工|同志|领导|单位|部门", 40, ""),
)


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of the earlier label files that reference saved pages (the eighth to
    eleventh sets' files; the others reference ``../shared``, whose paragraphs are left out as a whole)."""
    return external_draw.label_sha1s(
        (
            HELDOUT8_FILE,
            HELDOUT8_READER2_FILE,
            HELDOUT8_ADJUDICATED_FILE,
            HELDOUT9_FILE,
            HELDOUT9_READER2_FILE,
            HELDOUT9_ADJUDICATED_FILE,
            HELDOUT10_FILE,
            HELDOUT10_READER2_FILE,
            HELDOUT10_ADJUDICATED_FILE,
            HELDOUT11_FILE,
        )
    )


def draw(
    seed: int, draws: tuple[Draw, ...] = DRAWS, random_count: int = RANDOM, later: tuple[Draw, ...] = LATER
) -> list[dict]:
    """The candidates: ``draws``, ``random_count`` random paragraphs of :data:`SOURCES`, then ``later``
    on the same pool."""
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=_earlier_label_sha1s())
    return external_draw.draw_rounds(seed, pool, draws, "h12_random", random_count, later, per_page=PER_PAGE)


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout12", 1712, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
