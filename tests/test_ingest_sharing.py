"""Ingest segments a document's body once (issue 16, ingest speed): the keywords' tagged words are
also the theme model's words and the index's tokens, and the results are those of segmenting each
consumer's text on its own (the old way, kept here as the reference)."""

from __future__ import annotations

import itertools
import json
import os
import re

import pytest
from conftest import LAWS, REPORTS, needs_shared

from govtext.documents import Document
from ingest.text import split_paragraphs
from nlp import keywords as kw
from nlp import segment
from nlp.analyze import MAX_PARAGRAPH_CHARS, analyze, analyze_for_ingest
from nlp.model import get_model
from nlp.textnorm import normalize
from nlp.themes import get_rule_tagger

# layouts where the stored text, the keyword text and the model's paragraphs differ
TEXTS = [
    "　　第一条　为了坚持和发展新时代“枫桥经验”（试行），制定本条例：\n\n　　第二条  网格员 巡查 12 次；\n",
    "地区生产总值增长\n6.5%，产值\n\n\n12亿元；产值增长，产值提高！人民调解？\r\n矛盾纠纷多元化解",
    "堅持發展楓橋經驗，推進基層治理現代化。\n\n　　XX市××县网格员xx名，人民调解员**名。",
    "Smart City 智慧 城市 建设 ２０２４ 年\n12345热线 ABC-12 a.b_c 100％，ＡＢＣ",
    "网格化管理" * 1_200 + "\n人民调解，矛盾纠纷多元化解",  # a paragraph beyond the model's 5,000 characters
    "矛盾纠纷，" * 61_000 + "\n人民调解\n" + "网格员" * 10,  # beyond the 300,000 characters keywords look at
]


def sample_docs(n: int = 40) -> list[dict]:
    reports = (json.loads(line) for line in REPORTS.open(encoding="utf-8"))
    laws = (json.loads(line) for line in LAWS.open(encoding="utf-8"))
    return list(
        itertools.islice(
            itertools.chain(itertools.islice(reports, 0, None, 53), itertools.islice(laws, 0, None, 53)), n
        )
    )


class Recording:
    """Records the texts the real segmenter cuts and tags (the calls still run)."""

    def __init__(self, monkeypatch):
        self.texts: list[str] = []
        seg = segment.get_segmenter()
        for name in ("cut", "tag"):
            real = getattr(seg, name)

            def spy(text, _real=real):
                self.texts.append(text)
                return _real(text)

            monkeypatch.setattr(seg, name, spy)


def test_the_body_is_segmented_once(monkeypatch):
    text = "坚持和发展新时代枫桥经验，加强基层社会治理。\n推进网格化管理，做好人民调解工作。\n" * 3
    analyze_for_ingest(text, "")  # warm: loads the model and the word lists
    recording = Recording(monkeypatch)
    found = analyze_for_ingest(text + "完善矛盾纠纷多元化解机制。", "")
    # one segmentation of the body (new words are tagged alone, once); none for the model or the index
    assert len([t for t in recording.texts if "\n" in t]) == 1
    assert found.index_body == segment.index_string("\n".join(found.paragraphs))


def test_words_and_tags_are_those_of_tagging():
    for text in TEXTS:
        pairs = segment.tag(text)
        assert segment.words_and_tags(text) == ([w for w, _ in pairs], [t for _, t in pairs])


@pytest.mark.parametrize("text", TEXTS)
def test_shared_words_give_what_separate_segmentation_gives(text):
    found = analyze_for_ingest(text, "关于加强网格化管理的通知")
    assert found.paragraphs == split_paragraphs(text)
    assert found.index_body == segment.index_string("\n".join(found.paragraphs))
    assert found.result == analyze(text, "关于加强网格化管理的通知")


def old_vectors(paragraphs: list[str]) -> list:
    """The model's vectors with the model cutting the paragraphs itself."""
    model = get_model()
    assert model is not None
    paras = [p[:MAX_PARAGRAPH_CHARS] for p in paragraphs]
    hits = [get_rule_tagger().score_paragraph(p, normalized=True) for p in paras]
    return model.vectorize_many(paras, hits)


