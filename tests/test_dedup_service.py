"""Duplicate detection through the service: POST /check, GET /boilerplate, collapsed
copies in search, and `govtext check` on the command line."""

import json

import pytest

from conftest import SEED, needs_shared, run_cli
from govtext.documents import Document
from search.backend import SearchRequest

ORIGINAL = [
    "为深入贯彻落实党的二十大精神，坚持和发展新时代枫桥经验，推进市域社会治理现代化，结合我市实际，制定本方案。",
    "一、总体要求。坚持党建引领，健全自治、法治、德治相结合的城乡基层治理体系，把矛盾纠纷化解在基层、化解在萌芽状态。",
    "二、主要任务。全面推行全科网格，每个网格配备专职网格员一名，建立矛盾纠纷多元化解中心，实行一站式接收、一揽子调处、全链条解决。",
    "三、保障措施。成立由市委副书记任组长的领导小组，将工作经费纳入财政预算，每年开展两次督导考核，考核结果与评先评优挂钩。",
]


def repost(place: str, n: int) -> list[str]:
    return [p.replace("我市", place).replace("一名", f"{n}名").replace("两次", f"{n}次") for p in ORIGINAL]


@pytest.fixture
def copies_backend(settings, backend):
    from pipeline import ingest_documents

    docs = [
        Document(id="orig", title="市域社会治理实施方案", text="\n".join(ORIGINAL), url="https://a.example.gov.cn/1"),
        Document(
            id="copy-jc",
            title="晋城市市域社会治理实施方案",
            text="\n".join(repost("晋城市", 2)),
            url="https://b.example.com/2",
        ),
        Document(
            id="copy-xx",
            title="xx市市域社会治理实施方案",
            text="\n".join(repost("xx市", 3)),
            url="https://c.example.com/3",
        ),
        Document(
            id="other",
            title="安全生产通知",
            text="各单位要切实加强安全生产工作，开展隐患排查治理，加强组织领导，确保责任落实。",
        ),
    ]
    report = ingest_documents(docs, backend, settings)
    assert report.written.added == 4
    return backend


def test_reposted_copies_collapse_into_one_hit(copies_backend):
    collapsed = copies_backend.search(SearchRequest(q="全科网格", limit=10))
    assert len(collapsed.hits) == 1 and collapsed.hits[0].copies == 3
    expanded = copies_backend.search(SearchRequest(q="全科网格", limit=10, collapse=False))
    assert {h.id for h in expanded.hits} == {"orig", "copy-jc", "copy-xx"}
    copies = copies_backend.copies("copy-xx")
    assert {c["id"] for c in copies} == {"orig", "copy-jc", "copy-xx"}
    assert [c["id"] for c in copies_backend.copies("other")] == ["other"]


def test_check_finds_spans_with_offsets_into_the_draft(copies_backend):
    draft = "我们的体会如下。" + ORIGINAL[2].replace("我市", "吕梁市") + "这是一句完全原创的话，不会出现在语料里。"
    report = copies_backend.check(draft)
    assert 0 < report["overlap_ratio"] < 1
    match = max(report["matches"], key=lambda m: m["end"] - m["start"])
    copied = draft[match["start"] : match["end"]]
    assert "全面推行全科网格" in copied and "原创" not in copied
    assert {s["doc_id"] for s in match["sources"]} & {"orig", "copy-jc", "copy-xx"}
    assert all(s.get("title") for s in match["sources"])


def test_stock_phrases_alone_are_not_copies(copies_backend):
    draft = "我们要加强组织领导，推进市域社会治理现代化，确保各项工作落到实处，取得实效。"
    report = copies_backend.check(draft)
    assert report["overlap_ratio"] < 0.3


@pytest.mark.parametrize(
    "draft,code",
    [("", "empty_draft"), ("，。！？……——", "empty_draft"), ("\x00\x01\x02binary\xff" * 50, "binary_draft")],
)
def test_bad_drafts(copies_backend, draft, code):
    from govtext.errors import BadInput

    with pytest.raises(BadInput) as info:
        copies_backend.check(draft)
    assert info.value.code == code


