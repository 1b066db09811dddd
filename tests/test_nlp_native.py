"""The native code tables (native/src/codes.rs) against the numpy code they stand in for
(nlp/textscan.py's pair stretches, nlp/model.py's sorted-array lookups and character
bigrams): equal on generated and hostile input, and the theme model's features equal with
the kernels on and off."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import textscan
from nlp.model import _CJK_HI, _CJK_LO, _CJK_SPAN, _lookup, get_model

pytestmark = pytest.mark.skipif(textscan.NATIVE is None, reason="native kernels not built (make install needs cargo)")

KEYS = ["网格", "网格化", "枫桥经验", "调解", "人民调解", "平安建设", "a1", "😀网"]
PIECES = ["网", "格", "化", "枫桥", "经验", "调", "解", "人民", "平安", "建设", "，", "\n", " ", "a", "1", "😀", "\x00"]
PIECES += ["é"]
PIECES += ["\u3400", "\u9fff", "\u33ff", "\ua000"]  # the CJK range's ends, inside and just outside


def numpy_char_features(texts: list[str], keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """nlp.model._CodeTables._char_features without the native table."""
    cp = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    char_of = np.repeat(np.arange(len(texts), dtype=np.int64), [len(t) + 1 for t in texts])[: cp.size]
    cjk = (cp >= _CJK_LO) & (cp <= _CJK_HI)
    pair = cjk[:-1] & cjk[1:]
    found = _lookup(keys, values, (cp[:-1][pair] - _CJK_LO) * _CJK_SPAN + (cp[1:][pair] - _CJK_LO))
    return char_of[:-1][pair], found


def char_table(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    codes = sorted(
        {(ord(k[i]) - _CJK_LO) * _CJK_SPAN + (ord(k[i + 1]) - _CJK_LO) for k in keys for i in range(len(k) - 1)}
    )
    return np.asarray(codes, dtype=np.int64), np.arange(len(codes), dtype=np.int64) * 7 + 3


text = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)


@settings(max_examples=400, deadline=None)
@given(text, st.lists(st.sampled_from(KEYS), min_size=1, max_size=5))
def test_native_stretches_equal_numpy(t, keys):
    codes = textscan.pair_codes(keys)
    assert codes is not None
    assert textscan.stretches(t, codes, textscan.code_table(codes)) == textscan.stretches(t, codes)


@settings(max_examples=300, deadline=None)
@given(st.lists(text, max_size=6), st.lists(st.sampled_from(KEYS), max_size=5))
def test_native_character_bigrams_equal_numpy(texts, keys):
    keys_, values = char_table(keys)
    table = textscan.code_table(keys_, values)
    owner, found = table.cjk_pairs(texts, _CJK_LO, _CJK_HI, _CJK_SPAN)
    want = numpy_char_features(texts, keys_, values)
    assert np.frombuffer(owner, dtype=np.int64).tolist() == want[0].tolist()
    assert np.frombuffer(found, dtype=np.int64).tolist() == want[1].tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=40),
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=60),
)
def test_native_lookup_equals_searchsorted(keys, queries):
    k = np.asarray(sorted(keys), dtype=np.int64)
    v = np.arange(k.size, dtype=np.int64) * 3 + 1  # equal keys: the first one's value, as searchsorted finds
    q = np.asarray(queries + keys[:5], dtype=np.int64)
    got = np.frombuffer(textscan.code_table(k, v).lookup(q), dtype=np.int64)
    assert got.tolist() == _lookup(k, v, q).tolist()


def test_hostile_input():
    codes = textscan.pair_codes(KEYS)
    table = textscan.code_table(codes)
    huge = ("网格化" * 3 + "\n") * 50_000
    for t in ["", "网", "网格", "格网", huge, "\x00网格\x00", "😀网格😀\r\n调解", "网格" * 100_000]:
        assert textscan.stretches(t, codes, table) == textscan.stretches(t, codes)
    # a lone surrogate: the kernel refuses it and numpy takes it
    assert textscan.stretches("网格\ud800网格", codes, table) == textscan.stretches("网格\ud800网格", codes)
    with pytest.raises(ValueError):
        table.stretches("网格\ud800")
    with pytest.raises(ValueError):
        textscan.code_table(np.asarray([3, 1], dtype=np.int64))  # keys out of order
    with pytest.raises(ValueError):
        textscan.NATIVE.CodeTable(np.asarray([1, 2], dtype=np.int64), np.asarray([1], dtype=np.int64))
    empty = textscan.code_table(np.zeros(0, dtype=np.int64))
    assert np.frombuffer(empty.lookup(np.asarray([1, 2], dtype=np.int64)), dtype=np.int64).tolist() == [-1, -1]


def test_model_features_equal_with_and_without_the_native_tables():
    model = get_model()
    if model is None:
        pytest.skip("no theme model file")
    codes = model._codes
    texts = [
        "坚持和发展新时代枫桥经验，加强网格化服务管理。",
        "",
        "第三条 人民调解委员会调解民间纠纷😀",
        "abc 123 网格员\u3400\u9fff",
        "平安建设\n",  # a line break inside one text
    ]
    surrogate = ["网格\ud800化", "调解"]  # the kernel refuses a lone surrogate, numpy takes it (the segmenter does not)
    native = codes.indices([t.lower() for t in texts]), codes._char_features(surrogate)
    tables = codes._bigram_table, codes._char_table
    try:
        codes._bigram_table = codes._char_table = None
        python = codes.indices([t.lower() for t in texts]), codes._char_features(surrogate)
    finally:
        codes._bigram_table, codes._char_table = tables
    assert [[a.tolist() for a in x] for x in native] == [[a.tolist() for a in x] for x in python]
    assert native[1][0].size == 2  # 网格 and 调解 (化 follows the surrogate)


def both_textranks(number: list[int], n: int, window: int = 5, iterations: int = 30) -> tuple:
    from nlp import keywords

    arr = np.asarray(number, dtype=np.int64)
    native = keywords._textrank_scores(arr, n, window, iterations)
    saved, keywords._NATIVE = keywords._NATIVE, None
    try:
        python = keywords._textrank_scores(arr, n, window, iterations)
    finally:
        keywords._NATIVE = saved
    as_bytes = lambda v: None if v is None else v.tobytes()  # noqa: E731 - bit for bit
    return as_bytes(native), as_bytes(python)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(1, 12).flatmap(lambda n: st.tuples(st.lists(st.integers(-1, n - 1), max_size=120), st.just(n))),
    st.integers(1, 7),
    st.integers(0, 40),
)
def test_native_textrank_equals_scipy_bit_for_bit(seq_n, window, iterations):
    seq, n = seq_n
    native, python = both_textranks(seq, n, window, iterations)
    assert native == python


def test_textrank_hostile_input():
    from nlp import keywords

    for seq, n in [([], 1), ([-1, -1], 3), ([0, 0, 0], 1), ([0, 1], 2), (list(range(5000)) * 3, 5000)]:
        native, python = both_textranks(seq, n)
        assert native == python
    assert both_textranks([0, 1, 0], 2, window=1) == (None, None)
    with pytest.raises(ValueError):
        keywords._NATIVE.textrank_scores(np.asarray([0, 2], dtype=np.int64), 2, 5, 30, 0.85)  # a number >= n


def test_textrank_keywords_equal_with_and_without_the_native_iteration():
    from nlp import keywords

    words = ["社会", "治理", None, "网格", "治理", "社会", "调解", None, "枫桥经验", "网格", "治理"] * 40
    native = keywords.textrank_keywords("", k=5, words=words)
    saved, keywords._NATIVE = keywords._NATIVE, None
    try:
        python = keywords.textrank_keywords("", k=5, words=words)
    finally:
        keywords._NATIVE = saved
    assert native == python and len(native) == 5


# -- the term scan of many paragraphs (native/src/terms.rs) against PairScanner / pyahocorasick ----------
def python_occurrences(keys: list[str], texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """Each text's occurrences as pyahocorasick's iter gives them (textscan.PairScanner's definition)."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    if not keys:
        return [[] for _ in texts]
    automaton.make_automaton()
    return [[(end - len(k) + 1, end + 1, k) for end, k in automaton.iter(t)] for t in texts]


TERM_KEYS = KEYS + ["格化", "化网", "网格化管理", "格", "经验网格", "调解调解"]


@settings(max_examples=400, deadline=None)
@given(st.lists(text, max_size=6), st.lists(st.sampled_from(TERM_KEYS), max_size=8, unique=True))
def test_native_term_scan_equals_pyahocorasick(texts, keys):
    scanner = textscan.term_scanner(keys)
    assert scanner is not None
    texts = [t for t in texts if not any(0xD800 <= ord(c) <= 0xDFFF for c in t)]
    assert scanner.occurrences(texts) == python_occurrences(keys, texts)


def test_native_term_scan_of_the_taxonomy_on_real_paragraphs():
    from nlp.labels import load_examples
    from nlp.textnorm import normalize_many
    from nlp.themes import get_rule_tagger

    tagger = get_rule_tagger()
    assert tagger._native is not None and tagger._scanner is not None
    texts = [t.lower() for t in normalize_many([e.text for e in load_examples()][:600])]
    texts += ["", "网", "枫桥经验" * 50, "x" * 100]
    want = [tagger._scanner.occurrences(t) for t in texts]
    assert tagger._native.occurrences(texts) == want
    assert sum(map(len, want)) > 500
    # the rule scores with the native scan are those of scoring each paragraph alone
    assert tagger.score_paragraphs(texts) == [tagger.score_paragraph(t, normalized=True) for t in texts]


def test_native_term_scan_refuses_what_it_cannot_take():
    assert textscan.term_scanner(["网格", ""]) is None
    scanner = textscan.term_scanner(["网格"])
    with pytest.raises(ValueError):
        scanner.occurrences(["网\ud800格"])
    with pytest.raises(ValueError):
        textscan.NATIVE.TermScanner(["网格", "网格"])


# -- governance-term runs (native/src/terms.rs TermRuns) against nlp.keywords._term_runs -----------------
RUN_PIECES = ["矛盾", "不", "上交", "网格", "化", "管理", "社会", "治理", "枫桥", "经验", "，", "\n", "a", "", "😀"]
RUN_TERMS = frozenset(
    {"矛盾不上交", "网格化管理", "网格化", "社会治理", "枫桥经验", "网格网格", "不上交", "a不", "😀a"}
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(RUN_PIECES), max_size=40), st.integers(0, 7))
def test_native_term_runs_equal_python(tokens, max_n):
    from nlp.keywords import _term_runs

    prefixes = frozenset(t[:i] for t in RUN_TERMS for i in range(1, len(t)))
    native = textscan.NATIVE.TermRuns(RUN_TERMS, prefixes)
    assert native.runs(tokens, max_n) == _term_runs(tokens, RUN_TERMS, max_n, prefixes)


