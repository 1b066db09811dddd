"""Keywords: TF-IDF with an IDF learned from the indexed corpus, and TextRank.

* :class:`IdfTable` holds document frequencies. Build one from texts
  (``IdfTable.from_texts(d.text for d in docs)``, which tokenizes like keyword
  extraction does) or from any iterable of token lists (``IdfTable.build``),
  save it as JSON (``save(path, min_df=2)`` keeps it small) and load it back. :func:`get_idf_table` looks for ``idf.json`` in the
  data folder (written at ingest), then in ``index_config/``; when neither
  exists it falls back to jieba's generic IDF table (shipped with jieba) and
  says so in ``IdfTable.source``.
* Candidates are jieba words (HMM off, governance dictionary); runs of words
  that form a governance term (taxonomy terms and the user dictionary) are
  merged back into that term, so 矛盾不上交 is one keyword, not 矛盾/不/上交.
* ``index_config/stopwords.txt``: words above its ``# boilerplate`` section
  are dropped; words below it (进一步, 加强, 工作 …) are kept but their score is
  multiplied by :data:`BOILERPLATE_WEIGHT`. Single characters, numbers and
  placeholders (xx, ××) are never keywords.
* Parts of speech (jieba's tags, from rjieba) and number talk: a keyword is
  a noun-like word (n…, vn, an, nz, l, i, j) or a governance term; numerals,
  quantifiers, localisers (左右), adverbs, pronouns, function words are dropped,
  and so are verbs of change (增长, 下降 …) and any word that stands next to a
  number in most of its occurrences (产值 in 产值增长12%: a provincial report's
  figures are not its topics).
* :func:`keywords` blends the two rankings (0.6 TF-IDF + 0.4 TextRank weighted
  by IDF, each scaled to its maximum) — the default of :func:`nlp.analyze.analyze`.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import add, mul, or_
from pathlib import Path
from typing import Any
from collections.abc import Iterable

from govtext.native import load as load_native
from govtext.settings import Settings, load_settings

BOILERPLATE_WEIGHT = 0.2
GOVERNANCE_TERM_WEIGHT = 1.3
MAX_KEYWORD_CHARS = 300_000
#: paragraphs of a document that analysis looks at (tags and keywords)
MAX_PARAGRAPHS = 20_000
TEXTRANK_MAX_WORDS = 60_000
TEXTRANK_DAMPING = 0.85
#: the native TextRank iteration (native/src/textrank.rs), or None: scipy's then
_NATIVE = load_native("keywords", lambda m: hasattr(m, "textrank_scores"))
_CJK = re.compile(r"[\u3400-\u9fff]")
_JUNK = re.compile(r"^(?:[\d.%]+|[a-z]{1}|[xX×*＊]+|[^\w]+)$")
_PLACEHOLDER = re.compile(r"[xX×*]{2,}")
_NUMERIC = re.compile(r"^[\d.,%％]+$|^[零〇一二三四五六七八九十百千万亿两]+$")
#: parts of speech that are never keywords (numerals, quantifiers, localisers, adverbs …)
DROP_POS = frozenset(
    {
        "m",
        "mq",
        "q",
        "f",
        "d",
        "p",
        "c",
        "u",
        "uj",
        "ul",
        "ud",
        "ug",
        "uv",
        "uz",
        "r",
        "rr",
        "rz",
        "t",
        "tg",
        "x",
        "y",
        "e",
        "o",
        "z",
        "zg",
        "k",
        "h",
        "w",
    }
)
#: verbs kept as keywords only when they are governance terms
KEEP_VERB_POS = frozenset({"vn"})
#: a word next to a number in at least this share of its occurrences is number talk
NUMBER_TALK_SHARE = 0.5


@dataclass
class IdfTable:
    n_docs: int
    df: dict[str, int] = field(default_factory=dict)
    source: str = "corpus"
    #: for tables read from jieba's idf.txt: the idf values themselves
    fixed_idf: dict[str, float] | None = None

    @classmethod
    def from_texts(cls, texts: Iterable[str], source: str = "corpus") -> IdfTable:
        """Build from raw document texts with the keyword tokenization itself
        (governance terms merged, stopwords dropped): what ingest should use."""
        return cls.build((idf_terms(t) for t in texts), source=source)

    @classmethod
    def build(cls, docs: Iterable[Iterable[str]], source: str = "corpus") -> IdfTable:
        df: Counter = Counter()
        n = 0
        for tokens in docs:
            n += 1
            df.update(set(map(str.lower, filter(None, tokens))))
        return cls(n_docs=n, df=dict(df), source=source)

    def idf(self, word: str) -> float:
        if self.fixed_idf is not None:
            return self.fixed_idf.get(word, self._median)
        return math.log((self.n_docs + 1) / (self.df.get(word, 0) + 1)) + 1.0

    def to_json(self, min_df: int = 1) -> dict:
        df = {w: c for w, c in self.df.items() if c >= min_df}
        return {"format": "govtext-idf-1", "n_docs": self.n_docs, "source": self.source, "df": dict(sorted(df.items()))}

    def save(self, path: Path, min_df: int = 1) -> None:
        Path(path).write_text(json.dumps(self.to_json(min_df), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> IdfTable:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != "govtext-idf-1":
            raise ValueError(f"{path}: not a govtext IDF table")
        return cls(n_docs=int(data["n_docs"]), df={k: int(v) for k, v in data["df"].items()}, source=str(path))

    @classmethod
    def jieba_generic(cls) -> IdfTable:
        import importlib.util

        # the file beside jieba.analyse, without importing it (its import loads two more tables: ~2 s per
        # process) nor jieba itself (0.2 s: an ingest worker segments with rjieba and needs no jieba)
        spec = importlib.util.find_spec("jieba")
        if spec is None or spec.origin is None:  # pragma: no cover - jieba is in requirements
            raise ImportError("jieba is not installed")
        path = Path(spec.origin).parent / "analyse" / "idf.txt"
        fixed = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split(" ")
            if len(parts) == 2:
                try:
                    fixed[parts[0]] = float(parts[1])
                except ValueError:
                    continue
        table = cls(n_docs=0, source="jieba-generic (no corpus IDF yet)", fixed_idf=fixed)
        values = sorted(fixed.values())
        table._median = values[len(values) // 2] if values else 10.0
        return table

    _median: float = 10.0


_lock = threading.Lock()
_idf_cache: dict[str, tuple[float, IdfTable]] = {}


def idf_candidates(settings: Settings | None = None) -> list[Path]:
    s = settings or load_settings()
    return [Path(s.data_dir) / "idf.json", Path(s.config_dir) / "idf.json"]


def idf_table_at(path: Path) -> IdfTable | None:
    """The IDF table saved at ``path`` (cached until the file changes), or None."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    key = str(path)
    cached = _idf_cache.get(key)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        table = IdfTable.load(path)
    except (OSError, ValueError, KeyError):
        return None
    with _lock:
        _idf_cache[key] = (mtime, table)
    return table


