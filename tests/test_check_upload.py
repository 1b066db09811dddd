"""Documents in, report out: .docx / .pdf / .txt uploads to the 查重 page and API,
the downloadable Chinese report, one offset model (CRLF from forms), the options."""

from __future__ import annotations

import io

import pytest

from conftest import store_of

PARA = "坚决守住不发生规模性返贫底线持续巩固拓展脱贫攻坚成果同乡村振兴有效衔接，推动农村一二三产业融合发展。"
OWN = "这一段是起草人自己写的话，和任何已有文件都不一样。"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return store_of(
        tmp_path_factory.mktemp("upload_data"),
        [{"id": "src", "title": "乡村振兴工作方案", "text": PARA + "\n另一段。"}],
    )


@pytest.fixture(scope="module")
def client(data_dir):
    from govtext.settings import load_settings
    from service.app import create_app

    app = create_app(load_settings(data_dir=data_dir, analyze=False, max_request_bytes=200_000))
    app.testing = False
    return app.test_client()


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_upload_to_the_api_and_the_page(client):
    raw = _docx([OWN, PARA])
    r = client.post("/api/v1/check", data={"file": (io.BytesIO(raw), "草稿.docx")}, content_type="multipart/form-data")
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["largest_source"] == "src" and body["sources"][0]["title"] == "乡村振兴工作方案"
    assert 0.5 < body["overlap_ratio"] < 1
    r = client.post("/check", data={"file": (io.BytesIO(raw), "草稿.docx")}, content_type="multipart/form-data")
    assert r.status_code == 200 and "乡村振兴工作方案" in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "name,raw",
    [("x.pdf", b"%PDF-1.4 broken"), ("x.docx", b"PK\x03\x04 not a zip"), ("x.exe", b"MZ\x90\x00"), ("x.txt", b"   ")],
)
def test_bad_uploads_are_a_clear_400(client, name, raw):
    r = client.post("/api/v1/check", data={"file": (io.BytesIO(raw), name)}, content_type="multipart/form-data")
    assert r.status_code == 400
    assert r.get_json()["message"]


def test_form_offsets_equal_the_api_offsets(client):
    lf = OWN + "\n" + OWN + "\n" + PARA
    api = client.post("/api/v1/check", json={"text": lf}).get_json()
    form = client.post("/check?format=json", data={"text": lf.replace("\n", "\r\n")}).get_json()
    assert [(m["start"], m["end"]) for m in form["matches"]] == [(m["start"], m["end"]) for m in api["matches"]]
    assert api["matches"][0]["start"] == 2 * len(OWN) + 2


def test_download_is_a_chinese_html_report(client):
    r = client.post("/check?format=html", data={"text": OWN + "\n" + PARA})
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    html = r.get_data(as_text=True)
    assert "查重报告" in html and "总复制比" in html and "乡村振兴工作方案" in html and 'href="#match-' in html


def test_api_whitelist_and_exclude_boilerplate(client):
    text = OWN + "\n" + PARA
    plain = client.post("/api/v1/check", json={"text": text}).get_json()
    wl = client.post(
        "/api/v1/check", json={"text": text, "whitelist": [PARA[:30]], "exclude_boilerplate": True}
    ).get_json()
    assert {m["kind"] for m in wl["matches"]} == {"boilerplate", "copy"}
    assert wl["overlap_ratio"] < plain["overlap_ratio"]
    assert wl["rates"]["total_ratio"] == plain["overlap_ratio"]
    r = client.post("/api/v1/check", json={"text": text, "whitelist": "not a list"})
    assert r.status_code == 400


@pytest.mark.slow  # starts govtext processes: `make test` runs it, `make test-fast` leaves it out
def test_cli_checks_a_docx_and_writes_the_chinese_report(data_dir, tmp_path):
    from conftest import run_cli

    draft = tmp_path / "草稿.docx"
    draft.write_bytes(_docx([OWN, PARA]))
    out = tmp_path / "report.html"
    r = run_cli("check", str(draft), "--html", str(out), data=data_dir)
    assert r.returncode == 0, r.stderr.decode()
    assert "总复制比" in r.stdout.decode() and "乡村振兴工作方案" in r.stdout.decode()
    html = out.read_text(encoding="utf-8")
    assert "查重报告" in html and "乡村振兴工作方案" in html and "重复片段明细" in html


