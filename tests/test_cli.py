"""The govtext command, run as a user runs it: a real process on a real store."""

import json

import pytest

from conftest import REPORTS, SEED, needs_shared, run_cli

pytestmark = pytest.mark.slow  # every test here starts govtext processes; `make test-fast` leaves them out


def test_missing_file_is_one_line_and_nonzero(tmp_path):
    result = run_cli("ingest", str(tmp_path / "missing.txt"), "--quiet", data=tmp_path / "d")
    assert result.returncode != 0
    err = result.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "missing.txt" in err[0] and "no such file" in err[0]


def test_broken_jsonl_lines_reported_good_lines_ingested(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "g1", "text": "网格员巡查"}\n{oops\n{"id": "g2", "text": "雪亮工程"}\n', encoding="utf-8")
    result = run_cli("ingest", str(path), "--quiet", data=tmp_path / "d")
    assert result.returncode == 1
    assert f"{path}:2:" in result.stderr.decode()
    stats = json.loads(run_cli("stats", "--json", data=tmp_path / "d").stdout)
    assert stats["documents"] == 2


def test_undecodable_file_is_reported(tmp_path):
    path = tmp_path / "bin.txt"
    path.write_bytes(bytes(range(256)) * 100)
    result = run_cli("ingest", str(path), "--quiet", data=tmp_path / "d")
    assert result.returncode == 1 and "bin.txt" in result.stderr.decode()


@needs_shared
def test_ingest_search_export_roundtrip(tmp_path):
    data = tmp_path / "d"
    first = run_cli("ingest", str(SEED), str(REPORTS), "--json", data=data)
    assert first.returncode == 0, first.stderr.decode()
    report = json.loads(first.stdout)
    assert report["added"] == 108
    again = json.loads(run_cli("ingest", str(SEED), str(REPORTS), "--json", data=data).stdout)
    assert again["added"] == 0 and again["unchanged"] == 108

    found = json.loads(run_cli("search", "枫桥经验", "--json", "--limit", "5", data=data).stdout)
    assert found["hits"] and any("<mark>枫桥经验</mark>" in h["snippet"] for h in found["hits"])
    assert json.loads(run_cli("search", "量子色动力学", "--json", data=data).stdout)["hits"] == []
    bad = run_cli("search", "(枫桥", data=data)
    assert bad.returncode != 0 and "没有闭合" in bad.stderr.decode()  # query errors are in Chinese (issue 14)

    out = tmp_path / "export.jsonl"
    assert run_cli("export", "--jsonl", str(out), data=data).returncode == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    original_ids = {json.loads(line)["id"] for line in REPORTS.read_text(encoding="utf-8").splitlines()}
    assert original_ids <= {d["id"] for d in exported}
    text = run_cli("search", "枫桥经验", "--limit", "3", data=data).stdout.decode()
    assert "**枫桥经验**" in text


def test_search_prints_the_version_chain(tmp_path):
    law = {"title": "中华人民共和国国防教育法", "region": "全国", "doc_type": "law"}
    docs = tmp_path / "laws.jsonl"
    docs.write_text(
        json.dumps({**law, "id": "ed-old", "date": "2018-04-27", "text": "第一条 国防教育贯彻全民参与的方针。"})
        + "\n"
        + json.dumps({**law, "id": "ed-new", "date": "2024-09-13", "text": "第一条 学校应当将国防教育列入计划。"})
        + "\n",
        encoding="utf-8",
    )
    data = tmp_path / "d"
    assert run_cli("ingest", str(docs), data=data).returncode == 0
    text = run_cli("search", "国防教育", data=data).stdout.decode()
    assert "(ed-new)" in text and "(ed-old)\n" not in text
    assert "现行 2024-09-13 · 历史版本: 2018-04-27（ed-old）" in text


def test_compact_merges_posting_segments_and_keeps_check_reports(tmp_path):
    """Three ingests leave three posting segments per kind; `govtext compact` merges them
    into one each (same postings) and a draft check reports the same afterwards."""
    import sqlite3

    data = tmp_path / "d"
    paras = [
        "为深入贯彻落实党中央国务院关于推进基层治理体系和治理能力现代化的决策部署，结合本地实际制定本方案。",
        "建立健全网格化服务管理机制，每个网格配备专职网格员，负责信息采集、矛盾排查和政策宣传工作。",
        "加强组织领导，各部门要按照职责分工密切配合，确保各项任务落到实处，取得实效。",
        "完善雪亮工程建设，推进公共安全视频监控联网应用，提升社会治安防控体系的智能化水平。",
    ]
    for batch in range(3):  # paragraphs of other batches' wording: new postings, not exact twins
        path = tmp_path / f"docs{batch}.jsonl"
        lines = [
            json.dumps(
                {
                    "id": f"d{batch}-{i}",
                    "text": "\n".join(p + f"本段出自{'甲乙丙'[batch]}{'子丑寅卯'[i]}号" for p in paras[i:] + paras[:i]),
                }
            )
            for i in range(len(paras))
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert run_cli("ingest", str(path), "--quiet", data=data).returncode == 0

    def segments():
        conn = sqlite3.connect(data / "govtext.sqlite3")
        try:
            return dict(conn.execute("SELECT kind, COUNT(*) FROM dd_seg GROUP BY kind").fetchall())
        finally:
            conn.close()

    assert segments() == {"band": 3, "fp": 3}
    draft = tmp_path / "draft.txt"
    draft.write_text("我们的做法是：" + paras[1] + "\n" + paras[3][:30] + "，这是自己写的一句话。\n", encoding="utf-8")
    before = json.loads(run_cli("check", str(draft), "--json", data=data).stdout)
    assert before["matches"]

    result = run_cli("compact", "--json", data=data)
    assert result.returncode == 0, result.stderr.decode()
    kinds = json.loads(result.stdout)["kinds"]
    for kind in ("band", "fp"):
        assert kinds[kind]["segments_before"] == 3 and kinds[kind]["segments"] == 1
        assert kinds[kind]["postings"] == kinds[kind]["postings_before"] > 0
    assert segments() == {"band": 1, "fp": 1}
    assert json.loads(run_cli("check", str(draft), "--json", data=data).stdout) == before
    again = run_cli("compact", data=data)
    assert again.returncode == 0 and "1 → 1 segments" in again.stdout.decode()
