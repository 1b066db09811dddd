"""The governance theme taxonomy: load and validate ``index_config/themes.json``.

The file is data a researcher edits (names, descriptions, weighted terms,
``weak`` terms that only count next to a strong one, ``mask`` patterns that
blank out look-alikes such as 电网 before 网格 is matched). The theme ids are
fixed by DESIGN.md; :data:`THEME_IDS` lists them and validation refuses a file
that drops or renames one.

:func:`get_taxonomy` keeps one parsed taxonomy per process and re-reads the
file when its modification time changes, so re-tagging after an edit uses the
new terms without restarting anything or re-crawling.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from govtext.errors import BadInput

#: the stable theme ids of DESIGN.md, in the order of its table
THEME_IDS: tuple[str, ...] = (
    "fengqiao",
    "three_governance",
    "party_building",
    "grid_management",
    "dispute_resolution",
    "smart_governance",
    "public_security",
    "public_services",
    "social_participation",
    "risk_prevention",
    "special_groups",
    "rule_of_law",
    "psychological_services",
    "support_guarantee",
)

TAXONOMY_FILE = "themes.json"


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    description: str
    terms: dict[str, float]
    weak: frozenset[str]
    masks: tuple[str, ...]
    threshold: float
    #: regular expressions that count like terms (平安[^，。]{1,4}建设 for 平安X建设), pattern -> weight
    patterns: dict[str, float] = field(default_factory=dict)
    #: contra-evidence: terms whose presence lowers the raw score (产业 next to 大数据), term -> weight
    negative: dict[str, float] = field(default_factory=dict)
    #: raw score added when another theme also has evidence in the paragraph (组织保障 of a governance task)
    context_bonus: float = 0.0
    #: when > 0, the theme counts only next to another theme whose confidence reaches this value
    #: (经费/考核/队伍建设 secure a governance task: support_guarantee of 禁毒 or 调解, not of a budget)
    require_context: float = 0.0
    #: when true, the theme's terms count only outside mixed enumerations (the guide's "List
    #: mentions": 心理疏导 as one of 法律咨询、医疗救治、心理疏导等帮助 is not psychological services)
    skip_list_items: bool = False
    #: words that satisfy ``require_context`` on their own: the work secured is governance as such
    #: (社会治理, 平安建设), not one theme's task
    context_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    repeat_bonus: float = 0.25
    max_repeat_bonus: float = 1.0
    #: paragraphs longer than this need proportionally more evidence (sqrt scaling); 0 = off
    length_norm_chars: float = 0.0
    source: str = ""
    by_id: dict[str, Theme] = field(default_factory=dict, compare=False)

    def __post_init__(self):
        self.by_id.update({t.id: t for t in self.themes})

    def name(self, theme_id: str) -> str:
        theme = self.by_id.get(theme_id)
        return theme.name if theme else theme_id

    def all_terms(self) -> set[str]:
        return {term for t in self.themes for term in t.terms}


def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise BadInput(f"taxonomy: duplicate key {key!r}", code="bad_taxonomy")
        seen[key] = value
    return seen


def parse_taxonomy(data: dict, source: str = "") -> Taxonomy:
    """Validate a taxonomy given as parsed JSON; raise BadInput naming the problem."""

    def fail(msg: str):
        raise BadInput(f"taxonomy{(' ' + source) if source else ''}: {msg}", code="bad_taxonomy")

    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        fail("expected an object with a 'themes' list")
    defaults = data.get("defaults") or {}
    default_threshold = float(defaults.get("threshold", 2.0))
    themes = []
    for i, raw in enumerate(data["themes"]):
        if not isinstance(raw, dict):
            fail(f"theme #{i} is not an object")
        tid = raw.get("id")
        if tid not in THEME_IDS:
            fail(f"theme #{i}: unknown id {tid!r} (ids are fixed: {', '.join(THEME_IDS)})")
        terms = raw.get("terms")
        if not isinstance(terms, dict) or not terms:
            fail(f"{tid}: 'terms' must be a non-empty object term -> weight")
        clean_terms = {}
        for term, weight in terms.items():
            if not isinstance(term, str) or not term.strip():
                fail(f"{tid}: empty term")
            try:
                w = float(weight)
            except (TypeError, ValueError):
                fail(f"{tid}: weight of {term!r} is not a number")
            if not 0 < w <= 10:
                fail(f"{tid}: weight of {term!r} must be in (0, 10]")
            clean_terms[term.strip().lower()] = w
        weak = frozenset(str(w).strip().lower() for w in raw.get("weak", []))
        unknown_weak = weak - set(clean_terms)
        if unknown_weak:
            fail(f"{tid}: weak terms not among its terms: {sorted(unknown_weak)}")
        masks = tuple(raw.get("mask", []))
        for pattern in masks:
            try:
                re.compile(pattern)
            except re.error as exc:
                fail(f"{tid}: bad mask pattern {pattern!r}: {exc}")
        threshold = float(raw.get("threshold", default_threshold))
        if threshold <= 0:
            fail(f"{tid}: threshold must be positive")
        patterns: dict[str, float] = {}
        negative: dict[str, float] = {}
        for key, target in (("patterns", patterns), ("negative", negative)):
            items = raw.get(key, {})
            if not isinstance(items, dict):
                fail(f"{tid}: '{key}' must be an object -> weight")
            for item, weight in items.items():
                try:
                    w = float(weight)
                except (TypeError, ValueError):
                    fail(f"{tid}: weight of {key} {item!r} is not a number")
                if not 0 < w <= 10:
                    fail(f"{tid}: weight of {key} {item!r} must be in (0, 10]")
                if key == "patterns":
                    try:
                        re.compile(item)
                    except re.error as exc:
                        fail(f"{tid}: bad pattern {item!r}: {exc}")
                target[item if key == "patterns" else item.strip().lower()] = w
        try:
            context_bonus = float(raw.get("context_bonus", 0.0))
        except (TypeError, ValueError):
            fail(f"{tid}: context_bonus is not a number")
        try:
            require_context = float(raw.get("require_context", 0.0))
        except (TypeError, ValueError):
            fail(f"{tid}: require_context is not a number")
        if not 0 <= require_context <= 1:
            fail(f"{tid}: require_context must be a confidence in [0, 1]")
        skip_list_items = raw.get("skip_list_items", False)
        if not isinstance(skip_list_items, bool):
            fail(f"{tid}: skip_list_items must be true or false")
        context_terms = raw.get("context_terms", [])
        if not isinstance(context_terms, list) or not all(isinstance(w, str) and w.strip() for w in context_terms):
            fail(f"{tid}: context_terms must be a list of words")
        themes.append(
            Theme(
                id=tid,
                name=str(raw.get("name") or tid),
                description=str(raw.get("description") or ""),
                terms=clean_terms,
                weak=weak,
                masks=masks,
                threshold=threshold,
                patterns=patterns,
                negative=negative,
                context_bonus=context_bonus,
                require_context=require_context,
                skip_list_items=skip_list_items,
                context_terms=tuple(w.strip().lower() for w in context_terms),
            )
        )
    ids = [t.id for t in themes]
    dupes = {x for x in ids if ids.count(x) > 1}
    if dupes:
        fail(f"theme ids listed twice: {sorted(dupes)}")
    missing = set(THEME_IDS) - set(ids)
    if missing:
        fail(f"missing themes: {sorted(missing)}")
    order = {tid: i for i, tid in enumerate(THEME_IDS)}
    themes.sort(key=lambda t: order[t.id])
    return Taxonomy(
        themes=tuple(themes),
        repeat_bonus=float(defaults.get("repeat_bonus", 0.25)),
        max_repeat_bonus=float(defaults.get("max_repeat_bonus", 1.0)),
        length_norm_chars=float(defaults.get("length_norm_chars", 0.0)),
        source=source,
    )


def load_taxonomy(path: Path) -> Taxonomy:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"taxonomy file unreadable: {path}: {exc}", code="bad_taxonomy") from exc
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise BadInput(f"taxonomy {path}: invalid JSON: {exc}", code="bad_taxonomy") from exc
    return parse_taxonomy(data, source=str(path))


_lock = threading.Lock()
_cache: dict[str, tuple[float, Taxonomy]] = {}


def taxonomy_path(config_dir: Path | None = None) -> Path:
    from govtext.settings import config_file

    return config_file(TAXONOMY_FILE, config_dir)


def get_taxonomy(config_dir: Path | None = None) -> Taxonomy:
    """The taxonomy of ``config_dir`` (default: settings), re-read when the file changes."""
    path = taxonomy_path(config_dir)
    key = str(path)
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise BadInput(f"taxonomy file missing: {path}", code="bad_taxonomy") from exc
    cached = _cache.get(key)
    if cached and cached[0] == mtime:
        return cached[1]
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == mtime:
            return cached[1]
        taxonomy = load_taxonomy(path)
        _cache[key] = (mtime, taxonomy)
        return taxonomy


def main(argv: list[str] | None = None) -> int:
    """``python -m nlp.taxonomy [FILE]``: validate a taxonomy file and print a summary."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else taxonomy_path()
    try:
        tax = load_taxonomy(path)
    except BadInput as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    for t in tax.themes:
        print(f"{t.id:24} {t.name:12} terms={len(t.terms):3} weak={len(t.weak):2} masks={len(t.masks)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
