"""File loaders with good and bad input: every problem is reported, nothing good is lost."""

import io
import json

import pytest

from govtext.errors import SourceError
from ingest.loaders import iter_files, load_bytes, load_file

TEXT = "\u3000\u3000关于推进市域社会治理现代化的实施方案\n\u3000\u3000坚持和发展新时代枫桥经验。"


def test_txt_utf8_and_gbk(tmp_path):
    (tmp_path / "a.txt").write_bytes(TEXT.encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(TEXT.encode("gbk"))
    (tmp_path / "c.txt").write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    for name in ("a.txt", "b.txt", "c.txt"):
        loaded = load_file(tmp_path / name)
        assert not loaded.problems
        doc = loaded.documents[0]
        assert "枫桥经验" in doc.text
        assert doc.title == "关于推进市域社会治理现代化的实施方案"
        assert doc.url == (tmp_path / name).resolve().as_uri()


def test_same_file_same_id(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert load_file(path).documents[0].id == load_file(path).documents[0].id


def test_markdown_headings_become_title(tmp_path):
    path = tmp_path / "r.md"
    path.write_text("# 网格化管理调研报告\n\n**一、基本情况**\n\n全市划分[网格](http://x)2000个。", encoding="utf-8")
    doc = load_file(path).documents[0]
    assert doc.title == "网格化管理调研报告"
    assert "**" not in doc.text and "http://x" not in doc.text and "网格2000个" in doc.text


def test_html_file(tmp_path):
    path = tmp_path / "p.html"
    body = "<p>" + "坚持和发展新时代枫桥经验，推动矛盾纠纷就地化解。" * 5 + "</p>"
    path.write_text(
        f"<html><head><title>枫桥经验</title><script>var x='坏';</script></head>"
        f"<body><div id=nav><a href=/>首页</a></div><div class=content>{body}</div></body></html>",
        encoding="utf-8",
    )
    doc = load_file(path).documents[0]
    assert "枫桥经验" in doc.text and "var x" not in doc.text


def test_docx(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "矛盾纠纷多元化解工作总结"
    document.add_paragraph("一、主要做法")
    document.add_paragraph("建立矛盾纠纷多元化解中心，实行一站式接待。")
    path = tmp_path / "r.docx"
    document.save(path)
    doc = load_file(path).documents[0]
    assert doc.title == "矛盾纠纷多元化解工作总结" and "一站式接待" in doc.text


def _minimal_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_pdf(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(_minimal_pdf("Grid management report 2024"))
    doc = load_file(path).documents[0]
    assert "Grid management report" in doc.text


def test_jsonl_keeps_ids_and_reports_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "law-1", "title": "甲", "text": "第一条 为了规范", "region": "上海"}, ensure_ascii=False),
        "{broken json",
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": "只有正文"}, ensure_ascii=False),
        json.dumps([1, 2]),
        json.dumps({"id": "bad id with spaces", "text": "x"}),
    ]
    path = tmp_path / "d.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8") + b"\n\xff\xfe broken bytes\n")
    loaded = load_file(path)
    assert [d.id for d in loaded.documents][0] == "law-1"
    assert len(loaded.documents) == 2
    assert sorted(p.line for p in loaded.problems) == [2, 3, 6, 7, 8]
    assert all(p.message for p in loaded.problems)


@pytest.mark.parametrize(
    "name,raw",
    [
        ("empty.txt", b""),
        ("blank.txt", b"   \n\n "),
        ("junk.txt", bytes(range(256)) * 50),
        ("broken.docx", b"PK\x03\x04 not really a zip"),
        ("broken.pdf", b"%PDF-1.4 garbage"),
        ("x.exe", b"MZ\x90\x00"),
    ],
)
def test_bad_files_are_problems_not_crashes(tmp_path, name, raw):
    path = tmp_path / name
    path.write_bytes(raw)
    loaded = load_file(path)
    assert loaded.documents == []
    assert len(loaded.problems) == 1 and loaded.problems[0].message


def test_missing_path_is_a_problem(tmp_path):
    items = list(iter_files([tmp_path / "nope.txt"]))
    assert len(items) == 1 and "no such file" in items[0].message


def test_folder_walk_skips_unknown_types(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("网格员", encoding="utf-8")
    (tmp_path / "b.png").write_bytes(b"\x89PNG")
    assert [p.name for p in iter_files([tmp_path])] == ["a.txt"]


def test_load_bytes_refuses_unknown_type():
    with pytest.raises(SourceError, match="unsupported"):
        load_bytes(b"x", "a.xyz")
