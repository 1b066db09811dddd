"""End to end: `govtext serve` as a real process on a free loopback port."""

import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from conftest import GOVTEXT, free_port, wait_for_http


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_serve_answers_over_http(seeded_dir):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([GOVTEXT, "--data", str(seeded_dir), "serve", "--port", str(port), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_http(base + "/api/v1/health", timeout=60)
        status, body = _get(base + "/api/v1/search?" + urllib.parse.urlencode({"q": "枫桥经验", "limit": 3}))
        assert status == 200 and any("<mark>枫桥经验</mark>" in h["snippet"] for h in body["hits"])
        status, body = _get(base + "/api/v1/search?" + urllib.parse.urlencode({"q": "量子色动力学"}))
        assert status == 200 and body["hits"] == []
        status, body = _get(base + "/api/v1/search?q=")
        assert status == 400 and body["code"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
