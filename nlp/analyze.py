"""One entry point for the NLP of a document: :func:`analyze`.

    analyze(text, title="") -> {
      "themes": [{"id", "name", "score", "evidence", "paragraphs"}],   # document themes, best first
      "paragraph_themes": [[{"id", "name", "score", "evidence", "rule_score", "model_score"?,
                             "model_evidence"?}], ...],                  # one list per paragraph
      "keywords": [{"word", "score"}],
      "entities": {"regions": [{"name", "province", "city", "county", "adcode", "level", "count"}],
                   "dates": [{"text", "year", "month", "day", "unknown"}],
                   "doc_numbers": [{"text", "agency", "year", "number", "unknown"}],
                   "titles": [str], "organizations": [{"name", "count"}]},
      "doc_type": {"id", "name", "score"},
      "primary_region": {"name", "province", "city", "county", "adcode", "level"} | None,
      "year": int | None,
      "paragraph_count": int, "truncated": bool, "model": bool,
    }

Paragraphs are those of :func:`ingest.text.split_paragraphs` (one per
non-empty line), so ``paragraph_themes[i]`` belongs to the store's paragraph
``i``. Text is normalized (NFKC, traditional → simplified) before tagging, so
traditional input is tagged like its simplified form; strings in the output
(evidence, entities) are in simplified form.

Bad input: a non-string raises :class:`govtext.errors.BadInput`; so does text
longer than ``Settings.max_doc_chars``. Empty text, text without Chinese and
binary junk return the empty result (no themes, no keywords …), never an
exception. Paragraphs beyond :data:`MAX_PARAGRAPHS` are not tagged
(``truncated`` says so); keywords look at the first 300,000 characters.

Everything (taxonomy, rule automaton, model, division table, word lists) loads
once per process, on first use; the taxonomy is re-read when its file changes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from itertools import compress, count
from typing import NamedTuple

from govtext.errors import BadInput
from govtext.settings import Settings, load_settings
from ingest.text import clean_text, split_paragraphs
from nlp.combine import COMBINED_THRESHOLD, combine
from nlp.doctype import classify
from nlp.entities import document_year, extract_entities, find_dates, primary_region
from nlp.keywords import MAX_PARAGRAPHS as MAX_PARAGRAPHS  # re-exported: the limit of the whole analysis
from nlp.keywords import get_idf_table, keyword_and_idf_words, keyword_text
from nlp.keywords import keywords as extract_keywords
from nlp.model import get_model
from nlp.segment import index_string_reusing, tag_is_cut, words_and_word_tags
from nlp.taxonomy import get_taxonomy
from nlp.textnorm import normalize, normalize_many
from nlp.themes import aggregate_document, get_rule_tagger

MAX_PARAGRAPH_CHARS = 5_000  # a longer "paragraph" (no line breaks) is tagged on its first 5,000 chars
MIN_CJK_CHARS = 2
PARAGRAPH_CACHE = 50_000
KEYWORDS = 10


def empty_result(paragraphs: int = 0) -> dict:
    return {
        "themes": [],
        "paragraph_themes": [[] for _ in range(paragraphs)],
        "keywords": [],
        "entities": {"regions": [], "dates": [], "doc_numbers": [], "titles": [], "organizations": []},
        "doc_type": {"id": "other", "name": "其他", "score": 0.0},
        "primary_region": None,
        "year": None,
        "paragraph_count": paragraphs,
        "truncated": False,
        "model": False,
    }


def _cjk_count(text: str) -> int:
    n = 0
    for ch in text:
        if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff":
            n += 1
            if n >= MIN_CJK_CHARS:
                break
    return n


def _tag_many(paras: list[str], tagger, model, names: dict, tokens_of: list | None = None) -> list[list[dict]]:
    """Tags of each paragraph; the model's vectors are built for all of them in one pass."""
    hits = tagger.score_paragraphs(paras)
    if model is None:
        return [_tag_one(h, None, None, None, names) for h in hits]
    vectors = model.vectorize_many(paras, hits, tokens_of)
    probs = model.predict_vectors(vectors)
    if not names.keys() >= set(model.labels):
        probs = [{k: v for k, v in p.items() if k in names} for p in probs]
    return [_tag_one(h, v, p, model, names) for h, v, p in zip(hits, vectors, probs)]


def _tag_one(hits: list, vector, probs: dict | None, model, names: dict) -> list[dict]:
    """Tags of one paragraph from its rule hits and the model's probabilities (None: rules only)."""
    tags = combine(hits, probs, names, thresholds=model.thresholds if model is not None else None)
    if model is not None:
        for tag in tags:
            # the model contributed: the rule score alone stays under the threshold
            if tag["rule_score"] < model.thresholds.get(tag["id"], COMBINED_THRESHOLD):
                tag["model_evidence"] = model.explain(vector, tag["id"], k=5)
    return tags


