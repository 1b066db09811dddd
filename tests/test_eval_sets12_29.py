"""Page sets 12-29 of bench/eval_extract_external.py: each committed page file's structure, its
--setN flag, and that its anchors resolve in the saved-site checkouts (skipped without them). No
extractor runs here; the sets read once since have their in-sample checks in tests/test_eval_setN.py."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from annotated_gold import gold_text  # noqa: E402
from eval_extract_external import FIELDS, SOURCE_SETS, decode_bytes, named_checkouts  # noqa: E402
from page_sets import page_bytes, spec  # noqa: E402
from test_eval_set6 import _repo  # noqa: E402
from test_eval_set9 import _sites, earlier_sets  # noqa: E402

#: per set: the fewest pages of each type, the fewest sites, the fewest labelled values per field
#: ("articles": labelled pages), as each set was built to have
BUILT = {
    12: ({"list": 8, "interpretation": 4, "gov_notice": 4, "essay": 4, "news": 2}, 15, {"doc_number": 2}),
    13: (
        {"list": 8, "interpretation": 2, "gov_notice": 8, "essay": 3, "news": 4},
        12,
        {"doc_number": 3, "index_no": 2},
    ),
    14: ({"list": 8, "interpretation": 1, "gov_notice": 7, "essay": 3, "news": 8}, 12, {"doc_number": 5, "date": 19}),
    15: ({"list": 8, "essay": 5, "news": 5}, 12, {"articles": 14, "date": 6}),
    16: (
        {"list": 10, "interpretation": 2, "gov_notice": 3, "essay": 8, "news": 3},
        12,
        {"articles": 17, "doc_number": 1},
    ),
    17: (
        {"list": 13, "interpretation": 1, "gov_notice": 1, "essay": 7, "news": 9},
        13,
        {"articles": 18, "date": 16},
    ),
    18: (
        {"list": 23, "gov_notice": 5, "essay": 6, "news": 3},
        14,
        {"articles": 14, "date": 13, "source": 6},
    ),
    19: (
        {"list": 20, "interpretation": 1, "gov_notice": 5, "essay": 8, "news": 5},
        14,
        {"articles": 19, "date": 14, "source": 2, "index_no": 1},
    ),
    20: (
        {"list": 14, "interpretation": 1, "gov_notice": 2, "essay": 10, "news": 5},
        14,
        {"articles": 18, "date": 18, "source": 4, "doc_number": 1},
    ),
    21: (
        {"list": 16, "interpretation": 2, "gov_notice": 2, "essay": 9, "news": 6},
        12,
        {"articles": 19, "date": 15, "source": 2, "doc_number": 1},
    ),
    22: ({"list": 18, "interpretation": 1, "essay": 6, "news": 5}, 14, {"articles": 12, "date": 8, "source": 4}),
    23: ({"list": 18, "gov_notice": 3, "essay": 6, "news": 2}, 13, {"articles": 11, "date": 7, "source": 2}),
    24: ({"list": 11, "gov_notice": 4, "essay": 6, "news": 4}, 9, {"articles": 14, "date": 9, "doc_number": 1}),
    25: (
        {"list": 12, "gov_notice": 2, "essay": 5, "news": 1},
        7,
        {"articles": 8, "date": 1, "source": 1, "doc_number": 2},
    ),
    26: (
        {"list": 13, "interpretation": 1, "gov_notice": 1, "essay": 5, "news": 2},
        8,
        {"articles": 9, "date": 2, "source": 1},
    ),
    27: ({"list": 8, "gov_notice": 4, "essay": 2, "news": 3}, 6, {"articles": 9, "date": 4, "source": 1}),
    28: ({"list": 10, "gov_notice": 3, "essay": 5, "news": 3}, 7, {"articles": 11, "date": 4, "source": 2}),
    29: ({"list": 9, "gov_notice": 4, "essay": 2}, 6, {"articles": 6, "date": 1}),
}
SPECS = {n: spec(n) for n in BUILT}


def _pages(kind_is_list: bool):
    return [
        pytest.param(n, page, id=f"set{n}-{page['page']}")
        for n, s in SPECS.items()
        for page in s["pages"]
        if (page["type"] == "list") == kind_is_list
    ]


@pytest.mark.parametrize("n", BUILT)
def test_the_set_is_wired_into_the_runner_after_the_one_before(n):
    assert n - 1 in SOURCE_SETS and max(SOURCE_SETS) >= n
    assert SOURCE_SETS[n - 1] in earlier_sets(SOURCE_SETS[n]) and len(earlier_sets(SOURCE_SETS[n])) == n - 1


@pytest.mark.parametrize("n", BUILT)
def test_every_page_is_held_out_on_a_site_and_repository_no_earlier_set_has(n):
    import json

    s, (min_types, min_sites, min_labels) = SPECS[n], BUILT[n]
    files = earlier_sets(SOURCE_SETS[n])
    earlier = set().union(*(_sites(p) for p in files))
    used = {v["repo"] for p in files for v in json.loads(p.read_text(encoding="utf-8")).get("sources", {}).values()}
    for source in s["sources"].values():
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]) and source["repo"].count("/") == 1
        assert source["repo"] not in used and not source["repo"].startswith("mhxqwer/")
    names = [p["page"] for p in s["pages"]]
    assert len(names) == len(set(names))
    for page in s["pages"]:
        assert page["source"] in s["sources"] and page["split"] == "heldout", page["page"]
        assert page["site"] not in earlier, page["site"]
        assert page["path"] and page["why"]
        if page["type"] == "list":
            assert page["gold"] == "none" and "note" not in page and "labels" not in page
        else:
            assert page["gold"] == "annotated" and page["note"]["first"] and page["note"]["last"]
            assert set(page["labels"]) == set(FIELDS)
            if page["labels"]["date"]:
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page["labels"]["date"])
    per_site = Counter(p["site"] for p in s["pages"])
    assert max(per_site.values()) <= 3 and len(per_site) >= min_sites
    types = Counter(p["type"] for p in s["pages"])
    assert all(types[t] >= k for t, k in min_types.items()), types
    labelled = [p["labels"] for p in s["pages"] if "labels" in p]
    counts = {"articles": len(labelled), **{f: sum(1 for lab in labelled if lab[f]) for f in FIELDS}}
    assert all(counts[f] >= k for f, k in min_labels.items()), counts


@pytest.mark.parametrize("n", BUILT)
def test_the_flag_takes_one_checkout_per_named_source(tmp_path, n):
    repo, _ = _repo(tmp_path, "one", {"index.html": "<html><body><p>正文。</p></body></html>"})
    sources, flag = SPECS[n]["sources"], f"--set{n}"
    name = next(iter(sources))
    assert set(named_checkouts([f"{name}={repo}"], sources, flag)) == {name}
    with pytest.raises(SystemExit, match=flag):
        named_checkouts([f"nosuchsource={repo}"], sources, flag)


@pytest.mark.parametrize("n, page", _pages(False))
def test_the_anchors_resolve_in_the_saved_page(n, page):
    html = decode_bytes(page_bytes(SPECS[n], page))[0]
    gold = gold_text(html, page["note"]).split("\n")
    norm = [re.sub(r"\s+", "", line) for line in gold]
    assert norm[0].startswith(re.sub(r"\s+", "", page["note"]["first"]))
    assert norm[-1].startswith(re.sub(r"\s+", "", page["note"]["last"]))
    assert sum(len(line) for line in norm) >= 150, page["page"]


@pytest.mark.parametrize("n, page", _pages(True))
def test_every_non_article_is_in_its_checkout_and_decodes(n, page):
    raw = page_bytes(SPECS[n], page)
    assert raw and isinstance(decode_bytes(raw)[0], str)


def test_sets_19_to_27_are_the_page_kind_data_and_sets_28_and_29_never():
    """Sets 19-27, each read once (i19aa, i19ab, i19ad, set 22's to 27's reads), are tuning data:
    bench/pagekind_data.py reads them (i19ae; set 22 from i19ag, 23 from i19ai, 24 from i19am, 25 from i19ao,
    26 from i19ar, 27 from i19av); sets 28 and 29, drawn as the next held-out reads, stay out of the data
    whatever MAX_SET becomes."""
    from pagekind_data import HELD_OUT_SETS, MAX_SET, training_sets

    assert MAX_SET == 27 and training_sets() == [n for n in SOURCE_SETS if 9 <= n <= 27]
    assert {19, 20, 21, 22, 23, 24, 25, 26, 27} <= set(training_sets())
    assert 28 in HELD_OUT_SETS and 28 not in training_sets(max_set=max(28, *SOURCE_SETS))
    assert 29 in HELD_OUT_SETS and 29 not in training_sets(max_set=max(29, *SOURCE_SETS))


#: set 24 was weighted to short real articles (the page-kind data lacks them): the pages marked "SHORT:"
SHORT24 = [p for p in SPECS[24]["pages"] if p["why"].startswith("SHORT:")]


def test_set_24_holds_short_articles_of_several_sites_and_types():
    assert len(SHORT24) >= 8 and all(p["type"] != "list" for p in SHORT24)
    assert len({p["site"] for p in SHORT24}) >= 5
    assert {"gov_notice", "news", "essay"} <= {p["type"] for p in SHORT24}


@pytest.mark.parametrize("page", SHORT24, ids=[p["page"] for p in SHORT24])
def test_set_24_short_articles_are_short(page):
    """Each marked page's gold is a short text (150-600 characters), read from the fetched checkout."""
    html = decode_bytes(page_bytes(SPECS[24], page))[0]
    gold = re.sub(r"\s+", "", gold_text(html, page["note"]))
    assert 150 <= len(gold) < 600, (page["page"], len(gold))


