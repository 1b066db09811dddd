"""Why a document matched: the query's words found in its articles, and a rerank by them.

Both backends fetch the engine's top candidates (BM25 with title boost, all
words or most of them), then this module reads each candidate's original
text, paragraph by paragraph (one line = one article or clause), and finds
where the query's words occur: the word as typed, or one of its synonyms as
written in synonyms.txt. From that it derives

* ``coverage``: the share of the query's words present in the document (a
  word present only through a synonym counts half);
* ``together``: the best share of them inside one paragraph (words in one
  article, not scattered over unrelated ones);
* ``mentions``: how often the words occur, each counted up to MENTIONS_CAP,
  a word of the title counting in full (a law that deals with 宅基地 in
  several articles, over one that names it once; unlike BM25 not divided by
  the length of a long law);
* ``title``: how well the title *is* the query (a known-item search such as
  ``噪声 污染 防治`` for 中华人民共和国噪声污染防治法): when every word is in the
  title, the share of the title they cover, 中华人民共和国 not counted (laws are
  named without it), so the national law beats 山东省环境噪声污染防治条例; 0 when
  a word is missing (a partial title match pulled topic queries off course);
* the hit's best-matching articles ("命中条款": 第N条 or the paragraph number,
  with the words found there) and the synonyms it matched through;

and the final score ``engine/max_engine + COVERAGE_WEIGHT·coverage +
TOGETHER_WEIGHT·together + MENTIONS_WEIGHT·mentions + TITLE_WEIGHT·title``. Everything is plain string search on the
original text, so the same code ranks the same way behind either backend.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from govtext.native import load as load_native
from search.query import Phrase, Term, positive_words

RERANK_WINDOW = 50  # tuning split: nDCG@10 0.915 at 50, 0.917 at 100, 0.919 at 30; half the cost of 100
COVERAGE_WEIGHT = 0.5  # tuned on the tuning split of bench/data/topics.jsonl (plateau 0.3-0.5)
TOGETHER_WEIGHT = 1.5  # (plateau 1.0-2.0)
SYNONYM_CREDIT = 0.5
MENTIONS_WEIGHT = 0.5  # tuning splits (tune+heldout) nDCG@10 0.874 -> 0.885; 0.25-1.0 all above 0.879
MENTIONS_CAP = 3  # (2-4 within 0.002)
# issue 14: known-item MRR@10 of tune+heldout+heldout2 0.843 -> 0.946, flat over 2-4, topic nDCG
# unchanged; 3 not 2: a title split by jieba (国防教育法 -> 国防/教育法) can trail 6:1 in engine score
TITLE_WEIGHT = 3.0
_STATE = "中华人民共和国"
RERANK_MIN_WORDS = 1  # 2 before issue 14; a one-word query (国防教育) needs the title term too
MAX_ARTICLES = 3
_ARTICLE = re.compile(r"^\s*(第[一二三四五六七八九十百千零〇两\d]+条)")
#: the native text scan (native/src/evidence.rs), or None: the rerank then decodes and scans here
NATIVE = load_native("search rerank", lambda m: hasattr(m, "scan_evidence"))


@dataclass(frozen=True)
class Word:
    label: str
    forms: tuple[str, ...]  # the word as typed (and, for a word of several tokens, nothing else)
    synonyms: tuple[str, ...]  # as written in synonyms.txt


def query_words(root) -> list[Word]:
    out: dict[str, Word] = {}
    for node in positive_words(root):
        if isinstance(node, Term):
            word = Word(node.text, (node.text.lower(),), tuple(s.lower() for s in node.synonym_texts))
        elif isinstance(node, Phrase):
            word = Word(node.text.strip(), (node.text.strip().lower(),), ())
        else:  # pragma: no cover - positive_words yields only these
            continue
        out.setdefault(word.label, word)
    return list(out.values())


@dataclass
class Evidence:
    coverage: float = 0.0
    together: float = 0.0
    mentions: float = 0.0
    title: float = 0.0
    best_paragraph: int | None = None
    articles: list[dict] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    # paragraph -> {word label: credit}, kept so the page's hits get their articles without a rescan
    per_para: dict[int, dict[str, float]] = field(default_factory=dict, repr=False, compare=False)
    labels: tuple[str, ...] = field(default=(), repr=False, compare=False)  # the words it was found for


MAX_OCCURRENCES = 500


def _occurrences(text: str, form: str) -> list[int]:
    out: list[int] = []
    start = text.find(form)
    while start >= 0 and len(out) < MAX_OCCURRENCES:
        out.append(start)
        start = text.find(form, start + len(form))
    return out


def _paragraph_numbers(text: str, positions: list[int]) -> dict[int, int]:
    """The line number of each position, counting newlines between sorted positions (one C pass)."""
    out, line, last = {}, 0, 0
    for pos in sorted(set(positions)):
        line += text.count("\n", last, pos)
        out[pos], last = line, pos
    return out


_SPACE = re.compile(r"\s+")


def _title_form(form: str) -> str:
    return _SPACE.sub("", form).replace(_STATE, "")


class Matcher:
    """A query's words prepared once for the many texts one search analyses (the rerank
    window and the page): which forms to look for, with what credit, and their title forms."""

    def __init__(self, words: list[Word]):
        self.words = words
        self.total = float(len(words))
        self.labels = tuple(w.label for w in words)
        self.ascii = any(f.isascii() for w in words for f in w.forms + w.synonyms)
        self.plan = [
            (word.label, credit, form)
            for word in words
            for credit, forms in ((1.0, word.forms), (SYNONYM_CREDIT, word.synonyms))
            for form in forms
            if form
        ]
        self.title_forms = [[_title_form(f) for f in word.forms] for word in words]
        #: per word, the forms whose presence in a title gives the word full mentions
        self.mention_forms = [(w.label, [f for f in w.forms if f]) for w in words]
        self._plan: tuple | None = None  # the kernel's arguments, made on first use

    def _lacks_a_word(self, low: str) -> bool:
        for forms in self.title_forms:
            for f in forms:
                if f and f in low:
                    break
            else:
                return True
        return False

    def title_match(self, title: str) -> float:
        """See :func:`title_match`."""
        low = title.lower()
        if low.isalnum() and _STATE not in low and self._lacks_a_word(low):
            return 0.0  # a word is missing, and nothing the match ignores could be hiding it
        core = _title_form(low)
        if not core or not all(any(f and f in core for f in forms) for forms in self.title_forms):
            return 0.0  # some word is not in the title (the common case)
        covered = [False] * len(core)
        for forms in self.title_forms:
            hit = False
            for form in forms:
                for pos in _occurrences(core, form) if form else []:
                    covered[pos : pos + len(form)] = [True] * len(form)
                    hit = True
            if not hit:
                return 0.0
        return sum(covered) / len(core)

    def analyse_many(self, docs: list[tuple[str, str | bytes]]) -> list[Evidence]:
        """``analyse(title, text, detail=False)`` of each (title, text); a text may be the
        store's UTF-8 bytes, undecoded (the rerank reads fifty of them, and decoding was
        half of reading). Scanned natively when the kernels are installed and the query
        has no ASCII form (those compare lower-cased text, which stays Python's)."""
        if not self.words:
            return [Evidence() for _ in docs]
        if NATIVE is None or self.ascii or not all(isinstance(t, bytes) for _, t in docs):
            return [self.analyse(ti, _text(te), detail=False) for ti, te in docs]
        scanned = NATIVE.scan_evidence(
            [(ti.encode("utf-8", "surrogatepass"), te) for ti, te in docs], *self._native_plan()
        )
        out = []
        for (title, _), (coverage, together, mentions, best, per_para, synonyms) in zip(docs, scanned):
            ev = Evidence(coverage=coverage, title=self.title_match(title), labels=self.labels)
            ev.together, ev.mentions, ev.best_paragraph, ev.per_para = together, mentions, best, per_para
            if synonyms is not None:
                ev.synonyms = synonyms
            out.append(ev)
        return out

    def _native_plan(self) -> tuple:
        if self._plan is None:
            index = {label: i for i, label in enumerate(self.labels)}
            self._plan = (
                list(self.labels),
                [(index[label], credit, form.encode()) for label, credit, form in self.plan],
                [(index[label], [f.encode() for f in forms]) for label, forms in self.mention_forms],
                MAX_OCCURRENCES,
                float(MENTIONS_CAP),
            )
        return self._plan

    def analyse(self, title: str, text: str, detail: bool = True) -> Evidence:
        """Where each query word occurs in ``text`` (paragraph = line) and ``title``; ``detail``
        adds the article labels (only needed for the hits shown; :func:`with_articles` adds
        them later without a second scan)."""
        if not self.words:
            return Evidence()
        low = text.lower() if self.ascii else text
        title_low = title.lower() if self.ascii else title
        occurrences: list[tuple[str, float, list[int]]] = []
        found: dict[str, float] = {}
        via: dict[str, list[str]] = {}
        hits: list[int]
        for label, credit, form in self.plan:
            start = low.find(form)
            if start >= 0:  # _occurrences, inlined: the loop every candidate runs per form
                hits, step = [], len(form)
                while start >= 0 and len(hits) < MAX_OCCURRENCES:
                    hits.append(start)
                    start = low.find(form, start + step)
            elif form in title_low:
                hits = []
            else:
                continue
            if found.get(label, 0.0) < credit:
                found[label] = credit
            if credit < 1.0:
                via.setdefault(label, []).append(form)
            if hits:
                occurrences.append((label, credit, hits))
        total = self.total
        ev = Evidence(coverage=sum(found.values()) / total, title=self.title_match(title), labels=self.labels)
        counts: dict[str, float] = {}
        per_para: dict[int, dict[str, float]] = {}
        if len(occurrences) == 1:  # one form found (a one-word query): its lines in one pass
            label, credit, hits = occurrences[0]
            counts[label] = credit * len(hits)
            line = last = 0
            for pos in hits:
                line += low.count("\n", last, pos)
                last = pos
                if line not in per_para:
                    per_para[line] = {label: credit}
            ev.together = credit / total
            ev.best_paragraph = next(iter(per_para))  # every line weighs the same: the first
            ev.per_para = per_para
        elif occurrences:
            line_of = _paragraph_numbers(low, [p for _, _, hits in occurrences for p in hits])
            for label, credit, hits in occurrences:
                counts[label] = counts.get(label, 0.0) + credit * len(hits)
                for pos in hits:
                    slot = per_para.setdefault(line_of[pos], {})
                    if slot.get(label, 0.0) < credit:
                        slot[label] = credit
            best = min(per_para.items(), key=_para_rank)
            ev.together = sum(best[1].values()) / total
            ev.best_paragraph = best[0]
            ev.per_para = per_para
        for label, forms in self.mention_forms:  # a word of the title is what the document is about
            for f in forms:
                if f in title_low:
                    counts[label] = float(MENTIONS_CAP)
                    break
        ev.mentions = sum(min(c, MENTIONS_CAP) for c in counts.values()) / (MENTIONS_CAP * total)
        if detail and ev.per_para:
            with_articles(ev, text)
        if via:
            ev.synonyms = [s for label, forms in via.items() if found.get(label, 0.0) < 1.0 for s in forms]
        return ev


def _para_rank(item: tuple[int, dict[str, float]]) -> tuple[float, int]:
    """Paragraphs by the weight of the words they hold, then by position."""
    return -sum(item[1].values()), item[0]


def with_articles(ev: Evidence, text: str) -> Evidence:
    """``ev`` with its best-matching articles (命中条款) labelled, from the paragraphs its
    analysis found (no second scan of ``text``); a no-op when they are already there."""
    if ev.articles or not ev.per_para:
        return ev
    ranked = sorted(ev.per_para.items(), key=_para_rank)
    lines = text.split("\n")
    by_label: dict[str, dict] = {}
    for para, labels in ranked[: MAX_ARTICLES * 8]:
        label = article_label(lines, para)
        words = sorted(labels, key=lambda w: -labels[w])
        if label in by_label:  # another clause of an article already listed: one entry, its words
            shown = by_label[label]["words"]
            shown += [w for w in words if w not in shown]
            continue
        if len(by_label) < MAX_ARTICLES:
            by_label[label] = {"paragraph": para, "label": label, "words": words}
    ev.articles = list(by_label.values())
    return ev


def page_evidence(matcher: Matcher, ev: Evidence | None, title: str, text: str) -> Evidence:
    """The evidence a hit shown on the page carries, with its articles: the rerank's, when
    it was found for the same words, completed; else a fresh analysis."""
    if ev is not None and ev.labels == matcher.labels and matcher.words:
        return with_articles(ev, text)
    return matcher.analyse(title, text)


def title_match(title: str, words: list[Word]) -> float:
    """The share of the title's characters covered by the query's words when every word is in
    ``title`` (0 otherwise; synonyms do not count; 中华人民共和国 and spaces not counted)."""
    return Matcher(words).title_match(title)


def analyse(title: str, text: str, words: list[Word], detail: bool = True) -> Evidence:
    """:meth:`Matcher.analyse` for one text."""
    return Matcher(words).analyse(title, text, detail)


def article_label(lines: list[str], para: int) -> str:
    """第N条 of the article holding paragraph ``para`` (its clauses follow it), else 第N段."""
    for i in range(para, max(para - 12, -1), -1):
        m = _ARTICLE.match(lines[i]) if i < len(lines) else None
        if m:
            return m.group(1)
        if i < para and lines[i].lstrip().startswith("第") and "章" in lines[i][:8]:
            break
    return f"第{para + 1}段"


def _text(text: str | bytes) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text


def rerank(candidates: list[tuple[str, float, str, str | bytes]], root) -> list[tuple[str, float, Evidence]]:
    """``candidates``: (id, engine score, title, text: str or the store's UTF-8 bytes) in
    engine order; returns them reordered by the combined score, each with its evidence."""
    if not candidates:
        return []
    matcher = Matcher(query_words(root))
    top = max((c[1] for c in candidates), default=0.0) or 1.0
    out = []
    evidence = matcher.analyse_many([(title, text) for _, _, title, text in candidates])
    for (doc_id, score, _, _), ev in zip(candidates, evidence):
        combined = (
            score / top
            + COVERAGE_WEIGHT * ev.coverage
            + TOGETHER_WEIGHT * ev.together
            + MENTIONS_WEIGHT * ev.mentions
            + TITLE_WEIGHT * ev.title
        )
        out.append((doc_id, round(combined if math.isfinite(combined) else 0.0, 6), ev))
    out.sort(key=lambda r: (-r[1], r[0]))  # ties by id: the engine orders them by index position
    return out


def reranks(root) -> bool:
    """Whether a relevance-sorted query is reranked here (it has at least RERANK_MIN_WORDS words)."""
    return root is not None and len(query_words(root)) >= RERANK_MIN_WORDS


def ahead(ranked: Sequence, first: set[str]) -> list:
    """``ranked`` rows (id first) with those whose id is in ``first`` moved to the front, each
    part in its order: a widened query's page shows the documents holding all the words
    before those holding fewer."""
    return [r for r in ranked if r[0] in first] + [r for r in ranked if r[0] not in first]
