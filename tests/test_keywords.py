"""Keywords: corpus IDF table (build/save/load, fallback), TF-IDF, TextRank, governance terms whole,
boilerplate down-weighted."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.keywords import (
    _term_runs,
    _top,
    IdfTable,
    candidate_words,
    get_idf_table,
    get_word_lists,
    keywords,
    merge_terms,
    read_stopwords,
    textrank_keywords,
    tfidf_keywords,
)
from nlp.segment import index_tokens

TEXT = (
    "坚持和发展新时代“枫桥经验”，进一步加强矛盾纠纷多元化解工作，做到矛盾不上交。"
    "全面推行网格化管理，配齐配强专职网格员，进一步加强网格员队伍建设。"
    "加强人民调解组织建设，推进诉源治理，做好人民调解工作，人民调解员定期开展矛盾纠纷排查。"
)

DOCS = [
    "进一步加强工作，推进工作落实。",
    "加强领导，推进网格化管理工作。",
    "进一步加强人民调解工作。",
    "加强党的建设工作，推进基层党组织建设。",
    "工作要进一步加强。",
]


def table() -> IdfTable:
    return IdfTable.build(index_tokens(d) for d in DOCS)


def test_idf_build_save_load(tmp_path):
    t = table()
    assert t.n_docs == len(DOCS)
    assert t.idf("工作") < t.idf("人民调解") < t.idf("从未出现的词")
    path = tmp_path / "idf.json"
    t.save(path)
    back = IdfTable.load(path)
    assert back.n_docs == t.n_docs and back.df == t.df
    assert back.idf("工作") == pytest.approx(t.idf("工作"))
    with pytest.raises(ValueError):
        (tmp_path / "bad.json").write_text('{"format": "other"}', encoding="utf-8")
        IdfTable.load(tmp_path / "bad.json")


def test_idf_from_texts_uses_keyword_tokens():
    t = IdfTable.from_texts([TEXT, *DOCS])
    assert t.n_docs == len(DOCS) + 1
    assert t.df["矛盾不上交"] == 1  # merged governance term, as keywords() sees it
    assert "的" not in t.df


def test_fallback_is_jieba_generic(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVTEXT_DATA", str(tmp_path / "empty"))
    t = get_idf_table()
    assert t.source.startswith("jieba-generic")
    assert t.idf("网格") > 0


def test_corpus_idf_from_data_dir_is_preferred(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    table().save(data / "idf.json")
    monkeypatch.setenv("GOVTEXT_DATA", str(data))
    t = get_idf_table()
    assert t.n_docs == len(DOCS) and t.source.endswith("idf.json")


def test_governance_terms_kept_whole():
    lists = get_word_lists()
    assert "矛盾不上交" in lists.terms
    assert merge_terms(["矛盾", "不", "上交", "，", "网格"], lists.terms) == ["矛盾不上交", "，", "网格"]
    words = [w for w in candidate_words(TEXT) if w]
    assert "矛盾不上交" in words and "枫桥经验" in words
    assert "不" not in words and "上交" not in words


def test_stopwords_file_sections(tmp_path):
    p = tmp_path / "stopwords.txt"
    p.write_text("# stop\n的\n了\n# boilerplate\n进一步\n加强\n", encoding="utf-8")
    stop, boiler = read_stopwords(p)
    assert stop == {"的", "了"} and boiler == {"进一步", "加强"}


def test_boilerplate_is_down_weighted():
    t = table()
    top = [k["word"] for k in tfidf_keywords(TEXT, k=5, idf=t)]
    assert "人民调解" in top or "人民调解员" in top
    for filler in ("进一步", "加强", "工作"):
        assert filler not in top


def test_textrank_and_blend():
    tr = textrank_keywords(TEXT, k=8)
    assert tr and tr[0]["score"] == 1.0
    assert all(0 < k["score"] <= 1 for k in tr)
    blended = keywords(TEXT, k=6)
    assert len(blended) == 6
    assert {"进一步", "加强"}.isdisjoint(k["word"] for k in blended)
    assert keywords(TEXT, k=6) == blended  # deterministic


def test_no_keywords_from_junk():
    assert keywords("") == []
    assert keywords("12345 !!! 3.14% ---") == []
    assert keywords("xx市xx县") == []


NUMBER_TALK = (
    "全年地区生产总值增长5.2%左右，规模以上工业增加值增长6%左右，一般公共预算收入增长3%，"
    "城镇新增就业110万人以上，居民人均可支配收入增长5%左右，固定资产投资下降1.2%。\n"
    "坚持和发展新时代“枫桥经验”，推进网格化管理，完善矛盾纠纷多元化解机制，"
    "建设县级矛盾纠纷调处化解中心，加强社会心理服务体系建设。\n"
    "社会心理服务体系建设覆盖所有县区，网格化管理实现全覆盖，矛盾纠纷调处化解中心全部挂牌运行。"
)


def test_keywords_drop_non_terms_and_number_talk():
    words = [k["word"] for k in keywords(NUMBER_TALK, k=10)]
    assert words
    for non_term in ("左右", "增长", "下降", "以上", "全年"):
        assert non_term not in words, words
    assert not any(ch.isdigit() for w in words for ch in w), words
    # figures' nouns (收入 in 收入增长3%) are number talk here; the governance terms are the topic
    assert {"网格化管理", "社会心理服务"} & set(words), words


def test_frequent_fixed_phrases_become_one_keyword():
    from nlp.keywords import merge_compounds

    lists = get_word_lists()
    words = ["新旧", "动能", None, "企业", None] * 3 + ["新旧", "标准", "动能"]
    merged, parts = merge_compounds(words, lists)
    assert parts == {"新旧动能": ("新旧", "动能")}
    assert merged.count("新旧动能") == 3 and merged.count("新旧") == 1 and merged.count("动能") == 1
    # a pair seen twice is a chance meeting, not a phrase
    assert merge_compounds(["司法", "鉴定"] * 2, lists) == (["司法", "鉴定"] * 2, {})
    text = "铁路运输法院受理刑事案件。铁路运输法院管辖铁路货物运输合同纠纷。铁路运输法院审理铁路旅客运输合同纠纷。"
    assert [k["word"] for k in keywords(text, k=3)][0] == "铁路运输法院"


def _top_by_sorting(scores: dict[str, float], k: int) -> list[dict]:
    """nlp.keywords._top's definition: every word sorted by (-score, word), the first k."""
    if not scores:
        return []
    best = max(scores.values()) or 1.0
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [{"word": w, "score": round(s / best, 4)} for w, s in ranked]


