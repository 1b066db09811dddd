"""Entities: regions, dates, 文号, 《》 titles and organizations.

Regions come from the administrative-division table shipped in the PyPI
package ``cpca`` (``cpca/resources/adcodes.csv``: 3,500 provinces, cities and
counties with their adcodes, derived from the national division codes). Only
the CSV is read — not cpca's pandas-based matcher — and matched with one
Aho-Corasick automaton (pyahocorasick, a cpca dependency). Names are matched
in full (晋城市, 陵川县) and, for provinces and prefecture-level cities, also
without their suffix (晋城, 山西); both resolve to the same adcode, so 晋城
and 晋城市 are one region, reported with its province (山西省). County names
are matched only in full, and a county name shared by several counties (城区,
长安区, 和平区 …) only when its city or province also occurs in the text.

Dates: 2020年11月17日, 2020年5月, 2020-05-14, 2020.5.14, 2020年; placeholders
such as 20xx年 / 20**年 are kept with ``"unknown": true`` and no year.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from nlp.textnorm import normalize
from nlp.textscan import PairScanner

# -- administrative divisions -------------------------------------------
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("自治州", "地区", "盟", "市")
# short forms that are ordinary words or too ambiguous on their own
_SHORT_BLOCK = {
    "吉林",
    "海南",
    "朝阳",
    "白城",
    "通化",
    "中山",
    "黄山",
    "白山",
    "三明",
    "长治",
    "永州",
    "阿里",
    "和田",
    "阿拉善",
}
_COUNTY_GENERIC = {"城区", "郊区", "矿区", "新区", "市辖区", "市中区", "开发区", "高新区", "经济开发区"}


@dataclass(frozen=True)
class Division:
    adcode: str  # 6 digits
    name: str
    rank: int  # 0 province, 1 city, 2 county

    @property
    def province_code(self) -> str:
        return self.adcode[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.adcode[:4] + "00"


def _strip(name: str, suffixes) -> str | None:
    for suf in suffixes:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return None


class RegionIndex:
    def __init__(self, csv_path: Path):
        self.by_code: dict[str, Division] = {}
        with open(csv_path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = row["name"].strip()
                code = row["adcode"][:6]
                if len(name) < 2 or name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                    continue
                rank = 0 if code.endswith("0000") else 1 if code.endswith("00") else 2
                self.by_code[code] = Division(code, name, rank)
        # surface form -> list of (adcode, is_full_name)
        forms: dict[str, list[tuple[str, bool]]] = {}
        for d in self.by_code.values():
            forms.setdefault(d.name, []).append((d.adcode, True))
            short = None
            if d.rank == 0:
                short = _strip(d.name, _PROVINCE_SUFFIXES)
                if short and short.startswith("内蒙古"):
                    short = "内蒙古"
            elif d.rank == 1:
                short = _strip(d.name, _CITY_SUFFIXES)
            if short and short not in _SHORT_BLOCK and len(short) >= 2:
                forms.setdefault(short, []).append((d.adcode, False))
        self.forms = forms
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for form in forms:
            automaton.add_word(form, form)
        automaton.make_automaton()
        self.automaton = automaton
        self.scanner = PairScanner(automaton, forms)

    def province_of(self, d: Division) -> Division | None:
        return self.by_code.get(d.province_code)

    def city_of(self, d: Division) -> Division | None:
        if d.rank == 0:
            return None
        city = self.by_code.get(d.city_code)
        if city is None and d.rank == 2:
            # counties of municipalities (110101) and directly administered counties (429004)
            return None
        return city

    def describe(self, d: Division) -> dict:
        prov = self.province_of(d)
        city = self.city_of(d) if d.rank >= 1 else None
        if d.rank == 1:
            city = d
        if city is None and d.rank == 2 and prov is not None and prov.name.endswith("市"):
            city = prov  # 北京市东城区: the municipality is the city
        return {
            "name": d.name,
            "province": prov.name if prov else None,
            "city": city.name if city else None,
            "county": d.name if d.rank == 2 else None,
            "adcode": d.adcode,
            "level": ("province", "city", "county")[d.rank],
        }

    def find(self, text: str) -> list[tuple[int, int, Division]]:
        """Region mentions as (start, end, division), leftmost-longest, ambiguity resolved."""
        raw = self.scanner.occurrences(text)
        raw.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        chosen = []
        last_end = 0
        for start, end, form in raw:
            if start >= last_end:
                chosen.append((start, end, form))
                last_end = end
        # unambiguous provinces / cities first, to resolve ambiguous names by context
        present_codes = set()
        for _, _, form in chosen:
            cands = self.forms[form]
            if len(cands) == 1 and self.by_code[cands[0][0]].rank <= 1:
                present_codes.add(cands[0][0])
        present_prefixes = {c[:2] for c in present_codes} | {c[:4] for c in present_codes if not c.endswith("0000")}
        out = []
        for start, end, form in chosen:
            cands = self.forms[form]
            divs = [self.by_code[c] for c, _ in cands]
            if len(divs) > 1:
                in_ctx = [d for d in divs if d.adcode[:4] in present_prefixes]  # same city first
                if not in_ctx:
                    in_ctx = [d for d in divs if d.adcode[:2] in present_prefixes]  # then same province
                if len(in_ctx) == 1:
                    divs = in_ctx
                else:
                    higher = [d for d in (in_ctx or divs) if d.rank <= 1]
                    if len(higher) == 1:
                        divs = higher
                    else:
                        continue
            d = divs[0]
            if d.rank == 2:
                if form in _COUNTY_GENERIC or len(form) <= 2:
                    # 城区 / 郊区 / 2-character names: only right after their own city, or with it in the text
                    prev = text[max(0, start - 6) : start]
                    city = self.by_code.get(d.city_code) or self.by_code.get(d.province_code)
                    if not city or not (city.name in prev or (d.adcode[:4] in present_prefixes)):
                        continue
            out.append((start, end, d))
        return out


_lock = threading.Lock()
_regions: RegionIndex | None = None


def divisions_csv() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the 'cpca' package (administrative divisions) is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


def get_region_index() -> RegionIndex:
    global _regions
    if _regions is None:
        with _lock:
            if _regions is None:
                _regions = RegionIndex(divisions_csv())
    return _regions


def find_regions(text: str) -> list[dict]:
    """Distinct regions, most mentioned first: name, province, city, county, adcode, level, count."""
    index = get_region_index()
    counts: Counter = Counter()
    first: dict[str, int] = {}
    for start, _, d in index.find(text):
        counts[d.adcode] += 1
        first.setdefault(d.adcode, start)
    out = []
    for code in sorted(counts, key=lambda c: (-counts[c], first[c])):
        item = index.describe(index.by_code[code])
        item["count"] = counts[code]
        out.append(item)
    return out


def primary_region(regions: list[dict]) -> dict | None:
    """The region a document is about: the most mentioned city or county (mentions of
    its counties count for a city), else the most mentioned province."""
    if not regions:
        return None
    by_code = {r["adcode"]: r for r in regions}
    totals: Counter = Counter()
    for r in regions:
        totals[r["adcode"]] += r["count"]
        if r["level"] == "county" and r["adcode"][:4] + "00" in by_code:
            totals[r["adcode"][:4] + "00"] += r["count"]
    order = {r["adcode"]: i for i, r in enumerate(regions)}
    local = [r for r in regions if r["level"] in ("city", "county")]
    pool = local or regions
    best = max(pool, key=lambda r: (totals[r["adcode"]], r["level"] == "city", -order[r["adcode"]]))
    return {k: best[k] for k in ("name", "province", "city", "county", "adcode", "level")}


# -- dates ---------------------------------------------------------------
# Each pattern begins with a character class, so that the regex engine skips to the characters
# that can start a match instead of trying the pattern at every position. As first written:
#   year  (?:19|20)\d{2}|20[xX×*＊]{2}|[xX×*]{4}
#   num   (?<![\d.])(?P<y>(?:19|20)\d{2})[-./]…
#   hanzi (?P<y>[一二〇○零三四五六七八九]{4})年
# the same matches: the year's alternatives are four characters each and at most one fits at a
# position (tests/test_nlp_entities.py compares them on the corpus).
_Y = r"(?P<y>[12xX×*](?:(?<=1)9\d{2}|(?<=2)0\d{2}|(?<=2)0[xX×*＊]{2}|(?<=[xX×*])[xX×*]{3}))"
_DATE_CN = re.compile(_Y + r"\s*年(?:\s*(?P<m>\d{1,2}|[xX×*]{1,2})\s*月(?:\s*(?P<d>\d{1,2}|[xX×*]{1,2})\s*日)?)?")
_DATE_NUM = re.compile(
    r"(?P<y>[12](?<![\d.][12])(?:(?<=1)9|(?<=2)0)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?![\d])"
)
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_HANZI = re.compile(r"(?P<y>[一二〇○零三四五六七八九][一二〇○零三四五六七八九]{3})年")


def _num(s: str | None) -> int | None:
    if s is None or not s.isdigit():
        return None
    return int(s)


def find_dates(text: str) -> list[dict]:
    out = []
    seen = set()
    for m in _DATE_CN.finditer(text):
        y, mo, d = m.group("y"), m.group("m"), m.group("d")
        unknown = not y.isdigit() or (mo is not None and not mo.isdigit()) or (d is not None and not d.isdigit())
        year = int(y) if y.isdigit() else None
        month, day = _num(mo), _num(d)
        if month is not None and not 1 <= month <= 12:
            continue
        if day is not None and not 1 <= day <= 31:
            continue
        out.append(
            {"text": m.group(0), "year": year, "month": month, "day": day, "unknown": unknown, "start": m.start()}
        )
        seen.add(m.start())
    for m in _DATE_NUM.finditer(text):
        month, day = int(m.group("m")), int(m.group("d"))
        if 1 <= month <= 12 and 1 <= day <= 31 and m.start() not in seen:
            out.append(
                {
                    "text": m.group(0),
                    "year": int(m.group("y")),
                    "month": month,
                    "day": day,
                    "unknown": False,
                    "start": m.start(),
                }
            )
    for m in _DATE_HANZI.finditer(text):
        digits = [_CN_DIGITS.get(c) for c in m.group("y")]
        if None in digits:
            continue
        year = int("".join(map(str, digits)))
        if 1900 <= year <= 2099:
            out.append(
                {"text": m.group(0), "year": year, "month": None, "day": None, "unknown": False, "start": m.start()}
            )
    out.sort(key=lambda x: int(x["start"] or 0))
    return out


def document_year(dates: list[dict], title_dates: list[dict] | None = None, max_year: int | None = None) -> int | None:
    """The year a document belongs to: a year in its title, else the most frequent
    year among full dates (with month), else among all years; ties go to the later year.
    Years after ``max_year`` (default: this year + 1) are plans, not dates, and are ignored."""
    import datetime

    max_year = max_year or datetime.date.today().year + 1
    for d in title_dates or []:
        if d["year"] and d["year"] <= max_year:
            return d["year"]
    for pool in ([d for d in dates if d["month"]], dates):
        years = Counter(d["year"] for d in pool if d["year"] and 1949 <= d["year"] <= max_year)
        if years:
            return max(years, key=lambda y: (years[y], y))
    return None


# -- 文号 -----------------------------------------------------------------
_DOC_NO = re.compile(
    r"[〔［\[【(（]\s*(?P<y>(?:19|20)\d{2}|20[xX×*]{2}|[xX×*]{4})\s*[〕］\]】)）]"
    r"\s*第?\s*(?P<n>[0-9０-９xX×*]{1,5})\s*号"
)
_AGENCY_CHARS = re.compile(r"[\u4e00-\u9fa5A-Za-z]{1,12}$")
_LEAD_INS = re.compile(
    r"^(?:并|和|及|与|的|了|在|以|据|经|将|对|由|文件|通知|印发|转发|下发|制定|出台|根据|按照|依据|参照|执行|落实|贯彻|号)+"
)


def find_doc_numbers(text: str) -> list[dict]:
    """文号 such as 铜王组发〔2020〕49号: the issuing agency's abbreviation, the year
    (None and ``unknown`` for 20xx placeholders) and the number; any bracket style."""
    out, seen = [], set()
    for m in _DOC_NO.finditer(text):
        before = _AGENCY_CHARS.search(text, max(0, m.start() - 12), m.start())
        if not before:
            continue
        agency = _LEAD_INS.sub("", before.group(0))
        if not agency:
            continue
        y = m.group("y")
        s = f"{agency}〔{y}〕{m.group('n')}号"
        if s in seen:
            continue
        seen.add(s)
        out.append(
            {
                "text": s,
                "agency": agency,
                "year": int(y) if y.isdigit() else None,
                "number": m.group("n"),
                "unknown": not y.isdigit(),
            }
        )
    return out


# -- 《》 titles -----------------------------------------------------------
_TITLE = re.compile(r"《([^《》\n]{1,80})》")


def find_titles(text: str) -> list[str]:
    seen, out = set(), []
    for m in _TITLE.finditer(text):
        t = m.group(1).strip()
        if t and t not in seen:
            seen.add(t)
            out.append(t)
    return out


# -- organizations ----------------------------------------------------------
_ORG_CORE = sorted(
    """