def get_idf_table(settings: Settings | None = None) -> IdfTable:
    """Corpus IDF from the data folder or index_config, else jieba's generic one."""
    for path in idf_candidates(settings):
        table = idf_table_at(path)
        if table is not None:
            return table
    cached = _idf_cache.get("jieba")
    if cached:
        return cached[1]
    with _lock:
        if "jieba" not in _idf_cache:
            _idf_cache["jieba"] = (0.0, IdfTable.jieba_generic())
    return _idf_cache["jieba"][1]


# -- word lists ----------------------------------------------------------
@dataclass(frozen=True)
class WordLists:
    stop: frozenset[str]
    boilerplate: frozenset[str]
    terms: frozenset[str]  # governance terms kept whole
    max_term_tokens: int = 6
    prefixes: frozenset[str] = frozenset()  # every proper prefix of a term


def read_stopwords(path: Path) -> tuple[set[str], set[str]]:
    stop: set[str] = set()
    boiler: set[str] = set()
    if not path.exists():
        return stop, boiler
    target = stop
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "boilerplate" in line.lower() and target is stop:
                target = boiler
            continue
        target.add(line.split()[0].lower())
    return stop, boiler


_lists: tuple[tuple, WordLists] | None = None


def get_word_lists() -> WordLists:
    global _lists
    from govtext.settings import config_dir, config_file
    from nlp.segment import read_user_words
    from nlp.taxonomy import get_taxonomy

    cfg = config_dir()
    tax = get_taxonomy()
    stamp = []
    for name in ("stopwords.txt", "userdict.txt"):
        try:
            stamp.append(config_file(name, cfg).stat().st_mtime)
        except OSError:
            stamp.append(0.0)
    key = (str(cfg), tuple(stamp), id(tax))
    if _lists is not None and _lists[0] == key:
        return _lists[1]
    stop, boiler = read_stopwords(cfg / "stopwords.txt")
    terms = {w.lower() for w, _, _ in read_user_words(cfg / "userdict.txt") if len(w) >= 2}
    terms |= {t for t in tax.all_terms() if len(t) >= 3 and _CJK.search(t)}
    prefixes = {t[:i] for t in terms for i in range(1, len(t))}
    lists = WordLists(frozenset(stop), frozenset(boiler), frozenset(terms), prefixes=frozenset(prefixes))
    _lists = (key, lists)
    return lists


