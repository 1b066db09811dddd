"""The IDF term sets ingest keeps (nlp/idf_terms.py): the same words as tokenizing the stored
text again (its keyword text), the same idf.json whether refresh_idf counts kept sets or tokenizes (an older store)."""

from __future__ import annotations

import json

import pytest
from conftest import LAWS, REPORTS, needs_shared, run_cli

from ingest.text import split_paragraphs
from nlp.analyze import MAX_PARAGRAPHS, analyze, analyze_with_idf_terms
from nlp.idf_terms import IdfTermStore, corpus_terms
from nlp.keywords import IdfTable, candidate_words, document_body, idf_terms, keyword_and_idf_words, keywords
from nlp.textnorm import normalize

# layouts where the keyword body (cleaned paragraphs) and the stored text segment differently
TEXTS = [
    "　　第一条　为了坚持和发展新时代“枫桥经验”，制定本条例。\n\n　　第二条  网格员 巡查 12 次\n",
    "地区生产总值增长\n6.5%，产值\n\n\n12亿元；产值增长，产值提高。\r\n人民调解\r\n矛盾纠纷多元化解",
    "\t\t矛盾不上交  \n  网格化管理\t\n网格化\n管理\n",
    "堅持發展楓橋經驗，推進基層治理現代化。\n\n　　XX市××县网格员xx名，人民调解员**名。",
    "Smart city 智慧 城市 建设 2024 年\n12345热线 ABC-12 a.b_c 100%",
    "一\n二\n\n" * 50 + "产值" + "\n12" * 30,
    "矛盾纠纷" * 90_000 + "\n人民调解\n" + "网格员" * 10,  # beyond the 300,000 characters keywords look at
    "\n\n   \n",
    "",
]


def body_of(text: str) -> str:
    return "\n".join(normalize(p) for p in split_paragraphs(text)[:MAX_PARAGRAPHS])


def test_document_body_is_the_analysis_body():
    for text in TEXTS:
        assert document_body(text) == body_of(text), text[:40]


def test_one_segmentation_gives_both_forms_exactly():
    for text in TEXTS:
        body = body_of(text)
        words, terms = keyword_and_idf_words(body)
        assert words == candidate_words(body, normalized=True), text[:40]
        assert terms == set(idf_terms(text)), text[:40]


def test_analysis_with_terms_is_the_analysis():
    for text in TEXTS[:5]:
        result, terms = analyze_with_idf_terms(text, "关于网格化管理的通知")
        assert result == analyze(text, "关于网格化管理的通知")
        assert terms == set(idf_terms(text))
    assert analyze_with_idf_terms("no chinese here")[1] is None  # the empty result: no set
    assert keywords(TEXTS[0], words=candidate_words(TEXTS[0])) == keywords(TEXTS[0])


@needs_shared
def test_corpus_sample_segments_the_same():
    import itertools

    reports = (json.loads(line) for line in REPORTS.open(encoding="utf-8"))
    laws = (json.loads(line) for line in LAWS.open(encoding="utf-8"))
    for doc in itertools.islice(
        itertools.chain(itertools.islice(reports, 0, None, 97), itertools.islice(laws, 0, None, 97)), 40
    ):
        body = body_of(doc["text"])
        words, terms = keyword_and_idf_words(body)
        assert words == candidate_words(body, normalized=True), doc["id"]
        assert terms == set(idf_terms(doc["text"])), doc["id"]


def test_store_round_trip_and_fallback(tmp_path):
    store = IdfTermStore(tmp_path)
    store.put([(TEXTS[0], set(idf_terms(TEXTS[0]))), ("网格员", set())])
    assert set(store.get(TEXTS[0]) or []) == set(idf_terms(TEXTS[0]))
    assert store.get("网格员") == []
    assert store.get(TEXTS[1]) is None
    store.stamp = "other word lists"  # sets kept under other word lists are not used
    assert store.get(TEXTS[0]) is None
    store.close()
    counted = list(corpus_terms(TEXTS, tmp_path))
    assert [set(t) for t in counted] == [set(idf_terms(t)) for t in TEXTS]


def test_a_whole_pass_drops_the_sets_of_texts_no_longer_stored(tmp_path):
    store = IdfTermStore(tmp_path)
    store.put([(t, set(idf_terms(t))) for t in TEXTS[:3]])
    store.close()
    partial = corpus_terms(TEXTS[:2], tmp_path, prune=True)
    next(iter(partial))  # a pass that stops early drops nothing
    partial.close()  # type: ignore[attr-defined]
    store = IdfTermStore(tmp_path)
    assert all(store.get(t) is not None for t in TEXTS[:3])
    store.close()
    kept = list(corpus_terms(TEXTS[:2], tmp_path, prune=True))  # TEXTS[2] was replaced
    assert [set(t) for t in kept] == [set(idf_terms(t)) for t in TEXTS[:2]]
    store = IdfTermStore(tmp_path)
    assert store.get(TEXTS[2]) is None and all(store.get(t) is not None for t in TEXTS[:2])
    assert store.db.execute("SELECT COUNT(*) FROM terms").fetchone()[0] == 2
    store.close()


@pytest.mark.slow  # starts govtext processes: `make test` runs it, `make test-fast` leaves it out
def test_ingest_keeps_term_sets_and_idf_is_the_same_without_them(tmp_path):
    docs = [{"id": f"d{i}", "title": f"文件{i}", "text": t} for i, t in enumerate(TEXTS[:6])]
    docs += [{"id": f"e{i}", "text": f"第{i}条　加强网格化管理，推进人民调解。\n\n  产值增长{i}%"} for i in range(20)]
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    data = tmp_path / "data"
    result = run_cli("ingest", str(source), "--quiet", data=data, env={"GOVTEXT_INGEST_WORKERS": "2"})
    assert result.returncode == 0, result.stderr
    kept = IdfTermStore(data)
    assert all(kept.get(d["text"]) is not None for d in docs)
    kept.close()
    learned = (data / "idf.json").read_bytes()
    expected = tmp_path / "expected.json"
    IdfTable.from_texts(d["text"] for d in docs).save(expected, min_df=2)
    assert json.loads(learned)["df"] == json.loads(expected.read_bytes())["df"]
    # an older store (no kept sets): refresh_idf tokenizes the texts and learns the same bytes
    (data / "idf_terms.sqlite").unlink()
    (data / "idf.json").unlink()
    second = tmp_path / "more.jsonl"
    second.write_text(json.dumps({"id": "z", "text": TEXTS[6][-40:]}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run_cli("ingest", str(second), "--quiet", data=data).returncode == 0
    relearned = json.loads((data / "idf.json").read_bytes())
    IdfTable.from_texts([d["text"] for d in docs] + [TEXTS[6][-40:]]).save(expected, min_df=2)
    assert relearned["df"] == json.loads(expected.read_bytes())["df"]