def test_model_vectors_from_given_words_are_the_same():
    model = get_model()
    assert model is not None
    paras = [normalize(p) for text in TEXTS for p in split_paragraphs(text)]
    hits = [get_rule_tagger().score_paragraph(p[:MAX_PARAGRAPH_CHARS], normalized=True) for p in paras]
    texts = [p[:MAX_PARAGRAPH_CHARS] for p in paras]
    given = [segment.cut(t.lower()) if i % 2 else None for i, t in enumerate(texts)]
    for (i1, w1), (i2, w2) in zip(model.vectorize_many(texts, hits), model.vectorize_many(texts, hits, given)):
        assert (i1 is None and i2 is None) or (i1.tolist() == i2.tolist() and w1.tolist() == w2.tolist())


def test_punctuation_fold_characters_are_tokens_of_their_own():
    """What index_string_reusing relies on: each folded character (and what it folds to) is cut
    alone whatever surrounds it, even inside a dictionary word, and is not indexed."""
    import rjieba

    fold = segment.punctuation_fold()
    assert fold[ord("，")] == "," and fold[ord("（")] == "(" and fold[ord("\u3000")] == " "
    chars = sorted(set(map(chr, fold)) | set(fold.values()))
    probe = rjieba.Jieba()
    for ch in chars:
        probe.add_word("甲" + ch + "乙", 1_000_000, None)
    for ch in chars:
        assert probe.cut("甲" + ch + "乙", False) == ["甲", ch, "乙"], hex(ord(ch))
        assert not segment.is_word(ch)


# -- the keyword tokenization, against the code it replaced ------------------
def old_merge_terms(tokens, terms, max_n, prefixes):
    out = []
    i, n = 0, len(tokens)
    while i < n:
        best_k = 0
        if tokens[i] in prefixes:
            cand = tokens[i]
            for k in range(2, min(max_n, n - i) + 1):
                cand += tokens[i + k - 1]
                if cand in terms:
                    best_k = k
                if cand not in prefixes:
                    break
        if best_k:
            out.append("".join(tokens[i : i + best_k]))
            i += best_k
        else:
            out.append(tokens[i])
            i += 1
    return out


def old_candidates(text: str) -> list:
    lists = kw.get_word_lists()
    pairs = segment.tag(text)
    tokens = old_merge_terms([w for w, _ in pairs], lists.terms, lists.max_term_tokens, lists.prefixes)
    pos, k = [], 0
    for t in tokens:
        if k < len(pairs) and pairs[k][0] == t:
            pos.append(pairs[k][1])
            k += 1
        else:
            pos.append("term")
            length = 0
            while k < len(pairs) and length < len(t):
                length += len(pairs[k][0])
                k += 1
    numbers = [j for j, (t, p) in enumerate(zip(tokens, pos)) if p == "m" or re.match(kw._NUMERIC, t)]
    seen, near = kw._counts(tokens, numbers)
    out = {}
    for pair in set(zip(tokens, pos)):
        t = pair[0].strip()
        out[pair] = t if kw._keeps(t, pair[1], lists, seen, near) else None
    return [out[p] for p in zip(tokens, pos)]


def test_keyword_words_are_those_of_the_old_code():
    for text in TEXTS[:4]:
        prepared = kw.keyword_text(kw.document_body(text))
        assert kw.candidate_words(prepared, normalized=True) == old_candidates(prepared), text[:30]


@needs_shared
def test_corpus_sample_is_the_same():
    for doc in sample_docs():
        prepared = kw.keyword_text(kw.document_body(doc["text"]))
        pairs = segment.tag(prepared)
        assert segment.words_and_tags(prepared) == ([w for w, _ in pairs], [t for _, t in pairs]), doc["id"]
        assert kw.candidate_words(prepared, normalized=True) == old_candidates(prepared), doc["id"]
        found = analyze_for_ingest(doc["text"], doc.get("title") or "")
        assert found.index_body == segment.index_string("\n".join(found.paragraphs)), doc["id"]
        body = [normalize(p) for p in found.paragraphs]
        assert found.result == analyze(doc["text"], doc.get("title") or ""), doc["id"]
        assert len(old_vectors(body)) == len(body)