_joined: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None


def _term_or_prefix(terms: frozenset[str], prefixes: frozenset[str]) -> frozenset[str]:
    """``terms | prefixes``, kept for the last pair of sets asked for."""
    global _joined
    joined = _joined
    if joined is None or joined[0] is not terms or joined[1] is not prefixes:
        joined = _joined = (terms, prefixes, terms | prefixes)
    return joined[2]


def _term_runs(tokens: list[str], terms: frozenset[str], max_n: int, prefixes: frozenset[str]) -> list[tuple[int, int]]:
    """(start, length) of the runs of adjacent tokens that spell a governance term, longest first, left to right.

    Only tokens that begin a term are tried (found in C with ``map``): most tokens begin none; and of
    those, only the ones that with the next token spell a term or a term's prefix (most do not)."""
    runs: list[tuple[int, int]] = []
    n = len(tokens)
    done = 0
    starts = list(compress(count(), map(prefixes.__contains__, tokens)))
    if starts and starts[-1] == n - 1:  # no token after it
        starts.pop()
    if not starts:
        return runs
    first, second = map(tokens.__getitem__, starts), map(tokens.__getitem__, map((1).__add__, starts))
    starts = list(compress(starts, map(_term_or_prefix(terms, prefixes).__contains__, map(add, first, second))))
    for i in starts:
        if i < done:  # inside the run merged before
            continue
        best_k = 0
        cand = tokens[i]
        for k in range(2, min(max_n, n - i) + 1):
            cand += tokens[i + k - 1]
            if cand in terms:
                best_k = k
            if cand not in prefixes:
                break
        if best_k:
            runs.append((i, best_k))
            done = i + best_k
    return runs


_native_runs: tuple[WordLists, object] | None = None


def _find_term_runs(tokens: list[str], lists: WordLists) -> list[tuple[int, int]]:
    """:func:`_term_runs` of ``lists``: natively (native/src/terms.rs, the terms and prefixes in hash
    sets; tests/test_nlp_native.py compares the two) when the kernels are built."""
    global _native_runs
    if _NATIVE is not None and hasattr(_NATIVE, "TermRuns"):
        found = _native_runs
        if found is None or found[0] is not lists:
            found = _native_runs = (lists, _NATIVE.TermRuns(lists.terms, lists.prefixes))
        try:
            return found[1].runs(tokens, lists.max_term_tokens)  # type: ignore[attr-defined]
        except ValueError:  # a lone surrogate: Python takes it
            pass
    return _term_runs(tokens, lists.terms, lists.max_term_tokens, lists.prefixes)


def merge_terms(
    tokens: list[str], terms: frozenset[str], max_n: int = 6, prefixes: frozenset[str] | None = None
) -> list[str]:
    """Join runs of adjacent tokens that spell a governance term (longest first)."""
    if prefixes is None:
        prefixes = frozenset(t[:i] for t in terms for i in range(1, len(t)))
    out: list[str] = []
    done = 0
    for i, k in _term_runs(tokens, terms, max_n, prefixes):
        out += tokens[done:i]
        out.append("".join(tokens[i : i + k]))
        done = i + k
    out += tokens[done:]
    return out


def _pos_ok(word: str, pos: str, lists: WordLists) -> bool:
    if word in lists.terms:
        return True
    if pos in DROP_POS:
        return False
    if pos.startswith("v") and pos not in KEEP_VERB_POS:
        return False
    if pos.startswith("a") and pos != "an":
        return False
    return True


def keyword_text(body: str) -> str:
    """The string keyword extraction segments for a normalized document body (see :func:`_prepare`)."""
    return _prepare(body, True)


def _prepare(text: str, normalized: bool) -> str:
    """The string keyword extraction segments: its first characters, normalized, lower-cased, placeholders blanked."""
    from nlp.textnorm import normalize

    text = text[:MAX_KEYWORD_CHARS]
    return _PLACEHOLDER.sub(" ", (text if normalized else normalize(text)).lower())


