"""The finder of the guide's list-mention rule (docs/labelling-guide.md, "List mentions")."""

from nlp.enumerations import enumerations, only_in_mixed_lists
from nlp.list_mentions import list_items, list_only, mentions


def test_items_split_at_dunhao_and_last_join():
    assert list_items("提供法律咨询、医疗救治和心理疏导等服务") == ["提供法律咨询", "医疗救治", "心理疏导等服务"]
    # 和谐 is a word, not a join
    assert list_items("促进社会和谐、稳定") == ["促进社会和谐", "稳定"]


def test_one_item_of_a_mixed_list_is_list_only():
    text = (
        "司法行政、卫生、妇女联合会等有关部门和组织应当为遭受家庭暴力的受害妇女提供法律咨询、医疗救治、心理疏导等帮助。"
    )
    assert list_only(text, "psychological_services") == "mixed"


def test_a_stated_task_outside_the_list_is_not_touched():
    text = "办好特殊教育、专门教育、继续教育。加强学生心理健康教育。"
    assert list_only(text, "psychological_services") == ""
    assert any(not m.in_list for m in mentions(text, "psychological_services"))


def test_the_themes_own_list_is_homogeneous():
    text = "健全人民调解、行政调解、司法调解联动工作体系。"
    assert list_only(text, "dispute_resolution") == "homogeneous"


def test_min_chars_skips_short_paragraphs():
    text = "提供法律咨询、医疗救治、心理疏导等帮助。"
    assert list_only(text, "psychological_services", min_chars=100) == ""
    assert list_only(text, "psychological_services") == "mixed"


def test_enumeration_spans_and_mixed_lists():
    text = "提供法律咨询、医疗救治、心理疏导等帮助。加强心理疏导。"
    lists = enumerations(text)
    assert len(lists) == 1 and len(lists[0]) == 3
    first = text.index("心理疏导")
    second = text.index("心理疏导", first + 1)
    assert only_in_mixed_lists([(first, first + 4)], lists)
    assert not only_in_mixed_lists([(first, first + 4), (second, second + 4)], lists)
    own = "健全人民调解、行政调解、司法调解联动体系"
    spans = [(own.index(w), own.index(w) + 4) for w in ("人民调解", "行政调解", "司法调解")]
    assert not only_in_mixed_lists(spans, enumerations(own))
