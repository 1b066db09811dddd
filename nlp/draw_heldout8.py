"""Draw the paragraphs of the eighth held-out label set (``tests/data/theme_labels_heldout8.jsonl``).

    .venv/bin/python -m nlp.draw_heldout8 OUT.jsonl [--seed 1708] [--checkout owner/name=PATH ...]

Unlike the first seven sets, these paragraphs are not in ``../shared``: every law and report
there that holds the weak themes is used. They come from saved web sites of Chinese public
bodies in public git repositories (:data:`SOURCES`: county bureaus of forestry, human
resources and education, a provincial price bureau and education department, a construction
information site, the Fujian social-organisation site, a district education site), read by the
fixed reader of :mod:`nlp.external_docs` (a page's paragraphs, its title). The repositories
are read from their snapshots (``../.mirror/<owner>+<name>/repo`` by default) at the commits
below; no text of theirs is stored in this repository.

What is drawn from:

* every ``.htm``/``.html``/``.shtml`` file of a source at its commit, sorted by path; a page
  whose title names a national law or regulation (中华人民共和国…, …法, …条例, …实施细则) is
  skipped (laws are what ``../shared`` holds);
* a paragraph of 15-300 characters, at least half of them CJK, that occurs on exactly one page
  of all the sources (site chrome, menus and lists repeated across pages drop out), and that is
  no verbatim copy of a paragraph of ``../shared/corpus`` or the 范文 seed page.

``register`` is read from the page title (never the text): ``local_policy`` (通知, 方案, 意见,
办法, 规划, 计划, 决定, 措施, 细则, 要点, 制度, 公告, 通告), ``local_report`` (总结, 报告, 汇报,
调研, 讲话, 发言, 经验), else ``local_news``; ``group`` is the source site.

Word searches ``h8_*`` for every theme, weighted towards the weak themes (support, special
groups, public services, public security, social participation, smart governance, risk,
rule of law), the guide's traps, ``h8_random`` random paragraphs, then ``h8b_*`` (:data:`DRAWS_B`),
narrower words for the four themes the first round left thinnest; at most ``PER_DOC`` per page
per search, shuffled with the seed. No tagger, model or rule matcher is run: the candidates
(with their text) go to OUT for the annotator, who labels each by ``docs/labelling-guide.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp import external_draw
from nlp.external_draw import Source
from nlp.heldout_draw import Draw

#: (repository, commit, group): the saved sites drawn from
SOURCES: tuple[Source, ...] = (
    ("bkichen/atxlyj_cn", "d8186ca76cc26a4264c239adb6d5dbfc05a79fe3", "安图县林业局"),
    ("bkichen/gzdzhrss_com", "8c2b616c58d59df0353cc8ec70f68d6c02a3f1a3", "道真县人力资源网"),
    ("bkichen/lgedu_net", "9ebd6db52e549bb5793f52c37d3744be5bd24036", "岚皋县教育体育局"),
    ("bkichen/fjmjzz_com", "6e86c3f5d2faa7d35ee0c1b6063c2b071dee2d46", "福建民间组织信息网"),
    ("bkichen/jspn_js_cn", "cd59b89d06bc3a3fdfa038f9663d3dc22d424205", "江苏省物价局"),
    ("bkichen/scest_net", "7d13c60368cc20fade5a4ae54799a707d2a7fd51", "四川省教育厅平台"),
    ("bkichen/hncic_net", "2d9ff406b49bcac723552c708240f44eeced1197", "海南建设信息网"),
    ("blue124qq/hdjxedu_cn", "94301611ba2353a7606017d4d150f0fb53a86fca", "海淀教育"),
)

_TASK = (
    "安全|应急|消防|防火|救援|防汛|平安|综治|信访|调解|矛盾|资助|救助|残疾|留守|困难|养老|志愿|社会组织|网格|"
    "政务服务|便民|法治|普法|法律援助|扶贫|就业援助|欠薪|农民工|心理|禁毒|扫黑|疫情"
)
#: (name, pattern, how many, pattern that excludes a paragraph or "") in draw order
DRAWS: tuple[Draw, ...] = (
    (
        "h8_support_guarantee",
        rf"(?=.*(?:领导小组|组织领导|工作专班|联席会议|协调机制|考核|督查|督导|问责|责任制|责任追究|经费|队伍建设|培训|"
        rf"一把手|主要负责人|保障措施|宣传引导))(?=.*(?:{_TASK}))",
        44,
        "",
    ),
    (
        "h8_support_words",
        r"组织保障|加强领导|组织领导|责任落实|督查考核|经费保障|保障措施|纳入.{0,8}考核|领导小组",
        16,
        "",
    ),
    (
        "h8_special_groups",
        r"残疾|低保|最低生活保障|特困|救助|老年人|养老|留守|困境儿童|孤儿|未成年|贫困学生|家庭经济困难|资助|特殊教育|"
        r"随迁子女|农民工子女|失独|优抚|弱势|困难群众|困难职工|就业援助|零就业",
        40,
        "",
    ),
    (
        "h8_public_services",
        r"政务服务|便民|一窗|通办|代办|一站式|网上办理|在线办理|办事指南|服务窗口|服务大厅|最多跑一次|一次办|"
        r"放管服|减证|证明事项|办理时限|即办|12345|服务中心|公共服务|服务热线",
        34,
        "",
    ),
    (
        "h8_public_security",
        r"平安|治安|综治|社会稳定|维稳|扫黑|黑恶|禁毒|毒品|反恐|邪教|电信诈骗|诈骗|校园安全|群防群治|国家安全|安保|"
        r"违法犯罪|打击|稳定",
        34,
        "",
    ),
    (
        "h8_social_participation",
        r"社会组织|志愿|义工|社会工作|社工|社会力量|慈善|捐赠|捐款|公益|群团|共青团|妇联|工会|社会团体|行业协会|"
        r"购买服务|征求意见|听证|公众参与|鼓励.{0,16}参与|家长委员会|家校",
        34,
        "",
    ),
    (
        "h8_smart_governance",
        r"信息平台|大数据|信息化|视频监控|数据共享|信息共享|数字|智慧|互联网\+|信息系统|数据库|网上|电子政务|"
        r"云平台|管理系统|监控",
        30,
        "",
    ),
    (
        "h8_risk_prevention",
        r"应急|突发|预警|安全生产|消防|防火|火灾|防汛|灾害|隐患|事故|风险|疫情|防控|安全检查|演练|食品安全|地质",
        30,
        "",
    ),
    (
        "h8_rule_of_law",
        r"法治|依法行政|行政执法|执法|法律援助|法律顾问|普法|法制|法律服务|规范性文件|合法性审查|七五|八五|以案释法|"
        r"宪法|依法",
        28,
        "",
    ),
    ("h8_dispute_resolution", r"调解|信访|矛盾纠纷|纠纷|仲裁|投诉|复议|诉求|欠薪|劳动争议", 20, ""),
    (
        "h8_three_governance",
        r"村规民约|居民公约|村民会议|村民代表|村民委员会|村委会|居委会|村务|议事|移风易俗|乡风|红白|乡贤|自治|德治|"
        r"文明实践|道德",
        16,
        "",
    ),
    ("h8_party_building", r"党组织|党支部|党建|党员|党委|两委|党群", 14, ""),
    ("h8_grid_management", r"网格", 6, ""),
    ("h8_psychological_services", r"心理|精神卫生|危机干预", 10, ""),
    ("h8_fengqiao", r"枫桥|矛盾不上交|就地化解|化解在基层|萌芽状态", 4, ""),
    ("h8_trap_budget", r"预算|收费|经费|资金|考试|考核|价格|培训", 14, ""),
    ("h8_trap_other", r"电网|数字经济|人工智能|自治区|自治州|自治县|交通安全|市场秩序|信息技术|智能", 10, ""),
)
RANDOM = 60
#: second round, after the first gave fewer than 12 positives for services, security, disputes and three
#: governance: narrower words for them (自治县/区/州 excluded: the county of 道真 is one)
DRAWS_B: tuple[Draw, ...] = (
    (
        "h8b_public_services",
        r"政务服务|便民服务|一窗|通办|代办|一站式|网上办理|在线办理|办事指南|服务窗口|办事大厅|最多跑一次|一次办|证明事项|"
        r"12345|服务热线|只跑一次|就近办",
        12,
        "",
    ),
    (
        "h8b_public_security",
        r"平安|治安|综治|维稳|扫黑|黑恶|禁毒|反恐|邪教|电信.{0,4}诈骗|群防群治|校园周边|安保|社会稳定",
        10,
        "",
    ),
    (
        "h8b_three_governance",
        r"村规民约|居民公约|村民会议|村民代表|村务|议事|移风易俗|红白|乡贤|自治(?![县区州])|德治|道德评议",
        10,
        "",
    ),
    ("h8b_dispute_resolution", r"调解|信访|矛盾纠纷|纠纷化解|劳动争议", 8, ""),
)


def draw(
    seed: int, draws: Sequence[Draw] = DRAWS, random_count: int = RANDOM, later: Sequence[Draw] = DRAWS_B
) -> list[dict]:
    """The candidates: ``draws``, then ``random_count`` random paragraphs, then ``later`` (which only adds rows),
    all on one pool of :data:`SOURCES`."""
    pool = external_draw.build_pool(SOURCES)
    return external_draw.draw_rounds(seed, pool, draws, "h8_random", random_count, later)


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout8", 1708, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
