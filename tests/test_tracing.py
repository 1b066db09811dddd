"""Tracing on constructed cases with known answers: real SQLite stores in temp folders."""

from __future__ import annotations

import pytest

from govtext.documents import Document
from govtext.errors import BadInput, NotFound
from tracing.articles import cn_number, parse_articles
from tracing.diff import diff_documents
from tracing.implements import implements
from tracing.source import source_for
from tracing.trace import trace_paragraph, trace_text
from tracing.watches import Watches

PHRASE = "坚持和发展新时代“枫桥经验”，完善矛盾纠纷多元预防调处化解综合机制，把矛盾纠纷化解在基层"


def ingest(backend, settings, docs):
    from pipeline import ingest_documents

    report = ingest_documents([Document.from_dict(d) for d in docs], backend, settings, analyzer=None)
    assert not report.problems, report.problems


PLANTED = [
    # the wording, used first in 浙江 2019, then spreading, with the place names and numbers changed
    {
        "id": "zj-2019",
        "date": "2019-03-01",
        "region": "浙江",
        "doc_type": "report",
        "title": "浙江省平安建设报告",
        "text": "一、总体情况\n浙江省" + PHRASE + "，2019年化解纠纷3000件。\n二、下一步打算",
    },
    {
        "id": "js-2021",
        "date": "2021-02-10",
        "region": "江苏",
        "doc_type": "report",
        "title": "江苏省工作报告",
        "text": "各位代表：\n江苏省" + PHRASE + "，2021年化解纠纷12000件。\n加强网格化管理。",
    },
    {
        "id": "qg-2020",
        "date": "2020-05-22",
        "region": "全国",
        "doc_type": "report",
        "title": "政府工作报告",
        "text": "过去一年\n全国" + PHRASE + "，2020年化解纠纷56万件。",
    },
    # a near copy: one clause dropped and one inserted
    {
        "id": "sd-2022",
        "date": "2022-01-05",
        "region": "山东",
        "doc_type": "report",
        "title": "山东省工作报告",
        "text": "山东省坚持和发展新时代“枫桥经验”，健全完善矛盾纠纷多元预防调处化解综合机制，把矛盾纠纷化解在基层和萌芽状态，2022年化解纠纷800件。",
    },
    {
        "id": "other",
        "date": "2018-01-01",
        "region": "北京",
        "doc_type": "report",
        "title": "无关文档",
        "text": "推进城市更新和老旧小区改造，完善公共交通网络。\n加快建设国际科技创新中心。",
    },
]


@pytest.fixture
def planted(backend, settings):
    ingest(backend, settings, PLANTED)
    return backend


def test_trace_orders_by_date_and_names_the_first_user(planted):
    result = trace_text(source_for(planted), "坚持和发展新时代“枫桥经验”，完善矛盾纠纷多元预防调处化解综合机制")
    ids = [o["doc_id"] for o in result["occurrences"]]
    assert ids == ["zj-2019", "qg-2020", "js-2021", "sd-2022"]
    assert result["first"]["doc_id"] == "zj-2019"
    kinds = {o["doc_id"]: o["kind"] for o in result["occurrences"]}
    assert kinds["zj-2019"] == "contains" and kinds["sd-2022"] == "near"
    assert [y["year"] for y in result["by_year"]] == [2019, 2020, 2021, 2022]
    assert [y["new_regions"] for y in result["by_year"]] == [["浙江"], ["全国"], ["江苏"], ["山东"]]
    # the variant's text is the original span, with its own wording
    sd = next(o for o in result["occurrences"] if o["doc_id"] == "sd-2022")
    assert "健全完善" in sd["text"] and sd["similarity"] < 1


def test_trace_finds_copies_with_place_names_and_numbers_changed(planted):
    result = trace_text(source_for(planted), "浙江省" + PHRASE + "，2019年化解纠纷3000件。")
    texts = {o["doc_id"]: o["text"] for o in result["occurrences"]}
    assert {"zj-2019", "js-2021", "qg-2020"} <= set(texts)
    assert texts["js-2021"].startswith("江苏省") and "12000" in texts["js-2021"]
    assert "other" not in texts


def test_short_phrase_under_thirteen_characters_is_found_through_the_search_index(planted):
    result = trace_text(source_for(planted), "坚持和发展新时代“枫桥经验”")
    assert result["method"] == "words"
    assert len(result["normalized"]) == 12
    assert {o["doc_id"] for o in result["occurrences"]} == {"zj-2019", "js-2021", "qg-2020", "sd-2022"}


