"""Faults on a real OpenSearch node (issue 13): back-pressure, a killed node, reindex under
load, a dropped connection. Needs the session's own node (``make test-opensearch`` or
``GOVTEXT_OPENSEARCH_TESTS=1``; tests/opensearch_node.py): the node is killed and
restarted here, and its small write pool is what makes 429s reachable. Against a node
named by ``GOVTEXT_OPENSEARCH_URL`` only the cases that leave the node alone run.

Every loop is bounded (documents, threads, seconds); all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from govtext.documents import Document
from govtext.errors import BackendError
from govtext.settings import load_settings
from opensearch_node import OS_SKIP
from search.backend import IndexedDocument, SearchRequest

pytestmark = [pytest.mark.opensearch, OS_SKIP]

GOVTEXT = str(Path(sys.executable).parent / "govtext")
TOPICS = [
    "网格化管理",
    "人民调解",
    "雪亮工程",
    "社区矫正",
    "信访工作",
    "安全生产",
    "应急管理",
    "营商环境",
    "乡村振兴",
    "生态环境",
    "食品安全",
    "公共法律服务",
]
PLACES = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区", "通州区", "顺义区"]


def synthetic_docs(n: int, tag: str) -> list[Document]:
    """``n`` distinct documents, three paragraphs each, no two alike (so no duplicate groups)."""
    docs = []
    for i in range(n):
        topic, place = TOPICS[i % len(TOPICS)], PLACES[(i // len(TOPICS)) % len(PLACES)]
        paragraphs = [
            f"{place}第{i}号文件：关于进一步加强{topic}工作的实施意见，编号{tag}{i:05d}。",
            f"各街道要围绕{topic}建立第{i}项工作台账，明确{i % 7 + 1}名责任人，按月报送进展情况。",
            f"本意见自{2000 + i % 26}年{i % 12 + 1}月{i % 28 + 1}日起施行，由{place}{topic}办公室负责解释。",
        ]
        docs.append(
            Document(
                text="\n".join(paragraphs),
                id=f"fault-{tag}-{i:05d}",
                title=f"{place}{topic}实施意见{i}",
                url=f"https://www.example.org/{tag}/{i}.html",
                date=f"{2000 + i % 26}-01-01",
            )
        )
    return docs


def enriched(docs: list[Document]) -> list[IndexedDocument]:
    from pipeline import enrich

    return [enrich(d, lambda _d: {}) for d in docs]


def open_os(url: str, tmp: Path, prefix: str = ""):
    from search import open_backend

    prefix = prefix or f"govtext-fault-{uuid.uuid4().hex[:8]}"
    return open_backend(load_settings(data_dir=tmp, backend="opensearch", opensearch_url=url, es_prefix=prefix))


def dispose(backend) -> None:
    try:
        backend.drop_indices()
    finally:
        backend.close()


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 - the loopback test node
        return json.loads(resp.read())


def write_rejections(url: str) -> int:
    nodes = _get(f"{url}/_nodes/stats/thread_pool")["nodes"]
    return sum(int(n["thread_pool"]["write"]["rejected"]) for n in nodes.values())


@pytest.fixture
def owned_node(opensearch_node):
    if not opensearch_node.owned:
        pytest.skip("needs the session's own node (GOVTEXT_OPENSEARCH_TESTS=1), not GOVTEXT_OPENSEARCH_URL")
    return opensearch_node


# -- 429: a saturated write pool is retried with back-off -----------------------------------------
def test_bulk_back_pressure_is_retried_until_every_document_is_in(owned_node, tmp_path):
    """Eight writers against a write pool of one thread and a queue of two: the node answers
    429 (its rejection counter grows) and the bulk helper's back-off gets every document in."""
    writers, per_writer, batch = 8, 15, 5
    backend = open_os(owned_node.url, tmp_path)
    backend.stats()  # indices and templates exist before the writers race
    docs = synthetic_docs(writers * per_writer, "bp")
    items = enriched(docs)
    before = write_rejections(owned_node.url)
    errors: list[str] = []

    def writer(k: int) -> None:
        mine = open_os(owned_node.url, tmp_path / f"w{k}", prefix=backend.prefix)
        try:
            chunk = items[k * per_writer : (k + 1) * per_writer]
            for start in range(0, len(chunk), batch):
                mine.write(chunk[start : start + batch])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            mine.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not any(t.is_alive() for t in threads), "writers still running after 300 s"
        rejected = write_rejections(owned_node.url) - before
        print(
            f"\nback-pressure: {len(docs)} documents by {writers} writers in {time.monotonic() - started:.1f} s, "
            f"{rejected} write rejections (429) absorbed"
        )
        assert errors == []
        assert rejected > 0, "the node never pushed back: the test did not exercise 429"
        stats = backend.stats()
        assert stats["documents"] == len(docs) and stats["paragraphs"] == 3 * len(docs)
        assert backend.content_hashes([d.id for d in docs]) == {d.id: d.content_hash for d in docs}
    finally:
        dispose(backend)