def test_ingest_does_not_segment_the_body_again(tmp_path, monkeypatch):
    """The enricher gives the index the body tokens the analysis found (and drops them once written):
    the store's index is written without cutting any body, and finds the documents."""
    from govtext.settings import load_settings
    from pipeline import ingest_documents
    from search import open_backend
    from search.backend import SearchRequest

    settings = load_settings(data_dir=tmp_path, ingest_workers=1)
    backend = open_backend(settings)
    analyze_for_ingest(TEXTS[0], "")  # warm
    cut_texts: list[str] = []
    seg = segment.get_segmenter()
    real_cut = seg.cut
    monkeypatch.setattr(seg, "cut", lambda text: cut_texts.append(text) or real_cut(text))
    try:
        docs = [Document(id=f"d{i}", title="通知", text=text) for i, text in enumerate(TEXTS[:4])]
        ingest_documents(docs, backend, settings)
        bodies = {"\n".join(split_paragraphs(t)) for t in TEXTS[:4]}
        assert not bodies & set(cut_texts)
        assert not segment._given
        monkeypatch.setattr(seg, "cut", real_cut)
        hits = backend.search(SearchRequest(q="人民调解")).hits
        assert {h.id for h in hits} == {"d1"}
    finally:
        backend.close()


def test_a_tagging_worker_does_not_import_jieba(tmp_path):
    """A worker given its parent's resolved user words analyzes (generic IDF: a fresh data folder)
    without importing jieba at all: rjieba segments, and the generic IDF file is found without it."""
    import subprocess
    import sys

    script = """
import sys
from govtext.settings import load_settings
from nlp.segment import get_segmenter, preset_user_words
preset_user_words(load_settings().config_dir, words)
from nlp.analyze import analyze_for_ingest
found = analyze_for_ingest("坚持和发展新时代枫桥经验，推进网格化管理。\\n加强人民调解工作。", "通知")
assert found.result["keywords"], found.result
print("jieba" in sys.modules)
"""
    words = segment.get_segmenter().resolved_user_words()
    out = subprocess.run(
        [sys.executable, "-c", f"words = {words!r}\n" + script],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "GOVTEXT_DATA": str(tmp_path)},
        check=True,
    )
    assert out.stdout.strip() == "False", out.stderr


def test_folded_paragraphs_are_those_that_differ_only_by_folded_punctuation():
    paras = ["网格员，巡查（每日）", "ABC网格", "网格员巡查", "㈠网格", "网格，员", "網格"]
    lines = ["网格员,巡查(每日)", "abc网格", "网格员巡查", "(一)网格", "网格,员。", "网格"]
    assert segment._folded_paragraphs(paras, lines) == [True, False, True, False, False, False]
    assert segment._folded_paragraphs(paras, lines[:2]) == [True, False, False, False, False, False]
    for para, line, folded in zip(paras, lines, segment._folded_paragraphs(paras, lines)):
        assert folded == (len(para) == len(line) and para.translate(segment.punctuation_fold()) == line)


def full_scan(text: str) -> list:
    from nlp.entities import get_region_index

    automaton = get_region_index().automaton
    return sorted((end - len(form) + 1, end + 1, form) for end, form in automaton.iter(text))


@pytest.mark.parametrize(
    "text",
    [
        "山西省晋城市陵川县" * 10 + "，北京市东城区与河北省石家庄市长安区",
        "晋城\n市" + "发展" * 40 + "晋城",  # forms at both ends, a line break inside a would-be form
        "\ud800晋城市" + "𠀀山西省" * 20 + "内蒙古自治区呼和浩特市",  # a lone surrogate, a character beyond the BMP
        "没有地名的一段文字" * 10,
    ],
)
def test_region_mentions_are_those_of_scanning_the_whole_text(text):
    from nlp.entities import get_region_index

    assert sorted(get_region_index().scanner.occurrences(text)) == full_scan(text)