def test_trace_of_a_stored_paragraph(planted):
    result = trace_paragraph(source_for(planted), "js-2021", 1)
    assert result["from"] == {"doc_id": "js-2021", "paragraph_index": 1}
    assert {"zj-2019", "qg-2020", "js-2021"} <= {o["doc_id"] for o in result["occurrences"]}
    with pytest.raises(NotFound):
        trace_paragraph(source_for(planted), "js-2021", 99)
    with pytest.raises(NotFound):
        trace_paragraph(source_for(planted), "no-such-doc", 0)


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty_passage"),
        ("   \n ", "empty_passage"),
        ("x" * 20001, "passage_too_long"),
        ("，。2023", "passage_too_short"),
    ],
)
def test_trace_refuses_bad_passages(planted, text, code):
    with pytest.raises(BadInput) as err:
        trace_text(source_for(planted), text)
    assert err.value.code == code


def test_nothing_found_is_an_empty_trace(planted):
    result = trace_text(source_for(planted), "量子色动力学的渐近自由性质")
    assert result["documents"] == 0 and result["first"] is None and result["occurrences"] == []


# -- articles and diffs --------------------------------------------------------------


def test_chinese_numerals():
    assert [cn_number(x) for x in ("一", "十", "十五", "二十", "一百二十三", "一百零五", "二〇二二", "12", "两千")] == [
        1,
        10,
        15,
        20,
        123,
        105,
        2022,
        12,
        2000,
    ]
    assert cn_number("条") is None


def test_articles_group_clauses_and_chapters():
    arts = parse_articles(
        [
            "某某条例",
            "第一章 总则",
            "第一条 为了规范管理，制定本条例。",
            "第二条 本条例适用于：",
            "（一）甲；",
            "（二）乙。",
            "第二章 附则",
            "第三条之一 补充规定。",
            "第三条 本条例自公布之日起施行。",
        ]
    )
    assert [a.label for a in arts] == ["题注", "第一条", "第二条", "第三条之一", "第三条"]
    assert arts[2].body == "本条例适用于：\n（一）甲；\n（二）乙。"
    assert arts[3].number == 3 and arts[3].sub == 1 and arts[3].chapter == "第二章 附则"


EDITION_A = [
    "示范条例（2010年）",
    "第一条 为了加强社区治理，制定本条例。",
    "第二条 本条例适用于本市行政区域内的社区治理活动。",
    "第三条 街道办事处负责社区治理的组织协调工作。",
    "第四条 违反本条例规定的，处五百元以上一千元以下罚款。",
    "第五条 本条例自2010年1月1日起施行。",
]
EDITION_B = [
    "示范条例（2020年）",
    "第一条 为了加强社区治理，制定本条例。",
    "第二条 本条例适用于本市行政区域内的社区治理活动。",
    "第三条 社区治理坚持党的领导，坚持以人民为中心。",  # inserted: old 3 and 4 move down
    "第四条 街道办事处负责社区治理的组织协调工作。",
    "第五条 违反本条例规定的，处一千元以上五千元以下罚款。",
    "第六条 本条例自2020年1月1日起施行。",
]


def _editions(backend, settings, a=EDITION_A, b=EDITION_B):
    ingest(
        backend,
        settings,
        [
            {
                "id": "ed-a",
                "title": "示范条例",
                "date": "2010-01-01",
                "region": "上海",
                "doc_type": "regulation",
                "text": "\n".join(a),
            },
            {
                "id": "ed-b",
                "title": "示范条例",
                "date": "2020-01-01",
                "region": "上海",
                "doc_type": "regulation",
                "text": "\n".join(b),
            },
        ],
    )


def test_diff_follows_renumbering_and_marks_changed_words(backend, settings):
    _editions(backend, settings)
    result = diff_documents(source_for(backend), "ed-a", "ed-b")
    rows = {(r["a"] or {}).get("label", "—") + ">" + (r["b"] or {}).get("label", "—"): r for r in result["rows"]}
    assert rows["第一条>第一条"]["status"] == "unchanged"
    assert rows["第三条>第四条"]["status"] == "renumbered"
    assert rows["—>第三条"]["status"] == "added"
    changed = rows["第四条>第五条"]
    assert changed["status"] == "changed" and changed["renumbered"]
    deleted = "".join(e["text"] for e in changed["edits"] if e["op"] == "delete")
    inserted = "".join(e["text"] for e in changed["edits"] if e["op"] == "insert")
    assert "五百" in deleted and "五千" in inserted and "罚款" not in deleted
    assert rows["第五条>第六条"]["status"] == "changed"
    s = result["summary"]
    assert (s["added"], s["deleted"], s["renumbered"], s["unchanged"]) == (1, 0, 1, 2)


def test_diff_reports_deleted_articles_in_place(backend, settings):
    _editions(backend, settings, a=EDITION_B, b=EDITION_A)  # the other way round: article 3 deleted
    result = diff_documents(source_for(backend), "ed-a", "ed-b")
    order = [r["status"] for r in result["rows"]]
    assert order.index("deleted") == 3  # after 题注, 第一条 and 第二条, where it stood
    assert result["summary"]["deleted"] == 1 and result["summary"]["added"] == 0


def test_diff_bad_input(backend, settings):
    _editions(backend, settings)
    with pytest.raises(BadInput):
        diff_documents(source_for(backend), "ed-a", "ed-a")
    with pytest.raises(NotFound):
        diff_documents(source_for(backend), "ed-a", "missing")