#: one line's tokens (governance terms merged), their parts of speech, the positions of numbers in
#: them, whether a token's part of speech is a function of the token (but for governance terms), and
#: then each distinct token with one of its tags (a governance term's: any), else None
_Line = tuple[list[str], list[str], list[int], bool, "dict[str, str] | None"]
#: ``nlp.segment.words_and_word_tags`` of a text
Tagged = tuple[list[str], list[str], bool]


def _tokens_pos(text: str, lists: WordLists, tagged: Tagged | None = None) -> _Line:
    """Tokens of ``text`` (governance terms merged), their parts of speech, and where the numbers are.

    ``tagged``: ``nlp.segment.words_and_word_tags(text)`` when the caller has it."""
    if tagged is None:
        from nlp.segment import words_and_word_tags

        tagged = words_and_word_tags(text)
    words, tags, by_word = tagged
    runs = _find_term_runs(words, lists)
    if runs:  # a merged run is a governance term, its part of speech "term"
        tokens: list[str] = []
        pos: list[str] = []
        done = 0
        for i, k in runs:
            tokens += words[done:i]
            pos += tags[done:i]
            tokens.append("".join(words[i : i + k]))
            pos.append("term")
            done = i + k
        tokens += words[done:]
        pos += tags[done:]
    else:
        tokens, pos = words, tags
    if by_word:
        first = _distinct_tags(tokens, pos, words, tags, runs)
        if first is not None:
            # a number is a token tagged "m" or spelled as one: here a function of the token
            is_number = map(or_, map("m".__eq__, first.values()), map(_NUMBER_TOKEN.__getitem__, first))
            numbers_of = set(compress(first, is_number))
            numbers = list(compress(count(), map(numbers_of.__contains__, tokens))) if numbers_of else []
            return tokens, pos, numbers, by_word, first
    numbers = list(compress(count(), map(or_, map("m".__eq__, pos), map(_NUMBER_TOKEN.__getitem__, tokens))))
    return tokens, pos, numbers, by_word, None


def _distinct_tags(
    tokens: list[str], pos: list[str], words: list[str], tags: list[str], runs: list[tuple[int, int]]
) -> dict[str, str] | None:
    """Each distinct token of ``tokens`` with a tag, when whether a token is a number does not depend on
    where it stands (else None). ``words``/``tags``: the words before the governance-term ``runs`` were
    merged into ``tokens``/``pos``, each word's tag a function of the word.

    A merged term is tagged "term"; the same string may also stand as one word with the word's tag: that
    one is given (a term's keyword decision does not depend on its tag), and when it is "m" and the term
    is not spelled as a number its occurrences differ (None: the caller looks at each)."""
    from nlp.segment import word_tag_seen

    first = dict(zip(tokens, pos))
    if runs:
        for term in {"".join(words[i : i + k]) for i, k in runs}:
            sure, tag = word_tag_seen(term)  # the term standing as one word in some text (this one?)
            if not sure:
                try:
                    tag = tags[words.index(term)]
                except ValueError:
                    continue
            if tag is None:
                continue
            if tag == "m" and not _NUMBER_TOKEN[term]:
                return None
            first[term] = tag
    return first


class _IsNumber(dict[str, bool]):
    """token -> whether it is a number (:data:`_NUMERIC`), computed once per distinct token."""

    def __missing__(self, token: str) -> bool:
        value = bool(_NUMERIC.match(token))
        if len(self) < 500_000:
            self[token] = value
        return value


_NUMBER_TOKEN = _IsNumber()


def _counts(tokens: list[str], numbers: list[int]) -> tuple[Counter, Counter]:
    """How often each token occurs, and how often next to a number (one before it or up to 2 after it)."""
    n = len(tokens)
    near = set(map((-2).__add__, numbers))
    near.update(map((-1).__add__, numbers), map((1).__add__, numbers))
    near.difference_update((-2, -1, n))  # the only ones outside 0..n-1
    return Counter(tokens), Counter(map(tokens.__getitem__, near))


def _keeps(t: str, p: str, lists: WordLists, seen: Counter, near_number: Counter) -> bool:
    return _keeps_alone(t, p, lists) and not (t not in lists.terms and near_number[t] >= NUMBER_TALK_SHARE * seen[t])


