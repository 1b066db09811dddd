"""Draft check (知网查重-style report) against a real SQLite-backed index."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from dedup.check import check_draft
from service.report_view import render_standalone as render_report_html
from dedup.index import DedupIndex
from dedup.normalize import normalize_text
from dedup.repost import repost
from govtext.errors import BadInput
from ingest.text import split_paragraphs

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("000_*.txt")) if SHARED.exists() else []
needs_seed = pytest.mark.skipif(not SEEDS, reason=f"seed page not found under {SHARED / 'seeds'}")

NEGATIVE = (
    "我县坚持加强组织领导，由县委书记亲自挂帅，把平安乡村创建纳入乡镇年度实绩考核。\n"
    "围绕推进市域社会治理现代化，我们在城东片区试行楼栋长、物业和民警三方议事，每月碰头一次。\n"
    "今年以来，全镇新增专职网格员四十名，配齐手持终端，群众诉求平均两小时内有人上门回应。\n"
    "下一步，要继续加强组织领导，把矛盾纠纷调处情况同干部评优评先直接挂钩，防止层层加码。"
)


@pytest.fixture(scope="module")
def seed_text():
    if not SEEDS:
        pytest.skip(f"seed page not found under {SHARED / 'seeds'}")
    return SEEDS[0].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory, seed_text):
    conn = sqlite3.connect(tmp_path_factory.mktemp("dd") / "store.db")
    ix = DedupIndex(conn)
    ix.add_document("seed", split_paragraphs(seed_text), site="fanwen.example")
    conn.commit()
    yield ix
    conn.close()


@pytest.fixture()
def small_index(tmp_path):
    conn = sqlite3.connect(tmp_path / "small.db")
    ix = DedupIndex(conn)
    yield ix
    conn.close()


def _check_offsets(report, text):
    for m in report["matches"]:
        assert 0 <= m["start"] < m["end"] <= len(text)
        assert text[m["start"] : m["end"]] == m["text"]
        assert m["kind"] in ("copy", "near_copy", "quotation", "boilerplate")
        assert 0 <= m["similarity"] <= 1
    assert 0 <= report["overlap_ratio"] <= 1
    assert 0 <= report["largest_source_ratio"] <= report["overlap_ratio"] + 1e-9


@needs_seed
def test_seed_against_itself_is_about_100_percent(seed_index, seed_text):
    report = check_draft(seed_index, seed_text)
    _check_offsets(report, seed_text)
    assert report["overlap_ratio"] >= 0.98
    assert report["largest_source"] == "seed"
    assert report["matches"][0]["sources"][0]["doc_id"] == "seed"
    assert all(0 <= p["overlap_ratio"] <= 1 for p in report["paragraphs"])


@needs_seed
def test_reposted_copy_is_found_with_spans_in_the_submitted_text(seed_index, seed_text):
    paras = [p for p in split_paragraphs(seed_text) if len(p) >= 60][10:25]
    rng = random.Random(2)
    edits = [
        ("place", "number"),
        ("insert",),
        ("drop",),
        ("swap",),
        ("punct",),
        ("traditional",),
        ("place", "number", "insert", "punct", "traditional"),
    ]
    for e in edits:
        draft = "\n\n".join(repost(p, rng, e) for p in paras)
        report = check_draft(seed_index, draft)
        _check_offsets(report, draft)
        assert report["overlap_ratio"] >= 0.8, (e, report["overlap_ratio"])
        assert report["largest_source"] == "seed"
        for m in report["matches"]:
            assert m["sources"] and m["sources"][0]["doc_id"] == "seed"


@needs_seed
def test_every_shared_run_of_13_chars_is_found(seed_index, seed_text):
    paras = [p for p in split_paragraphs(seed_text) if len(p) >= 80]
    rng = random.Random(9)
    filler = "一段完全原创的内容用于测试不应被判为抄袭的部分"
    for _ in range(20):
        src = normalize_text(rng.choice(paras))
        start = rng.randrange(0, len(src) - 13)
        run = src[start : start + 13]
        if "□" in run:
            continue
        draft = filler[:9] + run + filler[9:]
        report = check_draft(seed_index, draft)
        copied = [m for m in report["matches"] if m["kind"] == "copy"]
        assert copied, run
        assert any(run in normalize_text(m["text"]) for m in copied)


@needs_seed
def test_paraphrased_sentence_is_a_near_copy(seed_index, seed_text):
    sents = [s for p in split_paragraphs(seed_text) for s in p.split("。") if 40 <= len(s) <= 80]
    s = sents[5]
    # change every ~8th character: no shared run of 13 chars survives
    chars = list(s)
    for i in range(6, len(chars), 8):
        chars[i] = "之"
    draft = "".join(chars) + "。"
    report = check_draft(seed_index, draft)
    kinds = {m["kind"] for m in report["matches"]}
    assert "near_copy" in kinds, (draft, report["matches"])
    assert report["overlap_ratio"] > 0.7


@needs_seed
def test_stock_phrases_alone_are_not_copies(seed_index):
    report = check_draft(seed_index, NEGATIVE)
    _check_offsets(report, NEGATIVE)
    assert report["overlap_ratio"] < 0.1, report["matches"]
    assert not [m for m in report["matches"] if m["kind"] == "near_copy"]


def test_quotation_option(small_index):
    policy = "坚持和发展新时代枫桥经验，完善社会矛盾纠纷多元预防调处化解综合机制"
    small_index.add_document("policy", [policy + "。"])
    draft = f"我们认真学习文件精神，文件明确要求“{policy}”，这为基层工作指明了方向，我们将结合实际抓好落实。"
    plain = check_draft(small_index, draft)
    assert plain["overlap_ratio"] > 0.3  # 总复制比 counts quotations unless quotes_as_citation
    assert {m["kind"] for m in plain["matches"]} == {"quotation"}  # always told apart
    assert plain["rates"]["quotation_ratio"] == plain["overlap_ratio"]
    assert plain["rates"]["excluding_quotation_ratio"] == 0
    cited = check_draft(small_index, draft, quotes_as_citation=True)
    assert {m["kind"] for m in cited["matches"]} == {"quotation"}
    assert cited["overlap_ratio"] == 0
    assert cited["quotation_ratio"] == pytest.approx(plain["overlap_ratio"], abs=0.05)
    titled = f"依据《{policy}》开展工作，我们将结合实际抓好落实。"
    assert {m["kind"] for m in check_draft(small_index, titled, quotes_as_citation=True)["matches"]} == {"quotation"}


def test_empty_index_and_novel_text(small_index):
    report = check_draft(small_index, NEGATIVE)
    assert report["overlap_ratio"] == 0 and report["matches"] == []
    assert report["chars"] > 0 and len(report["paragraphs"]) == 4


@pytest.mark.parametrize(
    "draft,fragment",
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("。，、！？……——“”《》 ...!!", "punctuation"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("正文\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11", "binary"),
        ("长" * 200001, "limit is 200000"),
        (12345, "text"),
    ],
)
def test_bad_drafts_raise_bad_input(small_index, draft, fragment):
    with pytest.raises(BadInput) as exc:
        check_draft(small_index, draft)
    assert fragment in exc.value.message
    assert exc.value.status == 400


def test_max_chars_is_configurable(small_index):
    with pytest.raises(BadInput, match="limit is 10"):
        check_draft(small_index, "加强组织领导推进市域社会治理", max_chars=10)


def test_html_report_escapes_everything(small_index):
    evil = "<script>alert(1)</script>加强基层治理体系和治理能力现代化建设的实施意见全文"
    small_index.add_document("<b>doc</b>", [evil])
    draft = evil + "\n另一段原创内容 & 其他"
    report = check_draft(small_index, draft)
    page = render_report_html(report, draft)
    assert "<script>" not in page and "<b>doc</b>" not in page
    assert "alert(1)&lt;/script&gt;" in page and "&lt;b&gt;doc&lt;/b&gt;" in page
    assert '<a href="#match-' in page and "&amp; 其他" in page


def test_sources_survive_removal_of_the_first_copy(small_index):
    para = "各乡镇要建立健全矛盾纠纷排查调处机制，做到小事不出村、大事不出镇、矛盾不上交，切实把矛盾纠纷化解在基层。"
    small_index.add_document("first", [para, "第一份文件特有的一段说明文字，讲的是完全不同的事情。"])
    small_index.add_document("second", ["第二份文件的开头语与众不同。", para])
    rep = check_draft(small_index, para)
    assert {s["doc_id"] for s in rep["matches"][0]["sources"]} == {"first", "second"}
    small_index.remove_document("first")
    rep = check_draft(small_index, para)
    assert rep["overlap_ratio"] > 0.95
    assert [s["doc_id"] for s in rep["matches"][0]["sources"]] == ["second"]
    assert rep["matches"][0]["sources"][0]["paragraph_index"] == 1


class _ProtocolOnly:
    """An index with only the DedupLookup protocol (as the Elasticsearch lookup): no
    vectorized ``posting_pairs``, no ``paragraph_norms``."""

    def __init__(self, ix):
        self.ix = ix

    def lookup_fingerprints(self, hashes, cap=64):
        return self.ix.lookup_fingerprints(hashes, cap=cap)

    def lookup_bands(self, keys, cap=64):
        return self.ix.lookup_bands(keys, cap=cap)

    def lookup_exact(self, hashes, cap=64):
        return self.ix.lookup_exact(hashes, cap=cap)

    def twins(self, hashes, cap=64):
        return self.ix.twins(hashes, cap=cap)

    def paragraph_rows(self, pids):
        return self.ix.paragraph_rows(pids)


@needs_seed
def test_fast_paths_report_what_the_protocol_reports(seed_index, seed_text):
    # DedupIndex's shortcuts (vectorized postings, normalized texts alone) change no figure
    paras = [p for p in split_paragraphs(seed_text) if len(p) >= 60]
    rng = random.Random(4)
    draft = "\n".join(
        [repost(p, rng, ("place", "insert")) for p in paras[3:9]] + [NEGATIVE] + [p[5:40] for p in paras[20:26]]
    )
    fast = check_draft(seed_index, draft)
    assert fast["matches"] and fast["overlap_ratio"] > 0.3
    assert check_draft(_ProtocolOnly(seed_index), draft) == fast


@needs_seed
def test_compacting_the_postings_changes_no_report(tmp_path, seed_text):
    paras = split_paragraphs(seed_text)
    conn = sqlite3.connect(tmp_path / "c.db")
    ix = DedupIndex(conn)
    for i in range(0, len(paras), 20):  # one segment per kind per batch
        ix.add_documents([(f"d{i}", paras[i : i + 20], "")])
    conn.commit()
    assert conn.execute("SELECT COUNT(*) FROM dd_seg").fetchone()[0] > 4
    rng = random.Random(6)
    draft = "\n".join(repost(p, rng, ("number",)) for p in paras if len(p) >= 60)
    before = check_draft(ix, draft)
    ix.compact()
    conn.commit()
    assert conn.execute("SELECT kind, COUNT(*) FROM dd_seg GROUP BY kind").fetchall() == [("band", 1), ("fp", 1)]
    assert before["matches"] and check_draft(ix, draft) == before
    conn.close()


def test_a_paragraph_removed_during_the_check_is_no_source(small_index):
    # its text was read for verification, its row is gone when the report is made
    a = "坚决守住不发生规模性返贫底线持续巩固拓展脱贫攻坚成果同乡村振兴有效衔接"
    b = "深入实施科教兴国战略人才强国战略创新驱动发展战略着力提高人民生活品质"
    small_index.add_document("A", [a])
    small_index.add_document("B", [b])
    gone = {p for p, r in small_index.paragraph_rows(range(1, 10)).items() if r["doc_id"] == "B"}
    assert gone

    class Racing:
        def __getattr__(self, name):
            return getattr(small_index, name)

        def paragraph_rows(self, pids):
            return {p: r for p, r in small_index.paragraph_rows(pids).items() if p not in gone}

        def source_rows(self, pids, cap=None):
            rows, twins = small_index.source_rows(pids, cap)
            return {p: r for p, r in rows.items() if p not in gone}, {p: t for p, t in twins.items() if p not in gone}

    report = check_draft(Racing(), a + "\n" + b)
    assert [s["doc_id"] for s in report["sources"]] == ["A"]
    assert check_draft(_ProtocolOnly(Racing()), a + "\n" + b) == report  # the same through paragraph_rows
    assert check_draft(small_index, a + "\n" + b)["sources"][1]["doc_id"] == "B"


def test_source_rows_are_the_rows_and_twins_the_check_reads_otherwise(small_index):
    para = "坚决守住不发生规模性返贫底线持续巩固拓展脱贫攻坚成果同乡村振兴有效衔接"
    other = "深入实施科教兴国战略人才强国战略创新驱动发展战略着力提高人民生活品质"
    for i in range(4):  # exact twins in four documents, one of them twice
        small_index.add_document(f"d{i}", [para, other] if i else [para, other, para])
    pids = sorted(small_index.paragraph_rows(range(1, 40)))
    rows, twins = small_index.source_rows(pids + [999], cap=3)
    full = small_index.paragraph_rows(pids)
    assert rows == {p: {k: full[p][k] for k in ("doc_id", "paragraph_index", "hash")} for p in pids}
    by_hash = small_index.twins({r["hash"] for r in full.values()}, cap=3)
    assert twins == {p: by_hash[full[p]["hash"]] for p in pids}
    assert all(len(t) == 3 for t in twins.values())
    assert small_index.source_rows(pids)[1] == {}  # no cap: no twins read
    # every twin is a source, through either path
    rep = check_draft(small_index, para)
    assert sorted(s["doc_id"] for s in rep["sources"]) == ["d0", "d1", "d2", "d3"]
    assert check_draft(_ProtocolOnly(small_index), para) == rep


@pytest.mark.parametrize("seed", range(3))
def test_all_sentences_are_each_paragraphs_sentences(seed):
    # one pass over the whole draft cuts every paragraph where its own search does, also with
    # sentence ends and closing quotes around the paragraphs' first and last characters
    from dedup.check import _all_sentences, _prepare, _sentences

    rng = random.Random(seed)
    pieces = ["。", "！", "？", "；", "!", "?", ";", "”", "）", "」", "，", "“", " ", "\n", "\n\n", "。”\n", "\n。"]
    words = ["社会治理", "网格", "矛盾纠纷化解", "2023年", "晋城市", "abc", "第三条", "要求"]
    for _ in range(200):
        text = "".join(
            rng.choice(pieces) if rng.random() < 0.35 else rng.choice(words) for _ in range(rng.randint(5, 120))
        )
        if not any(w in text for w in words):
            continue
        d = _prepare(text, 200000)
        want = [s for a, b in d.seg_bounds for s in _sentences(d.nz, d.text, a, b)]
        assert _all_sentences(d.nz, d.text, d.seg_bounds) == want
