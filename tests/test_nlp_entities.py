"""Entities: regions with standard names, dates (placeholders unknown), 文号, 《》, organizations."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.analyze import analyze
from nlp.entities import (
    divisions_csv,
    document_year,
    extract_entities,
    find_dates,
    find_doc_numbers,
    find_organizations,
    find_regions,
    find_titles,
    primary_region,
)

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_0b7c18f88b416d3f.txt"


def names(regions):
    return [r["name"] for r in regions]


def test_division_table_comes_from_the_package():
    path = divisions_csv()
    assert path.name == "adcodes.csv" and "cpca" in str(path)


def test_short_and_full_city_name_are_one_region():
    regions = find_regions("建设更高水平的平安晋城、法治晋城，晋城市委高度重视。")
    assert len(regions) == 1
    r = regions[0]
    assert r["name"] == "晋城市" and r["province"] == "山西省" and r["city"] == "晋城市"
    assert r["county"] is None and r["level"] == "city" and r["count"] == 3 and r["adcode"] == "140500"


def test_county_belongs_to_city_and_province():
    (r,) = find_regions("陵川县小召村依托村民议事会开展民主协商。")
    assert (r["name"], r["county"], r["city"], r["province"]) == ("陵川县", "陵川县", "晋城市", "山西省")


def test_province_short_names():
    got = {r["name"]: r for r in find_regions("中共陕西省委政法委员会印发通知，山西、安徽两省参照执行。")}
    assert set(got) == {"陕西省", "山西省", "安徽省"}
    assert got["陕西省"]["level"] == "province" and got["陕西省"]["city"] is None


def test_municipality_district():
    regions = {x["name"]: x for x in find_regions("北京市东城区推行街道吹哨、部门报到。")}
    assert regions["东城区"]["province"] == "北京市" and regions["东城区"]["city"] == "北京市"


def test_no_false_region_across_a_boundary():
    # 浙江西部 must not yield 江西
    assert names(find_regions("浙江西部山区")) == ["浙江省"]


def test_generic_or_ambiguous_county_names_need_context():
    assert find_regions("城区实行全科网格管理") == []  # 城区 exists in several cities
    got = names(find_regions("晋城市城区实行全科网格管理"))
    assert got[0] == "晋城市" and "城区" in got
    assert find_regions("三获全国综治最高奖“长安杯”") == []  # 长安区 is in two cities; 长安 alone is no region


def test_placeholders_are_not_regions():
    assert find_regions("xx市xx县**镇某某村") == []


def test_traditional_region_names():
    e = extract_entities("晉城市委、陵川縣")
    assert names(e["regions"])[:2] == ["晋城市", "陵川县"]


def test_primary_region_prefers_the_local_region():
    regions = find_regions("山西省晋城市：晋城市委、晋城市政府、沁水县、陵川县；陕西省铜川市。")
    p = primary_region(regions)
    assert p["name"] == "晋城市" and p["province"] == "山西省"
    assert primary_region([]) is None


# -- dates ---------------------------------------------------------------------
def test_dates_full_partial_and_placeholders():
    ds = find_dates("2020年11月—12月调研；20xx年7月更名；2013年起；20**年年初；2020-05-14公布；二〇一九年")
    by_text = {d["text"]: d for d in ds}
    assert by_text["2020年11月"]["year"] == 2020 and by_text["2020年11月"]["month"] == 11
    assert by_text["20xx年7月"]["year"] is None and by_text["20xx年7月"]["unknown"] is True
    assert by_text["20xx年7月"]["month"] == 7
    assert by_text["20**年"]["unknown"] is True
    assert by_text["2013年"]["year"] == 2013 and not by_text["2013年"]["unknown"]
    assert (by_text["2020-05-14"]["month"], by_text["2020-05-14"]["day"]) == (5, 14)
    assert by_text["二〇一九年"]["year"] == 2019


def test_invalid_dates_are_ignored():
    assert all(d["month"] != 13 for d in find_dates("2020年13月"))
    assert find_dates("2020.13.45") == []


def test_document_year():
    ds = find_dates("2019年工作回顾。2020年5月20日召开大会，2020年9月11日推进会。到2035年基本实现。")
    assert document_year(ds) == 2020
    assert document_year(find_dates("20xx年工作总结")) is None
    assert document_year(ds, title_dates=find_dates("2021年工作总结")) == 2021


# -- 文号, titles, organizations --------------------------------------------------------
def test_doc_numbers():
    got = find_doc_numbers(
        "制定印发了《关于进一步加强网格党小组建设工作的通知》(铜王组发〔2020〕49号)，并转发国办发[2019]3号、x民电［20xx］23号文件。"
    )
    texts = [d["text"] for d in got]
    assert "铜王组发〔2020〕49号" in texts
    assert "国办发〔2019〕3号" in texts
    d = next(x for x in got if x["text"].endswith("23号"))
    assert d["year"] is None and d["unknown"] is True


def test_titles():
    t = find_titles("按照《中国共产党政法工作条例》和《关于加快推进市域社会治理现代化的实施意见》，《》空")
    assert t == ["中国共产党政法工作条例", "关于加快推进市域社会治理现代化的实施意见"]


def test_organizations():
    text = "中共晋城市委、市委政法委、县民政局、区委组织部、xx市公安局、市大数据局、局党组织和委员会"
    orgs = [o["name"] for o in find_organizations(text)]
    for expected in ("中共晋城市委", "市委政法委", "县民政局", "区委组织部", "xx市公安局", "市大数据局"):
        assert expected in orgs, orgs
    assert "委员会" not in orgs  # a bare generic word is not an organization
    assert not any(o.endswith("党组") for o in orgs)  # 党组织 is not 党组


def test_entities_in_analyze_output():
    r = analyze(
        "为推进晋城市市域社会治理现代化，2020年5月20日市委召开动员部署大会，印发《实施方案》（晋组发〔2020〕12号）。"
    )
    e = r["entities"]
    assert e["regions"][0]["name"] == "晋城市"
    assert e["titles"] == ["实施方案"]
    assert e["doc_numbers"][0]["text"] == "晋组发〔2020〕12号"
    assert r["year"] == 2020
    assert r["primary_region"]["province"] == "山西省"


@pytest.mark.skipif(not SEED.exists(), reason="shared seed page not available")
def test_seed_page_entities():
    r = analyze(SEED.read_text(encoding="utf-8"))
    assert r["primary_region"]["name"] == "晋城市"
    regions = {x["name"]: x for x in r["entities"]["regions"]}
    assert regions["沁水县"]["city"] == "晋城市"
    assert "铜王组发〔2020〕49号" in [d["text"] for d in r["entities"]["doc_numbers"]]
    assert any(d["unknown"] for d in r["entities"]["dates"])


# -- the entity patterns as first written: the faster forms find the same matches ------------------
_FIRST_Y = r"(?P<y>(?:19|20)\d{2}|20[xX×*＊]{2}|[xX×*]{4})"
FIRST_PATTERNS = {
    "_DATE_CN": _FIRST_Y + r"\s*年(?:\s*(?P<m>\d{1,2}|[xX×*]{1,2})\s*月(?:\s*(?P<d>\d{1,2}|[xX×*]{1,2})\s*日)?)?",
    "_DATE_NUM": r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?![\d])",
    "_DATE_HANZI": r"(?P<y>[一二〇○零三四五六七八九]{4})年",
}


def _first_patterns():
    import re

    from nlp import entities

    first = {name: re.compile(p) for name, p in FIRST_PATTERNS.items()}
    org = "|".join(re.escape(w) + entities._ORG_LOOKAHEAD.get(w, "") for w in entities._ORG_CORE)
    first["_ORG_RE"] = re.compile(org)
    return first


def _same_matches(texts):
    from nlp import entities

    for name, pattern in _first_patterns().items():
        now = getattr(entities, name)
        for text in texts:
            want = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
            assert [(m.span(), m.groupdict()) for m in now.finditer(text)] == want, (name, text[:80])


def test_entity_patterns_match_as_first_written_on_crafted_text():
    texts = [
        "2020年11月17日 2020 年 5 月 20xx年 20XX年x月 xxxx年 xX×*年 20＊＊年 1999年 2100年 1899年 12020年",
        "3.2020-05-14 a2020-05-14 2020.5.14 2020/5/14 12020-05-14 2020-05-145 .1990-1-1 1990-1-1",
        "二〇二〇年 一九九九年 二零二零年 三二一〇二〇年 二〇二 年 一二三四五六年",
        "中共晋城市委组织部 党组织 党委书记 党委委员 县委政法委员会 人民法院院长 法院 法院长 委员会办公室",
        "市委办 市委 市政府 政府办 人民调解委员会 调解委员会 村民委员会 居民委员会 党支部 社区党支部",
        "",
        "2",
        "2020年" * 50 + "x" * 10 + "年",
    ]
    _same_matches(texts)


@pytest.mark.skipif(not (Path(__file__).resolve().parents[2] / "shared" / "corpus").exists(), reason="no corpus")
def test_entity_patterns_match_as_first_written_on_the_corpus():
    import json

    from nlp.textnorm import normalize

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    texts = []
    for name in ("reports.jsonl", "laws.jsonl"):
        with open(corpus / name, encoding="utf-8") as fh:
            texts += [normalize(json.loads(line)["text"]) for line, _ in zip(fh, range(150))]
    assert len(texts) > 100
    _same_matches(texts)
