"""The HTTP API through Flask's test client over a real store."""

import pytest


def test_health(client):
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok" and body["documents"] >= 108 and body["index_behind_changes"] == 0


def test_search_returns_hits_with_marked_snippets(client):
    resp = client.get("/api/v1/search", query_string={"q": "枫桥经验", "limit": 5})
    assert resp.status_code == 200
    body = resp.get_json()
    assert len(body["hits"]) == 5
    for hit in body["hits"]:
        assert {"id", "title", "url", "snippet"} <= hit.keys()
    assert any("<mark>枫桥经验</mark>" in h["snippet"] for h in body["hits"])


def test_search_no_match_is_empty_list(client):
    body = client.get("/api/v1/search?q=量子色动力学").get_json()
    assert body["hits"] == [] and body["total"] == 0


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 5000},
        {"q": "(枫桥"},
        {"q": "枫桥", "limit": "abc"},
        {"q": "枫桥", "limit": "0"},
        {"q": "枫桥", "limit": "100000"},
        {"q": "枫桥", "sort": "bogus"},
        {"q": "枫桥", "year": "twenty"},
        {"q": "枫桥", "status": "bogus"},
        {"q": "枫桥", "status": "现行" * 5000},
        {"q": "\x00"},
        {"q": "<script>alert(1)</script>"},
    ],
)
def test_bad_search_input_is_400_json(client, query):
    resp = client.get("/api/v1/search", query_string=query)
    if query.get("q") == "<script>alert(1)</script>":
        # a hostile but valid query: searched, escaped, not an error
        assert resp.status_code == 200 and resp.mimetype == "application/json"
        assert all("<script>" not in h["snippet"] for h in resp.get_json()["hits"])
        return
    assert resp.status_code == 400
    body = resp.get_json()
    assert set(body) == {"status", "code", "message"} and body["status"] == 400
    assert "Traceback" not in resp.get_data(as_text=True)


def test_document_and_404(client):
    hit = client.get("/api/v1/search?q=上海市政府工作报告&limit=1").get_json()["hits"][0]
    doc = client.get(f"/api/v1/documents/{hit['id']}").get_json()
    assert doc["id"] == hit["id"] and doc["text"] and doc["paragraphs"]
    missing = client.get("/api/v1/documents/no-such-doc")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    assert client.get("/api/v1/documents/no-such-doc/similar").status_code == 404


def test_unknown_route_is_json(client):
    resp = client.get("/api/v1/nope")
    assert resp.status_code == 404 and resp.get_json()["status"] == 404