def test_native_term_runs_of_the_word_lists_on_documents():
    from nlp.keywords import _find_term_runs, _prepare, _term_runs, get_word_lists
    from nlp.labels import load_examples
    from nlp.segment import cut

    lists = get_word_lists()
    text = _prepare("\n".join(e.text for e in list(load_examples())[:800]), False)
    words = cut(text)
    want = _term_runs(words, lists.terms, lists.max_term_tokens, lists.prefixes)
    assert len(want) > 100
    assert _find_term_runs(words, lists) == want
    assert _find_term_runs(["网格", "\ud800", "化"], lists) == _term_runs(
        ["网格", "\ud800", "化"], lists.terms, lists.max_term_tokens, lists.prefixes
    )


# -- the theme model's word rows (native/src/rows.rs) against the token -> row dictionary ----------------
def _both_word_features(texts: list[str], tokens_of=None):
    from nlp.model import _CodeTables

    model = get_model()
    if model is None:
        pytest.skip("no theme model file")
    native = _CodeTables(model._by_kind, model.word_clusters)
    python = _CodeTables(model._by_kind, model.word_clusters)
    assert native.native_rows is not None
    python.native_rows = None
    # twice: the first call adds the new tokens, the second finds them all
    got = [native.indices(texts, tokens_of) for _ in range(2)]
    want = python.indices(texts, tokens_of)
    for g in got:
        assert [a.tolist() for a in g] == [a.tolist() for a in want]
    return want