def test_set_25s_doc_numbers_are_on_government_notices():
    """Set 25 (i19an), read once with the sets 1-19 model and page-kind data since (i19ao): its 文号 labels
    are on government notices."""
    numbered = [p for p in SPECS[25]["pages"] if p.get("labels", {}).get("doc_number")]
    assert len(numbered) >= 2 and all(p["type"] == "gov_notice" for p in numbered)


#: set 26 (i19ap), drawn as a held-out read, read once (README) and page-kind data since (i19ar): weighted to
#: non-articles, above all columns and homepages of teaser paragraphs; its few short articles are marked "SHORT:"
SPEC26 = SPECS[26]
SHORT26 = [p for p in SPEC26["pages"] if p["why"].startswith("SHORT:")]


def test_set_26_is_at_least_half_non_articles():
    """At least half of set 26's pages, on at least five sites, are non-articles to refuse."""
    lists = [p for p in SPEC26["pages"] if p["type"] == "list"]
    assert 2 * len(lists) >= len(SPEC26["pages"]) and len({p["site"] for p in lists}) >= 5
    assert all(p["split"] == "heldout" for p in SPEC26["pages"])


@pytest.mark.parametrize("page", SHORT26, ids=[p["page"] for p in SHORT26])
def test_set_26_short_articles_are_short(page):
    """Each marked page's gold is a short text (150-600 characters), read from the fetched checkout."""
    html = decode_bytes(page_bytes(SPEC26, page))[0]
    gold = re.sub(r"\s+", "", gold_text(html, page["note"]))
    assert page["type"] != "list" and 150 <= len(gold) < 600, (page["page"], len(gold))