def _keeps_alone(t: str, p: str, lists: WordLists) -> bool:
    """The part of :func:`_keeps` that depends on the word and its tag only."""
    return not (
        len(t) < 2
        or t in lists.stop
        or _JUNK.match(t)
        or not (_CJK.search(t) or t.isalnum())
        or not _pos_ok(t, p, lists)
    )


class _AloneDecisions(dict[tuple[str, str], str | None]):
    """(token, tag) -> the stripped token when :func:`_keeps_alone` keeps it, else None; computed
    once per distinct pair for one :class:`WordLists` (documents share most of their words)."""

    def __init__(self, lists: WordLists):
        super().__init__()
        self.lists = lists
        #: the tokens of the pairs kept as another word (stripped of spaces)
        self.stripped: set[str] = set()

    def __missing__(self, pair: tuple[str, str]) -> str | None:
        t = pair[0].strip()
        value = t if _keeps_alone(t, pair[1], self.lists) else None
        if value is not None and value != pair[0]:
            self.stripped.add(pair[0])
        if len(self) < 1_000_000:
            self[pair] = value
        return value


_alone: _AloneDecisions | None = None


def _alone_decisions(lists: WordLists) -> _AloneDecisions:
    global _alone
    alone = _alone
    if alone is None or alone.lists is not lists:
        alone = _alone = _AloneDecisions(lists)
    return alone


def _decisions(line: _Line, lists: WordLists) -> dict:
    """Each distinct (token, tag) of a text: the keyword it stands for, or None when it is removed.

    When the tags are a function of the tokens (``line[3]``) the keys are the tokens: a governance
    term (the one token that may also be tagged "term") is kept or removed whatever its tag, so a
    token stands for one decision (and no (token, tag) pair need be built for each token)."""
    tokens, pos, numbers, by_word, first = line
    seen, near_number = _counts(tokens, numbers)
    if first is not None:
        return _first_decisions(first, lists, seen, near_number)
    if by_word:
        return _word_decisions(tokens, pos, lists, seen, near_number)
    distinct = list(set(zip(tokens, pos)))
    out = dict(zip(distinct, map(_alone_decisions(lists).__getitem__, distinct)))
    # number talk: a word next to a number in most of its occurrences. A pair whose token is never
    # next to one and is its own keyword (unchanged by strip) passes: 0 < its count.
    terms = lists.terms
    odd = [p for p in distinct if p[0] in near_number or out[p] != p[0]]
    for pair in odd:
        t = out[pair]
        if t is not None and t not in terms and near_number[t] >= NUMBER_TALK_SHARE * seen[t]:
            out[pair] = None
    return out


def _word_decisions(tokens: list[str], pos: list[str], lists: WordLists, seen: Counter, near_number: Counter) -> dict:
    """:func:`_decisions` keyed by token (each token with one of its tags: all give the same decision)."""
    alone = _alone_decisions(lists)
    terms = lists.terms
    out = {}
    for token, tag in dict(zip(tokens, pos)).items():
        t = alone[token, tag]
        if (
            t is not None
            and (t in near_number or t != token)
            and t not in terms
            and near_number[t] >= NUMBER_TALK_SHARE * seen[t]
        ):
            t = None
        out[token] = t
    return out


def _first_decisions(first: dict[str, str], lists: WordLists, seen: Counter, near_number: Counter) -> dict:
    """:func:`_word_decisions` of the distinct tokens ``first`` (token -> one of its tags): the decisions
    on their own are looked up in C; only tokens next to a number or stripped to another word are looked at."""
    alone = _alone_decisions(lists)
    out = dict(zip(first, map(alone.__getitem__, first.items())))
    terms = lists.terms
    odd = [token for token in near_number if out[token] is not None]
    if alone.stripped:
        odd += [token for token in alone.stripped.intersection(first) if token not in near_number]
    for token in odd:
        t = out[token]
        if t is not None and t not in terms and near_number[t] >= NUMBER_TALK_SHARE * seen[t]:
            out[token] = None
    return out


def _words_of(line: _Line, decided: dict) -> list[str | None]:
    """Each token's keyword (None for removed ones) from :func:`_decisions`."""
    if line[3]:
        return list(map(decided.__getitem__, line[0]))
    return list(map(decided.__getitem__, zip(line[0], line[1])))


def _candidates(line: _Line, lists: WordLists) -> list[str | None]:
    # None keeps TextRank windows from jumping over removed words
    return _words_of(line, _decisions(line, lists))