@needs_shared
def test_region_mentions_on_the_corpus_sample():
    from nlp.entities import get_region_index

    for doc in sample_docs():
        body = kw.document_body(doc["text"])
        assert sorted(get_region_index().scanner.occurrences(body)) == full_scan(body), doc["id"]


def test_rule_scores_of_many_paragraphs_are_those_of_each_alone():
    """score_paragraphs scans the paragraphs joined, with the pair filter; each gets what scanning
    it alone with the whole automaton gives."""
    tagger = get_rule_tagger()
    paras = [normalize(p) for text in TEXTS[:4] for p in split_paragraphs(text)]
    paras += ["坚持和发展新时代枫桥经验，" * 8 + "推进网格化服务管理中心建设", "网格", "电网建设和网格化管理"]
    alone = []
    for p in paras:
        text = p.lower()
        occurrences = sorted((e - len(t) + 1, e + 1, t) for e, t in tagger._automaton.iter(text))
        assert sorted(tagger._occurrences(text)) == occurrences
        alone.append(tagger.score_paragraph(p, normalized=True))
    assert tagger.score_paragraphs(paras) == alone


@needs_shared
def test_rule_scores_on_the_corpus_sample():
    tagger = get_rule_tagger()
    for doc in sample_docs(10):
        paras = [normalize(p)[:MAX_PARAGRAPH_CHARS] for p in split_paragraphs(doc["text"])]
        assert tagger.score_paragraphs(paras) == [tagger.score_paragraph(p, normalized=True) for p in paras]


def test_two_open_pools_share_the_fork_server_and_close_in_any_order():
    """Workers forked by the fork server keep it alive: closing one pool while another is open must
    neither stop the server under it nor wait for it; the last pool to close stops the server."""
    import threading

    from govtext.settings import load_settings
    from pipeline import Enricher, analyze_document

    settings = load_settings()
    docs = [Document(id=f"d{i}", text=f"第{i}条 坚持和发展新时代枫桥经验，推进网格化管理。") for i in range(20)]
    first, second = Enricher(analyze_document, 2, settings), Enricher(analyze_document, 2, settings)
    try:
        got_first = first.submit(docs)()
        pending = second.submit(docs)
        closed = threading.Event()
        threading.Thread(target=lambda: (first.close(), closed.set()), daemon=True).start()
        assert closed.wait(60), "closing one pool waited for the other"
        got_second = pending()
        assert [d.analysis for d in got_first] == [d.analysis for d in got_second]
        assert any(d.analysis["themes"] for d in got_second)
    finally:
        first.close()
        second.close()
    from multiprocessing import forkserver

    assert getattr(forkserver._forkserver, "_forkserver_pid", None) is None  # stopped and waited for


def test_fork_server_warms_the_pools_data_folder(tmp_path, monkeypatch):
    """The fork server starts with the pool's data folder as GOVTEXT_DATA (nlp.warm then loads the IDF
    table the workers use, not that of the folder the environment names); this process's environment
    is left as it was."""
    from multiprocessing import forkserver

    from govtext.settings import load_settings
    from pipeline import Enricher, analyze_document

    monkeypatch.setenv("GOVTEXT_DATA", str(tmp_path / "named"))
    settings = load_settings(data_dir=tmp_path / "given")
    docs = [Document(id=f"d{i}", text=f"第{i}条 坚持和发展新时代枫桥经验，推进网格化管理。") for i in range(20)]
    enricher = Enricher(analyze_document, 2, settings)
    try:
        got = enricher.submit(docs)()
        assert any(d.analysis["themes"] for d in got)
        pid = forkserver._forkserver._forkserver_pid
        with open(f"/proc/{pid}/environ", "rb") as fh:
            environ = dict(item.split(b"=", 1) for item in fh.read().split(b"\0") if b"=" in item)
        assert environ[b"GOVTEXT_DATA"] == str(tmp_path / "given").encode()
        assert os.environ["GOVTEXT_DATA"] == str(tmp_path / "named")
    finally:
        enricher.close()


