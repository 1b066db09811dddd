"""The edition rules of search/versions.py, without a backend."""

from search.versions import edition_key, page_editions, with_editions

LAW = "中华人民共和国某某法"


def ed(doc_id: str, date: str, title: str = LAW) -> dict:
    return {"id": doc_id, "title": title, "date": date}


def hit(doc_id: str, date: str, versions=()) -> dict:
    return {"id": doc_id, "date": date, "versions": list(versions)}


def test_only_laws_regulations_and_judicial_documents_have_editions():
    assert edition_key("中华人民共和国 某某法（2018修正）", "law", "全国") == "全国|中华人民共和国某某法(2018修正)"
    assert edition_key("某某条例", "regulation", "上海市") != edition_key("某某条例", "regulation", "北京市")
    assert edition_key("政府工作报告", "gov_work_report", "全国") == ""
    assert edition_key("政府工作报告", "report", "全国") == ""
    assert edition_key("", "law", "全国") == ""


def test_the_newest_is_shown_and_an_edition_lower_on_the_page_is_folded():
    editions = {d: [ed("a", "2012-01-01"), ed("b", "2020-05-01")] for d in ("a", "b")}
    page = [hit("a", "2012-01-01"), hit("x", "2019-01-01"), hit("b", "2020-05-01")]
    kept = page_editions(page, editions, swap=True)
    assert [(pos, shown) for pos, shown, _ in kept] == [(0, "b"), (1, "x")]
    assert [(v["id"], v["status"]) for v in kept[0][2]] == [("b", "现行"), ("a", "已修订")]
    kept = page_editions(page, editions, swap=False)  # a filter the newest may not pass
    assert [(pos, shown) for pos, shown, _ in kept] == [(0, "a"), (1, "x")]


def test_undated_and_same_date_documents_are_not_ordered():
    members = [ed("a", "2012-01-01"), ed("a2", "2012-01-01"), ed("b", "2020-05-01"), ed("u", "")]
    editions = {m["id"]: members for m in members}
    page = [hit("u", ""), hit("a2", "2012-01-01"), hit("a", "2012-01-01")]
    kept = page_editions(page, editions, swap=True)
    assert kept[0] == (0, "u", [])  # 日期不详: its own hit, no chain
    assert kept[1][1] == "b" and [v["id"] for v in kept[1][2]] == ["b", "a2"]  # a2 stands for its date
    assert [pos for pos, _, _ in kept] == [0, 1]  # a: its current edition b is shown already
    assert [m["id"] for m in with_editions([{"id": "u"}], members, "u")] == ["u"]
    assert [m["id"] for m in with_editions([{"id": "a"}], members, "a")] == ["a", "b"]


def test_an_in_group_chain_is_kept_and_completed():
    group_chain = [{"id": "c", "title": LAW, "date": "2024-01-01", "status": "现行"}, {**ed("b", "2020-05-01")}]
    editions = {"c": [ed("c", "2024-01-01"), ed("a", "2012-01-01")]}
    kept = page_editions([hit("c", "2024-01-01", group_chain)], editions, swap=True)
    assert [(v["id"], v["status"]) for v in kept[0][2]] == [("c", "现行"), ("b", "已修订"), ("a", "已修订")]
    assert page_editions([hit("c", "2024-01-01", group_chain)], {}, swap=True)[0][2] == group_chain