#: set 27 (i19as), drawn as a held-out read, read once (README) and page-kind data since (i19av): notices of public bodies, public-body news,
#: essays and list pages (columns, homepages, a roster, an app page); its short articles are marked "SHORT:"
SPEC27 = SPECS[27]
SHORT27 = [p for p in SPEC27["pages"] if p["why"].startswith("SHORT:")]


def test_set_27_is_about_half_non_articles():
    """Set 27's pages are all held out, from six or more repositories, and close to half of them, on at least
    four sites, are non-articles to refuse."""
    assert all(p["split"] == "heldout" for p in SPEC27["pages"]) and len(SPEC27["sources"]) >= 6
    lists = [p for p in SPEC27["pages"] if p["type"] == "list"]
    assert 5 * len(lists) >= 2 * len(SPEC27["pages"]) and len({p["site"] for p in lists}) >= 4


@pytest.mark.parametrize("page", SHORT27, ids=[p["page"] for p in SHORT27])
def test_set_27_short_articles_are_short(page):
    """Each marked page's gold is a short text (150-600 characters), read from the fetched checkout."""
    html = decode_bytes(page_bytes(SPEC27, page))[0]
    gold = re.sub(r"\s+", "", gold_text(html, page["note"]))
    assert page["type"] != "list" and 150 <= len(gold) < 600, (page["page"], len(gold))


