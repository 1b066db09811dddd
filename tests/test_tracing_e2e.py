"""Tracing end to end: `govtext serve` as a real process on loopback, `govtext` commands as subprocesses."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

import pytest

from conftest import run_cli as _run_cli, serving
from opensearch_node import OS_SKIP
from test_tracing import EDITION_A, EDITION_B, LAW_PAIR, PLANTED

pytestmark = pytest.mark.slow  # every test here starts govtext processes; `make test-fast` leaves them out

TOKEN = "trace-token"


def _call(url, method="GET", body=None, token=None, raw=False):
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            payload = resp.read()
            return resp.status, (payload.decode() if raw else json.loads(payload))
    except urllib.error.HTTPError as err:
        payload = err.read()
        return err.code, (payload.decode() if raw else json.loads(payload))


def _post_huge(base: str, path: str, size: int):
    """POST a JSON body of ``size`` bytes, reading the answer even if the server stops reading early."""
    import http.client

    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    chunk = ('{"text": "' + "字" * 1000).encode()[: 1 << 16]
    sent = 0
    try:
        while sent < size:
            piece = chunk[: min(len(chunk), size - sent)]
            conn.send(piece)
            sent += len(piece)
    except (BrokenPipeError, ConnectionResetError):
        pass
    resp = conn.getresponse()
    return resp.status, json.loads(resp.read())


ES_URL = os.environ.get("GOVTEXT_ES_URL", "")
ES_SKIP = pytest.mark.skipif(not ES_URL, reason="Elasticsearch run skipped: GOVTEXT_ES_URL is not set")


@pytest.fixture(
    scope="module",
    params=[
        "embedded",
        pytest.param("elasticsearch", marks=[pytest.mark.es, ES_SKIP]),
        pytest.param("opensearch", marks=[pytest.mark.opensearch, OS_SKIP]),
    ],
)
def backend_env(request, tmp_path_factory):
    """The environment that points `govtext` at a backend (an engine: its own index prefix, dropped after)."""
    if request.param == "embedded":
        yield {}
        return
    from govtext.settings import load_settings
    from search import open_backend

    prefix = f"govtext-e2e-{uuid.uuid4().hex[:8]}"
    if request.param == "opensearch":
        url = request.getfixturevalue("opensearch_url")
        env = {"GOVTEXT_BACKEND": "opensearch", "GOVTEXT_OPENSEARCH_URL": url, "GOVTEXT_ES_PREFIX": prefix}
        settings = load_settings(
            data_dir=tmp_path_factory.mktemp("drop"), backend="opensearch", opensearch_url=url, es_prefix=prefix
        )
    else:
        env = {"GOVTEXT_BACKEND": "elasticsearch", "GOVTEXT_ES_URL": ES_URL, "GOVTEXT_ES_PREFIX": prefix}
        settings = load_settings(
            data_dir=tmp_path_factory.mktemp("drop"), backend="elasticsearch", es_url=ES_URL, es_prefix=prefix
        )
    try:
        yield env
    finally:
        backend = open_backend(settings)
        try:
            backend.drop_indices()
        finally:
            backend.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory, backend_env):
    folder = tmp_path_factory.mktemp("tracing")
    docs = PLANTED + [
        {
            "id": "ed-a",
            "title": "示范条例",
            "date": "2010-01-01",
            "region": "上海",
            "doc_type": "regulation",
            "text": "\n".join(EDITION_A),
        },
        {
            "id": "ed-b",
            "title": "示范条例",
            "date": "2020-01-01",
            "region": "上海",
            "doc_type": "regulation",
            "text": "\n".join(EDITION_B),
        },
        *LAW_PAIR,
    ]
    path = folder / "docs.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    done = _run_cli("ingest", str(path), "--quiet", data=folder / "d", env={"GOVTEXT_ANALYZE": "0", **backend_env})
    assert done.returncode == 0, done.stderr
    return folder / "d", backend_env


def test_cli_commands(data):
    data, env = data

    def run_cli(*args, data):
        return _run_cli(*args, data=data, env=env)

    out = run_cli("trace", "坚持和发展新时代“枫桥经验”", "--json", data=data)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["first"]["doc_id"] == "zj-2019" and result["documents"] == 4
    text = run_cli("trace", "坚持和发展新时代“枫桥经验”", data=data).stdout.decode()
    assert "first: 2019-03-01 浙江" in text
    diff = json.loads(run_cli("diff", "ed-a", "ed-b", "--json", data=data).stdout)
    assert diff["summary"]["added"] == 1 and diff["summary"]["renumbered_total"] >= 2
    assert "[修改] 第四条 -> 第五条" in run_cli("diff", "ed-a", "ed-b", data=data).stdout.decode()
    imp = json.loads(run_cli("implements", "loc", "--json", data=data).stdout)
    assert imp["summary"]["sources"][0]["doc_id"] == "nat"
    # bad input: a non-zero exit and one line on stderr, never a traceback
    for args in (("trace", ""), ("diff", "ed-a", "ed-a"), ("diff", "ed-a", "nope"), ("implements", "nope")):
        bad = run_cli(*args, data=data)
        assert bad.returncode != 0 and b"Traceback" not in bad.stderr and b"govtext: error:" in bad.stderr


def test_http_api_pages_and_watches(data, tmp_path):
    data, env = data
    with serving(data, workers=1, env={"GOVTEXT_API_TOKEN": TOKEN, **env}) as base:
        api = base + "/api/v1"
        status, body = _call(api + "/trace?" + urllib.parse.urlencode({"text": "坚持和发展新时代“枫桥经验”"}))
        assert status == 200 and [o["doc_id"] for o in body["occurrences"]][0] == "zj-2019"
        status, body = _call(api + "/documents/js-2021/paragraphs/1/trace")
        assert status == 200 and body["first"]["doc_id"] == "zj-2019"
        status, body = _call(api + "/diff?a=ed-a&b=ed-b")
        assert status == 200 and body["summary"]["added"] == 1
        status, body = _call(api + "/implements?doc=nat&article=2")
        assert status == 200 and body["articles"][0]["implemented_by"][0]["doc_id"] == "loc"
        # bad input is a 4xx with a JSON problem
        for url in (
            "/trace?text=",
            "/trace?text=%E5%AD%97",
            "/diff?a=ed-a&b=ed-a",
            "/diff?a=ed-a&b=nope",
            "/documents/nope/paragraphs/0/trace",
            "/documents/js-2021/paragraphs/x/trace",
            "/implements?doc=nope",
            "/watches/999/new",
        ):
            status, body = _call(api + url)
            assert 400 <= status < 500 and body["code"] and body["message"], url
        status, body = _call(api + "/trace", "POST", {"text": "字" * 20001})
        assert status == 400 and body["code"] == "passage_too_long"
        status, body = _post_huge(base, "/api/v1/trace", 50 * 1024 * 1024)
        assert status == 413 and body["code"]
        status, body = _call(api + "/trace", "POST", {"text": "坚持和发展新时代“枫桥经验”", "near": "yes"})
        assert status == 400
        status, _ = _call(api + "/trace?" + urllib.parse.urlencode({"text": "字" * 20001}), raw=True)
        assert status == 414  # too long for a URL: the server refuses the request line itself (use POST)
        # pages: the trace page draws its SVG timeline server-side
        status, page = _call(
            base + "/trace?" + urllib.parse.urlencode({"text": "坚持和发展新时代“枫桥经验”"}), raw=True
        )
        assert (
            status == 200
            and "<svg" in page
            and "浙江省平安建设报告" in page
            and "<script" not in page.split("<svg")[1].split("</svg>")[0]
        )
        status, page = _call(base + "/diff?a=ed-a&b=ed-b", raw=True)
        assert status == 200 and "<ins>" in page and "<del>" in page
        status, page = _call(base + "/implements?doc=loc", raw=True)
        assert status == 200 and "上位法" in page
        # watches: the token is needed to create one
        watch = {"kind": "passage", "text": "完善矛盾纠纷多元预防调处化解综合机制，把矛盾纠纷化解在基层"}
        assert _call(api + "/watches", "POST", watch)[0] == 401
        status, created = _call(api + "/watches", "POST", watch, token=TOKEN)
        assert status == 201
        wid = created["id"]
        assert _call(api + f"/watches/{wid}/new")[1]["items"] == []
        new_doc = {
            "id": "hn-2024",
            "date": "2024-03-01",
            "region": "河南",
            "title": "河南省报告",
            "text": "河南省坚持和发展新时代“枫桥经验”，完善矛盾纠纷多元预防调处化解综合机制，把矛盾纠纷化解在基层。",
        }
        assert _call(api + "/documents", "POST", new_doc, token=TOKEN)[0] in (200, 201)
        status, body = _call(api + f"/watches/{wid}/new")
        assert status == 200 and [i["doc_id"] for i in body["items"]] == ["hn-2024"]
        status, feed = _call(api + f"/watches/{wid}/feed.atom", raw=True)
        root = ET.fromstring(feed)
        entries = root.findall("{http://www.w3.org/2005/Atom}entry")
        assert (
            status == 200
            and len(entries) == 1
            and "河南" in entries[0].find("{http://www.w3.org/2005/Atom}summary").text
        )
        status, page = _call(base + f"/watches/{wid}", raw=True)
        assert status == 200 and "河南省报告" in page
    # the watch survives a restart
    with serving(data, workers=1, env={"GOVTEXT_API_TOKEN": TOKEN, **env}) as base:
        status, body = _call(base + f"/api/v1/watches/{wid}/new")
        assert status == 200 and [i["doc_id"] for i in body["items"]] == ["hn-2024"]
        assert _call(base + f"/api/v1/watches/{wid}", "DELETE")[0] == 401
        assert _call(base + f"/api/v1/watches/{wid}", "DELETE", token=TOKEN)[0] == 200
        assert _call(base + f"/api/v1/watches/{wid}")[0] == 404
