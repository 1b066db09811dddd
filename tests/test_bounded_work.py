"""Bounded work per request: the draft cap, the report caps, the per-client budget (a real server)."""

from __future__ import annotations

import json

import pytest

from bench.httpraw import call_json
from conftest import REPORTS, read_jsonl, serving

BUDGET = 20_000  # bytes of drafts per client and minute, small for the test


@pytest.fixture(scope="module")
def server(seeded_dir):
    with serving(seeded_dir, workers=1, env={"GOVTEXT_CHECK_BYTES_PER_MINUTE": str(BUDGET)}) as base:
        yield base


def test_report_caps_keep_the_longest_matches_and_say_so():
    from dedup.limits import cap_report

    paragraphs = [{"index": 0, "start": 0, "end": 1000}, {"index": 1, "start": 1001, "end": 2000}]
    matches = [{"start": i * 10, "end": i * 10 + 5 + (i % 3)} for i in range(90)]
    matches += [{"start": 1001 + i * 10, "end": 1001 + i * 10 + 5} for i in range(20)]
    report = cap_report({"paragraphs": paragraphs, "matches": matches}, max_matches=60, per_paragraph=50)
    kept = report["matches"]
    assert len(kept) == 60 and report["truncated"] == {"matches": 50}
    assert report["limits"] == {"matches": 60, "matches_per_paragraph": 50}
    assert kept == sorted(kept, key=lambda m: m["start"])  # still in draft order
    first = [m for m in kept if m["start"] < 1000]
    assert len(first) <= 50 and min(m["end"] - m["start"] for m in first) >= 6  # the longest were kept


def test_a_check_report_states_its_caps(server):
    text = "\n".join(d["text"][:400] for d in read_jsonl(REPORTS, limit=5))
    status, _, report = call_json(server, "POST", "/api/v1/check", {"text": text})
    assert status == 200
    assert report["limits"]["matches_per_paragraph"] >= 1 and report["truncated"]["matches"] >= 0


def test_an_oversized_draft_is_refused_with_the_limit_in_the_message(server):
    status, _, body = call_json(server, "POST", "/api/v1/check", {"text": "网" * 100_001}, source="127.0.0.5")
    assert status in (400, 413) and "100000" in body["message"]


def test_a_client_over_its_budget_gets_429_and_others_are_still_served(server):
    draft = json.dumps({"text": "坚持和发展新时代枫桥经验，推进矛盾纠纷多元化解。" * 120}, ensure_ascii=False)
    size = len(draft.encode())
    statuses = []
    for _ in range(BUDGET // size + 3):
        status, headers, body = call_json(
            server, "POST", "/api/v1/check", draft, {"Content-Type": "application/json"}, source="127.0.0.3"
        )
        statuses.append(status)
        if status == 429:
            assert int(headers["retry-after"]) >= 1 and body["code"] == "rate_limited"
            assert str(BUDGET) in body["message"]
            break
    assert statuses[0] == 200 and statuses[-1] == 429, statuses
    status, _, _ = call_json(
        server, "POST", "/api/v1/check", draft, {"Content-Type": "application/json"}, source="127.0.0.4"
    )
    assert status == 200
    assert call_json(server, "GET", "/api/v1/health", source="127.0.0.3")[0] == 200
