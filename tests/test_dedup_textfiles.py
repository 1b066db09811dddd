"""Normalized texts as memory-mapped files beside the store: the same texts and reports
as SQLite alone, removed paragraphs left out, other epochs and damaged files never read."""

import random
import sqlite3
from pathlib import Path

import pytest

from dedup import textfiles
from dedup.check import check_draft
from dedup.index import DedupIndex
from dedup.repost import repost
from dedup.textfiles import TextFiles

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
LAWS = SHARED / "corpus" / "laws.jsonl"


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of 64 ids (so a small store has complete ones), and each test a new process cache."""
    monkeypatch.setattr(textfiles, "BLOCK", 64)
    monkeypatch.setattr(TextFiles, "_all", {})


def paragraphs(n: int = 600) -> list[str]:
    rng = random.Random(3)
    if LAWS.exists():
        import json

        out = []
        for line in LAWS.open(encoding="utf-8"):
            out += [p for p in json.loads(line).get("text", "").split("\n") if len(p.strip()) >= 30]
            if len(out) >= n:
                return out[:n]
    words = ["社会治理", "网格化管理", "矛盾纠纷", "调解", "基层", "群众", "工作机制", "平安建设", "综合治理", "法治"]
    return ["".join(rng.choice(words) for _ in range(rng.randint(8, 30))) + "。" for _ in range(n)]


def make_store(path: Path, paras: list[str], per_doc: int = 10):
    conn = sqlite3.connect(path)
    ix = DedupIndex(conn)
    ix.add_documents([(f"d{i}", paras[i : i + per_doc], "") for i in range(0, len(paras), per_doc)])
    conn.commit()
    return conn, ix


def sqlite_only(conn) -> DedupIndex:
    ix = DedupIndex(conn)
    ix._texts = None
    return ix


def drafts(paras: list[str]) -> list[str]:
    rng = random.Random(7)
    out = []
    for _ in range(4):
        out.append(
            "\n".join(repost(p, rng, ("number",)) if rng.random() < 0.6 else p[5:] for p in rng.sample(paras, 12))
        )
    return out


def test_texts_and_reports_equal_sqlite_alone(tmp_path):
    paras = paragraphs()
    conn, ix = make_store(tmp_path / "s.db", paras)
    nxt = int(conn.execute("SELECT value FROM dd_meta WHERE key = 'next_pid'").fetchone()[0])
    pids = list(range(0, nxt + 5))
    assert ix.paragraph_norms(pids) == sqlite_only(conn).paragraph_norms(pids)
    files = sorted((tmp_path / "s.db.texts").iterdir())
    assert len(files) == nxt // 64, "one file per complete block, none for the last one"
    for d in drafts(paras):
        rep = check_draft(ix, d)
        assert rep["matches"] and rep == check_draft(sqlite_only(conn), d)


def test_source_rows_and_twins_equal_sqlite_alone(tmp_path):
    # exact twins within a block, across blocks and in the last (incomplete) block; more
    # twins than the cap; twins removed (so later ones move up)
    paras = paragraphs(300)
    stock = [paras[5], paras[6]]
    docs = [(f"d{i}", paras[i : i + 10] + [stock[i % 2]] * (1 + i % 3), "") for i in range(0, 300, 10)]
    conn = sqlite3.connect(tmp_path / "s.db")
    ix = DedupIndex(conn)
    ix.add_documents(docs)
    conn.commit()
    nxt = int(conn.execute("SELECT value FROM dd_meta WHERE key = 'next_pid'").fetchone()[0])
    assert nxt % 64, "an incomplete last block"
    pids = list(range(0, nxt + 3))

    def compare():
        for cap in (None, 1, 3, 10, 500):
            got = ix.source_rows(pids, cap)
            assert got == sqlite_only(conn).source_rows(pids, cap)
        return got

    rows, twins = compare()
    assert ix._source_rows_from_files(ix._text_state(), pids, 10) is not None, "read from the files"
    assert max(len(t) for t in twins.values()) > 20 and any((tmp_path / "s.db.texts").iterdir())
    ix.remove_document("d0")
    conn.commit()
    compare()
    ix.add_documents([("late", [stock[0], stock[1]], "")])  # new twins after the files were written
    conn.commit()
    ix.remove_document("d20")
    conn.commit()
    compare()


def test_removed_paragraphs_are_not_read_from_the_files(tmp_path):
    paras = paragraphs()
    conn, ix = make_store(tmp_path / "s.db", paras)
    ds = drafts(paras)
    for d in ds:
        check_draft(ix, d)  # the files are written
    assert any((tmp_path / "s.db.texts").iterdir())
    ix.remove_document("d10")
    conn.commit()
    # as an earlier version's writer removes paragraphs: plain SQL, the trigger records them
    conn.execute("DELETE FROM dd_para WHERE did = (SELECT did FROM dd_doc WHERE doc = 'd20')")
    conn.commit()
    removed = {r[0] for r in conn.execute("SELECT pid FROM dd_gone")}
    assert len(removed) == 20
    everything = list(range(0, 700))
    got = ix.paragraph_norms(everything)
    assert not removed & got.keys()
    assert got == sqlite_only(conn).paragraph_norms(everything)
    other = sqlite3.connect(tmp_path / "s.db")  # a process that read the files before too
    for d in ds:
        assert check_draft(DedupIndex(other), d) == check_draft(sqlite_only(conn), d)


def test_reused_ids_after_a_reset_are_read_from_their_own_files(tmp_path):
    paras = paragraphs()
    conn, ix = make_store(tmp_path / "s.db", paras[:300])
    ix.paragraph_norms(range(300))
    before = {p.name.split("-")[0] for p in (tmp_path / "s.db.texts").iterdir()}
    ix.reset()
    ix.add_documents([(f"e{i}", paras[300 + i : 310 + i], "") for i in range(0, 300, 10)])
    conn.commit()
    got = ix.paragraph_norms(range(300))
    assert got == sqlite_only(conn).paragraph_norms(range(300))
    assert got[1] == conn.execute("SELECT norm FROM dd_para WHERE pid = 1").fetchone()[0]
    after = {p.name.split("-")[0] for p in (tmp_path / "s.db.texts").iterdir()}
    assert after - before, "the new epoch has its own files"
    assert conn.execute("SELECT COUNT(*) FROM dd_gone").fetchone()[0] == 0


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other_text"])
def test_a_damaged_file_is_written_again(tmp_path, damage):
    paras = paragraphs()
    conn, ix = make_store(tmp_path / "s.db", paras)
    truth = sqlite_only(conn).paragraph_norms(range(400))
    assert ix.paragraph_norms(range(400)) == truth
    path = sorted((tmp_path / "s.db.texts").iterdir())[1]
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data[:64] = b"x" * 64
    else:  # a sound file whose texts are not the store's: the sampled texts tell
        epoch = conn.execute("SELECT value FROM dd_meta WHERE key = 'text_epoch'").fetchone()[0]
        rows = conn.execute(
            f"SELECT {textfiles.COLUMNS} FROM {textfiles.TABLES} WHERE p.pid >= 64 AND p.pid < 128"
        ).fetchall()
        data = textfiles._encode(64, 64, [(*r[:4], r[4][::-1]) for r in rows], epoch, 1)
    path.write_bytes(bytes(data))
    TextFiles._all.clear()  # a new process
    ix = DedupIndex(conn)
    assert ix.paragraph_norms(range(400)) == truth
    assert path.read_bytes() != bytes(data), "written again from SQLite"


def test_a_read_only_store_of_an_earlier_version_is_read_from_sqlite(tmp_path):
    paras = paragraphs(200)
    conn, ix = make_store(tmp_path / "s.db", paras)
    conn.execute("DROP TRIGGER dd_para_gone")
    conn.execute("DROP TABLE dd_gone")
    conn.commit()
    ro = sqlite3.connect(f"file:{tmp_path / 's.db'}?mode=ro", uri=True)
    rix = DedupIndex(ro)
    assert rix._texts is None
    assert rix.paragraph_norms(range(200)) == sqlite_only(conn).paragraph_norms(range(200))
    assert not (tmp_path / "s.db.texts").exists()


def test_warm_writes_every_complete_block_and_the_twin_index_before_any_check(tmp_path):
    paras = paragraphs(300)
    conn, ix = make_store(tmp_path / "w.db", paras)
    nxt = int(conn.execute("SELECT value FROM dd_meta WHERE key = 'next_pid'").fetchone()[0])
    assert not (tmp_path / "w.db.texts").exists() or not any((tmp_path / "w.db.texts").iterdir())
    assert ix.warm_text_files() == nxt // 64 >= 2
    names = sorted(p.name for p in (tmp_path / "w.db.texts").iterdir())
    assert sum(n.endswith(".norms") for n in names) == nxt // 64
    assert any(f"-twins-{nxt // 64}.idx" in n for n in names)
    # a store without files (SQLite only) warms nothing and still checks
    assert sqlite_only(conn).warm_text_files() == 0


def test_an_ingest_leaves_the_text_files_written(backend, settings):
    """The embedded backend writes them after an ingest (with the compaction), not in the first check."""
    from govtext.documents import Document
    from pipeline import ingest_documents

    paras = paragraphs(300)
    docs = [Document(id=f"w{i}", title=f"文件{i}", text="\n".join(paras[i : i + 10])) for i in range(0, 300, 10)]
    report = ingest_documents(docs, backend, settings, analyzer=None)
    assert not report.problems, report.problems
    backend.wait_for_compaction(60)
    texts = list(Path(settings.data_dir).rglob("*.norms"))
    assert len(texts) >= 2, "the complete blocks' text files are written by the ingest"
    assert list(Path(settings.data_dir).rglob("*-twins-*.idx"))
    # the served check reads them through the store's connection (rows as sqlite3.Row)
    rep = backend.check("\n".join(paras[5:25]))
    assert rep["matches"] and rep["sources"]