def candidate_words(text: str, lists: WordLists | None = None, *, normalized: bool = False) -> list[str | None]:
    """Content words of ``text`` in order (None for removed ones), governance terms merged."""
    lists = lists or get_word_lists()
    return _candidates(_tokens_pos(_prepare(text, normalized), lists), lists)


def document_body(text: str) -> str:
    """The keyword text of a stored document, as analysis builds it: its paragraphs
    (:func:`ingest.text.split_paragraphs`, the first :data:`MAX_PARAGRAPHS`), normalized, one per line."""
    from ingest.text import split_paragraphs
    from nlp.textnorm import normalize_many

    return "\n".join(normalize_many(split_paragraphs(text)[:MAX_PARAGRAPHS]))


def idf_terms(text: str) -> list[str]:
    """The words keyword extraction sees in the document ``text`` (for building an IdfTable):
    those of its keyword text (:func:`document_body`), so that TF and DF count the same words."""
    return [w for w in candidate_words(document_body(text), normalized=True) if w]


def keyword_and_idf_words(
    body: str, lists: WordLists | None = None, *, tagged: Tagged | None = None
) -> tuple[list[str | None], set[str]]:
    """``candidate_words(body, normalized=True)`` and the set of its words, from one segmentation.

    For a document's keyword text (``body == document_body(text)``) the set is ``set(idf_terms(text))``.
    ``tagged``: ``nlp.segment.words_and_word_tags(keyword_text(body))`` when the caller has it."""
    lists = lists or get_word_lists()
    line = _tokens_pos(_prepare(body, True) if tagged is None else "", lists, tagged)  # tagged: the text is not read
    decided = _decisions(line, lists)
    return _words_of(line, decided), {w for w in decided.values() if w}


def _weight(word: str, lists: WordLists) -> float:
    if word in lists.boilerplate:
        return BOILERPLATE_WEIGHT
    if word in lists.terms:
        return GOVERNANCE_TERM_WEIGHT
    return 1.0


class _Cached(dict[str, float]):
    """word -> ``of(word)``, computed once per distinct word (documents share most of their words) and
    looked up in C (``map(values.__getitem__, words)``); ``owner`` is what ``of`` reads (a table, word lists)."""

    def __init__(self, owner: object, of):
        super().__init__()
        self.owner = owner
        self.of = of

    def __missing__(self, word: str) -> float:
        value = self.of(word)
        if len(self) < 1_000_000:
            self[word] = value
        return value


_idf_values: _Cached | None = None
_weights: _Cached | None = None


def _idf_table_values(table: IdfTable) -> _Cached:
    """``table.idf`` of each word, for the last table asked for."""
    global _idf_values
    values = _idf_values
    if values is None or values.owner is not table:
        values = _idf_values = _Cached(table, table.idf)
    return values


def _weight_values(lists: WordLists) -> _Cached:
    """:func:`_weight` of each word, for the last word lists asked for."""
    global _weights
    values = _weights
    if values is None or values.owner is not lists:
        values = _weights = _Cached(lists, lambda word: _weight(word, lists))
    return values


def _idf_many(idf, words: Iterable[str]) -> Iterable[float]:
    """``idf.idf(w)`` for each of ``words``."""
    if type(idf) is IdfTable:
        return map(_idf_table_values(idf).__getitem__, words)
    if type(idf) is _CompoundIdf:
        return idf.idf_many(words)
    return map(idf.idf, words)


def tfidf_keywords(text: str, k: int = 10, idf: IdfTable | None = None, words: list | None = None) -> list[dict]:
    lists = get_word_lists()
    idf = idf or get_idf_table()
    words = list(filter(None, words if words is not None else candidate_words(text, lists)))
    if not words:
        return []
    tf = Counter(words)
    total = len(words)
    # (c / total) * idf(w) * weight(w), the idf and weights looked up once per distinct word
    scores = {
        w: (c / total) * v * g
        for (w, c), v, g in zip(tf.items(), _idf_many(idf, tf), map(_weight_values(lists).__getitem__, tf))
    }
    return _top(scores, k)


def textrank_keywords(
    text: str, k: int = 10, window: int = 5, iterations: int = 30, words: list | None = None
) -> list[dict]:
    return _textrank_keywords(text, k, window, iterations, words)


#: words numbered in order of first occurrence (None: -1), and the numbers of a word sequence
_Numbered = tuple[dict, Any]  # (ids, numpy int64 array)


