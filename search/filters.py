"""A search request's filters, normalized once for every backend.

Both backends used to turn the request's filters into engine clauses with their
own copy of the rules (region and city names canonicalized, a year range whose
undated documents — year 0 — are in no range). ``Filters`` holds those rules;
each backend only spells the result in its engine's syntax (``terms()`` and
``year_bounds()`` are all it reads), and the empty page's suggestions drop one
filter at a time through ``without``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from search.backend import SearchRequest
from search.fields import canonical_region

#: the filter names, in the order the suggestions try dropping them
NAMES = ("theme", "region", "city", "year", "doc_type", "site", "status")


@dataclass(frozen=True)
class Filters:
    themes: tuple[str, ...] = ()
    region: str = ""
    city: str = ""
    year: tuple[int | None, int | None] = (None, None)
    doc_type: str = ""
    site: str = ""
    #: edition statuses, any of them (search/versions.py)
    statuses: tuple[str, ...] = ()

    @classmethod
    def of(cls, req: SearchRequest) -> Filters:
        """The request's filters: a region as its canonical province, a city as its
        canonical city name (kept as typed when it is not one)."""
        return cls(
            themes=tuple(t for t in req.themes if t),
            region=canonical_region(req.region)[0] if req.region else "",
            city=(canonical_region(req.city)[1] or req.city) if req.city else "",
            year=req.year_range(),
            doc_type=req.doc_type or "",
            site=req.site or "",
            statuses=tuple(dict.fromkeys(s for s in req.statuses if s)),
        )

    def active(self) -> list[str]:
        """Names of the filters that are set, in ``NAMES`` order."""
        set_ = {
            "theme": bool(self.themes),
            "region": bool(self.region),
            "city": bool(self.city),
            "year": self.year_bounds() is not None,
            "doc_type": bool(self.doc_type),
            "site": bool(self.site),
            "status": bool(self.statuses),
        }
        return [name for name in NAMES if set_[name]]

    def without(self, name: str) -> Filters:
        """These filters with one of them dropped."""
        if name == "theme":
            return replace(self, themes=())
        if name == "year":
            return replace(self, year=(None, None))
        if name == "region":
            return replace(self, region="")
        if name == "city":
            return replace(self, city="")
        if name == "doc_type":
            return replace(self, doc_type="")
        if name == "site":
            return replace(self, site="")
        if name == "status":
            return replace(self, statuses=())
        raise ValueError(f"unknown filter {name!r}")

    def terms(self) -> list[tuple[str, str]]:
        """(field, value) pairs every hit must carry: each theme, then region, city,
        document type and site."""
        out = [("theme", t) for t in self.themes]
        for name in ("region", "city", "doc_type", "site"):
            value = getattr(self, name)
            if value:
                out.append((name, value))
        return out

    def choices(self) -> list[tuple[str, tuple[str, ...]]]:
        """(field, values) pairs of which every hit must carry one value: the statuses."""
        return [("status", self.statuses)] if self.statuses else []

    def year_bounds(self) -> tuple[int, int | None] | None:
        """The inclusive year range, or None when there is none. The lower end is at
        least 1, so undated documents (stored as year 0) are in no range."""
        lo, hi = self.year
        if lo is None and hi is None:
            return None
        return max(int(lo or 1), 1), (int(hi) if hi is not None else None)
