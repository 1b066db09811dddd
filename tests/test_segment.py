"""Segmentation: governance terms stay whole, HMM-off stability, rjieba == jieba."""

import pytest

from conftest import LAWS, REPORTS, SEED, needs_shared, read_jsonl
from nlp.segment import Segmenter, get_segmenter, index_tokens, read_user_words, subword_string, subword_string_of
from govtext.settings import load_settings


def user_terms():
    return [w for w, _, _ in read_user_words(load_settings().config_dir / "userdict.txt")]


def test_dictionary_is_large_and_loaded_once():
    terms = user_terms()
    assert len(terms) >= 300
    assert get_segmenter() is get_segmenter()


@pytest.mark.parametrize(
    "term", ["枫桥经验", "三治融合", "市域社会治理", "网格员", "雪亮工程", "矛盾纠纷多元化解", "一站式", "党群服务中心"]
)
def test_core_terms_never_split(term):
    assert index_tokens(term) == [term]
    assert term in index_tokens(f"我们坚持{term}，取得了实效")


def test_every_user_term_stays_whole_alone():
    seg = get_segmenter()
    split = [t for t in user_terms() if seg.cut(t) != [t]]
    assert split == []


def test_query_tokens_are_a_subset_of_indexed_tokens():
    """With HMM off, a span cut alone yields tokens found in the cut of its sentence."""
    sentence = "坚持和发展新时代枫桥经验，完善矛盾纠纷多元化解机制，推进市域社会治理现代化"
    tokens = index_tokens(sentence)
    text_tokens = set(tokens) | set(subword_string(tokens).split())
    for span in ["枫桥经验", "矛盾纠纷多元化解机制", "市域社会治理现代化"]:
        assert set(index_tokens(span)) <= text_tokens


@pytest.mark.parametrize(
    "joined",
    [
        "",
        " ".join(index_tokens("坚持和发展新时代枫桥经验，完善矛盾纠纷多元化解机制，推进市域社会治理现代化")),
        "中华人民共和国 人民政府 的 政府 a 𠀀𠀁𠀂 网格化管理  党群服务中心 \n 2023年 ab abc",
        "人民政府",
        " 人民政府 ",
    ],
)
def test_subwords_of_a_joined_token_string_are_those_of_its_tokens(joined):
    """The index's sub-word field from the joined token string equals ``subword_string`` of its split."""
    assert subword_string_of(joined) == subword_string(joined.split(" ") if joined else [])


@needs_shared
def test_subwords_of_joined_token_strings_on_the_corpus():
    for d in (read_jsonl(REPORTS) + read_jsonl(LAWS))[:40]:
        joined = " ".join(index_tokens(d["text"]))
        assert subword_string_of(joined) == subword_string(joined.split(" "))


def test_tokens_drop_punctuation_and_lowercase():
    assert index_tokens("“网格员”，APP！") == ["网格员", "app"]
    assert index_tokens("，。！？") == []


@pytest.mark.slow  # a whole-corpus pass: `make test` runs it, `make test-fast` leaves it out
@needs_shared
def test_rjieba_matches_jieba_on_seed_and_corpus():
    seg = get_segmenter()
    if seg.rjieba is None:
        pytest.skip("rjieba disabled")
    texts = [SEED.read_text(encoding="utf-8")]
    texts += [d["title"] + "\n" + d["text"] for d in read_jsonl(REPORTS)]
    texts += [d["title"] + "\n" + d["text"] for d in read_jsonl(LAWS)]
    mismatches = 0
    for text in texts:
        if seg.cut(text) != seg.cut_jieba(text):
            mismatches += 1
    assert mismatches == 0, f"{mismatches} of {len(texts)} documents segment differently"


def test_resolved_user_words_load_rjieba_without_jieba():
    """Ingest's workers get the user words their parent resolved and cut without loading jieba."""
    seg = get_segmenter()
    if seg.rjieba is None:
        pytest.skip("rjieba disabled")
    worker = Segmenter(load_settings().config_dir, resolved=seg.resolved_user_words())
    text = "坚持和发展新时代枫桥经验，推进网格化管理和矛盾纠纷多元化解，县级以上人民政府应当加强领导。"
    assert worker.cut(text) == seg.cut(text)
    assert worker.tag(text) == seg.tag(text)
    assert worker._jieba is None  # not loaded
    assert [w for w, _, _ in worker.resolved_user_words()] == [
        w for w, _, _ in read_user_words(worker.config_dir / "userdict.txt")
    ]


def test_rjieba_has_word_is_a_positive_jieba_frequency():
    """Segmenter.subwords asks rjieba when jieba is not loaded: the same words, on jieba's whole table."""
    seg = get_segmenter()
    if seg.rjieba is None:
        pytest.skip("rjieba disabled")
    freq = seg.jieba.FREQ
    assert len(freq) > 400_000
    assert [w for w, f in freq.items() if bool(f) != seg.rjieba.has_word(w)] == []


def test_subwords_without_jieba_equal_subwords_with_it(tmp_path):
    from nlp.segment import _read_resolution, resolution_cache

    config = tmp_path / "config"
    config.mkdir()
    # a user word of frequency 0 deletes a dictionary word in jieba; rjieba keeps it, subwords must not
    (config / "userdict.txt").write_text("网格化管理 n\n人民政府 0\n枫桥经验 1000 n\n", encoding="utf-8")
    cache = resolution_cache(read_user_words(config / "userdict.txt"))
    assert cache is not None
    cache.unlink(missing_ok=True)  # left by an earlier run
    with_jieba = Segmenter(config)
    assert with_jieba._jieba is not None  # it resolved the words (and cached them)
    resolved = with_jieba.resolved_user_words()
    assert _read_resolution(with_jieba.user_words) == resolved
    without = Segmenter(config)  # finds the cache
    assert without._jieba is None and without.resolved_user_words() == resolved
    tokens = ["中华人民共和国人民政府", "人民政府", "新时代枫桥经验", "网格化管理服务中心", "县级以上地方各级人民政府"]
    text = "坚持和发展新时代枫桥经验，推进网格化管理和矛盾纠纷多元化解，县级以上人民政府应当加强领导。"
    tokens += without.cut(text)
    assert [without.subwords(t) for t in tokens] == [with_jieba.subwords(t) for t in tokens]
    assert "人民" in without.subwords("人民政府") and "人民政府" not in without.subwords("中华人民共和国人民政府")
    assert without._jieba is None
    cache.unlink()


def test_a_damaged_resolution_cache_is_not_used(tmp_path):
    from nlp.segment import resolution_cache

    config = tmp_path / "config"
    config.mkdir()
    (config / "userdict.txt").write_text("网格化管理 n\n", encoding="utf-8")
    words = read_user_words(config / "userdict.txt")
    path = resolution_cache(words)
    assert path is not None
    for bad in ("not json", "[]", '[["网格化管理", "12", "n"]]', '[["网格", 12, "n"]]'):
        path.write_text(bad, encoding="utf-8")
        seg = Segmenter(config)
        assert seg._jieba is not None  # resolved again
        assert seg.resolved_user_words()[0][1] == seg.jieba.FREQ["网格化管理"]
    path.unlink()
