"""Draw the paragraphs of the tenth held-out label set (``tests/data/theme_labels_heldout10.jsonl``).

    .venv/bin/python -m nlp.draw_heldout10 OUT.jsonl [--seed 1710] [--checkout owner/name=PATH ...]

Built as the eighth and ninth sets (:mod:`nlp.draw_heldout8`, :mod:`nlp.draw_heldout9`, the
procedure of :mod:`nlp.external_draw`), from saved web sites that no theme-label file uses
(:data:`SOURCES`; none is one of the eighth or ninth sets' 16 repositories): a national highway
news site that reposts the notices of transport authorities, a Sichuan consultancy's site that
copies the Sichuan science and technology department's news, a Sichuan news portal, a Hunan culture-industry news portal, a
vocational college with its youth-league pages, a county forestry bureau, a page of the Beijing
development and reform commission, a poverty-alleviation site, a university Party congress site and
a page of the Sichuan provincial government's site (a city's notice).
All but ``mhxqwer/yjybeijing.gov.cn`` are also sources of the extraction page sets
(``bench/data/extract_pages*.json``), which label page structure, not themes. They are read by
the fixed reader of :mod:`nlp.external_docs` from their snapshots
(``../.mirror/<owner>+<name>/repo`` by default) at the commits below; no text of theirs is stored
in this repository.

What is drawn from: as in the eighth and ninth sets (every ``.htm``/``.html``/``.shtml`` page at
its commit, sorted by path; pages titled as a national law or regulation skipped; paragraphs of
15-300 characters, at least half CJK, on exactly one page of all the sources, no verbatim copy of
a paragraph of ``../shared``), and no paragraph whose sha1 is that of a row of the eighth or ninth
sets' files. ``register`` is read from the page title; ``group`` is the source site.

Word searches ``h10_*`` for every theme, weighted towards the thin ones (fengqiao, grids, three
governance, support, disputes, public services, smart governance, public security), the guide's
traps, then ``h10_random`` random paragraphs. At most ``PER_DOC`` per page per search, shuffled
with the seed. No tagger, model or rule matcher is run: the candidates (with their text) go to OUT
for the annotator, who labels each by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

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
)

#: (repository, commit, group): the saved sites drawn from
SOURCES: tuple[Source, ...] = (
    ("bkichen/21cn-highway_com", "0a30e1954d7f9013a6145f460cd566fc97e97f46", "中国公路网"),
    ("bl890923/scjchc-cn", "f99a5305e1754f0b333eafe3afcfd70f975f276e", "四川精诚合创科技"),
    ("bl890923/scrww-com", "6bd97cd30d8d408e0b1c43022608bff3db0222cf", "四川人物网"),
    ("blue124qq/hnci_net_cn", "fd141cac2cf44b3b4da7a7265db182c88ff98b30", "湖南文化产业网"),
    ("bkichen/wgxy_org_cn", "02cd93b4448a6d6a0c3d311c95cdfc27118d74ae", "武汉工程职业技术学院"),
    ("dklyj/dklyj.github.io", "52b348cdf6570c59f281b9f7470901dd647b56da", "洞口县林业局"),
    ("mhxqwer/yjybeijing.gov.cn", "53cdfc53fb44cc66afaf4fa931bbbdfa5d360db2", "北京市发展和改革委员会"),
    ("FuPinJ/JZfupin", "f6630c4e7fbd3508d4fa56e94d7ba8a06b43cf9a", "精准扶贫网"),
    ("braydenbao/zutddh", "75aa63e903f77740ab64b5f06668a26c58140885", "中原工学院党代会"),
    ("mhxqwer/zysc.gov.cn", "1fa8c9fbcbb9f42d5e2f5976333dab8f2f94b7c5", "四川省人民政府网站"),
)
_TASK = (
    "安全|应急|消防|防火|救援|防汛|平安|综治|信访|调解|矛盾|救助|残疾|留守|困难|养老|志愿|社会组织|网格|社区|"
    "政务服务|便民|法治|普法|法律援助|扶贫|心理|禁毒|扫黑|疫情|治超|路政|执法"
)
#: (name, pattern, how many, pattern that excludes a paragraph or "") in draw order
DRAWS: tuple[Draw, ...] = (
    ("h10_fengqiao", r"枫桥|矛盾不上交|就地化解|化解在基层|萌芽状态|小事不出", 8, ""),
    ("h10_grid_management", r"网格", 14, r"电网"),
    (
        "h10_three_governance",
        r"村规民约|居民公约|村民会议|村民代表|村务|居务|议事|移风易俗|红白|乡贤|自治(?![县区州旗])|德治|道德评议|积分制|"
        r"文明实践|民主协商|协商议事",
        20,
        "",
    ),
    (
        "h10_support_guarantee",
        rf"(?=.*(?:领导小组|组织领导|工作专班|联席会议|协调机制|考核|督查|督导|问责|责任制|责任追究|经费|队伍建设|培训|"
        rf"一把手|主要负责人|保障措施|宣传引导))(?=.*(?:{_TASK}))",
        34,
        "",
    ),
    ("h10_dispute_resolution", r"调解|信访|矛盾|纠纷|投诉|诉求|来访|维权", 24, ""),
    (
        "h10_public_services",
        r"政务服务|便民|一窗|通办|代办|一站式|网上办|在线办理|办事指南|服务窗口|办事大厅|最多跑一次|一次办|放管服|"
        r"证明事项|12345|服务热线|就近办|不见面",
        26,
        "",
    ),
    (
        "h10_smart_governance",
        r"信息平台|大数据|信息化|视频监控|数据共享|信息共享|智慧|互联网\+|信息系统|数据库|电子政务|云平台|监控|数字化|"
        r"联网|雪亮",
        26,
        "",
    ),
    (
        "h10_public_security",
        r"平安|治安|综治|维稳|扫黑|黑恶|禁毒|毒品|反恐|邪教|诈骗|群防群治|安保|社会稳定|违法犯罪|派出所|警",
        28,
        "",
    ),
    ("h10_psychological_services", r"心理|精神卫生|危机干预|疏导", 12, ""),
    (
        "h10_rule_of_law",
        r"法治|依法行政|行政执法|执法|法律援助|法律顾问|普法|法制|法律服务|宪法|以案释法|法律知识|守法|学法",
        22,
        "",
    ),
    ("h10_party_building", r"党组织|党支部|党建|党员|党总支|两委|党群|主题党日|三会一课", 20, ""),
    (
        "h10_special_groups",
        r"残疾|低保|特困|救助|老年|养老|留守|困境儿童|孤儿|未成年|贫困|困难|资助|特殊教育|优抚|弱势|助残|受灾群众",
        22,
        "",
    ),
    (
        "h10_social_participation",
        r"社会组织|志愿|义工|社工|社会工作|社会力量|慈善|捐赠|捐款|公益|共青团|团委|妇联|工会|协会|购买服务|征求意见|"
        r"公众参与|共建共治",
        20,
        "",
    ),
    (
        "h10_risk_prevention",
        r"应急|突发|预警|安全生产|消防|防火|火灾|防汛|灾害|隐患|事故|风险|疫情|防控|演练|食品安全|地震",
        20,
        "",
    ),
    ("h10_trap_budget", r"预算|收费|经费|资金|考试|考核|价格|培训", 10, ""),
    (
        "h10_trap_other",
        r"电网|数字经济|人工智能|自治区|自治州|自治县|交通安全|市场秩序|信息技术|智能|安全感|心理学|网格化布局|路网",
        12,
        "",
    ),
)
RANDOM = 60


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of the earlier label files that reference saved pages (the eighth and
    ninth sets' files; the others reference ``../shared``, whose paragraphs are left out as a whole)."""
    return external_draw.label_sha1s(
        (
            HELDOUT8_FILE,
            HELDOUT8_READER2_FILE,
            HELDOUT8_ADJUDICATED_FILE,
            HELDOUT9_FILE,
            HELDOUT9_READER2_FILE,
            HELDOUT9_ADJUDICATED_FILE,
        )
    )


def draw(seed: int, draws: Sequence[Draw] = DRAWS, random_count: int = RANDOM) -> list[dict]:
    """The candidates: ``draws`` then ``random_count`` random paragraphs of :data:`SOURCES`."""
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=_earlier_label_sha1s())
    return external_draw.draw_rounds(seed, pool, draws, "h10_random", random_count)


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout10", 1710, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
