"""End to end: `govtext serve` as a real process on a free loopback port."""

import json

import pytest
import time
import urllib.error
import urllib.parse
import urllib.request

from conftest import run_cli, serving

pytestmark = pytest.mark.slow  # every test here starts govtext processes; `make test-fast` leaves them out


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_serve_answers_over_http(seeded_dir):
    with serving(seeded_dir) as base:
        status, body = _get(base + "/api/v1/search?" + urllib.parse.urlencode({"q": "枫桥经验", "limit": 3}))
        assert status == 200 and any("<mark>枫桥经验</mark>" in h["snippet"] for h in body["hits"])
        status, body = _get(base + "/api/v1/search?" + urllib.parse.urlencode({"q": "量子色动力学"}))
        assert status == 200 and body["hits"] == []
        status, body = _get(base + "/api/v1/search?q=")
        assert status == 400 and body["code"]


def test_running_server_sees_documents_ingested_by_another_process(tmp_path):
    """Workers read; a separate `govtext ingest` writes; no restart in between."""
    data = tmp_path / "d"
    first = tmp_path / "first.jsonl"
    first.write_text(
        json.dumps({"id": "one", "text": "推行全科网格，配齐专职网格员。"}, ensure_ascii=False), encoding="utf-8"
    )
    assert run_cli("ingest", str(first), "--quiet", data=data).returncode == 0
    with serving(data) as base:
        query = base + "/api/v1/search?" + urllib.parse.urlencode({"q": "诉源治理"})
        assert _get(query)[1]["hits"] == []
        second = tmp_path / "second.jsonl"
        second.write_text(
            json.dumps({"id": "two", "text": "深化诉源治理，推进多元解纷。"}, ensure_ascii=False), encoding="utf-8"
        )
        assert run_cli("ingest", str(second), "--quiet", data=data).returncode == 0
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _get(query)[1]["hits"]:
            time.sleep(0.2)
        time.sleep(1)  # every worker reloads its index view within a second
        # several requests so that both workers answer
        answers = {tuple(h["id"] for h in _get(query)[1]["hits"]) for _ in range(10)}
        assert answers == {("two",)}
