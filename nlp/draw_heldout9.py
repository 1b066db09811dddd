"""Draw the paragraphs of the ninth held-out label set (``tests/data/theme_labels_heldout9.jsonl``).

    .venv/bin/python -m nlp.draw_heldout9 OUT.jsonl [--seed 1709] [--checkout owner/name=PATH ...]

Built as the eighth set (:mod:`nlp.draw_heldout8`), from saved web sites of public bodies and
governance-related organisations that no label file uses (:data:`SOURCES`): the China Welfare
Lottery centre of the Ministry of Civil Affairs, a municipal women's and children's hospital, the
Chaoyang youth-league site, the Jinzhong city government, the Tangshan education site (its
community college), a city security-services association and a district school; then
(:data:`SOURCES_B`) the Guangdong prison administration's saved site. They are read by
the fixed reader of :mod:`nlp.external_docs` from their snapshots
(``../.mirror/<owner>+<name>/repo`` by default) at the commits below; no text of theirs is stored
in this repository.

What is drawn from: as in the eighth set (every ``.htm``/``.html``/``.shtml`` page at its commit,
sorted by path; pages titled as a national law or regulation skipped; paragraphs of 15-300
characters, at least half CJK, on exactly one page of all the sources, no verbatim copy of a
paragraph of ``../shared``), and also no paragraph whose sha1 is that of a row of an earlier label
file (the eighth set's rows carry their sha1). ``register`` is read from the page title as in
the eighth set; ``group`` is the source site.

Word searches ``h9_*`` for every theme, weighted towards the thin ones (fengqiao, three
governance, grids, psychological services, rule of law, public security, disputes, Party
building, support), the guide's traps, ``h9_random`` random paragraphs; then ``h9b_*``
(:data:`DRAWS_B`) on the second round's site, a pool of its own (no paragraph of the first
round's pages), which only adds rows. At most ``PER_DOC`` per page per search, shuffled with
the seed. No tagger, model or rule matcher is run: the candidates
(with their text) go to OUT for the annotator, who labels each by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp import external_draw
from nlp.external_draw import Source
from nlp.heldout_draw import Draw
from nlp.labels import HELDOUT8_ADJUDICATED_FILE, HELDOUT8_FILE, HELDOUT8_READER2_FILE

#: (repository, commit, group): the saved sites drawn from
SOURCES: tuple[Source, ...] = (
    ("bkichen/cptz_net", "f2a9e5f36a83dde89f3dd09ee6a6885569827830", "中国福彩网"),
    ("bkichen/gzfuying_com", "710258a0ff8c40246fa45a46c5b993c10dbfa1c6", "广州市妇女儿童医疗中心"),
    ("bkichen/qccy_org_cn", "3356c1d54d66ce27a16a68a320e56a0b04544e6e", "青春朝阳网"),
    ("qitiandear/jzzf", "99f9d327b94843ed3005b381157f5369d7de31e5", "晋中政府网"),
    ("blue124qq/tslnedu_com_cn", "6e4284a6047409984a6bf48ecc39a6825276e926", "唐山教育网"),
    ("jwxiaoming/baoan", "5d5da0456a147c8fcb3de8278de672bc477c6a3e", "成都市安保技术与服务协会"),
    ("bkichen/puchengedu_com", "ae31eb5c6c28578dfb1ce956a5c80bdecb42bead", "蒲城县北关小学"),
)
_TASK = (
    "安全|应急|消防|防火|救援|防汛|平安|综治|信访|调解|矛盾|救助|残疾|留守|困难|养老|志愿|社会组织|网格|社区|"
    "政务服务|便民|法治|普法|法律援助|扶贫|心理|禁毒|扫黑|疫情|公益"
)
#: (name, pattern, how many, pattern that excludes a paragraph or "") in draw order
DRAWS: tuple[Draw, ...] = (
    ("h9_fengqiao", r"枫桥|矛盾不上交|就地化解|化解在基层|萌芽状态|小事不出", 6, ""),
    (
        "h9_three_governance",
        r"村规民约|居民公约|村民会议|村民代表|村务|居务|议事|移风易俗|红白|乡贤|自治(?![县区州])|德治|道德评议|积分制|"
        r"文明实践|民主协商|协商议事",
        20,
        "",
    ),
    ("h9_grid_management", r"网格", 12, r"电网"),
    ("h9_psychological_services", r"心理|精神卫生|危机干预|疏导", 22, ""),
    (
        "h9_rule_of_law",
        r"法治|依法行政|行政执法|执法|法律援助|法律顾问|普法|法制|法律服务|宪法|以案释法|法律知识|守法|学法",
        26,
        "",
    ),
    (
        "h9_public_security",
        r"平安|治安|综治|维稳|扫黑|黑恶|禁毒|毒品|反恐|邪教|诈骗|群防群治|安保|社会稳定|违法犯罪|派出所|警",
        30,
        "",
    ),
    ("h9_dispute_resolution", r"调解|信访|矛盾|纠纷|投诉|诉求|来访|医患", 22, ""),
    ("h9_party_building", r"党组织|党支部|党建|党员|党总支|两委|党群|主题党日|三会一课", 26, ""),
    (
        "h9_support_guarantee",
        rf"(?=.*(?:领导小组|组织领导|工作专班|联席会议|协调机制|考核|督查|督导|问责|责任制|责任追究|经费|队伍建设|培训|"
        rf"一把手|主要负责人|保障措施|宣传引导))(?=.*(?:{_TASK}))",
        34,
        "",
    ),
    (
        "h9_special_groups",
        r"残疾|低保|特困|救助|老年|养老|留守|困境儿童|孤儿|孤残|未成年|贫困|困难|资助|特殊教育|优抚|弱势|扶老|助残|"
        r"救孤|济困",
        30,
        "",
    ),
    (
        "h9_social_participation",
        r"社会组织|志愿|义工|社工|社会工作|社会力量|慈善|捐赠|捐款|公益|共青团|团委|妇联|工会|协会|购买服务|征求意见|"
        r"公众参与|共建共治",
        28,
        "",
    ),
    (
        "h9_public_services",
        r"政务服务|便民|一窗|通办|代办|一站式|网上办理|在线办理|办事指南|服务窗口|办事大厅|最多跑一次|一次办|放管服|"
        r"证明事项|12345|服务热线|就近办",
        20,
        "",
    ),
    (
        "h9_smart_governance",
        r"信息平台|大数据|信息化|视频监控|数据共享|信息共享|智慧|互联网\+|信息系统|数据库|电子政务|云平台|监控|数字化",
        18,
        "",
    ),
    (
        "h9_risk_prevention",
        r"应急|突发|预警|安全生产|消防|防火|火灾|防汛|灾害|隐患|事故|风险|疫情|防控|演练|食品安全|防溺水|地震",
        22,
        "",
    ),
    ("h9_trap_budget", r"预算|收费|经费|资金|考试|考核|价格|培训|公益金", 12, ""),
    (
        "h9_trap_other",
        r"电网|数字经济|人工智能|自治区|自治州|自治县|交通安全|市场秩序|信息技术|智能|安全感|心理学",
        10,
        "",
    ),
)
RANDOM = 60
#: second round, after the first gave fewer than 5 positives for fengqiao, three governance, grids,
#: disputes, support and smart governance: one more site (a provincial prison administration's saved
#: site, with pages of other Guangdong bodies), drawn from on its own so that the first round's rows
#: stay as they were; it only adds rows
SOURCES_B: tuple[Source, ...] = (
    ("blue124qq/stw_gd_cn", "e25f1bac4ba8739ac09fe900fa286ff156973690", "广东省监狱管理局"),
)
DRAWS_B: tuple[Draw, ...] = (
    ("h9b_fengqiao", r"枫桥|矛盾不上交|就地化解|化解在基层|萌芽状态|小事不出", 4, ""),
    (
        "h9b_three_governance",
        r"村规民约|居民公约|村民会议|村民代表|村务|议事|移风易俗|红白|乡贤|自治(?![县区州])|德治|积分制|民主协商",
        8,
        "",
    ),
    ("h9b_grid_management", r"网格", 4, r"电网"),
    ("h9b_dispute_resolution", r"调解|信访|矛盾纠纷|纠纷|诉求|来访", 8, ""),
    (
        "h9b_support_guarantee",
        rf"(?=.*(?:领导小组|组织领导|工作专班|联席会议|考核|督导|问责|责任制|经费|队伍建设|培训|保障措施))(?=.*(?:{_TASK}|法治|普法|监狱|矫正|帮教))",
        10,
        "",
    ),
    ("h9b_psychological_services", r"心理|精神卫生|危机干预", 4, ""),
    (
        "h9b_public_security",
        r"平安|治安|综治|维稳|扫黑|黑恶|禁毒|反恐|邪教|诈骗|群防群治|社会稳定|监管安全|安置帮教|社区矫正",
        8,
        "",
    ),
    ("h9b_rule_of_law", r"法治|普法|法律援助|依法行政|宪法|法律服务|以案释法", 8, ""),
    ("h9b_smart_public_services", r"政务服务|一网通办|网上办|一窗|信息化|大数据|智慧|信息平台", 8, ""),
)


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of the earlier label files that reference saved pages (the eighth set's
    three files; the others reference ``../shared``, whose paragraphs are left out as a whole)."""
    return external_draw.label_sha1s((HELDOUT8_FILE, HELDOUT8_READER2_FILE, HELDOUT8_ADJUDICATED_FILE))


def draw(
    seed: int, draws: Sequence[Draw] = DRAWS, random_count: int = RANDOM, later: Sequence[Draw] = DRAWS_B
) -> list[dict]:
    """The candidates: ``draws`` and ``random_count`` random paragraphs of :data:`SOURCES`, then
    ``later`` on :data:`SOURCES_B` (its own pool, shuffled with the same seed; it only adds rows)."""
    earlier = _earlier_label_sha1s()
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=earlier)
    pool_b = external_draw.second_pool(SOURCES, SOURCES_B, earlier) if later else None
    return external_draw.draw_rounds(seed, pool, draws, "h9_random", random_count, later, pool_b)


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout9", 1709, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