@settings(max_examples=500, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet="甲乙丙丁ab", min_size=1, max_size=3),
        st.one_of(st.sampled_from([0.0, -0.0, 0.5, 1.0, 1e-300]), st.floats(0, 10, allow_nan=False)),
        max_size=200,
    ),
    st.sampled_from([-1, 0, 1, 3, 10, 30, 50, 300]),
)
def test_top_words_equal_sorting_all_of_them(scores, k):
    # _top sorts only the words at or above the k-th best score (ties at that score included)
    assert _top(scores, k) == _top_by_sorting(scores, k)


def _term_runs_tried_at_every_prefix(tokens, terms, max_n, prefixes):
    """nlp.keywords._term_runs's definition: every token that begins a term is tried."""
    runs, done = [], 0
    for i, token in enumerate(tokens):
        if i < done or token not in prefixes:
            continue
        best_k, cand = 0, token
        for k in range(2, min(max_n, len(tokens) - i) + 1):
            cand += tokens[i + k - 1]
            if cand in terms:
                best_k = k
            if cand not in prefixes:
                break
        if best_k:
            runs.append((i, best_k))
            done = i + best_k
    return runs


TERM_PIECES = ["矛盾", "不", "上交", "网格", "化", "管理", "社会", "治理", "枫桥", "经验", "，", "\n", "a", ""]
TERMS = frozenset({"矛盾不上交", "网格化管理", "网格化", "社会治理", "枫桥经验", "网格网格", "不上交", "a不"})


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TERM_PIECES), max_size=40), st.integers(1, 6))
def test_term_runs_equal_trying_every_prefix(tokens, max_n):
    # _term_runs tries only the tokens that with the next one still spell a term or a term's prefix
    prefixes = frozenset(t[:i] for t in TERMS for i in range(1, len(t)))
    want = _term_runs_tried_at_every_prefix(tokens, TERMS, max_n, prefixes)
    assert _term_runs(tokens, TERMS, max_n, prefixes) == want


def _merge_compounds_by_definition(words, lists):
    """nlp.keywords.merge_compounds's definition: every adjacent pair counted, joined left to right."""
    import re
    from collections import Counter

    from nlp.keywords import COMPOUND_MAX_CHARS, COMPOUND_MIN_COUNT, COMPOUND_MIN_SHARE

    cjk = re.compile(r"[\u3400-\u9fff]")
    seen = Counter(filter(None, words))
    kept = {
        (a, b)
        for (a, b), n in Counter(zip(words, words[1:])).items()
        if n >= COMPOUND_MIN_COUNT
        and a
        and b
        and a != b
        and a not in lists.boilerplate
        and b not in lists.boilerplate
        and len(a) + len(b) <= COMPOUND_MAX_CHARS
        and cjk.search(a)
        and cjk.search(b)
        and n >= COMPOUND_MIN_SHARE * min(seen[a], seen[b])
    }
    out, parts, done = [], {}, 0
    for i in range(len(words) - 1):
        if i >= done and (words[i], words[i + 1]) in kept:
            parts[words[i] + words[i + 1]] = (words[i], words[i + 1])
            out += words[done:i] + [words[i] + words[i + 1]]
            done = i + 2
    return out + words[done:], parts


COMPOUND_PIECES = [
    "新旧",
    "动能",
    "企业",
    "国有",
    "工作",
    "加强",
    "司法",
    "鉴定",
    "abc",
    "长长长长长长",
    "",
    None,
    None,
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(COMPOUND_PIECES), max_size=60))
def test_merge_compounds_equals_counting_every_pair(words):
    from nlp.keywords import merge_compounds

    lists = get_word_lists()
    merged, parts = merge_compounds(words, lists)
    want_merged, want_parts = _merge_compounds_by_definition(words, lists)
    assert merged == want_merged and parts == want_parts and list(parts) == list(want_parts)


def test_merge_compounds_equals_counting_every_pair_on_documents():
    from nlp.keywords import merge_compounds

    lists = get_word_lists()
    for text in [TEXT * 4, *DOCS, "铁路运输法院受理刑事案件。铁路运输法院管辖铁路货物运输合同纠纷。" * 3]:
        words = candidate_words(text, lists)
        assert merge_compounds(words, lists) == _merge_compounds_by_definition(words, lists)
