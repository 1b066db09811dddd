"""`govtext tag` and `govtext crawl` as a user runs them."""

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from conftest import run_cli

pytestmark = pytest.mark.slow  # every test here starts govtext processes; `make test-fast` leaves them out

SITE = Path(__file__).resolve().parent / "fixtures" / "sites" / "govsite"
PARA = "坚持和发展新时代“枫桥经验”，健全矛盾纠纷多元化解机制，推行全科网格，配齐专职网格员，实现小事不出村、大事不出镇、矛盾不上交。"


def test_tag_file_json(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text("关于推进网格化管理的实施方案\n" + PARA, encoding="utf-8")
    result = run_cli("tag", str(path), "--json")
    assert result.returncode == 0, result.stderr.decode()
    out = json.loads(result.stdout)
    ids = {t["id"] for t in out["themes"]}
    assert {"fengqiao", "grid_management"} <= ids
    assert all(t["evidence"] for t in out["themes"])
    assert out["doc_type"]["id"] == "implementation_plan"


def test_tag_stdin_traditional_like_simplified():
    simplified = json.loads(run_cli("tag", "-", "--json", input=PARA.encode()).stdout)
    traditional = PARA.translate(str.maketrans("发时桥经验纠纷机制网格员实现镇", "發時橋經驗糾紛機制網格員實現鎮"))
    trad = json.loads(run_cli("tag", "-", "--json", input=traditional.encode()).stdout)
    assert [t["id"] for t in trad["themes"]] == [t["id"] for t in simplified["themes"]]


def test_tag_jsonl_keeps_ids_and_reports_bad_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": PARA}, ensure_ascii=False),
                "{broken",
                json.dumps({"id": "b"}),
                json.dumps({"id": "c", "text": "hello world, no Chinese here"}),
                json.dumps({"id": "d", "text": ""}),
            ]
        ),
        encoding="utf-8",
    )
    result = run_cli("tag", "--jsonl", str(path))
    assert result.returncode == 1
    rows = [json.loads(x) for x in result.stdout.decode().splitlines()]
    by_id = {r.get("id"): r for r in rows}
    assert {t["id"] for t in by_id["a"]["themes"]} >= {"fengqiao"}
    assert by_id["c"]["themes"] == [] and by_id["d"]["themes"] == []
    assert "error" in by_id["b"] and any(r.get("line") == 2 for r in rows)


@pytest.mark.parametrize("payload", [b"", b"\x00\xff\xfe" * 1000, "，。！".encode()])
def test_tag_bad_input_is_clear(payload):
    result = run_cli("tag", "-", "--json", input=payload)
    if result.returncode == 0:
        assert json.loads(result.stdout)["themes"] == []
    else:
        err = result.stderr.decode().strip()
        assert err.startswith("govtext: error:") and len(err.splitlines()) == 1


def test_tag_missing_file():
    result = run_cli("tag", "/no/such/file.txt")
    assert result.returncode != 0 and "no such file" in result.stderr.decode()


@pytest.fixture
def site():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_crawl_command_stores_documents_and_resumes(site, tmp_path):
    data = tmp_path / "d"
    first = run_cli("crawl", site, "--delay", "0", "--max-pages", "30", "--json", data=data, timeout=240)
    assert first.returncode == 0, first.stderr.decode()
    summary = json.loads(first.stdout)
    assert summary["crawl"]["documents"] > 0 and summary["ingest"]["added"] == summary["crawl"]["documents"]
    stats = json.loads(run_cli("stats", "--json", data=data).stdout)
    assert stats["documents"] == summary["ingest"]["added"]
    exported = [json.loads(x) for x in run_cli("export", data=data).stdout.decode().splitlines()]
    assert all(d["url"].startswith(site) for d in exported)
    assert not any("/private/" in d["url"] for d in exported)
    again = json.loads(
        run_cli("crawl", site, "--delay", "0", "--max-pages", "30", "--json", data=data, timeout=240).stdout
    )
    assert again["ingest"]["added"] == 0
    assert json.loads(run_cli("stats", "--json", data=data).stdout)["documents"] == stats["documents"]
    redo = run_cli("crawl", "--reextract", "--json", data=data, timeout=240)
    assert redo.returncode == 0, redo.stderr.decode()
    redone = json.loads(redo.stdout)
    assert redone["reextract"]["documents"] >= stats["documents"] and redone["ingest"]["added"] == 0
    nothing = run_cli("crawl", data=data)
    assert nothing.returncode != 0 and "start URLs" in nothing.stderr.decode()
