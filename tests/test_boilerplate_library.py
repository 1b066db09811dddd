"""The 套话库 a writer can use: filters by document type, region and year, search
inside it, all variants in the JSON, legal adoption/enactment lines apart from
report formulas, pagination — the API, the page and the CLI on one corpus with
known figures (embedded backend)."""

from __future__ import annotations

import json
import random

import pytest

from conftest import store_of

FORMULA = (
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大和二十届历次全会精神，"
    "完整准确全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。"
)
LEAD = "各地区各部门要加强组织领导，压实工作责任，健全协调机制，确保各项任务落地见效。"
ENACT = "本条例自2024年1月1日起施行。"
# (id, region, year, word): six reports carry FORMULA with 着力 replaced by their own word
# (six variants; place names would not do, matching normalizes them), the first four
# also LEAD; four laws carry ENACT.
REPORTS = [
    ("r1", "广东省", 2024, "着力"),
    ("r2", "广东省", 2024, "大力"),
    ("r3", "广东省", 2025, "扎实"),
    ("r4", "浙江省", 2024, "全力"),
    ("r5", "浙江省", 2025, "奋力"),
    ("r6", "浙江省", 2025, "持续"),
]


def _variant(word: str) -> str:
    return FORMULA.replace("着力", word)


LAWS = [("l1", "广东省"), ("l2", "广东省"), ("l3", "浙江省"), ("l4", "浙江省")]
POOL = "经济社会发展农业工业服务教育医疗卫生交通水利能源环境文化旅游科技人才住房养老就业收入消费投资出口"


def _own(rng: random.Random, n: int = 3) -> list[str]:
    return ["".join(rng.choice(POOL) for _ in range(60)) + "。" for _ in range(n)]


def _corpus():
    from govtext.documents import Document

    rng = random.Random(15)
    docs = []
    for k, (i, region, year, word) in enumerate(REPORTS):
        paras = _own(rng)
        paras.insert(1, _variant(word))
        if k < 4:
            paras.append(LEAD)
        docs.append(
            Document.from_dict(
                {
                    "id": i,
                    "title": f"{region}{i}{year}年政府工作报告",
                    "text": "\n".join(paras),
                    "region": region,
                    "date": f"{year}-02-01",
                    "doc_type": "report",
                }
            )
        )
    for i, region in LAWS:
        paras = _own(rng) + [ENACT]
        docs.append(
            Document.from_dict(
                {
                    "id": i,
                    "title": f"{region}某条例{i}",
                    "text": "\n".join(paras),
                    "region": region,
                    "date": "2024-06-01",
                    "doc_type": "law",
                }
            )
        )
    return docs


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return store_of(tmp_path_factory.mktemp("bp_data"), _corpus())


@pytest.fixture(scope="module")
def client(data_dir):
    from govtext.settings import load_settings
    from service.app import create_app

    app = create_app(load_settings(data_dir=data_dir, analyze=False))
    app.testing = False
    return app.test_client()


