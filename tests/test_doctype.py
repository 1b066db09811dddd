"""Document types from title and content, with stable ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.doctype import DOC_TYPES, classify

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_ids_are_stable():
    assert list(DOC_TYPES) == [
        "research_report",
        "implementation_plan",
        "work_summary",
        "experience",
        "work_report",
        "speech",
        "official_document",
        "law",
        "gov_work_report",
        "other",
    ]


@pytest.mark.parametrize(
    "title,expected",
    [
        ("枫桥经验推进市域社会治理现代化调研报告范文(16篇)", "research_report"),
        ("党建引领市域社会治理现代化调研报告完整", "research_report"),
        ("关于我县矛盾纠纷多元化解工作的调查报告", "research_report"),
        ("推进市域社会治理现代化工作的实施方案", "implementation_plan"),
        ("xx县平安建设三年行动计划", "implementation_plan"),
        ("推进市域社会治理现代化工作总结", "work_summary"),
        ("市域社会治理现代化典型经验材料", "experience"),
        ("推进市域社会治理现代化试点工作经验材料", "experience"),
        ("关于xx镇社会治理工作情况的汇报", "work_report"),
        ("在全市市域社会治理现代化推进会上的讲话", "speech"),
        ("关于进一步加强网格党小组建设工作的通知", "official_document"),
        ("关于加强和改进乡村治理的指导意见", "official_document"),
        ("中华人民共和国人民调解法", "law"),
        ("上海市志愿服务条例", "law"),
        ("2026年上海市政府工作报告", "gov_work_report"),
        ("随便写写", "other"),
    ],
)
def test_title(title, expected):
    got = classify("", title)
    assert got["id"] == expected, got
    assert got["name"] == DOC_TYPES[expected]
    assert 0.0 <= got["score"] <= 1.0


def test_content_without_title():
    law = "第一章 总则\n第一条 为了规范人民调解活动，制定本法。\n第二条 本法所称人民调解……\n第三条 人民调解委员会……"
    assert classify(law)["id"] == "law"
    notice = "各乡镇人民政府、县直各单位：\n现将《xx县网格化服务管理实施办法》印发给你们，请认真贯彻执行。\n特此通知。"
    assert classify(notice)["id"] == "official_document"
    report = "县委：\n现将我镇今年以来社会治理工作情况汇报如下：\n一是……二是……"
    assert classify(report)["id"] == "work_report"
    speech = "同志们：\n今天召开全县平安建设工作会议，我讲三点意见。"
    assert classify(speech)["id"] == "speech"


def test_empty_and_junk():
    assert classify("")["id"] == "other"
    assert classify("\x00\x01", "")["id"] == "other"


@pytest.mark.slow  # a whole-corpus pass: `make test` runs it, `make test-fast` leaves it out
@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="shared corpus not available")
def test_sample_corpus():
    def rows(name, limit):
        with open(SHARED / "corpus" / name, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= limit:
                    break
                yield json.loads(line)

    reports = list(rows("reports.jsonl", 200))
    assert sum(classify(d["text"], d["title"])["id"] == "gov_work_report" for d in reports) >= 0.95 * len(reports)
    laws = [d for d in rows("laws.jsonl", 400) if d["doc_type"] in ("law", "regulation")]
    assert sum(classify(d["text"], d["title"])["id"] == "law" for d in laws) >= 0.95 * len(laws)