def test_api_check_and_boilerplate(client):
    seed_part = SEED.read_text(encoding="utf-8")[3000:6000]
    resp = client.post("/api/v1/check", json={"text": seed_part})
    assert resp.status_code == 200
    report = resp.get_json()
    assert report["overlap_ratio"] > 0.9
    for m in report["matches"]:
        assert seed_part[m["start"] : m["end"]] == m["text"]
    for bad, code in (
        ({}, "missing_text"),
        ({"text": ""}, "empty_draft"),
        ({"text": 5}, "missing_text"),
        ({"text": "网" * 300_000}, "draft_too_large"),
    ):
        r = client.post("/api/v1/check", json=bad)
        assert r.status_code == 400 and r.get_json()["code"] == code, (bad, r.get_json())
    assert client.post("/api/v1/check", data="x", content_type="text/plain").status_code == 400
    boiler = client.get("/api/v1/boilerplate?min_docs=2&limit=5").get_json()
    assert boiler["items"] and all(i["docs"] >= 2 for i in boiler["items"])
    assert client.get("/api/v1/boilerplate?min_docs=0").status_code == 400


@needs_shared
def test_seed_page_against_itself_is_near_total(seeded_backend):
    report = seeded_backend.check(SEED.read_text(encoding="utf-8"))
    assert report["overlap_ratio"] > 0.97


@pytest.mark.slow  # starts govtext processes: `make test` runs it, `make test-fast` leaves it out
def test_cli_check_jsonl(seeded_dir, tmp_path):
    seed_part = SEED.read_text(encoding="utf-8")[3000:5000]
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text(
        "\n".join(
            [
                json.dumps({"id": "d1", "text": seed_part}, ensure_ascii=False),
                "{not json",
                json.dumps({"id": "d2", "text": ""}),
                json.dumps(
                    {"id": "d3", "text": "完全不相干的一段原创文字，讨论天文望远镜的镜面研磨工艺。"}, ensure_ascii=False
                ),
            ]
        ),
        encoding="utf-8",
    )
    result = run_cli("check", "--jsonl", str(drafts), data=seeded_dir)
    assert result.returncode == 1  # two bad lines
    lines = [json.loads(x) for x in result.stdout.decode().splitlines()]
    by_id = {x.get("id"): x for x in lines}
    assert by_id["d1"]["overlap_ratio"] > 0.9
    assert by_id["d3"]["overlap_ratio"] < 0.2
    assert "error" in by_id["d2"] and any(x.get("line") == 2 for x in lines)
    html_out = tmp_path / "report.html"
    single = run_cli("check", "-", "--html", str(html_out), "--json", data=seeded_dir, input=seed_part.encode())
    assert single.returncode == 0 and json.loads(single.stdout)["overlap_ratio"] > 0.9
    assert "<script" not in html_out.read_text(encoding="utf-8").lower()


@pytest.mark.slow  # starts govtext processes: `make test` runs it, `make test-fast` leaves it out
def test_cli_boilerplate(seeded_dir):
    text = run_cli("boilerplate", "--min-docs", "2", "--limit", "3", data=seeded_dir)
    assert text.returncode == 0
    first = text.stdout.decode().splitlines()[0]
    assert first.startswith("1. ") and " 0 documents" not in first
    data = json.loads(run_cli("boilerplate", "--min-docs", "2", "--limit", "3", "--json", data=seeded_dir).stdout)
    assert data["items"] and all(i["docs"] >= 2 for i in data["items"])


def test_a_store_fingerprinted_with_an_older_scheme_is_rebuilt_by_the_next_writer(copies_backend, settings):
    # an upgrade that changes the fingerprint scheme: the first writer re-fingerprints
    # the stored documents (as `govtext ingest` does on open), then everything works
    import sqlite3

    from search import open_backend

    db = copies_backend.store.path
    copies_backend.close()
    conn = sqlite3.connect(db)
    stored = json.loads(conn.execute("SELECT value FROM dd_meta WHERE key = 'params'").fetchone()[0])
    stored["scheme"]["normalization"] = "norm-0"
    conn.execute("UPDATE dd_meta SET value = ? WHERE key = 'params'", (json.dumps(stored),))
    conn.execute("CREATE TABLE dd_band (key INTEGER, pid INTEGER)")  # an earlier posting layout
    conn.commit()
    conn.close()
    reopened = open_backend(settings)
    try:
        assert not reopened.groups.needs_rebuild()
        assert reopened.groups.stats()["documents"] == 4
        assert reopened.search(SearchRequest(q="全科网格", limit=10)).hits[0].copies == 3
        assert reopened.check(ORIGINAL[2])["overlap_ratio"] > 0.9
        tables = {r[0] for r in reopened.store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "dd_band" not in tables
    finally:
        reopened.close()