class _LRU:
    """Paragraph → tags, bounded. Template copies repeat paragraphs verbatim, so the
    same paragraph is tagged once per process (per taxonomy and model)."""

    def __init__(self, size: int):
        from collections import OrderedDict

        self.size = size
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.data[key] = value
            if len(self.data) > self.size:
                self.data.popitem(last=False)


_cache = _LRU(PARAGRAPH_CACHE)


def _copy(tags: list[dict]) -> list[dict]:
    return [{k: (list(v) if isinstance(v, list) else v) for k, v in t.items()} for t in tags]


def tag_paragraphs(
    paragraphs: list[str], *, use_model: bool = True, tokens: dict[str, list[str]] | None = None
) -> list[list[dict]]:
    """Theme tags of each paragraph (already normalized text).

    ``tokens``: paragraph (its first :data:`MAX_PARAGRAPH_CHARS`) -> ``nlp.segment.cut`` of it
    lower-cased, for the paragraphs the caller has segmented already (:func:`_line_tokens`)."""
    tagger = get_rule_tagger()
    names = {t.id: t.name for t in tagger.taxonomy.themes}
    model = get_model() if use_model else None
    out: list[list[dict] | None] = []
    missing: dict[str, list[int]] = {}  # paragraph -> its positions, for the ones not in the cache
    for para in paragraphs:
        para = para[:MAX_PARAGRAPH_CHARS]
        if _cjk_count(para) < MIN_CJK_CHARS:
            out.append([])
            continue
        tags = _cache.get((id(tagger), id(model), para))
        if tags is None:
            missing.setdefault(para, []).append(len(out))
        out.append(None if tags is None else _copy(tags))
    if missing:
        tokens_of = [tokens.get(para) for para in missing] if tokens and model is not None else None
        for para, tags in zip(missing, _tag_many(list(missing), tagger, model, names, tokens_of)):
            _cache.put((id(tagger), id(model), para), tags)
            for i in missing[para]:
                out[i] = _copy(tags)
    return out  # type: ignore[return-value]  # every None was filled


def _lines(kw_text: str, words: list[str]) -> tuple[list[str], list[list[str]]] | None:
    """The lines of the keyword text and each line's words (``words``: the text's).

    The segmenter cuts at every line break (a token of its own), so a line's words are
    those of cutting the line alone."""
    breaks = list(compress(count(), map("\n".__eq__, words)))
    lines = kw_text.split("\n")
    if len(breaks) != len(lines) - 1:  # pragma: no cover - a line break is always a token
        return None
    return lines, [words[a + 1 : b] for a, b in zip([-1, *breaks], [*breaks, len(words)])]


def _model_tokens(paragraphs: list[str], lines: list[str], line_words: list[list[str]]) -> dict[str, list[str]]:
    """Paragraph (its first :data:`MAX_PARAGRAPH_CHARS`) -> the words of it lower-cased, for the
    paragraphs whose keyword line is exactly that (not one with placeholders blanked, cut short
    or beyond the keywords' limit); the model cuts the others alone."""
    out: dict[str, list[str]] = {}
    for para, line, words in zip(paragraphs, lines, line_words):
        para = para[:MAX_PARAGRAPH_CHARS]
        if len(line) == len(para) and line == para.lower():
            out[para] = words
    return out


def analyze(
    text: object,
    title: str = "",
    *,
    use_model: bool = True,
    keyword_count: int = KEYWORDS,
    settings: Settings | None = None,
) -> dict:
    """Themes, keywords, entities, document type, primary region and year of one text.

    ``settings`` (default: from the environment) gives the size limit and the data
    folder whose corpus IDF weighs the keywords."""
    return _analyze(text, title, use_model=use_model, keyword_count=keyword_count, settings=settings).result


def analyze_with_idf_terms(
    text: object, title: str = "", *, settings: Settings | None = None
) -> tuple[dict, set[str] | None]:
    """:func:`analyze` and the set of ``nlp.keywords.idf_terms(text)``, from one keyword segmentation
    (None when the text gets the empty result: the caller tokenizes it if it needs the set)."""
    found = _analyze(text, title, settings=settings, with_idf_terms=True)
    return found.result, found.idf_terms