# -- the node killed during a bulk ingest -----------------------------------------------------------
def test_node_killed_mid_ingest_then_rerun_completes_exactly(owned_node, tmp_path):
    """`govtext ingest` against the node, SIGKILL to the node once documents arrive: the ingest
    fails with a clear error (no traceback); after a restart the same command completes, and
    the counts are exact: every document once, every paragraph once."""
    n = 200
    docs = synthetic_docs(n, "kill")
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    prefix = f"govtext-kill-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "GOVTEXT_BACKEND": "opensearch",
        "GOVTEXT_OPENSEARCH_URL": owned_node.url,
        "GOVTEXT_ES_PREFIX": prefix,
        "GOVTEXT_ANALYZE": "0",
        "GOVTEXT_INGEST_BATCH": "20",
        "GOVTEXT_INGEST_WORKERS": "1",
        "GOVTEXT_DATA": str(tmp_path / "data"),
    }
    cmd = [GOVTEXT, "ingest", "--quiet", str(source)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    count_url = f"{owned_node.url}/{prefix}-documents/_count"
    killed_at = None
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                seen = int(_get(count_url)["count"])
            except OSError:
                seen = 0
            if seen >= 30:
                owned_node.kill()
                killed_at = seen
                break
            time.sleep(0.2)
        out, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
        if killed_at is not None:
            owned_node.restart()
    assert killed_at is not None, f"the ingest ended before the node could be killed: {proc.returncode} {err}"
    assert proc.returncode != 0, out
    assert "Traceback" not in err and "OpenSearch" in err, err
    print(f"\nnode killed with {killed_at} of {n} documents in; ingest said: {err.strip().splitlines()[-1][:200]}")

    rerun = subprocess.run(cmd[:2] + ["--json", str(source)], env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    written = json.loads(rerun.stdout)
    assert written["added"] + written["updated"] + written["unchanged"] == n, written
    assert written["added"] >= n - killed_at - 20  # what was lost went in again, what was in was not re-added
    backend = open_os(owned_node.url, tmp_path / "check", prefix=prefix)
    try:
        stats = backend.stats()
        assert stats["documents"] == n and stats["paragraphs"] == 3 * n, stats
        assert backend.content_hashes([d.id for d in docs]) == {d.id: d.content_hash for d in docs}
        for k in (0, n // 2, n - 1):  # one document per unique number, no copy made of it
            hits = backend.search(SearchRequest(q=f'"kill{k:05d}"', collapse=False)).hits
            assert [h.id for h in hits] == [docs[k].id] and hits[0].copies == 1
    finally:
        dispose(backend)


# -- reindex while clients search ---------------------------------------------------------------
def test_reindex_while_twenty_clients_search(opensearch_url, tmp_path):
    """Twenty threads search while the indices are rebuilt and the aliases swapped: no error,
    and every answer has the full total (never a missing or half-built index)."""
    n, clients = 60, 20
    backend = open_os(opensearch_url, tmp_path)
    try:
        backend.write(enriched(synthetic_docs(n, "rx")))
        expected = backend.search(SearchRequest(q="实施意见", limit=5, facets=False)).total
        assert expected == n
        before = backend.stats()["indices"]
        done = threading.Event()
        errors: list[str] = []
        answers = [0] * clients
        wrong: list[int] = []

        def client(k: int) -> None:
            mine = open_os(opensearch_url, tmp_path / f"c{k}", prefix=backend.prefix)
            try:
                deadline = time.monotonic() + 300
                while not done.is_set() and time.monotonic() < deadline:
                    total = mine.search(SearchRequest(q=TOPICS[k % len(TOPICS)] + " OR 实施意见", limit=5)).total
                    answers[k] += 1
                    if total != n:
                        wrong.append(total)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                mine.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        started = time.monotonic()
        try:
            assert backend.reindex() == n
        finally:
            reindex_s = time.monotonic() - started
            time.sleep(1.0)
            done.set()
            for t in threads:
                t.join(timeout=60)
        after = backend.stats()["indices"]
        print(
            f"\nreindex of {n} documents in {reindex_s:.1f} s under {clients} searching clients: "
            f"{sum(answers)} searches, {len(errors)} errors, {len(wrong)} wrong totals"
        )
        assert errors == [] and wrong == []
        assert all(a > 0 for a in answers)
        assert all(after[k] != before[k] for k in after)
        assert backend.search(SearchRequest(q="实施意见", limit=5)).total == n
    finally:
        dispose(backend)


# -- a connection dropped in the middle of a draft check ------------------------------------------
class DroppingProxy:
    """A loopback TCP proxy to the node that, once ``drop()`` is called, resets every open
    connection and refuses new ones, like a network cut between govtext and the engine."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(32)
        self.port = self.server.getsockname()[1]
        self.requests = 0
        self.dropping = threading.Event()
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if self.dropping.is_set():
                self._reset(client)
                continue
            upstream = socket.create_connection(self.target, timeout=30)
            with self.lock:
                self.conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        try:
            while not self.dropping.is_set():
                data = src.recv(65536)
                if not data:
                    break
                if upstream and data[:5] in (b"POST ", b"GET /", b"PUT /", b"HEAD "):
                    self.requests += 1
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._reset(src)
            self._reset(dst)

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.close()
        except OSError:
            pass

    def drop(self) -> None:
        self.dropping.set()
        with self.lock:
            for s in self.conns:
                self._reset(s)

    def close(self) -> None:
        self.drop()
        self.server.close()


def test_dropped_connection_mid_check_is_a_clear_503(opensearch_url, tmp_path):
    """The HTTP API's draft check through a proxy that cuts the connection after the check's
    first requests: a 503 JSON problem naming OpenSearch, never a 500 with a trace."""
    from search.opensearch import OpenSearchBackend
    from service.app import create_app

    docs = synthetic_docs(30, "drop")
    writer = open_os(opensearch_url, tmp_path / "w")
    proxy = DroppingProxy(int(opensearch_url.rsplit(":", 1)[1]))
    try:
        writer.write(enriched(docs))
        settings = load_settings(
            data_dir=tmp_path / "p",
            backend="opensearch",
            opensearch_url=f"http://127.0.0.1:{proxy.port}",
            es_prefix=writer.prefix,
        )
        backend = OpenSearchBackend(settings)
        app = create_app(settings, backend=backend)
        client = app.test_client()
        draft = "\n".join(docs[3].text.splitlines() + docs[7].text.splitlines())
        ok = client.post("/api/v1/check", json={"text": draft})
        assert ok.status_code == 200 and ok.get_json()["overlap_ratio"] > 0.9
        calls = proxy.requests
        assert calls >= 2  # the check is several requests: a cut can fall between them

        original = backend.groups.msearch

        def cut_after_first(*args, **kwargs):  # the first lookup goes through, then the network drops
            result = original(*args, **kwargs)
            proxy.drop()
            return result

        backend.groups.msearch = cut_after_first
        resp = client.post("/api/v1/check", json={"text": draft})
        body = resp.get_json()
        assert resp.status_code == 503, (resp.status_code, body)
        text = json.dumps(body, ensure_ascii=False)
        assert "OpenSearch" in text and "Traceback" not in text and 'File "' not in text
        print(f"\ndropped connection: {resp.status_code} {text[:200]}")
        with pytest.raises(BackendError):
            backend.check(draft)
        backend.close()
    finally:
        proxy.close()
        dispose(writer)
