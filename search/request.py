"""The one way to turn user parameters into a SearchRequest (API, UI and CLI alike).

``build_request(get, getlist)`` reads the same names everywhere (``q``,
``theme``, ``region``, ``city``, ``year``, ``type``/``doc_type``, ``site``, ``status``,
``sort``, ``limit``, ``offset``, ``collapse``, ``facets``) with the same rules
and the same (Chinese) messages. ``year`` takes one year or a range:
``2020``, ``2020-2026``, ``2020-`` (from 2020), ``-2010`` (up to 2010);
``~``, ``–``, ``—``, ``至`` and ``到`` also separate the ends. No query but a
filter is browsing: the matching documents, newest first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from govtext.errors import BadInput
from search.backend import SORTS, SearchRequest
from search.versions import STATUSES

YEAR_MIN, YEAR_MAX = 1900, 2100
_RANGE = re.compile(r"^\s*(\d{4})?\s*(?:(-|~|–|—|至|到)\s*(\d{4})?)?\s*年?\s*$")
FALSE = ("0", "false", "no", "off")


def parse_year(raw: str | int | None) -> tuple[int | None, int | None]:
    """(from, to) of ``2020``, ``2020-2026``, ``2020-``, ``-2010``; (None, None) for empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, int):
        raw = str(raw)
    m = _RANGE.match(raw)
    if not m or not (m.group(1) or m.group(3)):
        raise BadInput(
            f"年份 {raw[:20]!r} 无法识别：请写成 2020、2020-2026、2020-（起）或 -2010（止）。", code="bad_year"
        )
    lo = int(m.group(1)) if m.group(1) else None
    hi = int(m.group(3)) if m.group(3) else (lo if not m.group(2) else None)
    for value in (lo, hi):
        if value is not None and not YEAR_MIN <= value <= YEAR_MAX:
            raise BadInput(f"年份 {value} 超出范围：请在 {YEAR_MIN} 到 {YEAR_MAX} 之间。", code="bad_year")
    if lo is not None and hi is not None and lo > hi:
        raise BadInput(f"年份范围 {lo}-{hi} 的起始年份晚于结束年份：请写成 {hi}-{lo}。", code="bad_year")
    return lo, hi


def _int(get: Callable, name: str, default: int, low: int, high: int) -> int:
    raw = get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise BadInput(f"参数 {name} 应是整数，收到的是 {str(raw)[:40]!r}。") from None
    if not low <= value <= high:
        raise BadInput(f"参数 {name} 应在 {low} 到 {high} 之间。")
    return value


def _text(get: Callable, name: str, limit: int) -> str:
    value = get(name) or ""
    if len(value) > limit:
        raise BadInput(f"参数 {name} 太长（{len(value)} 个字符，上限 {limit}）。")
    return value.strip()


def parse_statuses(values: list) -> list[str]:
    """Edition statuses from repeated or comma-separated values (现行,未见修订)."""
    out: list[str] = []
    for raw in values:
        for value in re.split(r"[,，、\s]+", str(raw or "")):
            if not value:
                continue
            if value not in STATUSES:
                raise BadInput(
                    f"版本状态 {value[:20]!r} 无法识别：可选 {'、'.join(STATUSES)}（可多选，逗号分隔）。",
                    code="bad_status",
                )
            if value not in out:
                out.append(value)
    return out


def build_request(
    get: Callable[[str], Any], getlist: Callable[[str], list] | None = None, default_limit: int = 10
) -> SearchRequest:
    """A SearchRequest from ``get(name)`` (the last value or None) and ``getlist(name)``."""
    getlist = getlist or (lambda name: [v for v in [get(name)] if v])
    sort = get("sort") or "relevance"
    if sort not in SORTS:
        raise BadInput(f"排序方式只能是 {', '.join(SORTS)}。", code="bad_sort")
    lo, hi = parse_year(get("year"))

    def flag(name: str) -> bool:
        value = get(name)
        return True if value in (None, "") else str(value).lower() not in FALSE

    req = SearchRequest(
        q=(get("q") or ""),
        themes=[t for t in getlist("theme") if t][:20],
        region=_text(get, "region", 50),
        city=_text(get, "city", 50),
        year_from=lo,
        year_to=hi,
        doc_type=_text(get, "type", 50) or _text(get, "doc_type", 50),
        site=_text(get, "site", 200),
        statuses=parse_statuses(getlist("status")[:10]),
        sort=sort,
        limit=_int(get, "limit", default_limit, 1, 100),
        offset=_int(get, "offset", 0, 0, 10000),
        collapse=flag("collapse"),
        facets=flag("facets"),
    )
    if not req.q.strip() and not req.has_filters():
        raise BadInput(
            "请输入检索词，或至少选择一个筛选条件（主题、地区、年份、文种、来源、版本状态）。", code="empty_query"
        )
    return req


def from_mapping(values: dict, default_limit: int = 10) -> SearchRequest:
    """``build_request`` over a plain dict (the CLI's options); list values for ``theme``."""

    def get(name):
        value = values.get(name)
        return value[-1] if isinstance(value, list) and value else (None if isinstance(value, list) else value)

    def getlist(name):
        value = values.get(name)
        return list(value) if isinstance(value, (list, tuple)) else ([value] if value else [])

    return build_request(get, getlist, default_limit)