# -- the rule tagger's pattern gate ---------------------------------------------
def test_required_strings_of_patterns():
    from nlp.themes import _required_strings

    assert _required_strings("(?<=党组织)领导(?:下|的)") == ["领导"]
    assert _required_strings("(?:建立|建设|完善)[^。，；,;]{0,20}信息系统") == ["信息系统"]
    assert _required_strings("经费[^。]{0,10}保障|保证所需(?:经费|费用)") == ["经费", "保证所需"]
    assert _required_strings("(?:听取|征求)[^。]{0,5}意见") == ["意见"]  # as long, and one string
    assert _required_strings("(?:听取|征求)[^。]{0,5}见") == ["听取", "征求"]
    assert _required_strings("不满(?:16|十六)周岁的?") == ["不满"]
    assert _required_strings("(?:社会)+x{2}(?:网格)?") == ["社会"]
    for none in ("a*b?", "(?i)abc", "[ab]c?", "(?=网格)", "网格|.", ""):
        assert not _required_strings(none), none


def test_every_match_holds_a_required_string():
    """Each taxonomy pattern's matches in the corpus-like texts hold one of its required strings."""
    from nlp.taxonomy import get_taxonomy
    from nlp.themes import _required_strings

    texts = [normalize(p).lower() for text in TEXTS[:4] for p in split_paragraphs(text)]
    texts += ["在党组织领导下，建立健全矛盾纠纷调解信息系统，平安乡村建设", "听取群众意见；经费予以保障，保证所需经费"]
    patterns = [p for theme in get_taxonomy().themes for p in theme.patterns]
    assert patterns and all(_required_strings(p) for p in patterns)
    matched = 0
    for p in patterns:
        need = _required_strings(p)
        for text in texts:
            found = sum(1 for _ in re.finditer(p, text))
            matched += found
            assert not found or any(w in text for w in need), (p, text)
    assert matched >= 4


def rule_scores_without_gate(tagger, paras):
    gate = tagger._pattern_gate
    tagger._pattern_gate = None
    try:
        return tagger.score_paragraphs(paras)
    finally:
        tagger._pattern_gate = gate


@needs_shared
def test_rule_scores_with_and_without_the_pattern_gate():
    tagger = get_rule_tagger()
    assert tagger._pattern_gate
    paras = ["在党组织领导下，建立健全矛盾纠纷调解信息系统，平安乡村建设", "领导"]
    for doc in sample_docs(40):
        paras += [normalize(p)[:MAX_PARAGRAPH_CHARS] for p in split_paragraphs(doc["text"])]
    assert tagger.score_paragraphs(paras) == rule_scores_without_gate(tagger, paras)


# -- the document type's colon lines ----------------------------------------------
def colon_line_counts(text: str) -> tuple[int, int]:
    from nlp.doctype import _COLON_LINE, _colon_lines

    return len(_COLON_LINE.findall(_colon_lines(text))), len(_COLON_LINE.findall(text))


def test_colon_line_matches_are_those_of_the_whole_text():
    texts = [
        "各区人民政府：\n\n现将有关事项通知如下：  \n一、总体要求\n",
        "标题：\u3000\r\n：\n\n\n   \n市委办公室:\n正文：内容\n",
        "无冒号的文本\n第二行",
        ":" + "长" * 45 + "：\n" + "短：\t\x0b\n",
        "a:b:\n\n：\n",
    ]
    for text in texts:
        a, b = colon_line_counts(text)
        assert a == b, text
    assert colon_line_counts(texts[0])[1] >= 1


@needs_shared
def test_colon_line_matches_on_the_corpus_sample():
    for doc in sample_docs(40):
        body = kw.document_body(doc["text"])[:20000]
        a, b = colon_line_counts(body)
        assert a == b, doc["id"]