def _get(client, **params):
    r = client.get("/api/v1/boilerplate", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _summary(body) -> list[tuple[str, str, int]]:
    """(which, kind, docs) per item, which is FORMULA / LEAD / ENACT."""
    out = []
    for item in body["items"]:
        text = item["text"]
        which = (
            "FORMULA" if FORMULA[:40] in text else ("LEAD" if text == LEAD else ("ENACT" if text == ENACT else text))
        )
        out.append((which, item["kind"], item["docs"]))
    return out


def test_everything_with_kinds_and_all_variants(client):
    body = _get(client)
    assert sorted(_summary(body)) == [
        ("ENACT", "legal_formula", 4),
        ("FORMULA", "report_formula", 6),
        ("LEAD", "report_formula", 4),
    ]
    assert _summary(body)[0] == ("FORMULA", "report_formula", 6)  # most documents first
    formula = body["items"][0]
    # all six variants (the old JSON listed five), each once
    assert formula["variant_count"] == 6 and len(formula["variants"]) == 6
    assert sorted(v["text"] for v in formula["variants"]) == sorted(_variant(w) for *_, w in REPORTS)
    assert body["has_more"] is False and body["offset"] == 0


def test_kind_separates_enactment_lines_from_report_formulas(client):
    assert _summary(_get(client, kind="legal_formula")) == [("ENACT", "legal_formula", 4)]
    assert sorted(_summary(_get(client, kind="report_formula"))) == [
        ("FORMULA", "report_formula", 6),
        ("LEAD", "report_formula", 4),
    ]


def test_search_inside_the_library(client):
    assert _summary(_get(client, q="组织领导")) == [("LEAD", "report_formula", 4)]
    assert _summary(_get(client, q="奋力推动")) == [("FORMULA", "report_formula", 6)]  # any variant
    assert _get(client, q="没有这句话")["items"] == []


def test_filters_by_region_year_and_type_count_only_those_documents(client):
    gd = _get(client, region="广东")  # 广东 → 广东省, as search filters it
    assert sorted(_summary(gd)) == [("FORMULA", "report_formula", 3), ("LEAD", "report_formula", 3)]
    assert {o["doc_id"] for o in gd["items"][0]["occurrences"]} <= {"r1", "r2", "r3"}
    assert len(gd["items"][0]["variants"]) == 3
    assert _summary(_get(client, year=2025)) == [("FORMULA", "report_formula", 3)]
    assert _summary(_get(client, doc_type="law")) == [("ENACT", "legal_formula", 4)]
    assert _summary(_get(client, doc_type="law", region="浙江省")) == []  # two laws < min_docs 3
    assert _summary(_get(client, doc_type="law", region="浙江省", min_docs=2)) == [("ENACT", "legal_formula", 2)]
    assert _get(client, region="广东")["filters"]["region"] == "广东"


def test_pages_do_not_overlap_and_cover_the_ranking(client):
    whole = [i["cluster_id"] for i in _get(client)["items"]]
    pages, offset = [], 0
    while True:
        body = _get(client, limit=1, offset=offset)
        pages += [i["cluster_id"] for i in body["items"]]
        if not body["has_more"]:
            break
        offset += 1
    assert pages == whole and len(whole) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "bogus"},
        {"year": "20x5"},
        {"year": "1800"},
        {"offset": "-1"},
        {"q": "x" * 201},
        {"limit": "0"},
        {"variants": "0"},
    ],
)
def test_bad_parameters_are_a_clear_400(client, params):
    r = client.get("/api/v1/boilerplate", query_string=params)
    assert r.status_code == 400, (params, r.status_code)
    assert r.get_json()["message"]
    if "variants" not in params:  # the page shows 50 variants and takes no such parameter
        page = client.get("/boilerplate", query_string=params)
        assert page.status_code == 400, (params, page.status_code)


def test_the_page_filters_and_pages(client):
    html = client.get("/boilerplate", query_string={"kind": "legal_formula"}).get_data(as_text=True)
    assert ENACT in html and FORMULA[:40] not in html and "通过、施行语" in html
    html = client.get("/boilerplate", query_string={"limit": 1}).get_data(as_text=True)
    assert 'rel="next"' in html and 'rel="prev"' not in html and "第 1–1 条" in html
    html = client.get("/boilerplate", query_string={"limit": 1, "offset": 2}).get_data(as_text=True)
    assert 'rel="prev"' in html and 'rel="next"' not in html
    assert client.get("/boilerplate", query_string={"q": "<script>"}).status_code == 200


@pytest.mark.slow  # starts govtext processes: `make test` runs it, `make test-fast` leaves it out
def test_cli_gives_the_same_json(client, data_dir):
    from conftest import run_cli

    r = run_cli("boilerplate", "--json", "--region", "广东", "--kind", "report_formula", data=data_dir)
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout) == _get(client, region="广东", kind="report_formula")
    r = run_cli("boilerplate", "--kind", "nonsense", data=data_dir)
    assert r.returncode != 0
    r = run_cli("boilerplate", "--year", "1800", data=data_dir)
    assert r.returncode != 0 and b"year" in r.stderr