def _numbered(words: list) -> _Numbered:
    import numpy as np

    ids: dict[str, int] = dict(zip(dict.fromkeys(filter(None, words)), count()))
    return ids, np.fromiter(map(ids.get, words, repeat(-1)), dtype=np.int64, count=len(words))


def _textrank_keywords(
    text: str, k: int, window: int, iterations: int, words: list | None, numbered: _Numbered | None = None
) -> list[dict]:
    """:func:`textrank_keywords`; ``numbered``: :func:`_numbered` of ``words`` when the caller has it."""
    lists = get_word_lists()
    seq = words if words is not None else candidate_words(text, lists)
    if numbered is None or len(seq) > TEXTRANK_MAX_WORDS:
        numbered = None
    seq = seq[:TEXTRANK_MAX_WORDS]

    # words numbered in order of first occurrence; an edge joins two different words at most
    # window - 1 apart, both ways, once per such meeting (duplicates add up)
    ids, number = numbered if numbered is not None else _numbered(seq)
    vec = _textrank_scores(number, len(ids), window, iterations)
    if vec is None:
        return []
    # ids are numbered in their order: each word's score times its weight
    scores = dict(zip(ids, map(mul, vec.tolist(), map(_weight_values(lists).__getitem__, ids))))
    return _top(scores, k)


def _textrank_scores(number, n: int, window: int, iterations: int):
    """TextRank's scores of the ``n`` words numbered in ``number`` (-1: no word), or None when no
    two words meet: the native power iteration (native/src/textrank.rs, the same operations in
    the same order) when built, else scipy's."""
    import numpy as np

    if _NATIVE is not None and window >= 1 and iterations >= 0:
        found = _NATIVE.textrank_scores(number, n, window, iterations, TEXTRANK_DAMPING)
        return None if found is None else np.frombuffer(found, dtype=np.float64)
    from scipy.sparse import csr_matrix

    rows_l, cols_l = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for gap in range(1, window):
        a, b = number[:-gap], number[gap:]
        meet = (a >= 0) & (b >= 0) & (a != b)
        rows_l += (a[meet], b[meet])
        cols_l += (b[meet], a[meet])
    rows, cols = np.concatenate(rows_l), np.concatenate(cols_l)
    if not rows.size:
        return None
    m = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))  # duplicates add up
    out_sum = np.asarray(m.sum(axis=1)).ravel()
    out_sum[out_sum == 0] = 1.0
    # column-stochastic transition: score_new[v] = sum_u m[u, v] / out(u) * score[u]
    t = m.multiply(1.0 / out_sum[:, None]).T.tocsr()
    d = TEXTRANK_DAMPING
    vec = np.ones(n)
    for _ in range(iterations):
        vec = (1 - d) + d * (t @ vec)
    return vec


def _top(scores: dict[str, float], k: int) -> list[dict]:
    """The ``k`` best words (ties by word), scores scaled to the best one's."""
    if not scores:
        return []
    best = max(scores.values()) or 1.0
    items = scores.items()
    if 0 < k < len(scores) // 4:
        # only words scoring at least the k-th best score can be among the k best: sort those alone
        import numpy as np

        values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        kth = float(np.partition(values, values.size - k)[values.size - k])
        items = [kv for kv in items if kv[1] >= kth]  # type: ignore[assignment]
    ranked = sorted(items, key=lambda kv: (-kv[1], kv[0]))[:k]
    return [{"word": w, "score": round(s / best, 4)} for w, s in ranked]


#: adjacent content words joined into one keyword when the pair occurs this often in the document
COMPOUND_MIN_COUNT = 3
#: ... and covers at least this share of the rarer word's occurrences (a fixed phrase, not a chance meeting)
COMPOUND_MIN_SHARE = 0.3
COMPOUND_MAX_CHARS = 8


class _CompoundIdf:
    """An IDF table that also knows the document's compounds: a compound the table
    has never seen gets the IDF of its rarer part (the corpus table would give an
    unseen word the maximum and let every compound win)."""

    def __init__(self, table: IdfTable, parts: dict[str, tuple[str, str]]):
        self.table = table
        self.parts = parts

    def idf(self, word: str) -> float:
        pair = self.parts.get(word)
        if pair is not None and (self.table.fixed_idf is not None or word not in self.table.df):
            known = self.table.fixed_idf
            if known is None or word not in known:
                return max(self.table.idf(pair[0]), self.table.idf(pair[1]))
        return self.table.idf(word)

    def idf_many(self, words: Iterable[str]) -> list[float]:
        """:meth:`idf` of each of ``words``."""
        values = _idf_table_values(self.table) if type(self.table) is IdfTable else None
        parts = self.parts
        if values is None:
            return [self.idf(w) for w in words]
        if not parts:
            return list(map(values.__getitem__, words))
        return [self.idf(w) if w in parts else values[w] for w in words]


