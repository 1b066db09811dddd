"""Draft check: exact per-source attribution and the kinds 复制 / 引用 / 套话."""

from __future__ import annotations

import sqlite3

import pytest

from dedup.check import check_draft
from service.report_view import render_standalone as render_report_html
from dedup.index import DedupIndex

# three passages without digits, place names or punctuation inside: every character weighs 1
PA = "坚决守住不发生规模性返贫底线持续巩固拓展脱贫攻坚成果同乡村振兴有效衔接"  # 35
PB = "深入实施科教兴国战略人才强国战略创新驱动发展战略"  # 24
PC = "扎实推进共同富裕着力提高人民生活品质不断增强群众获得感"  # 27
FORMULA = "坚持以人民为中心的发展思想着力解决群众急难愁盼问题"  # 25


@pytest.fixture()
def ix(tmp_path):
    conn = sqlite3.connect(tmp_path / "k.db")
    index = DedupIndex(conn)
    index.add_document("A", [PA + "。", "甲文件其余的内容与别处都不一样完全是原创的说明"])
    index.add_document("B", ["乙文件开头另起一行写点别的东西", PB + "。"])
    index.add_document("C", [PC + "。"])
    yield index
    conn.close()


def test_each_source_is_credited_only_with_what_it_shares(ix):
    draft = PA + PB + PC  # run together: one merged span
    rep = check_draft(ix, draft)
    chars = {s["doc_id"]: s["chars"] for s in rep["sources"]}
    assert chars == {"A": len(PA), "B": len(PB), "C": len(PC)}
    assert rep["largest_source"] == "A"
    assert rep["largest_source_ratio"] == round(len(PA) / len(draft), 4)
    assert rep["overlap_ratio"] == 1.0
    (m,) = rep["matches"]
    spans = {s["doc_id"]: s["spans"] for s in m["sources"]}
    assert spans == {"A": [[0, len(PA)]], "B": [[len(PA), len(PA) + len(PB)]], "C": [[len(PA) + len(PB), len(draft)]]}
    assert [s["doc_id"] for s in m["sources"]] == ["A", "C", "B"]  # by characters shared


def test_framing_and_short_leftovers_never_count(ix):
    ix.add_document("law", ["第三条", "第二条", "第三条明确指出" + PB])
    for framing in ("第三条明确指出", "第二条", "2025年国务院政府工作报告提出，要"):
        rep = check_draft(ix, framing)
        assert rep["overlap_ratio"] == 0, (framing, rep["matches"])
    rep = check_draft(ix, "第三条明确指出：" + PB + "。我们要结合本地实际抓好贯彻落实工作")
    kinds = {m["kind"] for m in rep["matches"]}
    assert kinds == {"quotation"}
    assert rep["rates"]["quotation_chars"] == len(PB)
    assert rep["rates"]["copy_chars"] == 0


def test_quoted_words_are_quotation_and_can_be_excluded(ix):
    draft = f"会议要求“{PA}”，我们在此基础上结合实际谋划了新的举措"
    rep = check_draft(ix, draft)
    assert rep["rates"]["quotation_chars"] == len(PA)
    assert rep["rates"]["excluding_quotation_ratio"] == 0
    cited = check_draft(ix, draft, quotes_as_citation=True)
    assert cited["overlap_ratio"] == 0 and cited["quotation_ratio"] == rep["quotation_ratio"] > 0


def test_wording_many_documents_share_is_boilerplate(ix):
    openings = ["春耕备耕有序开展", "营商环境持续优化", "生态环境明显改善", "城乡融合步伐加快", "对外开放扩大"]
    for k, opening in enumerate(openings):  # five different paragraphs (not twins) sharing the formula
        ix.add_document(f"R{k}", [opening + "，" + FORMULA + "，" + opening[::-1]])
    draft = FORMULA + "。" + PA
    rep = check_draft(ix, draft)
    kinds = {m["kind"]: m for m in rep["matches"]}
    assert set(kinds) == {"boilerplate", "copy"}
    assert kinds["boilerplate"]["doc_count"] == 5
    assert rep["rates"]["boilerplate_chars"] == len(FORMULA)
    assert rep["rates"]["copy_chars"] == len(PA)
    assert rep["rates"]["total_ratio"] == 1.0
    excluded = check_draft(ix, draft, exclude_boilerplate=True)
    assert excluded["overlap_ratio"] == round(len(PA) / (len(PA) + len(FORMULA)), 4)
    assert excluded["largest_source"] == "A"
    # fewer documents than the threshold: 复制, unless the user whitelists it
    rep = check_draft(ix, FORMULA + "。" + PA, boilerplate_min_docs=6)
    assert {m["kind"] for m in rep["matches"]} == {"copy"}
    rep = check_draft(ix, PB + "。" + PA, whitelist=[PB])
    assert {m["kind"]: m["chars"] for m in rep["matches"]} == {"boilerplate": len(PB), "copy": len(PA)}


