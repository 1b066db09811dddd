"""Draw the paragraphs of the eleventh held-out label set (``tests/data/theme_labels_heldout11.jsonl``).

    .venv/bin/python -m nlp.draw_heldout11 OUT.jsonl [--seed 1711] [--checkout owner/name=PATH ...]

Built as the eighth to tenth sets (:mod:`nlp.draw_heldout8`, :mod:`nlp.draw_heldout9`,
:mod:`nlp.draw_heldout10`, the procedure of :mod:`nlp.external_draw`), from saved web sites that no
theme-label file uses (:data:`SOURCES`; none is one of the eighth, ninth or tenth sets' 26
repositories nor a source of an earlier draw): the Guangxi social-science planning office's news
and notices, and saved pages (mostly one per site: news, notices, headline lists) of 48 government
and public bodies' sites: provincial, city and district governments, ministries' and provincial
departments' sites, a civilisation office's site and the financial regulator's pages.
All but seven of them (``mhxqwer/djsc.gov.cn``, ``gqsbeijing.gov.cn``, ``lxhkjt.yn.gov.cn``,
``lysc.gov.cn``, ``shwhlyj.beijing.gov.cn``, ``ypljnwl.jinan.gov.cn``, ``zxw1wuhan.gov.cn``) are also
sources of the extraction page sets (``bench/data/extract_pages*.json``), which label page
structure, not themes. They are read by the fixed reader of :mod:`nlp.external_docs` from their
snapshots (``../.mirror/<owner>+<name>/repo`` by default) at the commits below; no text of theirs is
stored in this repository.

What is drawn from: as in the eighth to tenth sets (every ``.htm``/``.html``/``.shtml`` page at
its commit, sorted by path; pages titled as a national law or regulation skipped; paragraphs of
15-300 characters, at least half CJK, on exactly one page of all the sources, no verbatim copy of
a paragraph of ``../shared``), and no paragraph whose sha1 is that of a row of the eighth, ninth or
tenth sets' files. ``register`` is read from the page title; ``group`` is the source site.

Word searches ``h11_*`` for every theme, weighted towards the thin ones (fengqiao, grids, three
governance, support, disputes, public services, smart governance, public security, special groups),
the guide's traps, then ``h11_random`` random paragraphs; then a second round ``h11_b_*`` (the thin
themes and their traps) on :data:`SOURCES_B`, a county government's saved portal that is in no
theme-label file and no extraction page set, drawn from a pool of its own (so the first round does
not depend on it; its paragraphs that occur on a page of :data:`SOURCES` are left out). At most
``PER_DOC`` per page per search, shuffled with the seed. No tagger, model or rule matcher is run: the candidates (with their text) go
to OUT for the annotator, who labels each by ``docs/labelling-guide.md``.
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
    HELDOUT10_FILE,
)

#: (repository, commit, group): the saved sites drawn from
SOURCES: tuple[Source, ...] = (
    ("Yuhamixli/nfra.gov.cn", "10266315e5bf282fc9435bebd343ec86d14fbbd9", "国家金融监督管理总局"),
    ("bkichen/gxpopss_cn", "f4b72d161578d4e5bf0db70ceaea5f8cc1f2acaa", "广西社科规划办"),
    ("mhxqwer/cxwxa.gov.cn", "ff35ae23f273a34623960a883743d5164fd613b8", "西安市人民政府"),
    ("mhxqwer/djsc.gov.cn", "ba7367308e93776df12e30293f10c8d80788e0b0", "四川省人民政府网站"),
    ("mhxqwer/dyqtaiyuan.gov.cn", "9f8a7294e8f3bef8b34bb53ce46375b8821cd12d", "太原市人民政府"),
    ("mhxqwer/fjffoshan.gov.cn", "ad023daddc8a5326d825abebe76fcd3728e01797", "佛山市人民政府"),
    ("mhxqwer/gjbcac.gov.cn", "b6bddb3f5a0f7bdb5799304f66457b7a0a91b66f", "中央网信办"),
    ("mhxqwer/gqcwlmq.gov.cn", "2e614c8ef50ddb415fe79c8e2622d5baab86c1d0", "乌鲁木齐市人民政府"),
    ("mhxqwer/gqsbeijing.gov.cn", "e629215ae67aa0f9aa188616479b9d0996a79e81", "北京市重大项目建设指挥办公室"),
    ("mhxqwer/gqsbjshy.gov.cn", "077ef050fa16d6c4e2caebacd84589d1ec2d9f20", "北京市顺义区人民政府"),
    ("mhxqwer/hjhbjdx.gov.cn", "872fd61c27a62afbf927692ebc07a42bab24a40b", "北京市大兴区人民政府"),
    ("mhxqwer/hjhbjft.gov.cn", "17cd441bb6c5b1b1286ebfb2c81e3a234db9c3fd", "北京市丰台区人民政府"),
    ("mhxqwer/htqcznd.gov.cn", "969354445b916d2c9cf5a6f075f09afb3498b20d", "常州国家高新区管委会"),
    ("mhxqwer/jchgz.gov.cn", "e2fa90b6473d4e398566addb57d48368712d859c", "广州市人民政府"),
    ("mhxqwer/jchhp.gov.cn", "81056275afec2df66ce974382a533c76cf3f3c8c", "广州市黄埔区人民政府"),
    ("mhxqwer/jrneac.gov.cn", "a7986aa266643cd6ae9debe84fa0d31c2045d431", "国家民族事务委员会"),
    ("mhxqwer/ldqsuibin.gov.cn", "f8352140ea28446c304426e5ba747fcb5f043a14", "绥滨县人民政府"),
    ("mhxqwer/lfyfcgs.gov.cn", "8d717b37f5426b309b13c14f74bc9be9dc99493e", "防城港市人民政府"),
    ("mhxqwer/lfygxzf.gov.cn", "49f468c1884bbe0a4b003b68faa9bc80f2873358", "广西壮族自治区人民政府"),
    ("mhxqwer/lgcwsjkw.sh.gov.cn", "95754c21aad4992b08b09c7aad0fae90938d1e21", "上海市卫生健康委员会"),
    ("mhxqwer/ljcbj.wenming.cn", "88b64e650eef6ea5abc6f9b86a3b61769875a442", "首都文明网"),
    ("mhxqwer/ljywhlyw.cq.gov.cn", "3f907fb18317fb69eaf440acb03cc41229e45789", "重庆市文化和旅游发展委员会"),
    ("mhxqwer/lklhfss.gov.cn", "a16a7d64bd807bba2696c16c6e0b97c101cc42e3", "合肥市蜀山区人民政府"),
    ("mhxqwer/lszqingdao.gov.cn", "cf306cf145b2a3b7d1bf1e108f08560fe456dd63", "青岛政务网"),
    ("mhxqwer/lxhkjt.yn.gov.cn", "94f5e379a66bbbbb0fa17ecd9bc92d64837579c0", "云南省科技厅"),
    ("mhxqwer/lxhyn.gov.cn", "7216fa1a8fb248c105c9092d964d900baece7b24", "云南省人民政府"),
    ("mhxqwer/lysc.gov.cn", "0e3369166c0def42dd081e57d34edede42578279", "四川省人民政府网站"),
    ("mhxqwer/lysctcm.sc.gov.cn", "8358491903358d1efece925044cb62b35c115615", "四川省中医药管理局"),
    ("mhxqwer/lytwtl.sz.gov.cn", "5bbf4d3d8038b37acd8d9f76ea7dfd8248bdc49f", "深圳市文化广电旅游体育局"),
    ("mhxqwer/mhmiit.gov.cn", "ffe48825b387ad00768e34d82c288e81a221e6c0", "工业和信息化部"),
    ("mhxqwer/mltjyt.zj.gov.cn", "403941d33002706d81014ff8ebb261d6c3d0feac", "浙江省教育厅"),
    ("mhxqwer/myzgd.gov.cn", "46edfb52d6158b89a4c4b4677d24f3d2c44cf75f", "广东省人民政府"),
    ("mhxqwer/nzwjw.beijing.gov.cn", "c6927caf50dc7c89d18c133df564814b9f991fcb", "北京市教育委员会"),
    ("mhxqwer/shwhlyj.beijing.gov.cn", "a434769738764a17116974d6784deff7698ded56", "北京市文化和旅游局"),
    ("mhxqwer/sykfjax.gov.cn", "ba399004236d50bd08bc5e92c6be4d964f72c561", "安溪县人民政府"),
    ("mhxqwer/tqjsjz.gov.cn", "032bb61357baae0c712760304509e0e29886365d", "石家庄市人民政府"),
    ("mhxqwer/tqjwhly.hebei.gov.cn", "3f40be17bf8a6a6d0a1eecf3e3c0083d9f8bff9d", "河北省文化和旅游厅"),
    ("mhxqwer/wjmoe.gov.cn", "b341ad18db74c5ddfb6fdaf88a80f8c5f1830048", "教育部"),
    ("mhxqwer/wmlct.zj.gov.cn", "b316846a6a54e7e60b4a9ab9f53e5eebc6b5b594", "浙江省文化和旅游厅"),
    ("mhxqwer/wmlhonghu.gov.cn", "6b2eb5c9e4faff2958d73ddd59ab4c4a4f6405d3", "洪湖市人民政府"),
    ("mhxqwer/wxhshaanxi.gov.cn", "a5cfbc52434139053096ed096f3f3564102816da", "陕西省人民政府"),
    ("mhxqwer/wyxby.gov.cn", "4d6c40c2d4703433153e0177a30c0166cb7cbd8e", "广州市白云区人民政府"),
    ("mhxqwer/wyxgzns.gov.cn", "e8b1e3cd6489ea47ae335d50089f8f75bc12ecfa", "广州市南沙区人民政府"),
    ("mhxqwer/ypljnwl.jinan.gov.cn", "8f3167023aa37b932ef7e79ed07f4a5a057ddc7c", "济南市文化和旅游局"),
    ("mhxqwer/zgy2jyt.ah.gov.cn", "3b6e3eab5fcebdac6a4b63b7a767c2bdada65969", "安徽省教育厅"),
    ("mhxqwer/zlzlf.gov.cn", "8fbe0cafb23e2402562245994e03a78ed59d3117", "廊坊市人民政府"),
    ("mhxqwer/zxw1wuhan.gov.cn", "ffc4f7b27b57ec77c7d416868937de3968f816f0", "武汉市人民政府"),
    ("mhxqwer/zxwwuhan.gov.cn", "56ecde998c33a94558d51ea731e4f23c13d0f5a6", "武汉市人民政府"),
    ("mhxqwer/zyjhenan.gov.cn", "d5dc5b503b15255dd83507584146b1bc03a20529", "河南省人民政府"),
)
_TASK = (
    "安全|应急|消防|防火|救援|防汛|平安|综治|信访|调解|矛盾|救助|残疾|留守|困难|养老|志愿|社会组织|网格|社区|"
    "政务服务|便民|法治|普法|法律援助|扶贫|心理|禁毒|扫黑|疫情|治超|路政|执法"
)
#: (name, pattern, how many, pattern that excludes a paragraph or "") in draw order
DRAWS: tuple[Draw, ...] = (
    ("h11_fengqiao", r"枫桥|矛盾不上交|就地化解|化解在基层|萌芽状态|小事不出", 8, ""),
    ("h11_grid_management", r"网格", 14, r"电网"),
    (
        "h11_three_governance",
        r"村规民约|居民公约|村民会议|村民代表|村务|居务|议事|移风易俗|红白|乡贤|自治(?![县区州旗])|德治|道德评议|积分制|"
        r"文明实践|民主协商|协商议事",
        20,
        "",
    ),
    (
        "h11_support_guarantee",
        rf"(?=.*(?:领导小组|组织领导|工作专班|联席会议|协调机制|考核|督查|督导|问责|责任制|责任追究|经费|队伍建设|培训|"
        rf"一把手|主要负责人|保障措施|宣传引导))(?=.*(?:{_TASK}))",
        34,
        "",
    ),
    ("h11_dispute_resolution", r"调解|信访|矛盾|纠纷|投诉|诉求|来访|维权", 24, ""),
    (
        "h11_public_services",
        r"政务服务|便民|一窗|通办|代办|一站式|网上办|在线办理|办事指南|服务窗口|办事大厅|最多跑一次|一次办|放管服|"
        r"证明事项|12345|服务热线|就近办|不见面",
        26,
        "",
    ),
    (
        "h11_smart_governance",
        r"信息平台|大数据|信息化|视频监控|数据共享|信息共享|智慧|互联网\+|信息系统|数据库|电子政务|云平台|监控|数字化|"
        r"联网|雪亮",
        26,
        "",
    ),
    (
        "h11_public_security",
        r"平安|治安|综治|维稳|扫黑|黑恶|禁毒|毒品|反恐|邪教|诈骗|群防群治|安保|社会稳定|违法犯罪|派出所|警",
        28,
        "",
    ),
    ("h11_psychological_services", r"心理|精神卫生|危机干预|疏导", 12, ""),
    (
        "h11_rule_of_law",
        r"法治|依法行政|行政执法|执法|法律援助|法律顾问|普法|法制|法律服务|宪法|以案释法|法律知识|守法|学法",
        22,
        "",
    ),
    ("h11_party_building", r"党组织|党支部|党建|党员|党总支|两委|党群|主题党日|三会一课", 20, ""),
    (
        "h11_special_groups",
        r"残疾|低保|特困|救助|老年|养老|留守|困境儿童|孤儿|未成年|贫困|困难|资助|特殊教育|优抚|弱势|助残|受灾群众",
        22,
        "",
    ),
    (
        "h11_social_participation",
        r"社会组织|志愿|义工|社工|社会工作|社会力量|慈善|捐赠|捐款|公益|共青团|团委|妇联|工会|协会|购买服务|征求意见|"
        r"公众参与|共建共治",
        20,
        "",
    ),
    (
        "h11_risk_prevention",
        r"应急|突发|预警|安全生产|消防|防火|火灾|防汛|灾害|隐患|事故|风险|疫情|防控|演练|食品安全|地震",
        20,
        "",
    ),
    ("h11_trap_budget", r"预算|收费|经费|资金|考试|考核|价格|培训", 10, ""),
    (
        "h11_trap_other",
        r"电网|数字经济|人工智能|自治区|自治州|自治县|交通安全|市场秩序|信息技术|智能|安全感|心理学|网格化布局|路网",
        12,
        "",
    ),
)
RANDOM = 60
#: the second round's source: a county government's saved portal (news, notices, service guides)
SOURCES_B: tuple[Source, ...] = (("dedicate/jiayu.com", "c9dbc7372a7896107ca14803675e3f6de0519409", "嘉鱼县人民政府"),)
_B = {name: pattern for name, pattern, _, _ in DRAWS}
#: the second round on :data:`SOURCES_B`'s own pool: the thin themes and their traps
DRAWS_B: tuple[Draw, ...] = (
    ("h11_b_fengqiao", _B["h11_fengqiao"], 8, ""),
    ("h11_b_grid_management", _B["h11_grid_management"], 12, r"电网"),
    ("h11_b_three_governance", _B["h11_three_governance"], 12, ""),
    ("h11_b_support_guarantee", _B["h11_support_guarantee"], 14, ""),
    ("h11_b_dispute_resolution", _B["h11_dispute_resolution"], 14, ""),
    ("h11_b_public_services", _B["h11_public_services"], 14, ""),
    ("h11_b_smart_governance", _B["h11_smart_governance"], 10, ""),
    ("h11_b_public_security", _B["h11_public_security"], 14, ""),
    ("h11_b_special_groups", _B["h11_special_groups"], 12, ""),
    ("h11_b_trap_other", _B["h11_trap_other"], 8, ""),
)


def _earlier_label_sha1s() -> set[str]:
    """The sha1 of every row of the earlier label files that reference saved pages (the eighth, ninth
    and tenth sets' files; the others reference ``../shared``, whose paragraphs are left out as a whole)."""
    return external_draw.label_sha1s(
        (
            HELDOUT8_FILE,
            HELDOUT8_READER2_FILE,
            HELDOUT8_ADJUDICATED_FILE,
            HELDOUT9_FILE,
            HELDOUT9_READER2_FILE,
            HELDOUT9_ADJUDICATED_FILE,
            HELDOUT10_FILE,
        )
    )


def draw(
    seed: int, draws: Sequence[Draw] = DRAWS, random_count: int = RANDOM, later: Sequence[Draw] = DRAWS_B
) -> list[dict]:
    """The candidates: ``draws`` and ``random_count`` random paragraphs of :data:`SOURCES`, then
    ``later`` on :data:`SOURCES_B` (its own pool, shuffled with the same seed; it only adds rows)."""
    earlier = _earlier_label_sha1s()
    pool = external_draw.build_pool(SOURCES, earlier_sha1s=earlier)
    pool_b = external_draw.second_pool(SOURCES, SOURCES_B, earlier) if later else None
    return external_draw.draw_rounds(seed, pool, draws, "h11_random", random_count, later, pool_b)


def main(argv: list[str] | None = None) -> int:
    return external_draw.main(argv, "nlp.draw_heldout11", 1711, draw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
