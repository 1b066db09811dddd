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
