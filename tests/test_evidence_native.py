"""The native rerank scan (native/src/evidence.rs) against search/evidence.py's own analysis:
every field of the evidence equal, on generated texts and on hostile ones, and the rerank's
order and evidence equal with the kernel on and off."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import evidence
from search.evidence import MAX_OCCURRENCES, Matcher, Word, rerank

pytestmark = pytest.mark.skipif(evidence.NATIVE is None, reason="native kernels not built (make install needs cargo)")

WORDS = [
    Word("调解", ("调解",), ("人民调解",)),
    Word("网格", ("网格",), ()),
    Word("信访", ("信访",), ("来访", "信访件")),
    Word("矫正", ("社区矫正",), ("矫正",)),
]
PIECES = [
    "调解",
    "网格",
    "信访",
    "来访",
    "人民调解",
    "社区",
    "矫正",
    "工作",
    "，",
    "。",
    "\n",
    "\r\n",
    "第三条 ",
    "😀",
    "\x00",
    "é",
]
TITLES = ["", "网格化管理办法", "信访条例", "社区矫正法", "人民调解😀"]


def fields(ev: evidence.Evidence) -> tuple:
    return (ev.coverage, ev.together, ev.mentions, ev.title, ev.best_paragraph, ev.per_para, ev.synonyms, ev.labels)


def both(words: list[Word], docs: list[tuple[str, str]]) -> tuple[list, list]:
    m = Matcher(words)
    native = m.analyse_many([(ti, te.encode()) for ti, te in docs])
    python = [m.analyse(ti, te, detail=False) for ti, te in docs]
    return [fields(e) for e in native], [fields(e) for e in python]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(TITLES), st.lists(st.sampled_from(PIECES), max_size=60).map("".join)), max_size=5
    ),
    st.lists(st.sampled_from(range(len(WORDS))), min_size=1, max_size=4, unique=True),
)
def test_the_native_scan_equals_the_python_analysis(docs, picks):
    native, python = both([WORDS[i] for i in picks], docs)
    assert native == python


def test_hostile_texts_scan_alike():
    huge = ("网格" * 3 + "\n") * 50_000  # occurrences far beyond the cap, 200,000 lines
    docs = [
        ("", ""),
        ("网格", "网格"),
        ("", "\n\n\n网格"),
        ("", "网格" * (MAX_OCCURRENCES + 7)),
        ("", huge),
        ("\x00网格\x00", "\x00\x00调解\x00"),
        ("", "😀网格😀\r\n来访"),
    ]
    native, python = both(WORDS, docs)
    assert native == python


def test_ascii_words_and_decoded_texts_take_the_python_path():
    """An ASCII form compares lower-cased text (Python's Unicode rules), so it is never
    scanned natively; the answer is the same as for decoded text."""
    m = Matcher([Word("ppp", ("ppp",), ()), Word("网格", ("网格",), ())])
    docs = [("PPP 项目", "PPP网格\nppp"), ("", "网格")]
    got = m.analyse_many([(ti, te.encode()) for ti, te in docs])
    assert [fields(e) for e in got] == [fields(m.analyse(ti, te, detail=False)) for ti, te in docs]


def test_the_rerank_is_the_same_with_bytes_and_with_text():
    from search.query import parse_query

    root = parse_query("网格 信访", None, 200).root
    texts = ["信访\n网格化", "网格 网格 网格\n信访信访", "无关", "来访群众\n网格员", "网格信访" * 40]
    as_text = [(f"d{i}", 10.0 - i, f"标题{i}", t) for i, t in enumerate(texts)]
    as_bytes = [(d, s, ti, te.encode()) for d, s, ti, te in as_text]
    plain = [(d, s, fields(ev)) for d, s, ev in rerank(as_text, root)]
    native = [(d, s, fields(ev)) for d, s, ev in rerank(as_bytes, root)]
    assert native == plain


def test_bad_plans_are_refused_not_crashed():
    with pytest.raises(ValueError):
        evidence.NATIVE.scan_evidence([(b"", b"x")], [], [], [], MAX_OCCURRENCES, 3.0)
    with pytest.raises(ValueError):
        evidence.NATIVE.scan_evidence([(b"", b"x")], ["a"], [(0, 1.0, b"")], [], MAX_OCCURRENCES, 3.0)
    with pytest.raises(ValueError):
        evidence.NATIVE.scan_evidence([(b"", b"x")], ["a"], [(5, 1.0, b"x")], [], MAX_OCCURRENCES, 3.0)
    with pytest.raises(TypeError):
        evidence.NATIVE.scan_evidence([("str", b"x")], ["a"], [(0, 1.0, b"x")], [], MAX_OCCURRENCES, 3.0)