def merge_compounds(words: list[str | None], lists: WordLists) -> tuple[list[str | None], dict[str, tuple[str, str]]]:
    """Join adjacent content words that form a frequent fixed phrase (新旧+动能, 国有+企业 …).

    A pair qualifies when it occurs at least :data:`COMPOUND_MIN_COUNT` times,
    in at least :data:`COMPOUND_MIN_SHARE` of the rarer word's occurrences, both
    words are Chinese and neither is boilerplate. Occurrences are joined left to
    right; the words they consume no longer count alone."""
    merged, parts, _ = _merge_compounds(words, lists)
    return merged, parts


def _merge_compounds(
    words: list[str | None], lists: WordLists
) -> tuple[list[str | None], dict[str, tuple[str, str]], _Numbered | None]:
    """:func:`merge_compounds`, and :func:`_numbered` of the words when none were joined (else None)."""
    import numpy as np

    # the words numbered (in order of first occurrence), and each pair of adjacent different words as one
    # code, counted with numpy: most of a document's tokens are removed words, and few pairs repeat
    numbered = _numbered(words)
    numbers, number = numbered
    distinct = list(numbers)
    n = len(distinct)
    if n < 2:
        return words, {}, numbered
    first, second = number[:-1], number[1:]
    codes = np.where((first >= 0) & (second >= 0) & (first != second), first * n + second, -1)
    found, times = np.unique(codes[codes >= 0], return_counts=True)
    often = times >= COMPOUND_MIN_COUNT
    if not often.any():
        return words, {}, numbered
    seen = np.bincount(number[number >= 0], minlength=n).tolist()
    boilerplate = lists.boilerplate
    kept = []
    for code, times_seen in zip(found[often].tolist(), times[often].tolist()):
        i, j = divmod(code, n)
        a, b = distinct[i], distinct[j]
        if (
            a not in boilerplate
            and b not in boilerplate
            and len(a) + len(b) <= COMPOUND_MAX_CHARS
            and _CJK.search(a)
            and _CJK.search(b)
            and times_seen >= COMPOUND_MIN_SHARE * min(seen[i], seen[j])
        ):
            kept.append(code)
    if not kept:
        return words, {}, numbered
    out: list[str | None] = []
    parts: dict[str, tuple[str, str]] = {}
    done = 0
    for i in np.flatnonzero(np.isin(codes, kept)).tolist():
        if i < done:  # its first word was joined to the one before
            continue
        a, b = words[i], words[i + 1]
        assert a is not None and b is not None
        parts[a + b] = (a, b)
        out += words[done:i]
        out.append(a + b)
        done = i + 2
    out += words[done:]
    return out, parts, None


def keywords(
    text: str,
    k: int = 10,
    idf: IdfTable | None = None,
    *,
    normalized: bool = False,
    words: list[str | None] | None = None,
) -> list[dict]:
    """Blend of TF-IDF (0.6) and TextRank (0.4), each scaled to its best word;
    frequent fixed phrases count as one keyword (:func:`merge_compounds`).
    ``words``: ``candidate_words(text, normalized=normalized)`` when the caller has them."""
    lists = get_word_lists()
    if words is None:
        words = candidate_words(text, lists, normalized=normalized)
    if not any(words):
        return []
    table = idf or get_idf_table()
    words, parts, numbered = _merge_compounds(words, lists)
    idf_of = _CompoundIdf(table, parts)
    tf = {d["word"]: d["score"] for d in tfidf_keywords(text, k=3 * k, idf=idf_of, words=words)}  # type: ignore[arg-type]
    tr = {d["word"]: d["score"] for d in _textrank_keywords(text, 5 * k, 5, 30, words, numbered)}
    # TextRank favours frequent, well-connected words (建设, 社会); weigh it by IDF too
    tr = {w: s * idf_of.idf(w) for w, s in tr.items()}
    top = max(tr.values(), default=0.0) or 1.0
    tr = {w: s / top for w, s in tr.items()}
    blended = {w: 0.6 * tf.get(w, 0.0) + 0.4 * tr.get(w, 0.0) for w in set(tf) | set(tr)}
    return _top(blended, k)
