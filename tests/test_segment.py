"""Segmentation: governance terms stay whole, HMM-off stability, rjieba == jieba."""

import pytest

from conftest import LAWS, REPORTS, SEED, needs_shared, read_jsonl
from nlp.segment import Segmenter, get_segmenter, index_tokens, read_user_words, subword_string
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
