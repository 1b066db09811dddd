"""Rule-based theme tagger over the taxonomy of ``index_config/themes.json``.

Per paragraph: every term of every theme is found in one pass (an
Aho-Corasick automaton over all terms; a regex fallback when pyahocorasick is
missing). For each theme, occurrences inside the theme's ``mask`` matches are
dropped (电网 hides 网格), overlapping occurrences keep the longest term
(网格化服务管理中心 counts once, not also as 网格), and ``weak`` terms count only
when a non-weak term of that theme fired too. The raw score is the summed
weight of the distinct terms plus a small bonus for repeats; the theme is
tagged when it reaches the theme's threshold, which grows with the square
root of the paragraph length beyond ``length_norm_chars`` (a 800-character
paragraph that mentions 志愿服务 once in a list is not about volunteering).
``confidence`` maps the raw score to 0..1 as ``1 - 0.5 ** (raw / threshold)``,
so the threshold sits at 0.5 — the same scale as the model's probabilities.

Three optional parts of a theme act as evidence rather than vetoes: ``patterns``
(regular expressions counted like terms, e.g. 平安X建设), ``negative`` terms
whose summed weight is subtracted (产业 / 制造 next to 大数据: the economy, not
governance) and ``context_bonus``, added when another theme also has evidence
in the paragraph (经费保障 of a mediation programme is organisational support
of governance work; in a budget report it is not). ``require_context`` goes
further: the theme's hit is dropped unless another theme (one without
``require_context``) reaches that confidence in the same paragraph, or the
paragraph names one of the theme's ``context_terms`` (社会治理工作纳入目标管理绩效考核:
the work secured is governance itself).
``skip_list_items`` drops a theme whose terms all sit inside mixed enumerations
(:mod:`nlp.enumerations`; the guide's "List mentions" rule).

Per document: :func:`aggregate_document` combines paragraph tags (see there).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

from nlp.enumerations import enumerations, only_in_mixed_lists
from nlp.taxonomy import Taxonomy, get_taxonomy
from nlp.textnorm import normalize
from nlp.textscan import PairScanner, term_scanner


@dataclass
class ThemeHit:
    id: str
    raw: float
    confidence: float
    evidence: list[str] = field(default_factory=list)  # terms that fired, strongest first
    counts: dict[str, int] = field(default_factory=dict)


def confidence(raw: float, threshold: float) -> float:
    return 1.0 - 0.5 ** (raw / threshold) if raw > 0 else 0.0


def _any_of(patterns: list[str]):
    """``search`` of the alternation of ``patterns``: it finds a match wherever one of them matches.
    None when there are none, or when one refers to groups by number or name (the alternation
    renumbers them) or does not compile within it (a global flag)."""
    if not patterns or any(re.search(r"\\[1-9]|\(\?P=|\(\?\(", p) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns)).search
    except re.error:
        return None


def _required_strings(pattern: str) -> list[str] | None:
    """Strings one of which occurs in every match of ``pattern`` (found in its parse tree: a run of
    literal characters, the union over a branch's alternatives, a repeat's body when it repeats at least
    once); None when none is found, or the pattern sets flags (which may change what a literal matches)."""
    try:
        import re._parser as parser  # Python 3.11+
        from re import _constants as c  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - older Pythons: no gate
        return None
    try:
        tree = parser.parse(pattern)
    except re.error:
        return None
    if tree.state.flags & ~(re.UNICODE | c.SRE_FLAG_UNICODE):
        return None

    def of(items) -> list[str] | None:
        found: list[list[str]] = []
        run: list[str] = []
        for op, av in items:
            if op is c.LITERAL:
                run.append(chr(av))
                continue
            if run:
                found.append(["".join(run)])
                run = []
            need = None
            if op is c.SUBPATTERN and not av[1] and not av[2]:
                need = of(av[3])
            elif op is c.BRANCH:
                alternatives = [of(a) for a in av[1]]
                if all(alternatives):
                    need = [w for a in alternatives for w in a]  # type: ignore[union-attr]
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
                need = of(av[2])
            if need:
                found.append(need)
        if run:
            found.append(["".join(run)])
        # the most selective: the longest shortest string, then the fewest strings
        return max(found, key=lambda ws: (min(map(len, ws)), -len(ws)), default=None)

    return of(tree)


def _pattern_gate(patterns: list[str]) -> tuple[str, ...] | None:
    """Strings one of which a text must hold for any of ``patterns`` to match in it (:func:`_required_strings`
    of each), or None when some pattern has none."""
    gate: list[str] = []
    for p in patterns:
        need = _required_strings(p)
        if not need:
            return None
        gate += need
    return tuple(dict.fromkeys(gate))


class RuleTagger:
    """Compiled matcher for one :class:`Taxonomy`."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        # term -> list of (theme index, weight)
        self.term_index: dict[str, list[tuple[int, float]]] = {}
        for ti, theme in enumerate(taxonomy.themes):
            for term, weight in theme.terms.items():
                self.term_index.setdefault(term, []).append((ti, weight))
        self._automaton = None
        self._scanner: PairScanner | None = None
        #: the same scan natively (native/src/terms.rs), when built: every paragraph's occurrences in one call
        self._native = None
        self._regex: re.Pattern[str] | None = None
        try:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for term in self.term_index:
                automaton.add_word(term, term)
            automaton.make_automaton()
            self._automaton = automaton
            if not any("\n" in term for term in self.term_index):
                self._scanner = PairScanner(automaton, self.term_index)
                self._native = term_scanner(list(self.term_index))
        except ImportError:  # pragma: no cover - pyahocorasick comes with cpca
            terms = sorted(self.term_index, key=len, reverse=True)
            self._regex = re.compile("(?=(" + "|".join(re.escape(t) for t in terms) + "))")
        self.masks = []
        for theme in taxonomy.themes:
            self.masks.append(re.compile("|".join(f"(?:{m})" for m in theme.masks)) if theme.masks else None)
        self.patterns = [[(re.compile(p), p, w) for p, w in theme.patterns.items()] for theme in taxonomy.themes]
        self._any_pattern = _any_of([p for theme in taxonomy.themes for p in theme.patterns])
        #: no pattern can match a text that holds none of these (a few substring tests instead of the
        #: alternation's scan, which tries every pattern at every character)
        self._pattern_gate = _pattern_gate([p for theme in taxonomy.themes for p in theme.patterns])
        #: theme id -> the confidence another theme needs for this one to count (require_context)
        self.gated = {t.id: t.require_context for t in taxonomy.themes if t.require_context > 0}
        #: theme id -> words that are context enough on their own (社会治理: the work is governance)
        self.context_terms = {t.id: t.context_terms for t in taxonomy.themes if t.context_terms}
        self.negative = [
            re.compile("|".join(re.escape(t) for t in sorted(theme.negative, key=len, reverse=True)))
            if theme.negative
            else None
            for theme in taxonomy.themes
        ]

    def _occurrences(self, text: str) -> list[tuple[int, int, str]]:
        """All (start, end, term) occurrences, overlapping ones included."""
        out = []
        if self._scanner is not None:
            return self._scanner.occurrences(text)
        if self._automaton is not None:
            for end, term in self._automaton.iter(text):
                out.append((end - len(term) + 1, end + 1, term))
        else:  # pragma: no cover
            assert self._regex is not None  # set in __init__ whenever the automaton is not
            for m in self._regex.finditer(text):
                # the lookahead yields the longest term at each start only
                term = m.group(1)
                out.append((m.start(), m.start() + len(term), term))
        return out

    def tag_paragraph(self, text: str, *, normalized: bool = False) -> list[ThemeHit]:
        """Themes of one paragraph that reach their threshold, best first."""
        return [h for h in self.score_paragraph(text, normalized=normalized) if h.confidence >= 0.5]

    def length_factor(self, n_chars: int) -> float:
        norm = self.taxonomy.length_norm_chars
        return max(1.0, (n_chars / norm) ** 0.5) if norm > 0 else 1.0

    def score_paragraph(self, text: str, *, normalized: bool = False) -> list[ThemeHit]:
        """Every theme with a positive score (tagged or not), best first."""
        if not text:
            return []
        if not normalized:
            text = normalize(text)
        text = text.lower()
        return self._score(text, self._occurrences(text))

    def score_paragraphs(self, texts: list[str]) -> list[list[ThemeHit]]:
        """:meth:`score_paragraph` of each normalized text. The term automaton scans the texts
        joined by line breaks, once (:class:`nlp.textscan.PairScanner`): no term holds a line
        break, so each text gets the occurrences (and in the order) that scanning it alone gives."""
        if self._scanner is None:
            return [self.score_paragraph(t, normalized=True) for t in texts]
        lowered = [t.lower() for t in texts]
        if self._native is not None:
            try:
                found_native = self._native.occurrences(lowered)
            except ValueError:  # a lone surrogate: the automaton takes it
                pass
            else:
                return [self._score(t, occ) if t else [] for t, occ in zip(lowered, found_native)]
        offsets = list(accumulate((len(t) + 1 for t in lowered), initial=0))
        found: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        for start, end, term in self._scanner.occurrences("\n".join(lowered)):
            k = bisect_right(offsets, start) - 1
            found[k].append((start - offsets[k], end - offsets[k], term))
        return [self._score(t, occ) if t else [] for t, occ in zip(lowered, found)]

    def _score(self, text: str, occ: list[tuple[int, int, str]]) -> list[ThemeHit]:
        """Every theme with a positive score in the lower-cased ``text`` whose term occurrences are ``occ``."""
        factor = self.length_factor(len(text))
        tax = self.taxonomy
        per_theme: dict[int, list[tuple[int, int, str, float]]] = {}
        for start, end, term in occ:
            for ti, weight in self.term_index[term]:
                per_theme.setdefault(ti, []).append((start, end, term, weight))
        # no pattern matches where their alternation finds nothing (one scan instead of one per pattern),
        # nor where none of the strings every match needs is
        gate = self._pattern_gate
        if gate is not None and not any(map(text.__contains__, gate)):
            patterns_here: list = []
        elif self._any_pattern is None or self._any_pattern(text):
            patterns_here = self.patterns
        else:
            patterns_here = []
        for ti, patterns in enumerate(patterns_here):
            for rx, _name, weight in patterns:
                for m in rx.finditer(text):
                    per_theme.setdefault(ti, []).append((m.start(), m.end(), m.group(0), weight))
        if not per_theme:
            return []
        hits = []
        lists: list | None = None  # enumerations of the paragraph, found on first need
        for ti, items in per_theme.items():
            theme = tax.themes[ti]
            mask = self.masks[ti]
            if mask is not None:
                spans = [m.span() for m in mask.finditer(text)]
                if spans:
                    items = [it for it in items if not any(s < it[1] and it[0] < e for s, e in spans)]
            # longest terms first; a term inside a longer chosen one does not count again
            if len(items) > 1:
                items.sort(key=lambda it: (-(it[1] - it[0]), it[0]))
                chosen: list = []
                for it in items:
                    if all(it[1] <= c[0] or c[1] <= it[0] for c in chosen):
                        chosen.append(it)
            else:
                chosen = items
            if not chosen:
                continue
            counts: dict[str, int] = {}  # each term's count, in the order of chosen
            for it in chosen:
                counts[it[2]] = counts.get(it[2], 0) + 1
            if counts.keys() <= theme.weak:  # no strong term
                continue
            if theme.skip_list_items and "、" in text:
                if lists is None:
                    lists = enumerations(text)
                if lists and only_in_mixed_lists([(c[0], c[1]) for c in chosen], lists):
                    continue
            pattern_weight = {it[2]: it[3] for it in chosen if it[2] not in theme.terms}
            weights = {t: theme.terms.get(t, pattern_weight.get(t, 0.0)) for t in counts}
            raw = sum(weights.values())
            extra = sum(c - 1 for c in counts.values())
            raw += min(extra * tax.repeat_bonus, tax.max_repeat_bonus)
            neg = self.negative[ti]
            if neg is not None:
                raw -= sum(theme.negative[t] for t in set(neg.findall(text)))
            if theme.context_bonus and len(per_theme) > 1:
                raw += theme.context_bonus
            if raw <= 0:
                continue
            evidence = sorted(counts, key=lambda t: (-weights[t], -counts[t], t))
            hits.append(
                ThemeHit(
                    id=theme.id,
                    raw=round(raw, 4),
                    confidence=round(confidence(raw, theme.threshold * factor), 4),
                    evidence=evidence,
                    counts=dict(counts),
                )
            )
        if self.gated:
            hits = self._drop_without_context(hits, text)
        hits.sort(key=lambda h: (-h.confidence, h.id))
        return hits

    def _drop_without_context(self, hits: list[ThemeHit], text: str) -> list[ThemeHit]:
        """Hits of ``require_context`` themes survive only next to a confident hit of another theme,
        or in a paragraph naming one of the theme's ``context_terms``."""
        best = max((h.confidence for h in hits if h.id not in self.gated), default=0.0)
        return [
            h
            for h in hits
            if h.id not in self.gated
            or best >= self.gated[h.id]
            or any(w in text for w in self.context_terms.get(h.id, ()))
        ]


