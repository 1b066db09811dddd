"""Writes over HTTP need the token; the OpenAPI document is generated from the endpoints."""

import pytest

from service.app import create_app


@pytest.fixture
def write_client(tmp_path):
    from govtext.settings import load_settings

    app = create_app(
        load_settings(data_dir=tmp_path / "d", api_token="s3cret", analyze=False, max_request_bytes=200_000)
    )
    return app.test_client()


AUTH = {"Authorization": "Bearer s3cret"}


def test_post_documents_requires_token(write_client):
    doc = {"id": "w1", "title": "网格化管理实施方案", "text": "全面推行全科网格，配齐网格员。"}
    assert write_client.post("/api/v1/documents", json=doc).status_code == 401
    assert write_client.post("/api/v1/documents", json=doc, headers={"Authorization": "Bearer nope"}).status_code == 401
    resp = write_client.post("/api/v1/documents", json=doc, headers=AUTH)
    assert resp.status_code == 201 and resp.get_json()["ids"] == ["w1"]
    again = write_client.post("/api/v1/documents", json={"documents": [doc]}, headers=AUTH)
    assert again.status_code == 200 and again.get_json()["unchanged"] == 1
    hits = write_client.get("/api/v1/search?q=网格员").get_json()["hits"]
    assert [h["id"] for h in hits] == ["w1"]
    assert write_client.get("/api/v1/documents/w1").get_json()["title"] == "网格化管理实施方案"


def test_writes_disabled_without_configured_token(tmp_path):
    from govtext.settings import load_settings

    client = create_app(load_settings(data_dir=tmp_path / "d", api_token="")).test_client()
    resp = client.post("/api/v1/documents", json={"text": "x"}, headers={"Authorization": "Bearer "})
    assert resp.status_code == 403 and resp.get_json()["code"] == "writes_disabled"


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"data": "not json", "content_type": "text/plain"}, "not_json"),
        ({"data": "{broken", "content_type": "application/json"}, "bad_json"),
        ({"json": [1, 2]}, "bad_json"),
        ({"json": {"title": "no text"}}, "bad_input"),
        ({"json": {"documents": []}}, "bad_input"),
        ({"json": {"text": ""}}, "bad_input"),
        ({"json": {"text": 12}}, "bad_input"),
        ({"json": {"id": "../../etc/passwd", "text": "x"}}, "bad_input"),
        ({"data": b"\xff\xfe\x00garbage", "content_type": "application/json"}, "bad_json"),
    ],
)
def test_bad_bodies_are_400(write_client, kwargs, code):
    resp = write_client.post("/api/v1/documents", headers=AUTH, **kwargs)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.get_json()["code"] == code


def test_oversized_body_is_413_json(write_client):
    resp = write_client.post("/api/v1/documents", headers=AUTH, json={"text": "网" * 300_000})
    assert resp.status_code == 413
    assert resp.get_json()["status"] == 413


def test_openapi_lists_every_api_route(write_client):
    spec = write_client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    app = write_client.application
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
    search = spec["paths"]["/api/v1/search"]["get"]
    q = next(p for p in search["parameters"] if p["name"] == "q")
    assert q["required"] is False and "query" in q["description"]  # a filter alone browses (issue 14)
    assert spec["paths"]["/api/v1/documents"]["post"]["security"] == [{"bearer": []}]


@pytest.mark.parametrize("ratio,segments", [(0.0, 3), (3.0, 1)])
def test_api_writes_compact_the_posting_segments(tmp_path, ratio, segments):
    """Each API write adds one posting segment per kind; the write that ends with the
    newer segments large enough merges them (GOVTEXT_COMPACT_RATIO=0: never)."""
    import sqlite3

    from govtext.settings import load_settings

    settings = load_settings(
        data_dir=tmp_path / "d", api_token="s3cret", analyze=False, compact_ratio=ratio, compact_min_postings=0
    )
    client = create_app(settings).test_client()
    texts = [
        "全面推行全科网格，配齐专职网格员，负责信息采集、矛盾排查和政策宣传工作。",
        "完善雪亮工程建设，推进公共安全视频监控联网应用，提升社会治安防控智能化水平。",
        "加强组织领导，各部门按照职责分工密切配合，确保各项任务落到实处、取得实效。",
    ]
    for i, text in enumerate(texts):
        resp = client.post("/api/v1/documents", json={"id": f"w{i}", "text": text}, headers=AUTH)
        assert resp.status_code == 201
        # it runs after the response, in a thread of the worker
        client.application.extensions["govtext_backend"].get().wait_for_compaction(30)
    conn = sqlite3.connect(tmp_path / "d" / "govtext.sqlite3")
    kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM dd_seg GROUP BY kind").fetchall())
    conn.close()
    assert kinds == {"band": segments, "fp": segments}
    report = client.post("/api/v1/check", json={"text": texts[1]}).get_json()
    assert report["matches"] and report["sources"][0]["doc_id"] == "w1"
