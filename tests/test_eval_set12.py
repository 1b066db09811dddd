"""Page set 12 of bench/eval_extract_external.py, in-sample: set 12 was read once (README: "Set 12,
the one read") and is tuning data since; the pages its read missed are checked here against the
extractor. The pages are read from the saved-site checkouts (tests/page_sets.py); without them these
checks are skipped. The set's structure and flag are checked in tests/test_eval_sets12_15.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from annotated_gold import gold_text  # noqa: E402
from page_sets import page_html, spec  # noqa: E402

SPEC = spec(12)


@pytest.mark.parametrize("name", ["stw-gateway-error", "njupt-column-template"])
def test_the_non_articles_its_read_kept_are_refused(name):
    """A CDN's 502 page under an article URL (``errorpage``: its <title> is the status) and a
    column-page template whose only text is a contact box (``fields``: 电话/传真：)."""
    from govtext.errors import SourceError
    from ingest.extract import extract_html

    with pytest.raises(SourceError):
        extract_html(page_html(SPEC, name))


def test_the_admission_results_notice_is_kept_with_its_table():
    """The notice its read refused (a sentence under a dated heading over a 66-row name table, no
    索引号 table): kept whole (``grid``'s dated-notice exemption), its date read."""
    from ingest.evaluate import char_scores
    from ingest.extract import extract_html

    page = next(p for p in SPEC["pages"] if p["page"] == "shnu-admission-results")
    html = page_html(SPEC, page["page"])
    doc = extract_html(html)
    assert char_scores(doc.text, gold_text(html, page["note"]))[2] >= 0.95
    assert doc.date == page["labels"]["date"]


@pytest.mark.parametrize(
    ("name", "field", "want"),
    [
        ("haowenmi-paper-mine-safety", "source", ""),  # 来源：管理相关, a breadcrumb step
        ("zjgztb-centre-news", "source", ""),  # <meta name="SiteName" content="网站名称">
        ("capda-council-notice", "source", "农业农村部农药检定所"),  # 作者：药情信息处来源：…
        ("atxlyj-rules-cleanup", "doc_number", ""),  # a 清理 table's 文号 column
    ],
)
def test_the_metadata_its_read_missed(name, field, want):
    from ingest.extract import extract_html

    doc = extract_html(page_html(SPEC, name))
    got = doc.source if field == "source" else doc.meta.get(field, "")
    assert got == want