def test_native_word_rows_equal_the_dictionary():
    from nlp.segment import cut

    texts = [
        "坚持和发展新时代枫桥经验，加强网格化服务管理。2020年 12345 网格员",
        "",
        "第三条 人民调解委员会调解民间纠纷😀 abc_def ＡＢＣ",
        "社会治理 社会治理 社会 治理 调解 调解 ,,, 　 \t 网格化\u3400\u9fff",
    ]
    lower = [t.lower() for t in texts]
    owner, _ = _both_word_features(lower)  # one cut of the texts joined by line breaks
    assert set(owner.tolist()) == {0, 2, 3}
    _both_word_features(lower, [cut(t) for t in lower])  # each text's tokens given
    _both_word_features(lower, [None, [], cut(lower[2]), None])  # some given, some cut here
    _both_word_features(["平安建设\n网格化", "调解"])  # a line break inside a text: cut one by one


def test_native_word_rows_equal_the_dictionary_on_corpus_paragraphs():
    from nlp.labels import load_examples
    from nlp.segment import cut

    examples = load_examples()[:800]
    if not examples:
        pytest.skip("no labelled paragraphs")
    lower = [e.text.lower() for e in examples]
    for lo in range(0, len(lower), 97):
        batch = lower[lo : lo + 97]
        _both_word_features(batch, [cut(t) if i % 3 else None for i, t in enumerate(batch)])


def test_native_word_rows_refuse_misuse():
    rows = textscan.NATIVE.WordRows()
    assert rows.indices([["网格", "\n"]], False, 10) == ["网格"]  # not added yet: named
    rows.add(["网格"], [True], [5], [1], [-1])
    with pytest.raises(ValueError):
        rows.add(["网格"], [True], [5], [1], [-1])  # added already
    with pytest.raises(ValueError):
        rows.add(["调解"], [True], [5], [1], [])  # one value per token
    with pytest.raises(ValueError):
        rows.indices([["网格\ud800"]], False, 10)  # a lone surrogate: numpy takes it
    word_of, feature, *_ = rows.indices([["网格", "\n", "网格"]], True, 10)
    assert np.frombuffer(word_of, dtype=np.int64).tolist() == [0, 1]
    assert np.frombuffer(feature, dtype=np.int64).tolist() == [5, 5]
