"""The gold of hand-annotated evaluation pages (bench/annotated_gold.py): the page's plain
rendering between two anchors, less the lines to drop, so that no third-party text is stored."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from annotated_gold import gold_text, rendered_lines  # noqa: E402

PAGE = """<html><head><title>t</title><style>p{}</style></head><body>
<div class=nav><a href=/>首页</a> <a href=/n>新闻</a></div>
<h1>标题</h1><p>第一段正文，说明会议精神。</p>
<p><img src=a.jpg></p><p>图：会议现场</p>
<p>第二段正文，<b>部署</b>下一步工作。</p><script>var x = "不是正文";</script>
<p>第三段正文。</p><div class=footer>版权所有</div></body></html>"""


def test_rendering_breaks_lines_at_blocks_and_leaves_scripts_out():
    lines = rendered_lines(PAGE)
    assert lines[:2] == ["首页 新闻", "标题"]
    assert "第二段正文，部署下一步工作。" in lines
    assert not any("不是正文" in line for line in lines)


def test_gold_is_the_span_between_the_anchors_less_the_dropped_lines():
    note = {"first": "第一段", "last": "第三段", "drop": ["图：会议"]}
    assert gold_text(PAGE, note).split("\n") == [
        "第一段正文，说明会议精神。",
        "第二段正文，部署下一步工作。",
        "第三段正文。",
    ]


def test_an_anchor_the_page_does_not_have_is_an_error_not_an_empty_gold():
    with pytest.raises(ValueError):
        gold_text(PAGE, {"first": "第一段", "last": "第四段"})