#: set 28 (i19aw), drawn as the next held-out read and not read yet (README): notices of public bodies, public-body
#: news, essays and list pages (columns, homepages, app pages); its short articles are marked "SHORT:"
SPEC28 = SPECS[28]
SHORT28 = [p for p in SPEC28["pages"] if p["why"].startswith("SHORT:")]


def test_set_28_is_held_out_and_about_half_non_articles():
    """Set 28's pages are all held out, from six or more repositories of as many accounts, one site each, and
    close to half of them, on at least five sites, are non-articles to refuse; the page-kind data never reads it
    (HELD_OUT_SETS, checked above)."""
    from pagekind_data import HELD_OUT_SETS

    assert 28 in HELD_OUT_SETS
    assert all(p["split"] == "heldout" for p in SPEC28["pages"]) and len(SPEC28["sources"]) >= 6
    accounts = {s["repo"].split("/")[0].lower() for s in SPEC28["sources"].values()}
    assert len(accounts) == len(SPEC28["sources"])
    assert {p["site"] for p in SPEC28["pages"]} == set(SPEC28["sources"])
    lists = [p for p in SPEC28["pages"] if p["type"] == "list"]
    assert 5 * len(lists) >= 2 * len(SPEC28["pages"]) and len({p["site"] for p in lists}) >= 5


def test_set_28_names_no_account_of_an_earlier_set_or_theme_draw():
    """No source account of set 28 is one an earlier page set names as a repository, nor does its ``owner/`` appear
    in a theme draw module (nlp/draw_heldout*.py, nlp/external_draw.py) or nlp/labels.py (checked as strings)."""
    import json

    earlier = {
        v["repo"].split("/")[0].lower()
        for path in earlier_sets(SOURCE_SETS[28])
        for v in json.loads(path.read_text(encoding="utf-8")).get("sources", {}).values()
        if isinstance(v, dict) and "repo" in v
    }
    mine = {s["repo"].split("/")[0].lower() for s in SPEC28["sources"].values()}
    assert len(earlier) > 100 and not mine & earlier
    nlp = ROOT / "nlp"
    texts = [p.read_text(encoding="utf-8").lower() for p in sorted(nlp.glob("draw_heldout*.py"))]
    texts += [(nlp / name).read_text(encoding="utf-8").lower() for name in ("external_draw.py", "labels.py")]
    assert len(texts) >= 18
    assert not [a for a in mine for t in texts if f"{a}/" in t]


@pytest.mark.parametrize("page", SHORT28, ids=[p["page"] for p in SHORT28])
def test_set_28_short_articles_are_short(page):
    """Each marked page's gold is a short text (150-600 characters), read from the fetched checkout."""
    html = decode_bytes(page_bytes(SPEC28, page))[0]
    gold = re.sub(r"\s+", "", gold_text(html, page["note"]))
    assert page["type"] != "list" and 150 <= len(gold) < 600, (page["page"], len(gold))