市委 县委 区委 省委 州委 镇党委 乡党委 党委 党组 党工委 纪委 监委 纪委监委 政法委 政法委员会 组织部 宣传部 统战部 政研室
市委办 政府办 人民政府 市政府 县政府 区政府 省政府 镇政府 乡政府 街道办事处 街道办 人大常委会 人民代表大会常务委员会 政协
民政局 公安局 司法局 财政局 信访局 应急管理局 大数据局 人社局 卫健委 住建局 教育局 市场监管局 综合执法局 行政审批局 政务服务管理局
退役军人事务局 自然资源局 生态环境局 农业农村局 文旅局 统计局 审计局 老干局 编办
民政厅 公安厅 司法厅 财政厅 民政部 公安部 司法部 财政部 国务院 中共中央 最高人民法院 最高人民检察院
人民法院 法院 人民检察院 检察院 派出所 司法所 公安分局 法庭 综治中心 综治办 综治委 平安办 维稳办 信访办 政法委员会
妇联 团委 共青团 工会 残联 红十字会 居委会 村委会 居民委员会 村民委员会 业主委员会 社区党委 社区党支部 村党支部 党支部
领导小组 工作领导小组 委员会 办公室 指挥部 调解委员会 人民调解委员会 矛盾纠纷调处化解中心 党群服务中心 便民服务中心 政务服务中心
网格化服务管理中心 新时代文明实践中心 社会工作服务站
""".split(),
    key=len,
    reverse=True,
)
_ORG_LOOKAHEAD = {"党组": "(?!织)", "政法委": "(?!员)", "党委": "(?!书记|副书记|委员)", "法院": "(?!长)"}


def _by_first_character(words: list[str], lookahead: dict[str, str]) -> str:
    """``"|".join(word + its lookahead)`` with the words of one first character in one group, in their
    order: the engine tries one group at a position, not every word, and matches the same (a word of
    another first character cannot match there, so the first word that matches is the same)."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(re.escape(w[1:]) + lookahead.get(w, ""))
    return "|".join(re.escape(c) + "(?:" + "|".join(rests) + ")" for c, rests in groups.items())


