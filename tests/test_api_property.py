"""Property-based requests generated from /api/v1/openapi.json against a real server: no 5xx and
no response that disagrees with the document (status, content type, schema). Bounded: a few
generated cases per operation and mode, derandomized (bench/bench_hostile.py runs the same with more)."""

from __future__ import annotations

import pytest

from conftest import serving

TOKEN = "property-token"


@pytest.fixture(scope="module")
def server(seeded_dir):
    with serving(seeded_dir, workers=1, env={"GOVTEXT_API_TOKEN": TOKEN}) as base:
        yield base


def test_generated_requests_give_no_5xx_and_match_the_document(server):
    pytest.importorskip("schemathesis")
    from bench.bench_hostile import property_run

    result = property_run(server, TOKEN, examples=6)
    assert result["requests"] >= 50
    assert result["server_errors"] == 0, result
    assert not result["violations"], result["violations"][:10]


def test_hand_made_bad_requests_give_no_5xx(server):
    from bench import bench_hostile

    statuses = bench_hostile.handmade(server, TOKEN)
    bad = sum(n for s, n in statuses.items() if (s >= 500 and s not in (501, 503)) or s == 0)
    assert bad == 0, statuses