#: set 29 (i19ay), drawn as the next held-out read after set 28 and not read yet (README): notices of public bodies,
#: essays and list pages (homepages, columns, a roster, a search page); its short articles are marked "SHORT:"
SPEC29 = SPECS[29]
SHORT29 = [p for p in SPEC29["pages"] if p["why"].startswith("SHORT:")]


def test_set_29_is_held_out_and_close_to_half_non_articles():
    """Set 29's pages are all held out, from six or more repositories of as many accounts, one site each, and
    40-65% of them, on at least five sites, are non-articles to refuse; the page-kind data never reads it
    (HELD_OUT_SETS, checked above, with MAX_SET still 27)."""
    from pagekind_data import HELD_OUT_SETS, MAX_SET

    assert HELD_OUT_SETS == {28, 29} and MAX_SET == 27
    assert all(p["split"] == "heldout" for p in SPEC29["pages"]) and len(SPEC29["sources"]) >= 6
    accounts = {s["repo"].split("/")[0].lower() for s in SPEC29["sources"].values()}
    assert len(accounts) == len(SPEC29["sources"])
    assert {p["site"] for p in SPEC29["pages"]} == set(SPEC29["sources"])
    lists = [p for p in SPEC29["pages"] if p["type"] == "list"]
    assert 5 * len(lists) >= 2 * len(SPEC29["pages"]) and 20 * len(lists) <= 13 * len(SPEC29["pages"])
    assert len({p["site"] for p in lists}) >= 5


def test_set_29_names_no_account_of_an_earlier_set_theme_draw_or_the_readme():
    """No source account of set 29 is one an earlier page set (set 28 included) names as a repository, nor does its
    ``owner/`` appear in a theme draw module (nlp/draw_heldout*.py, nlp/external_draw.py), nlp/labels.py or the
    README outside set 29's own paragraph (checked as strings)."""
    import json

    earlier = {
        v["repo"].split("/")[0].lower()
        for path in earlier_sets(SOURCE_SETS[29])
        for v in json.loads(path.read_text(encoding="utf-8")).get("sources", {}).values()
        if isinstance(v, dict) and "repo" in v
    }
    mine = {s["repo"].split("/")[0].lower() for s in SPEC29["sources"].values()}
    assert len(earlier) > 100 and SOURCE_SETS[28] in earlier_sets(SOURCE_SETS[29]) and not mine & earlier
    nlp = ROOT / "nlp"
    texts = [p.read_text(encoding="utf-8").lower() for p in sorted(nlp.glob("draw_heldout*.py"))]
    texts += [(nlp / name).read_text(encoding="utf-8").lower() for name in ("external_draw.py", "labels.py")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8").lower()
    texts.append(readme.split("**set 29**")[0])
    assert len(texts) >= 19
    assert not [a for a in mine for t in texts if f"{a}/" in t]


def test_set_29s_comment_names_no_repository_of_a_theme_draw():
    """The page file (its comment and rejects included) names no repository a theme draw reads."""
    import json

    from heldout_sites import draw_repos

    text = json.dumps(json.loads(SOURCE_SETS[29].read_text(encoding="utf-8")), ensure_ascii=False)
    firsts = sorted(int(p.stem.removeprefix("draw_heldout")) for p in (ROOT / "nlp").glob("draw_heldout*.py"))
    drawn = draw_repos(firsts[0], firsts[-1])
    assert len(drawn) > 50 and not [r for r in drawn if r in text]


@pytest.mark.parametrize("page", SHORT29, ids=[p["page"] for p in SHORT29])
def test_set_29_short_articles_are_short(page):
    """Each marked page's gold is a short text (150-600 characters), read from the fetched checkout."""
    html = decode_bytes(page_bytes(SPEC29, page))[0]
    gold = re.sub(r"\s+", "", gold_text(html, page["note"]))
    assert page["type"] != "list" and 150 <= len(gold) < 600, (page["page"], len(gold))
