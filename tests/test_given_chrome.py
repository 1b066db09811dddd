"""Toolbar and breadcrumb lines at the ends of text given to ingest (issue 19, item 5)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from govtext.documents import Document  # noqa: E402
from ingest.chrome import strip_given_chrome  # noqa: E402
from pipeline import ingest_documents  # noqa: E402

REPORT = "\n".join(
    [
        "下载",
        "打印",
        "全屏",
        "收藏",
        "【字号：",
        "加大",
        "还原",
        "减小",
        "】",
        "2026年某市政府工作报告",
        "来源：某市日报",
        "各位代表：",
        "现在，我代表市人民政府，向大会报告工作，请予审议。",
        "二是下载、打印等政务服务事项实现全程网办，收藏夹式的办事指南上线。",
        "扫一扫在手机打开当前页",
        "版权所有：某市人民政府办公室",
    ]
)


def test_toolbar_at_the_head_and_footer_at_the_tail_go_and_are_returned():
    text, removed = strip_given_chrome(REPORT)
    assert text.startswith("2026年某市政府工作报告\n来源：某市日报")
    assert text.endswith("收藏夹式的办事指南上线。")
    assert removed[:9] == ["下载", "打印", "全屏", "收藏", "【字号：", "加大", "还原", "减小", "】"]
    assert removed[-2:] == ["扫一扫在手机打开当前页", "版权所有：某市人民政府办公室"]


def test_breadcrumb_goes_but_lines_between_content_stay():
    given = "首页 > 政务公开 > 政府工作报告\n您的位置：首页\n标题\n正文第一段。\n打印\n正文第二段。"
    text, removed = strip_given_chrome(given)
    assert text == "标题\n正文第一段。\n打印\n正文第二段。"
    assert removed == ["首页 > 政务公开 > 政府工作报告", "您的位置：首页"]


def test_clean_text_is_left_alone():
    assert strip_given_chrome("标题\n正文。") == ("标题\n正文。", [])
    assert strip_given_chrome("下载\n打印") == ("下载\n打印", [])  # nothing but chrome: validation speaks


def test_ingest_reports_the_removed_lines_and_can_keep_them(settings, backend):
    report = ingest_documents([Document(id="rep-1", text=REPORT)], backend, settings, analyzer=None)
    assert report.chrome_documents == 1 and report.chrome_lines == 11
    assert report.to_dict()["chrome_lines_removed"] == 11
    stored = backend.get("rep-1")
    assert stored["text"].startswith("2026年某市政府工作报告")
    assert stored["meta"]["chrome_removed"][0] == "下载"

    keep = settings.replace(strip_given_chrome=False)
    report = ingest_documents([Document(id="rep-1", text=REPORT)], backend, keep, analyzer=None)
    assert report.chrome_lines == 0
    assert backend.get("rep-1")["text"].startswith("下载\n打印")
    json.dumps(backend.get("rep-1"), ensure_ascii=False)


def test_a_line_with_literal_markup_and_words_is_kept():
    """Hostile or untidy given text loses nothing: markup around words is not page chrome."""
    text = '恶意测试文档 网格化管理\n<script>window.__pwned=1</script>枫桥经验<b onmouseover="x">粗体</b>'
    assert strip_given_chrome(text) == (text, [])