def test_report_html_is_chinese_with_every_span_and_source(ix):
    draft = PA + "\n" + PB
    rep = check_draft(ix, draft)
    page = render_report_html(rep, draft)
    for word in ("总复制比", "去除引用", "去除套话", "重复片段明细", "相似来源"):
        assert word in page
    assert page.count('<a href="#match-') == len(rep["matches"]) == 2  # each span in the draft
    assert "overlap_ratio" not in page and "Sources" not in page


POOL = (
    "的一是在不了有和人这大为上个我以要他时来用们生到作于出就分对成会可主发动同工也能下过子说产种面而方后多定行学"
    "法所民得经之进着等部度家电力里如水化高自理起小物实加量都体制机当使点从业本去把性好应开它合还因由其些然前外天"
)
# (no character of the run's neighbours in the draft, 落 and 随, nor its 13th character, 现)


def test_a_run_made_only_of_common_contexts_is_found_against_its_source(tmp_path):
    """Every 9-character context of the run is in 160 older paragraphs (which share
    12 of its characters, never 13), so every anchored key's postings overflow the
    cap; the source, written last, is still found."""
    import random

    run = "推进基层治理体系和治理能力现代化"[:13]
    rng = random.Random(15)

    def filler(n=24):
        return "".join(rng.choice(POOL) for _ in range(n))

    conn = sqlite3.connect(tmp_path / "common.db")
    index = DedupIndex(conn)
    index.add_documents(
        [(f"L{i}", [filler() + run[:12] + "。" + filler()], "") for i in range(80)]
        + [(f"R{i}", [filler() + "，" + run[1:] + filler()], "") for i in range(80)]
    )
    index.add_documents([("S", [filler() + "，" + run + "。" + filler()], "")])
    draft = "这是起草人自己写的开头段落，" + run + "，随后是自己写的结尾。"
    rep = check_draft(index, draft)
    found = [m for m in rep["matches"] if run in m["text"]]
    assert found, rep["matches"]
    assert found[0]["sources"][0]["doc_id"] == "S"
    assert rep["largest_source"] == "S"
    conn.close()


def test_framing_finder_equals_the_plain_regex_scan():
    """kinds._framing_matches tries the framing regex only near citation verbs: it must
    find exactly what ``_FRAMING.finditer`` finds (random texts dense in verbs, stops and
    long clauses; and the real reports when ../shared is present)."""
    import json
    import random
    from pathlib import Path

    from dedup.kinds import _FRAMING, _framing_matches

    def found(ms):
        return [(m.span(), m.group("clause"), m.group("punct")) for m in ms]

    rng = random.Random(5)
    parts = ["指出", "强调", "写道", "提出", "要求", "规定", "明确", "深刻", "第三条", "报告", "会议", "，", "：", "。"]
    parts += ["\n", " ", "“", "”", "「", "要", "必须", "应当", "的", "我们", "《条例》", "的" * 25, "意见"]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(1, 80))) for _ in range(3000)]
    reports = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reports.jsonl"
    if reports.exists():
        with open(reports, encoding="utf-8") as f:
            texts += [json.loads(line).get("text", "") for line, _ in zip(f, range(200))]
    hits = 0
    for t in texts:
        want = found(_FRAMING.finditer(t))
        assert found(_framing_matches(t)) == want, t
        hits += len(want)
    assert hits > 1000  # the texts do exercise the framing clauses
