"""kill -9 in the middle of an ingest: nothing committed is lost, the index
catches up on the next start, and re-running the ingest completes it."""

import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import GOVTEXT, LAWS, needs_shared, read_jsonl, run_cli


@pytest.mark.slow  # a whole-corpus pass: `make test` runs it, `make test-fast` leaves it out
@needs_shared
def test_kill_dash_nine_mid_ingest(tmp_path):
    docs = read_jsonl(LAWS, limit=600)
    source = tmp_path / "laws600.jsonl"
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    data = tmp_path / "d"
    env = {**os.environ, "GOVTEXT_INGEST_BATCH": "40"}
    proc = subprocess.Popen(
        [GOVTEXT, "--data", str(data), "ingest", str(source), "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = data / "govtext.sqlite3"
    committed = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    committed = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.Error:
                committed = 0
            if committed >= 120:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; use a larger input"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    # What was committed is there; nothing half-written.
    with sqlite3.connect(db) as conn:
        after_kill = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        orphans = conn.execute(
            "SELECT COUNT(*) FROM paragraphs WHERE doc_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert after_kill >= committed and after_kill < 600 and orphans == 0

    # The next start catches the index up with the store.
    stats = json.loads(run_cli("stats", "--json", data=data).stdout)
    assert stats["documents"] == after_kill
    from govtext.settings import load_settings
    from search import open_backend

    backend = open_backend(load_settings(data_dir=data))
    stats = backend.stats()
    assert stats["indexed_documents"] == stats["documents"] == after_kill
    assert stats["index_watermark"] == stats["store_seq"]
    backend.close()

    # Re-running completes the ingest without duplicates.
    rerun = run_cli("ingest", str(source), "--json", data=data, env={"GOVTEXT_INGEST_BATCH": "40"})
    assert rerun.returncode == 0, rerun.stderr.decode()
    report = json.loads(rerun.stdout)
    assert report["unchanged"] >= after_kill and report["added"] == 600 - after_kill
    stats = json.loads(run_cli("stats", "--json", data=data).stdout)
    assert stats["documents"] == stats["indexed_documents"] == 600
    hits = json.loads(run_cli("search", "条例", "--json", "--limit", "100", "--no-collapse", data=data).stdout)["hits"]
    ids = [h["id"] for h in hits]
    assert len(ids) == len(set(ids))