_lock = threading.Lock()
_tagger: RuleTagger | None = None


def get_rule_tagger() -> RuleTagger:
    """The tagger for the current taxonomy; rebuilt when the taxonomy file changes."""
    global _tagger
    taxonomy = get_taxonomy()
    tagger = _tagger
    if tagger is None or tagger.taxonomy is not taxonomy:
        with _lock:
            if _tagger is None or _tagger.taxonomy is not taxonomy:
                _tagger = RuleTagger(taxonomy)
            tagger = _tagger
    return tagger


def tag_paragraph(text: str) -> list[ThemeHit]:
    return get_rule_tagger().tag_paragraph(text)


#: a tagged paragraph at least this long is a substantive passage: it carries the theme to its document
PASSAGE_MIN_CHARS = 20
#: ... and a rule or combined score at least this high (a bare threshold hit is not enough alone)
PASSAGE_MIN_SCORE = 0.6
#: passages listed per document theme
MAX_PASSAGES = 5


def aggregate_document(
    paragraph_tags: list[list[dict]],
    paragraph_lengths: list[int],
    title_tags: list[dict] | None = None,
    taxonomy: Taxonomy | None = None,
    *,
    single_passage: bool = True,
    passage_min_score: float = PASSAGE_MIN_SCORE,
) -> list[dict]:
    """Document themes from paragraph themes.

    A theme belongs to the document when a substantive passage is about it: it
    is tagged in the title, or in one paragraph of at least
    :data:`PASSAGE_MIN_CHARS` characters with a score of at least
    :data:`PASSAGE_MIN_SCORE` (``single_passage``; the paragraph tagger
    already asks for evidence that grows with the paragraph's length),
    or in at least two paragraphs, or in paragraphs holding at least 5% of the
    text, or in any paragraph of a short document (at most 3 paragraphs).
    Before issue 16 a single passage was not enough (``single_passage=False``
    restores that): a 200-paragraph report with one paragraph on 枫桥经验 lost
    the theme; measured in ``nlp/doc_eval.py``.

    Its score is ``0.5 * best paragraph score + 0.5 * min(1, 4 * share of text)``
    (a title hit counts as a 25% share); ``evidence`` is the union of the
    paragraph evidence, most frequent first; ``passages`` are the indices of
    its best paragraphs (up to :data:`MAX_PASSAGES`, best first) for the
    document page.
    """
    taxonomy = taxonomy or get_taxonomy()
    total = sum(paragraph_lengths) or 1
    stats: dict[str, dict] = {}

    def entry(tid):
        return stats.setdefault(
            tid,
            {"n": 0, "chars": 0, "best": 0.0, "ev": Counter(), "title": False, "passages": [], "substantive": False},
        )

    for index, (tags, length) in enumerate(zip(paragraph_tags, paragraph_lengths)):
        for tag in tags:
            s = entry(tag["id"])
            s["n"] += 1
            s["chars"] += length
            s["best"] = max(s["best"], tag["score"])
            s["passages"].append((tag["score"], index))
            if length >= PASSAGE_MIN_CHARS and tag["score"] >= passage_min_score:
                s["substantive"] = True
            for term in tag.get("evidence", []):
                s["ev"][term] += 1
    for tag in title_tags or []:
        s = entry(tag["id"])
        s["title"] = True
        s["best"] = max(s["best"], tag["score"])
        for term in tag.get("evidence", []):
            s["ev"][term] += 1
    short_doc = len(paragraph_tags) <= 3
    out = []
    for tid, s in stats.items():
        share = s["chars"] / total + (0.25 if s["title"] else 0.0)
        if not (
            s["title"]
            or s["n"] >= 2
            or share >= 0.05
            or (short_doc and s["n"] >= 1)
            or (single_passage and s["substantive"])
        ):
            continue
        score = 0.5 * s["best"] + 0.5 * min(1.0, 4 * share)
        passages = [i for _, i in sorted(s["passages"], key=lambda p: (-p[0], p[1]))[:MAX_PASSAGES]]
        out.append(
            {
                "id": tid,
                "name": taxonomy.name(tid),
                "score": round(score, 4),
                "evidence": [t for t, _ in s["ev"].most_common(12)],
                "paragraphs": s["n"],
                "passages": passages,
            }
        )
    out.sort(key=lambda d: (-d["score"], d["id"]))
    return out
