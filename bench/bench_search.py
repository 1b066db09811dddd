"""Search latency and throughput: govtext's API against SQLite FTS5, Whoosh and bare tantivy.

    .venv/bin/python bench/bench_search.py [--docs N] [--quick] [--workers W] [--load-seconds S]

One run, one corpus, one query set:

* corpus: ``--docs`` synthetic documents (default 100,000) recombined from the
  real corpus: each is a real title plus 5-30 real paragraphs drawn from
  documents of the same source (laws by section, reports by collection),
  seeded, so a run is reproducible. Built once and cached, with every index,
  under ``bench/results/search-d{N}-s{seed}/`` (gitignored); a re-run only
  measures. govtext's index is built by govtext's own ingest
  (``ingest_documents``, tagging off).
* queries: the 59 judged queries of tests/data/relevance.jsonl (their query
  strings) plus random single words and word pairs drawn from the corpus.
* engines, each timed on every query (one warm-up pass, then ``--passes``):
  (a) ``GET /api/v1/search`` on a real ``govtext serve`` process over
  loopback, with facets, snippets and collapsing on (the defaults);
  (b) SQLite FTS5 over the same jieba tokens (unicode61 over space-joined
  tokens, bm25 with the title weighted 2, top 10); (c) Whoosh with
  ``jieba.analyse.ChineseAnalyzer`` (the governance user words added to
  jieba), parsed by Whoosh's own parser (``-w`` written as ``NOT w``), top 10;
  (d) bare tantivy: ``searcher.search`` of the query govtext compiles, on
  govtext's index, no service. Also govtext's ``search()`` in-process, to
  split the API's time between the library and HTTP.
* throughput: queries per second of the API with 1..50 concurrent clients
  (Python threads, one keep-alive connection each, loopback).
* load: 50 clients for ``--load-seconds`` (default 60) while a
  ``govtext ingest`` subprocess writes new documents into the same data
  folder; every error is counted and reported. The server and the ingest
  work on a copy of the cached data folder, dropped afterwards, so the cache
  stays as built; an ingest still running 2 min after the load ends is stopped.

The machine's load average is printed: on a shared 2-core box the figures
move with the neighbours.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from common import (
    LAWS,
    REPO,
    REPORTS,
    free_port,
    latency_cells,
    percentile,
    read_jsonl,
    require_shared,
    row,
    wait_for_http,
)

RESULTS = REPO / "bench" / "results"
QUERIES = REPO / "tests" / "data" / "relevance.jsonl"
GOVTEXT = str(Path(sys.executable).parent / "govtext")
LOAD_MARKER = "loadtestmarker"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# -- corpus ----------------------------------------------------------------------


def source_pools() -> tuple[list[dict], dict[str, list[str]]]:
    """The real documents, and their paragraphs pooled by source."""
    real = read_jsonl(LAWS) + read_jsonl(REPORTS)
    pools: dict[str, list[str]] = {}
    for d in real:
        paras = [p.strip() for p in d["text"].split("\n") if len(p.strip()) >= 8]
        pools.setdefault(d["source"], []).extend(paras)
    return real, pools


def synthetic_docs(n: int, seed: int, prefix: str = "syn", title_suffix: str = ""):
    """``n`` documents: a real title + 5-30 real paragraphs of the same source (seeded)."""
    real, pools = source_pools()
    rng = random.Random(seed)
    for i in range(n):
        base = rng.choice(real)
        pool = pools[base["source"]]
        paras = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(5, 30))]
        yield {
            "id": f"{prefix}-{i:06d}",
            "title": base["title"] + title_suffix,
            "text": "\n".join(paras),
            "url": "",
            "date": base["date"],
            "source": base["source"],
            "region": base["region"],
            "doc_type": base["doc_type"],
        }


def build_corpus(path: Path, n: int, seed: int) -> None:
    if path.exists():
        return
    log(f"writing {n:,} synthetic documents to {path}")
    tmp = path.with_suffix(".tmp")
    chars = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for doc in synthetic_docs(n, seed):
            chars += len(doc["text"])
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    log(f"corpus: {n:,} documents, {chars:,} characters")


def iter_corpus(path: Path, every: int = 5000, label: str = ""):
    started = time.perf_counter()
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, start=1):
            yield json.loads(line)
            if i % every == 0:
                log(f"  {label}: {i:,} documents ({i / (time.perf_counter() - started):,.0f}/s)")


# -- building the indexes --------------------------------------------------------------


def build_govtext(corpus: Path, data: Path) -> None:
    done = data / "bench-complete"
    if done.exists():
        return
    if data.exists():
        shutil.rmtree(data)
    from govtext.documents import Document
    from govtext.settings import load_settings
    from pipeline import ingest_documents
    from search import open_backend

    log("govtext: ingest_documents (tagging off) ...")
    settings = load_settings(data_dir=data, analyze=False)
    backend = open_backend(settings)
    try:
        report = ingest_documents(
            (Document.from_dict(d) for d in iter_corpus(corpus, label="govtext")), backend, settings
        )
    finally:
        backend.close()
    assert not report.problems, report.problems[:3]
    done.write_text(json.dumps(report.to_dict()))
    log(f"govtext: {report.documents:,} documents in {report.seconds:.0f} s")


def build_fts(corpus: Path, path: Path) -> None:
    if path.exists():
        return
    from nlp.segment import index_fields

    log("FTS5: indexing the same jieba tokens and sub-words (unicode61) ...")
    tmp = path.with_suffix(".tmp")
    if tmp.exists():
        tmp.unlink()
    db = sqlite3.connect(tmp)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, sub, content='', tokenize='unicode61 remove_diacritics 0')"
    )
    db.execute("CREATE TABLE ids (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL)")
    started = time.perf_counter()
    batch = []
    for n, d in enumerate(iter_corpus(corpus, label="FTS5"), start=1):
        title, title_sub = index_fields(d["title"])
        body, body_sub = index_fields(d["text"])
        batch.append((n, title, body, (title_sub + " " + body_sub).strip(), d["id"]))
        if len(batch) >= 2000:
            _fts_insert(db, batch)
            batch = []
    _fts_insert(db, batch)
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    db.close()
    os.replace(tmp, path)
    log(f"FTS5: built in {time.perf_counter() - started:.0f} s")


def _fts_insert(db, batch) -> None:
    db.executemany(
        "INSERT INTO docs(rowid, title, body, sub) VALUES (?, ?, ?, ?)", [(r, t, b, s) for r, t, b, s, _ in batch]
    )
    db.executemany("INSERT INTO ids(rowid, id) VALUES (?, ?)", [(r, i) for r, _, _, _, i in batch])
    db.commit()


def whoosh_analyzer():
    import jieba
    from jieba.analyse import ChineseAnalyzer

    from govtext.settings import load_settings
    from nlp.segment import read_user_words

    for word, freq, tag in read_user_words(load_settings().config_dir / "userdict.txt"):
        jieba.add_word(word, freq, tag)
    return ChineseAnalyzer()


def build_whoosh(corpus: Path, path: Path) -> None:
    done = path / "bench-complete"
    if done.exists():
        return
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    log("Whoosh: indexing with jieba's ChineseAnalyzer (slow: pure Python) ...")
    analyzer = whoosh_analyzer()
    schema = Schema(id=ID(stored=True, unique=False), title=TEXT(analyzer=analyzer), body=TEXT(analyzer=analyzer))
    ix = index.create_in(str(path), schema)
    started = time.perf_counter()
    writer = ix.writer(limitmb=256)
    for d in iter_corpus(corpus, every=2000, label="Whoosh"):
        writer.add_document(id=d["id"], title=d["title"], body=d["text"])
    log("Whoosh: committing (merging segments) ...")
    writer.commit()
    done.write_text(f"{time.perf_counter() - started:.1f}")
    log(f"Whoosh: built in {time.perf_counter() - started:.0f} s")


# -- queries ---------------------------------------------------------------------------


def query_set(corpus: Path, n_random: int, seed: int) -> list[str]:
    from nlp.segment import index_tokens

    judged = [json.loads(line)["q"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed + 7)
    sample = []
    with corpus.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= 3000:
                break
            sample.append(json.loads(line)["text"])
    words = Counter()
    for text in sample:
        words.update(t for t in index_tokens(text) if len(t) >= 2 and not re.search(r"[\da-z]", t))
    vocab = sorted(w for w, c in words.items() if c >= 3)
    singles = [rng.choice(vocab) for _ in range(n_random * 2 // 3)]
    pairs = [f"{rng.choice(vocab)} {rng.choice(vocab)}" for _ in range(n_random - len(singles))]
    return judged + singles + pairs


def fts_expr(node) -> str:
    """The govtext query AST as an FTS5 MATCH expression over the same tokens.

    Mirrors TantivyIndex.compile: a token matches title, body or sub-words; a
    word of several tokens needs all of them; a synonym is an alternative word;
    a phrase is matched in title or body; ``title:`` restricts to the title.
    """
    from search.query import And, Match, Not, Or, Phrase, Term

    def quote(tokens) -> str:
        return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'

    def tokens_expr(tokens, field) -> str:
        if field:
            return " AND ".join(f"{{{field}}} : {quote([t])}" for t in tokens)
        return " AND ".join(quote([t]) for t in tokens)

    if isinstance(node, Term):
        alts = [tokens_expr(node.tokens, node.field)] + [tokens_expr(s, node.field) for s in node.synonyms]
        return " OR ".join(f"({a})" for a in alts)
    if isinstance(node, Phrase):
        if len(node.tokens) == 1:
            return tokens_expr(node.tokens, node.field)
        return f"{{{node.field or 'title body'}}} : {quote(node.tokens)}"
    if isinstance(node, And):
        pos = [f"({fts_expr(i)})" for i in node.items if not isinstance(i, Not)]
        neg = [f"({fts_expr(i.item)})" for i in node.items if isinstance(i, Not)]
        return " AND ".join(pos) + "".join(f" NOT {n}" for n in neg)
    if isinstance(node, Or):
        return " OR ".join(f"({fts_expr(i)})" for i in node.items)
    if isinstance(node, Match):  # required words, at least `minimum` of the optional ones: every such choice
        choices = [
            " AND ".join(f"({fts_expr(i)})" for i in combo)
            for combo in itertools.combinations(node.optional, min(node.minimum, len(node.optional)))
        ]
        parts = [f"({fts_expr(i)})" for i in node.required]
        if choices and choices != [""]:
            parts.append("(" + " OR ".join(f"({c})" for c in choices) + ")")
        return " AND ".join(parts) + "".join(f" NOT ({fts_expr(i)})" for i in node.excluded)
    raise TypeError(node)


def whoosh_text(q: str) -> str:
    return re.sub(r"(^|\s)-(?=\S)", r"\1NOT ", q)


# -- timing helpers ----------------------------------------------------------------------

FIRST_ERRORS: dict[str, str] = {}


def timed_passes(fn, items, passes: int, label: str = "") -> tuple[list[float], int]:
    """Milliseconds per call over ``passes`` passes after one warm-up pass; returns (times, errors).

    The first error of each engine is kept in FIRST_ERRORS and printed under the table.
    """
    errors = 0
    times = []
    for n in range(passes + 1):
        for it in items:
            t0 = time.perf_counter()
            try:
                fn(it)
            except Exception as exc:
                errors += 1
                FIRST_ERRORS.setdefault(label, f"{type(exc).__name__}: {str(exc)[:200]}")
                continue
            if n:  # pass 0 warms up
                times.append((time.perf_counter() - t0) * 1000)
    return times, errors


class ApiClient:
    """One keep-alive HTTP/1.1 connection to the API on loopback."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.conn = None
        self.reconnects = 0  # keep-alive connections the server closed between requests (retried once)

    def search(self, q: str, **params) -> dict:
        path = "/api/v1/search?" + urllib.parse.urlencode({"q": q, "limit": 10, **params})
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request("GET", path)
                resp = self.conn.getresponse()
                body = resp.read()
            except (ConnectionError, http.client.BadStatusLine, http.client.RemoteDisconnected):
                # the server closed an idle keep-alive connection: reconnect once (not an error)
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                self.reconnects += 1
                continue
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}: {body[:200]!r}")
            return json.loads(body)
        raise RuntimeError("unreachable")