class Analysis(NamedTuple):
    """What ingest takes from one analysis (:func:`analyze_for_ingest`)."""

    result: dict
    #: ``set(nlp.keywords.idf_terms(text))``, None for the empty result (or when not asked for)
    idf_terms: set[str] | None
    #: ``ingest.text.split_paragraphs(text)``: the paragraphs the store keeps
    paragraphs: list[str]
    #: ``nlp.segment.index_string("\n".join(paragraphs))`` when found from the analysis' segmentation, else None
    index_body: str | None


def analyze_for_ingest(text: object, title: str = "", *, settings: Settings | None = None) -> Analysis:
    """:func:`analyze_with_idf_terms`, the paragraphs and the body's index tokens, from one segmentation:
    what an ingest worker hands its parent, so that the parent neither splits nor segments the text again."""
    return _analyze(text, title, settings=settings, with_idf_terms=True, with_index_body=True)


def _analyze(
    text: object,
    title: str = "",
    *,
    use_model: bool = True,
    keyword_count: int = KEYWORDS,
    settings: Settings | None = None,
    with_idf_terms: bool = False,
    with_index_body: bool = False,
) -> Analysis:
    settings = settings or load_settings()
    if not isinstance(text, str):
        raise BadInput("text must be a string")
    if title is None:
        title = ""
    if not isinstance(title, str):
        raise BadInput("title must be a string")
    limit = settings.max_doc_chars
    if len(text) > limit:
        raise BadInput(f"text too long: {len(text)} characters (limit {limit})", code="too_large", status=413)
    raw_paragraphs = split_paragraphs(text)
    if not raw_paragraphs or _cjk_count(text) < MIN_CJK_CHARS:
        return Analysis(empty_result(len(raw_paragraphs)), None, raw_paragraphs, None)
    truncated = len(raw_paragraphs) > MAX_PARAGRAPHS
    paragraphs = normalize_many(raw_paragraphs[:MAX_PARAGRAPHS])
    title_n = normalize(clean_text(title)).strip()
    body = "\n".join(paragraphs)
    # one segmentation of the body: the keywords' tagged words are also the model's and the index's words
    kw_text = keyword_text(body)
    tagged = words_and_word_tags(kw_text)
    lines = _lines(kw_text, tagged[0]) if tag_is_cut() else None
    shared = _model_tokens(paragraphs, *lines) if lines is not None and use_model else None
    para_tags = tag_paragraphs(paragraphs, use_model=use_model, tokens=shared)
    if truncated:
        para_tags += [[] for _ in range(len(raw_paragraphs) - MAX_PARAGRAPHS)]
    title_tags = tag_paragraphs([title_n], use_model=use_model)[0] if title_n else []
    lengths = [len(p) for p in raw_paragraphs]
    themes = aggregate_document(para_tags, lengths, title_tags, taxonomy=get_taxonomy())
    entities = extract_entities(body, normalized=True)
    dates_raw = entities.pop("_dates_raw")
    year = document_year(dates_raw, find_dates(title_n) if title_n else None)
    # the title's regions come first for the primary region
    if title_n:
        title_regions = extract_entities(title_n, normalized=True)["regions"]
        primary = primary_region(title_regions) or primary_region(entities["regions"])
    else:
        primary = primary_region(entities["regions"])
    words, terms = keyword_and_idf_words(body, tagged=tagged)
    result = {
        "themes": themes,
        "paragraph_themes": para_tags,
        "keywords": extract_keywords(body, k=keyword_count, idf=get_idf_table(settings), normalized=True, words=words),
        "entities": entities,
        "doc_type": classify(body, title_n),
        "primary_region": primary,
        "year": year,
        "paragraph_count": len(raw_paragraphs),
        "truncated": truncated,
        "model": use_model and get_model() is not None,
    }
    index_body = None
    if with_index_body and lines is not None:
        index_body = index_string_reusing(raw_paragraphs, *lines)
    return Analysis(result, terms if with_idf_terms else None, raw_paragraphs, index_body)


def analyze_many(items: Iterable, *, use_model: bool = True) -> list[dict]:
    """Analyze many texts in one process. Items are strings or dicts with ``text``
    (and optional ``title`` and ``id``); the result for a dict carries its ``id``.
    A bad item yields ``{"id", "error": {"status", "code", "message"}}`` instead of
    stopping the batch."""
    out = []
    for item in items:
        if isinstance(item, dict):
            ident = item.get("id")
            try:
                res = analyze(item.get("text"), item.get("title") or "", use_model=use_model)
            except BadInput as exc:
                res = {"error": exc.to_dict()}
            if ident is not None:
                res = {"id": ident, **res}
        else:
            try:
                res = analyze(item, use_model=use_model)
            except BadInput as exc:
                res = {"error": exc.to_dict()}
        out.append(res)
    return out
