"""横向查重: drafts of one batch checked against each other (dedup/batch.py), in
the API (POST /api/v1/check/batch) and `govtext check --jsonl`. The drafts are
built from real report paragraphs of ../shared, so the expected pairs and spans
follow from the construction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import store_of

from dedup.batch import MAX_BATCH_CHARS, MAX_BATCH_DRAFTS, cross_check

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reports.jsonl"
pytestmark = pytest.mark.skipif(not REPORTS.exists(), reason=f"{REPORTS} not found")


def _passages(n: int) -> list[str]:
    """Report paragraphs of 90–160 characters, no quotation marks, ending in 。"""
    out = []
    with REPORTS.open(encoding="utf-8") as f:
        for line in f:
            for p in json.loads(line)["text"].split("\n"):
                if 90 <= len(p) <= 160 and p.endswith("。") and not any(c in p for c in '“”《》"「」‘’'):
                    out.append(p)
                    if len(out) == n:
                        return out
    return out


P1, P2, P3 = _passages(3) if REPORTS.exists() else ("", "", "")
OWN_A = "甲单位今年的工作有自己的特点，这一段是起草人自己写的。"
OWN_B = "乙单位的开头语与众不同。"
OWN_D = "丁单位完全原创的材料，讲的是本单位独有的做法和体会，没有照搬别人的任何表述。"
A = P1 + "\n" + OWN_A + "\n" + P2
B = OWN_B + "\n" + P1
C = P2 + "\n" + P3
D = OWN_D


def _start(text: str, part: str) -> int:
    return text.index(part)


def test_pairs_follow_the_construction():
    pairs = cross_check([A, B, C, D])
    assert sorted((p["a"], p["b"]) for p in pairs) == [(0, 1), (0, 2)]  # D copies nobody; B and C share nothing
    ab = next(p for p in pairs if (p["a"], p["b"]) == (0, 1))
    ac = next(p for p in pairs if (p["a"], p["b"]) == (0, 2))
    # each side's spans are where the shared paragraph stands in that draft (the final 。 is not counted)
    assert ab["a_spans"] == [[0, len(P1) - 1]]
    assert ab["b_spans"] == [[_start(B, P1), _start(B, P1) + len(P1) - 1]]
    assert ac["a_spans"] == [[_start(A, P2), _start(A, P2) + len(P2) - 1]]
    assert ac["b_spans"] == [[0, len(P2) - 1]]
    # a verbatim paragraph: the same characters on both sides, all 复制
    assert ab["a_chars"] == ab["b_chars"] == ab["a_copy_chars"] > 0.9 * len(P1)
    assert ac["a_chars"] == ac["b_chars"] == ac["a_copy_chars"] > 0.9 * len(P2)
    # B is mostly P1, A only partly
    assert ab["b_ratio"] > 0.85 > 0.6 > ab["a_ratio"] > 0.2
    assert pairs[0] == ab  # the highest one-sided ratio first


def test_a_single_draft_or_unrelated_drafts_give_no_pairs():
    assert cross_check([A]) == []
    assert cross_check([OWN_A, OWN_D]) == []


@pytest.mark.parametrize(
    "texts,fragment",
    [
        ([], "non-empty"),
        ("not a list", "non-empty"),
        ([A, ""], "draft 1"),
        ([A, "   \n  "], "draft 1"),
        ([A, "\x00\x01binary"], "draft 1"),
        ([A, 42], "draft 1"),
        ([A] * (MAX_BATCH_DRAFTS + 1), "at most"),
        (["字" * 60_000, "字" * 60_000, "文" * 1000], "batch too large"),
    ],
)
def test_hostile_batches_are_bad_input(texts, fragment):
    from govtext.errors import BadInput

    with pytest.raises(BadInput) as exc:
        cross_check(texts, max_chars=100_000)
    assert fragment in exc.value.message and exc.value.status == 400


# -- the API and the CLI -----------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return store_of(
        tmp_path_factory.mktemp("batch_data"), [{"id": "src", "title": "某市政府工作报告", "text": P3 + "\n另一段。"}]
    )


@pytest.fixture(scope="module")
def client(data_dir):
    from govtext.settings import load_settings
    from service.app import create_app

    app = create_app(load_settings(data_dir=data_dir, analyze=False))
    app.testing = False
    return app.test_client()


def test_api_batch_reports_pairs_and_corpus_reports(client):
    drafts = [{"id": "甲", "text": A}, {"id": "乙", "text": B}, {"id": "丙", "text": C}, D]
    r = client.post("/api/v1/check/batch", json={"drafts": drafts})
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["drafts"] == ["甲", "乙", "丙", "3"]
    expected = cross_check([A, B, C, D])
    assert [{k: v for k, v in p.items() if k not in ("a_id", "b_id")} for p in body["pairs"]] == expected
    assert [(p["a_id"], p["b_id"]) for p in body["pairs"]] == [("甲", "乙"), ("甲", "丙")]
    # and each draft against the corpus: 丙 carries the corpus's P3
    reports = {rep["id"]: rep for rep in body["reports"]}
    assert reports["丙"]["largest_source"] == "src" and reports["甲"]["sources"] == []
    ab = body["pairs"][0]
    assert ab["a_ratio"] == round(ab["a_chars"] / reports["甲"]["chars"], 4)
    lean = client.post("/api/v1/check/batch", json={"drafts": [A, B], "reports": False}).get_json()
    assert "reports" not in lean and len(lean["pairs"]) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"drafts": []},
        {"drafts": "x"},
        {"drafts": [A, {"id": "x"}]},
        {"drafts": [{"id": "x", "text": A}, {"id": "x", "text": B}]},
        {"drafts": [{"id": ["x"], "text": A}]},
        {"drafts": [A, ""]},
        {"drafts": [A] * (MAX_BATCH_DRAFTS + 1)},
        {"drafts": ["字" * 90_000, "字" * (MAX_BATCH_CHARS - 89_000)]},
        {"drafts": [A, B], "reports": "yes"},
        {"drafts": [A, B], "whitelist": "x"},
    ],
)
def test_api_hostile_batches_are_a_clear_400(client, body):
    r = client.post("/api/v1/check/batch", json=body)
    assert r.status_code == 400, (r.status_code, r.get_data(as_text=True)[:200])
    assert r.get_json()["message"]


def test_api_batch_refuses_non_json(client):
    r = client.post("/api/v1/check/batch", data="drafts=x", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400


@pytest.mark.slow  # starts govtext processes: `make test` runs it, `make test-fast` leaves it out
def test_cli_jsonl_ends_with_the_cross_check(data_dir, tmp_path):
    from conftest import run_cli

    src = tmp_path / "drafts.jsonl"
    lines = [{"id": "甲", "text": A}, {"id": "乙", "text": B}, {"id": "坏", "text": ""}, {"id": "丙", "text": C}]
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    r = run_cli("check", "--jsonl", str(src), "--cross", data=data_dir)
    assert r.returncode == 1, r.stderr.decode()  # the empty draft fails; the rest are checked
    out = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert [o.get("id") for o in out[:4]] == ["甲", "乙", "坏", "丙"] and "error" in out[2]
    cross = out[-1]["cross_check"]
    assert cross["drafts"] == ["甲", "乙", "丙"]
    assert [(p["a_id"], p["b_id"]) for p in cross["pairs"]] == [("甲", "乙"), ("甲", "丙")]
    assert [{k: v for k, v in p.items() if k not in ("a_id", "b_id")} for p in cross["pairs"]] == cross_check([A, B, C])
    r = run_cli("check", "--jsonl", str(src), data=data_dir)  # without --cross: one line per draft, as before
    assert [json.loads(x).get("id") for x in r.stdout.decode().splitlines()] == ["甲", "乙", "坏", "丙"]