def run_clients(port: int, queries: list[str], clients: int, seconds: float, seed: int = 0):
    """``clients`` threads hammering the API for ``seconds``; returns (done, latencies ms, errors Counter)."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors: Counter = Counter()
    done = [0, 0]

    def worker(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        client = ApiClient(port)
        mine, bad = [], Counter()
        while time.monotonic() < stop:
            q = rng.choice(queries)
            t0 = time.perf_counter()
            try:
                client.search(q)
                mine.append((time.perf_counter() - t0) * 1000)
            except Exception as exc:  # counted and reported, never hidden
                bad[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1
                if client.conn is not None:
                    client.conn.close()
                    client.conn = None
        with lock:
            latencies.extend(mine)
            errors.update(bad)
            done[0] += len(mine)
            done[1] += client.reconnects

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - started
    if done[1]:
        print(
            f"    note: {done[1]} keep-alive reconnect(s) (the server closed an idle connection; the request was "
            f"re-sent on a new connection)"
        )
    return done[0], elapsed, latencies, errors


# -- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="synthetic documents (default 100,000)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="development run: 3,000 documents, short load phases (unless --docs is given)",
    )
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument(
        "--random-queries", type=int, default=150, help="random corpus words/pairs added to the judged queries"
    )
    parser.add_argument("--passes", type=int, default=2, help="measured passes over the queries per engine")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of govtext serve")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--qps-seconds", type=float, default=10, help="seconds per concurrency level")
    parser.add_argument("--load-seconds", type=float, default=60, help="the load test's duration")
    parser.add_argument("--load-clients", type=int, default=50)
    parser.add_argument("--no-whoosh", action="store_true", help="skip Whoosh (its index build is the slowest part)")
    parser.add_argument(
        "--build-only", action="store_true", help="build (or check) the cached corpus and indexes, then stop"
    )
    args = parser.parse_args()
    if args.quick:
        if "--docs" not in sys.argv:
            args.docs = 3000
        args.qps_seconds, args.load_seconds, args.random_queries, args.passes = 3, 10, 40, 1
    require_shared()

    log(f"search benchmark: {args.docs:,} documents, seed {args.seed}, load average {loadavg()}, {os.cpu_count()} CPUs")
    cache = RESULTS / f"search-d{args.docs}-s{args.seed}"
    cache.mkdir(parents=True, exist_ok=True)
    corpus = cache / "corpus.jsonl"
    build_corpus(corpus, args.docs, args.seed)
    from search.tantivy_index import INDEX_VERSION

    gov_dir = cache / f"govtext-v{INDEX_VERSION}"  # a new index schema means a rebuild
    fts_path = cache / f"fts5-v{INDEX_VERSION}.sqlite3"
    build_govtext(corpus, gov_dir)
    build_fts(corpus, fts_path)
    if not args.no_whoosh:
        build_whoosh(corpus, cache / "whoosh")
    builds = json.loads((gov_dir / "bench-complete").read_text())
    if args.build_only:
        return
    log(f"indexes ready (govtext ingest took {builds['seconds']:.0f} s when built)")

    from govtext.settings import load_settings
    from search import open_backend
    from search.backend import SearchRequest
    from search.query import parse_query

    settings = load_settings(data_dir=gov_dir, analyze=False)
    queries = query_set(corpus, args.random_queries, args.seed)
    parsed = [parse_query(q, settings.config_dir, settings.max_query_chars) for q in queries]
    log(f"{len(queries)} queries ({len(queries) - args.random_queries} judged + {args.random_queries} random)")

    results: dict[str, tuple[list[float], int]] = {}
    totals: dict[str, list[int]] = {}

    # (d) bare tantivy on govtext's own index and compiled queries
    backend = open_backend(settings, writer=False)
    index = backend.index
    compiled = [index.compile(p.root) for p in parsed]
    searcher = index.searcher()
    log(f"bare tantivy ({searcher.num_docs:,} documents) ...")
    results["tantivy"] = timed_passes(
        lambda c: searcher.search(c, limit=10, count=True), compiled, args.passes, "tantivy"
    )
    totals["tantivy"] = [searcher.search(c, limit=10, count=True).count for c in compiled]

    # govtext search() in-process: parse, compile, search, collapse, facets, store rows, snippets
    log("govtext search() in-process ...")
    results["inproc"] = timed_passes(
        lambda q: backend.search(SearchRequest(q=q, limit=10)), queries, args.passes, "inproc"
    )

    # (b) SQLite FTS5 over the same tokens
    log("SQLite FTS5 ...")
    db = sqlite3.connect(fts_path, check_same_thread=False)
    exprs = [fts_expr(p.root) for p in parsed]

    def fts_search(expr: str):
        return db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 2.0, 1.0, 0.5) LIMIT 10", (expr,)
        ).fetchall()

    results["fts5"] = timed_passes(fts_search, exprs, args.passes, "fts5")
    fts_totals = []
    for e in exprs:
        try:
            fts_totals.append(db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (e,)).fetchone()[0])
        except sqlite3.Error:
            fts_totals.append(-1)
    totals["fts5"] = fts_totals

    # (c) Whoosh with ChineseAnalyzer
    if not args.no_whoosh:
        log("Whoosh ...")
        from whoosh import index as windex
        from whoosh.qparser import MultifieldParser

        whoosh_analyzer()
        wix = windex.open_dir(str(cache / "whoosh"))
        wsearcher = wix.searcher()
        qp = MultifieldParser(["title", "body"], wix.schema, fieldboosts={"title": 2.0})
        wqueries = [qp.parse(whoosh_text(q)) for q in queries]
        results["whoosh"] = timed_passes(lambda wq: wsearcher.search(wq, limit=10), wqueries, args.passes, "whoosh")
        totals["whoosh"] = [len(wsearcher.search(wq, limit=10)) for wq in wqueries]
    backend.close()

    # (a) the API on a real govtext serve process, on a copy of the cached folder (the load
    # test ingests into it; the copy is dropped afterwards, so the cache stays as built)
    run_dir = cache / "govtext-run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    log(f"copying the data folder for the served run ({gov_dir} -> {run_dir}) ...")
    shutil.copytree(gov_dir, run_dir)
    port = free_port()
    env = {**os.environ, "GOVTEXT_ANALYZE": "0", "GOVTEXT_ACCESS_LOG": "0"}
    log(f"starting govtext serve --workers {args.workers} --threads {args.threads} on 127.0.0.1:{port} ...")
    server = subprocess.Popen(
        [
            GOVTEXT,
            "--data",
            str(run_dir),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(cache / "serve.log", "w"),
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/v1/health", timeout=180)
        # every worker segments its first query with a cold dictionary: warm them all up first
        n, elapsed, lat, errs = run_clients(port, queries, 2 * args.workers * args.threads, 3 if args.quick else 8)
        log(
            f"warm-up: {n} queries, slowest {max(lat, default=0):.0f} ms (a worker's first query), "
            f"{sum(errs.values())} errors"
        )
        client = ApiClient(port)
        probe = client.search(queries[0])
        assert probe["facets"] and probe["hits"] and "snippet" in probe["hits"][0], "facets/snippets missing"
        log("API sequential latency (facets, snippets, collapsing on) ...")
        results["api"] = timed_passes(client.search, queries, args.passes, "api")

        print()
        print(
            f"search latency, {args.docs:,} documents, {len(queries)} queries x {args.passes} passes "
            f"(after a warm-up pass), one client; load average {loadavg()}"
        )
        row("engine", "p50 ms", "p99 ms", "mean ms", "p50 / tantivy", "p99 / tantivy", "errors")
        base = results["tantivy"][0]
        labels = [
            ("api", "govtext API over HTTP (facets+snip+coll.)"),
            ("inproc", "govtext search() in-process (same work)"),
            ("fts5", "SQLite FTS5, same jieba tokens, bm25"),
            ("whoosh", "Whoosh + jieba ChineseAnalyzer"),
            ("tantivy", "bare tantivy searcher.search (floor)"),
        ]
        for key, label in labels:
            if key not in results:
                continue
            ms, errs = results[key]
            p50, p99, mean = latency_cells(ms)
            ratios = (
                (
                    f"{percentile(ms, 50) / percentile(base, 50):.1f}x",
                    f"{percentile(ms, 99) / percentile(base, 99):.1f}x",
                )
                if ms
                else ("-", "-")
            )
            row(label, p50, p99, mean, *ratios, errs)
        for key, message in FIRST_ERRORS.items():
            print(f"  first error of {key}: {message}")
        for key in ("fts5", "whoosh"):
            if key in totals:
                same = sum(1 for a, b in zip(totals["tantivy"], totals[key]) if a == b)
                print(f"  match counts equal to tantivy's: {key} {same}/{len(queries)} queries")

        print()
        print(
            f"API throughput under concurrent load (Python threads, keep-alive, loopback), "
            f"{args.qps_seconds:.0f} s per level; server: {args.workers} workers x {args.threads} threads"
        )
        row("clients", "queries/s", "p50 ms", "p99 ms", "errors")
        for clients in (1, 4, 16, 50):
            n, elapsed, lat, errs = run_clients(port, queries, clients, args.qps_seconds, seed=clients)
            row(str(clients), f"{n / elapsed:,.1f}", *latency_cells(lat)[:2], sum(errs.values()))
            for msg, count in errs.most_common(5):
                print(f"    {count} x {msg}")

        # the load test: 50 clients while `govtext ingest` writes into the same folder
        if args.load_seconds > 0:  # 0: latency and throughput only
            print()
            load_test(args, cache, run_dir, port, queries, env)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    shutil.rmtree(run_dir, ignore_errors=True)
    log(f"done; load average {loadavg()}")


def load_test(args, cache: Path, run_dir: Path, port: int, queries: list[str], env: dict) -> None:
    """50 clients for N seconds while `govtext ingest` subprocesses write new documents."""
    chunk = 2000 if not args.quick else 300
    chunks_dir = cache / "load-ingest"
    chunks_dir.mkdir(exist_ok=True)
    ingest_log = open(cache / "load-ingest.log", "w")
    ids: list[str] = []
    ingests: list[tuple[float, int]] = []
    stop_at = time.monotonic() + args.load_seconds
    state = {"proc": None}

    def feeder() -> None:
        k = 0
        while time.monotonic() < stop_at - 3:
            path = chunks_dir / f"chunk-{k:03d}.jsonl"
            docs = list(
                synthetic_docs(chunk, args.seed + 1000 + k, prefix=f"load{k:03d}", title_suffix=f" {LOAD_MARKER}")
            )
            path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
            ids.extend(d["id"] for d in docs)
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [GOVTEXT, "--data", str(run_dir), "ingest", str(path), "--quiet"],
                env=env,
                stdout=ingest_log,
                stderr=ingest_log,
            )
            state["proc"] = proc
            rc = proc.wait()
            ingests.append((time.perf_counter() - t0, rc))
            k += 1

    log(
        f"load test: {args.load_clients} clients for {args.load_seconds:.0f} s while `govtext ingest` writes "
        f"chunks of {chunk:,} documents into the same data folder ..."
    )
    feed = threading.Thread(target=feeder, daemon=True)
    feed.start()
    n, elapsed, lat, errs = run_clients(port, queries, args.load_clients, args.load_seconds, seed=99)
    feed.join(120)  # let the running ingest finish, within bounds
    still = state["proc"] is not None and state["proc"].poll() is None
    if still:
        state["proc"].terminate()  # bounded in time: an ingest still running 2 min after the load ends is stopped
        state["proc"].wait(30)
    visible = ApiClient(port).search(LOAD_MARKER, collapse="false", facets="false")["total"]
    row("load test", "queries/s", "p50 ms", "p99 ms", "errors")
    row(
        f"{args.load_clients} clients, {elapsed:.0f} s, ingest running",
        f"{n / elapsed:,.1f}",
        *latency_cells(lat)[:2],
        sum(errs.values()),
    )
    for msg, count in errs.most_common(10):
        print(f"    {count} x {msg}")
    ok = sum(1 for _, rc in ingests if rc == 0)
    print(
        f"  {n:,} searches answered, {sum(errs.values())} errors; {len(ingests)} ingest run(s) "
        f"({ok} exit 0) wrote {len(ids):,} documents, "
        f"{sum(s for s, _ in ingests):.0f} s of ingest; {visible:,} of them searchable through the API at the end"
        + ("; the last ingest was still running 2 min after the load ended and was stopped" if still else "")
    )


if __name__ == "__main__":
    main()