_ORG_RE = re.compile(_by_first_character(_ORG_CORE, _ORG_LOOKAHEAD))
_LEVEL = set("省市县区镇乡村州")
_GENERIC_ALONE = {
    "委员会",
    "办公室",
    "领导小组",
    "工作领导小组",
    "指挥部",
    "党委",
    "党组",
    "党支部",
    "法院",
    "法庭",
    "工会",
    "政协",
    "团委",
    "检察院",
    "党工委",
}


def find_organizations(text: str, regions: list[tuple[int, int, Division]] | None = None) -> list[dict]:
    """Organizations with counts, most frequent first. A core name (民政局, 政法委 …)
    takes the region name or level character (市/县/区 …) just before it, and adjacent
    cores join (县委组织部); bare generic words (委员会, 办公室) count only with such a prefix."""
    regions = regions if regions is not None else get_region_index().find(text)
    region_end = {}
    region_inside = {}
    for start, end, _ in regions:
        region_end[end] = start
        for p in range(start + 1, end):
            region_inside[p] = start
    counts: Counter = Counter()
    first: dict[str, int] = {}
    spans = [m.span() for m in _ORG_RE.finditer(text)]
    i = 0
    while i < len(spans):
        start, end = spans[i]
        j = i
        while j + 1 < len(spans) and spans[j + 1][0] == spans[j][1]:
            j += 1
            end = spans[j][1]
        core_first = text[spans[i][0] : spans[i][1]]
        prefix_start = start
        if start in region_inside:  # 晋城市委: the region took the 市 of 市委
            prefix_start = region_inside[start]
        elif start in region_end:
            prefix_start = region_end[start]
        elif start >= 1 and text[start - 1] in _LEVEL and core_first[0] not in _LEVEL:
            prefix_start = start - 1
            # placeholders: xx市 / **县
            k = prefix_start
            while k >= 1 and text[k - 1] in "xX×*":
                k -= 1
            if prefix_start - k >= 1:
                prefix_start = k
        # 中共 prefix
        if prefix_start >= 2 and text[prefix_start - 2 : prefix_start] == "中共":
            prefix_start -= 2
        name = text[prefix_start:end]
        if name in _GENERIC_ALONE or (prefix_start == start and j == i and core_first in _GENERIC_ALONE):
            i = j + 1
            continue
        counts[name] += 1
        first.setdefault(name, prefix_start)
        i = j + 1
    return [{"name": n, "count": counts[n]} for n in sorted(counts, key=lambda n: (-counts[n], first[n]))]


def extract_entities(text: str, *, normalized: bool = False) -> dict:
    """All entity kinds of ``text`` (normalized first unless told it already is)."""
    if not normalized:
        text = normalize(text)
    index = get_region_index()
    region_mentions = index.find(text)
    counts: Counter = Counter()
    first: dict[str, int] = {}
    for start, _, d in region_mentions:
        counts[d.adcode] += 1
        first.setdefault(d.adcode, start)
    regions = []
    for code in sorted(counts, key=lambda c: (-counts[c], first[c])):
        item = index.describe(index.by_code[code])
        item["count"] = counts[code]
        regions.append(item)
    dates = find_dates(text)
    return {
        "regions": regions,
        "dates": [{k: v for k, v in d.items() if k != "start"} for d in _dedupe_dates(dates)],
        "doc_numbers": find_doc_numbers(text),
        "titles": find_titles(text),
        "organizations": find_organizations(text, region_mentions),
        "_dates_raw": dates,
    }


def _dedupe_dates(dates: list[dict]) -> list[dict]:
    seen, out = set(), []
    for d in dates:
        if d["text"] in seen:
            continue
        seen.add(d["text"])
        out.append(d)
    return out
