"""The SQLite store and its index: idempotence, replacement, WAL, migrations, watermark."""

import sqlite3

from govtext.documents import Document
from search.backend import IndexedDocument, SearchRequest
from search.store import SCHEMA_VERSION, Store


def indexed(doc_id, text, title=""):
    doc = Document(id=doc_id, text=text, title=title)
    return IndexedDocument(doc, [p for p in text.split("\n") if p], {})


def test_wal_mode_and_schema_version(settings, backend):
    conn = sqlite3.connect(settings.data_dir / Store.FILENAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reingest_adds_nothing_and_change_replaces(backend):
    first = backend.write([indexed("a", "坚持和发展新时代枫桥经验"), indexed("b", "推进网格化管理")])
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    again = backend.write([indexed("a", "坚持和发展新时代枫桥经验")])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    changed = backend.write([indexed("a", "完善矛盾纠纷多元化解机制")])
    assert changed.updated == 1
    assert backend.stats()["documents"] == 2
    assert backend.search(SearchRequest(q="枫桥经验")).total == 0
    assert [h.id for h in backend.search(SearchRequest(q="矛盾纠纷多元化解")).hits] == ["a"]


def test_delete_removes_from_store_and_index(backend):
    backend.write([indexed("a", "雪亮工程建设"), indexed("b", "雪亮工程全覆盖")])
    assert backend.delete(["a", "missing"]) == 1
    assert [h.id for h in backend.search(SearchRequest(q="雪亮工程")).hits] == ["b"]
    assert backend.get("a") is None


def test_index_behind_store_is_caught_up_on_open(settings, backend):
    """Simulate a crash after the store commit and before the index commit."""
    from search import open_backend

    backend.write([indexed("a", "三治融合")])
    backend.store.write_batch([(Document(id="late", text="诉源治理工作"), ["诉源治理工作"], {})])
    assert backend.index.watermark < backend.store.last_seq()  # the index is behind
    backend.close()
    reopened = open_backend(settings)
    try:
        assert [h.id for h in reopened.search(SearchRequest(q="诉源治理")).hits] == ["late"]
        stats = reopened.stats()
        assert stats["index_watermark"] == stats["store_seq"]
    finally:
        reopened.close()


def test_iter_texts_gives_the_texts_of_iter_documents(backend):
    """refresh_idf reads the texts alone: the same texts in the same order, past a page of 200."""
    backend.write([indexed(f"d{i:03d}", f"第{i}号\n网格员 巡查{i % 7}") for i in range(230)])
    backend.delete(["d005"])
    texts = list(backend.iter_texts())
    assert len(texts) == 229
    assert texts == [d["text"] for d in backend.iter_documents()]


def test_a_writing_connection_gets_the_write_cache_and_a_reading_one_keeps_the_default(settings, backend):
    import threading

    backend.write([indexed("a", "三治融合")])
    assert backend.store.conn.execute("PRAGMA cache_size").fetchone()[0] == -settings.sqlite_write_cache_mb * 1024
    reading = Store(settings.data_dir, readonly=True, write_cache_mb=settings.sqlite_write_cache_mb)
    default = sqlite3.connect(":memory:").execute("PRAGMA cache_size").fetchone()[0]
    assert reading.conn.execute("PRAGMA cache_size").fetchone()[0] == default
    seen = []  # another thread's connection of the writing store, before and after its first write
    worker = threading.Thread(
        target=lambda: (
            seen.append(backend.store.conn.execute("PRAGMA cache_size").fetchone()[0]),
            backend.store.write_batch([(Document(id="b", text="网格化管理"), ["网格化管理"], {})]),
            seen.append(backend.store.conn.execute("PRAGMA cache_size").fetchone()[0]),
            backend.store.close(),
        )
    )
    worker.start()
    worker.join()
    assert seen == [default, -settings.sqlite_write_cache_mb * 1024]
    reading.close()


def test_reindex_rebuilds_from_store(backend):
    backend.write([indexed(f"d{i}", f"第{i}号 网格员 巡查") for i in range(30)])
    backend.index.clear()
    assert backend.index.num_docs() == 0
    assert backend.reindex() == 30
    assert backend.search(SearchRequest(q="网格员")).total == 30


def test_newer_schema_is_refused(settings, backend):
    import pytest

    backend.store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer"):
        Store(settings.data_dir)


def test_a_store_from_before_edition_keys_is_migrated_on_open(tmp_path):
    """A schema-1 store (no edition_key column) gets the column, its index and every key."""
    from search.fields import edition_key_of
    from search.store import MIGRATIONS
    from search.versions import EDITION_SCHEME

    path = tmp_path / Store.FILENAME
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[1] + "; PRAGMA user_version = 1;")
    row = "INSERT INTO documents(id, title, text, region, doc_type, date, content_hash, chars, added_at, updated_at)"
    conn.execute(row + " VALUES ('a', '某某条例', '第一条', '上海', 'regulation', '2010-01-01', 'h', 3, '', '')")
    conn.execute(row + " VALUES ('b', '某某条例', '第一条', '上海', 'regulation', '2020-01-01', 'h2', 3, '', '')")
    conn.execute(row + " VALUES ('r', '政府工作报告', '报告', '全国', 'report', '2020-01-01', 'h3', 2, '', '')")
    conn.commit()
    conn.close()
    store = Store(tmp_path, edition_key=edition_key_of, edition_scheme=EDITION_SCHEME)
    assert store.schema_version() == SCHEMA_VERSION
    keys = dict(store.conn.execute("SELECT id, edition_key FROM documents").fetchall())
    assert keys["a"] == keys["b"] == "上海市|某某条例" and keys["r"] == ""
    assert sorted(r["id"] for r in store.editions_of(["a"])["a"]) == ["a", "b"]
    assert store.editions_of(["r"]) == {}
    conn = store.conn
    conn.execute(row + " VALUES ('c', '另一条例', '第一条', '上海', 'regulation', '2010-01-01', 'h4', 3, '', '')")
    conn.execute(row + " VALUES ('d', '另一条例', '第一条', '上海', 'regulation', '2010-01-01', 'h5', 3, '', '')")
    conn.execute("UPDATE documents SET edition_key = '上海市|另一条例' WHERE id IN ('c', 'd')")
    # a page asks only for the hits whose key has another date: a sole edition, or one
    # printed twice (two sources, one date), is left out
    assert sorted(store.editions_of(["a", "c", "r"], shared=True)) == ["a"]
    assert sorted(r["id"] for r in store.editions_of(["a", "c"], shared=True)["a"]) == ["a", "b"]
    assert sorted(store.editions_of(["a", "c", "r"])) == ["a", "c"]
    plan = " ".join(
        str(r[3])
        for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM documents WHERE edition_key = ? AND edition_key != ''", ("x",)
        )
    )
    assert "documents_edition" in plan


def test_retagging_rekeys_an_undeclared_document(backend):
    """Without a declared type the analysis's type decides whether a title has editions."""
    backend.write([indexed("a", "第一条 总则", title="某某办法")])
    assert backend.store.editions_of(["a"]) == {}
    backend.set_analysis([("a", {"doc_type": {"id": "law"}, "primary_region": {"province": "浙江省"}})])
    assert [r["id"] for r in backend.store.editions_of(["a"])["a"]] == ["a"]