# -- one renderer, side by side ------------------------------------------------------

EDITED = PARA.replace("农村", "城乡")  # one change: the side-by-side row marks exactly it


def _expected_ops(base: int) -> list[dict]:
    k = PARA.index("农村")
    return [
        {"op": "equal", "draft": [base, base + k], "source": [0, k]},
        {"op": "replace", "draft": [base + k, base + k + 2], "source": [k, k + 2]},
        {"op": "equal", "draft": [base + k + 2, base + len(PARA)], "source": [k + 2, len(PARA)]},
    ]


def test_api_side_by_side_rows_with_char_ops_in_draft_offsets(client):
    text = OWN + "\n" + EDITED
    body = client.post("/api/v1/check", json={"text": text}).get_json()
    base = len(OWN) + 1
    [row] = body["side_by_side"]
    assert (row["paragraph_index"], row["start"], row["end"]) == (1, base, len(text))
    assert (row["doc_id"], row["source_paragraph_index"], row["source_start"]) == ("src", 0, 0)
    assert row["draft_text"] == EDITED and row["source_text"] == PARA
    assert row["ops"] == _expected_ops(base)
    assert row["matches"] == [0] and body["matches"][0]["start"] == base
    src = body["sources"][0]
    assert (src["title"], src["doc_id"]) == ("乡村振兴工作方案", "src") and {"date", "region", "doc_type"} <= set(src)
    off = client.post("/api/v1/check", json={"text": text, "side_by_side": False}).get_json()
    assert "side_by_side" not in off and off["matches"] == body["matches"]
    assert client.post("/api/v1/check", json={"text": text, "side_by_side": "yes"}).status_code == 400


def test_page_and_download_mark_the_change_side_by_side(client):
    text = OWN + "\n" + EDITED
    for url in ("/check", "/check?format=html"):
        html = client.post(url, data={"text": text}).get_data(as_text=True)
        assert html.count('class="sbs-row"') == 1, url
        assert "<mark>城乡</mark>" in html and "<mark>农村</mark>" in html, url
        assert "逐段对照" in html and "乡村振兴工作方案" in html, url
    page = client.post("/check", data={"text": text}).get_data(as_text=True)
    assert 'href="/documents/src#p0"' in page  # the page links sources; the download does not
    download = client.post("/check?format=html", data={"text": text}).get_data(as_text=True)
    assert "/documents/src" not in download and "<style>" in download


@pytest.mark.slow  # starts govtext processes: `make test` runs it, `make test-fast` leaves it out
def test_page_api_and_cli_agree_to_the_character(client, data_dir, tmp_path):
    import json

    from conftest import run_cli

    text = OWN + "\n\n" + EDITED + "\n" + OWN + "\n" + PARA
    api = client.post("/api/v1/check", json={"text": text}).get_json()
    form = client.post("/check?format=json", data={"text": text.replace("\n", "\r\n")}).get_json()
    draft = tmp_path / "d.txt"
    draft.write_text(text, encoding="utf-8")
    r = run_cli("check", str(draft), "--json", data=data_dir)
    assert r.returncode == 0, r.stderr.decode()
    cli = json.loads(r.stdout)
    for key in ("matches", "side_by_side", "paragraphs", "sources"):
        assert form[key] == api[key] == cli[key], key
    second = 2 * len(OWN) + len(EDITED) + 4
    # the edited sentence is a near copy, the verbatim one a copy; both end before the final 。
    assert [(m["start"], m["end"], m["kind"]) for m in api["matches"]] == [
        (len(OWN) + 2, len(OWN) + 2 + len(EDITED) - 1, "near_copy"),
        (second, second + len(PARA) - 1, "copy"),
    ]
    assert [text[m["start"] : m["end"]] for m in api["matches"]] == [m["text"] for m in api["matches"]]
    assert len(api["side_by_side"]) == 2