# -- 上位法对照 -------------------------------------------------------------------------

NATIONAL = [
    "中华人民共和国示范法",
    "第一条 为了保障公民的合法权益，维护社会秩序，根据宪法，制定本法。",
    "第二条 县级以上人民政府应当加强对人民调解工作的指导，将人民调解工作经费列入本级财政预算。",
    "第三条 人民调解委员会调解民间纠纷，应当坚持自愿平等原则，不得因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利。",
    "第四条 本法自公布之日起施行。",
]
LOCAL = [
    "浙江省示范条例",
    "第一条 为了规范本省人民调解工作，根据有关法律，结合本省实际，制定本条例。",
    # article 2 copied with the place changed
    "第二条 县级以上人民政府应当加强对人民调解工作的指导，将人民调解工作经费列入本级财政预算。",
    # article 3 adapted: a clause added
    "第三条 人民调解委员会调解民间纠纷，应当坚持自愿平等原则，尊重当事人的权利，不得因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利。",
    "第四条 省司法行政部门应当建立人民调解员等级评定制度，每两年组织一次评定。",
    "第五条 本条例自2023年1月1日起施行。",
]


#: a national law and a local regulation copying and adapting it (implements, in both test files)
LAW_PAIR = [
    {
        "id": "nat",
        "title": "中华人民共和国示范法",
        "date": "2018-01-01",
        "region": "全国",
        "doc_type": "law",
        "text": "\n".join(NATIONAL),
    },
    {
        "id": "loc",
        "title": "浙江省示范条例",
        "date": "2022-06-01",
        "region": "浙江",
        "doc_type": "regulation",
        "text": "\n".join(LOCAL),
    },
]


def test_implements_both_directions(backend, settings):
    ingest(
        backend,
        settings,
        LAW_PAIR,
    )
    local = implements(source_for(backend), "loc")
    assert local["direction"] == "local_to_national"
    origin = {a["label"]: a["origin"] for a in local["articles"]}
    assert origin["第二条"]["kind"] == "copy" and origin["第二条"]["label"] == "第二条"
    assert origin["第三条"]["kind"] == "adapted" and origin["第三条"]["label"] == "第三条"
    assert "尊重当事人的权利" in "".join(e["text"] for e in origin["第三条"]["edits"] if e["op"] == "insert")
    assert origin["第四条"] is None
    s = local["summary"]
    assert s["copied"] == 1 and s["adapted"] >= 1 and s["sources"][0]["doc_id"] == "nat"
    assert 0 < s["national_share"] < 1 and abs(s["national_share"] + s["own_share"] - 1) < 1e-6
    national = implements(source_for(backend), "nat", article=2)
    assert [m["doc_id"] for m in national["articles"][0]["implemented_by"]] == ["loc"]
    assert national["summary"]["regions"] == ["浙江"]
    with pytest.raises(BadInput):
        implements(source_for(backend), "nat", article=99)


# -- watches ---------------------------------------------------------------------------


# documents ingested after a watch is saved: one reuses the planted passage, one does not
NEW_DOCS = [
    {
        "id": "hn-2024",
        "date": "2024-03-01",
        "region": "河南",
        "title": "河南省报告",
        "text": "河南省坚持和发展新时代“枫桥经验”，完善矛盾纠纷多元预防调处化解综合机制，把矛盾纠纷化解在基层。",
    },
    {
        "id": "bj-2024",
        "date": "2024-04-01",
        "region": "北京",
        "title": "北京市报告",
        "text": "持续推进老旧小区改造和城市更新。",
    },
]


def test_watches_see_new_documents_and_survive_reopening(settings, planted):
    from search import open_backend

    watches = Watches(planted)
    passage = watches.create("passage", "完善矛盾纠纷多元预防调处化解综合机制，把矛盾纠纷化解在基层", name="枫桥")
    query = watches.create("query", "老旧小区改造")
    assert watches.new(passage["id"])["items"] == []  # documents from before the watch do not count
    ingest(
        planted,
        settings,
        NEW_DOCS,
    )
    planted.close()
    reopened = open_backend(settings)
    try:
        watches = Watches(reopened)
        assert [w["id"] for w in watches.list()] == [passage["id"], query["id"]]
        got = watches.new(passage["id"])
        assert [i["doc_id"] for i in got["items"]] == ["hn-2024"]
        assert got["items"][0]["region"] == "河南" and "化解在基层" in got["items"][0]["reused"]
        assert [i["doc_id"] for i in watches.new(query["id"])["items"]] == ["bj-2024"]
        assert watches.new(passage["id"], since=got["next_since"])["items"] == []
        watches.delete(query["id"])
        with pytest.raises(NotFound):
            watches.get(query["id"])
        with pytest.raises(BadInput):
            watches.create("passage", "")
        with pytest.raises(BadInput):
            watches.create("nonsense", "abc")
    finally:
        reopened.close()
