"""The pipeline: sources → Documents → enriched → backend, in batches.

Each stage is a plain function so the CLI, the API and the crawler share it:
``load`` (ingest/loaders.py) → :func:`enrich` → ``backend.write``. Unchanged
documents (same content hash as stored) are skipped before enrichment, so a
second ingest of the same files costs little more than reading them.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from collections.abc import Callable, Iterable

from govtext.documents import Document
from govtext.settings import Settings, load_settings
from ingest.loaders import LoadProblem, iter_files, load_file
from ingest.text import split_paragraphs
from search.backend import IndexedDocument, WriteSummary


@dataclass
class IngestReport:
    files: int = 0
    documents: int = 0
    characters: int = 0
    written: WriteSummary = field(default_factory=WriteSummary)
    problems: list[LoadProblem] = field(default_factory=list)
    seconds: float = 0.0
    #: toolbar/breadcrumb lines dropped at the ends of given texts, and the documents they came from
    chrome_lines: int = 0
    chrome_documents: int = 0

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "documents": self.documents,
            "characters": self.characters,
            "added": self.written.added,
            "updated": self.written.updated,
            "unchanged": self.written.unchanged,
            "problems": [{"path": p.path, "line": p.line, "message": p.message} for p in self.problems],
            "seconds": round(self.seconds, 2),
            "chrome_lines_removed": self.chrome_lines,
            "chrome_documents": self.chrome_documents,
        }


def analyze_document(doc: Document, settings: Settings | None = None) -> dict:
    """Themes, keywords, entities and type of a document (nlp/analyze.py)."""
    from govtext.errors import BadInput
    from nlp.analyze import analyze

    try:
        return analyze(doc.text, doc.title, settings=settings)
    except BadInput:  # e.g. a text with no Chinese: stored and searchable, just untagged
        return {}


def analyze_document_terms(doc: Document, settings: Settings | None = None) -> tuple[dict, set[str] | None]:
    """:func:`analyze_document` and the text's IDF term set, from one segmentation (nlp/idf_terms.py)."""
    found = analyze_for_ingest(doc, settings)
    return found[0], found[1]


def analyze_for_ingest(
    doc: Document, settings: Settings | None = None
) -> tuple[dict, set[str] | None, list[str] | None, str | None]:
    """:func:`analyze_document_terms`, the document's paragraphs and its body's index tokens (None when
    not found), from one segmentation (:func:`nlp.analyze.analyze_for_ingest`)."""
    from govtext.errors import BadInput
    from nlp.analyze import analyze_for_ingest as analyze_all

    try:
        return analyze_all(doc.text, doc.title, settings=settings)
    except BadInput:
        return {}, None, None, None


def enrich(doc: Document, analyzer: Callable[[Document], dict] | None = analyze_document) -> IndexedDocument:
    paragraphs = split_paragraphs(doc.text)
    analysis = analyzer(doc) if analyzer else {}
    return IndexedDocument(doc, paragraphs, analysis)


def validate(doc: Document, settings: Settings) -> str | None:
    """Why a document cannot be ingested, or None."""
    if not doc.text.strip():
        return "the document has no text"
    if len(doc.text) > settings.max_doc_chars:
        return f"the document is too long ({len(doc.text)} characters; limit {settings.max_doc_chars})"
    return None


def _start_worker(parent: int, config_dir: Path, user_words: list, forked: bool = False) -> None:
    from govtext.lifetime import die_with_parent, die_with_process

    from nlp.segment import preset_user_words

    # a spawned worker dies with this process; a forked one with the fork server, its parent, and with
    # this process (the server lives as long as any worker it forked does)
    die_with_parent(None if forked else parent)
    if forked:
        die_with_process(parent)
    preset_user_words(config_dir, user_words)


#: tagging pools of this process whose workers the fork server forked and that are not closed yet
_forked_pools = 0
_forked_lock = threading.Lock()


def _open_fork_server_pool() -> None:
    global _forked_pools
    with _forked_lock:
        _forked_pools += 1


def _stop_fork_server() -> None:
    """When no other pool of this process uses it, stop the fork server and wait for it (the workers it
    forked have exited): like spawned workers, it and they are then this process's waited-for children,
    whose CPU time ``getrusage`` reports. (The server lives as long as any worker it forked: stopping it
    under another open pool would wait for that pool.)"""
    global _forked_pools
    from multiprocessing import forkserver

    with _forked_lock:
        _forked_pools -= 1
        if _forked_pools > 0:
            return
        stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
        if stop is not None:
            stop()


def _start_fork_server(data_dir: Path) -> None:
    """Start the fork server, unless it runs already, with ``data_dir`` as its GOVTEXT_DATA: :mod:`nlp.warm`
    then loads the IDF table this pool's workers weigh keywords with (``data_dir``'s ``idf.json``, or
    jieba's generic table when it has none, keyed as the workers look it up), not the table of the
    folder the environment names. Without it, ``govtext ingest --data X`` run where ``./data`` is not X
    has every worker load its table itself (jieba's generic one: about 0.23 CPU s per worker)."""
    from multiprocessing import forkserver

    value = str(data_dir)
    with _forked_lock:  # one pool at a time sets and restores the variable
        before = os.environ.get("GOVTEXT_DATA")
        os.environ["GOVTEXT_DATA"] = value
        try:
            forkserver.ensure_running()
        finally:
            if before is None:
                del os.environ["GOVTEXT_DATA"]
            else:
                os.environ["GOVTEXT_DATA"] = before


def _worker_context():
    """(multiprocessing context, whether its workers are forked by the fork server) for the tagging pool.

    Workers are not forked from this process (it holds index threads) but from a fork server: a fresh
    process that imports the analysis and loads its tables once (:mod:`nlp.warm`), so each worker starts
    with them loaded. Without fork servers (not POSIX), workers are spawned and load them each."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Linux has it
        return multiprocessing.get_context("spawn"), False
    ctx = multiprocessing.get_context("forkserver")
    # the main module as spawned workers import it, then the analysis (a server already running keeps its own)
    ctx.set_forkserver_preload(["__main__", "pipeline", "nlp.warm"])
    return ctx, True


class Enricher:
    """Enriches batches, tagging in worker processes when a batch is big enough.

    Tagging costs more than everything else ingest does; with workers it runs
    on the other cores while this process stores and indexes the previous
    batch. Workers are forked by a fork server that loaded the NLP models once
    (not by this process: it holds index threads; :func:`_worker_context`).
    """

    MIN_PARALLEL = 16

    def __init__(self, analyzer: Callable[[Document], dict] | None, workers: int, settings: Settings | None = None):
        self.workers = workers if analyzer is analyze_document else 0
        # the default analyzer gets the settings (the data folder's corpus IDF, the size limit)
        self.analyzer = partial(analyze_document, settings=settings) if analyzer is analyze_document else analyzer
        # ... and also gives each text's IDF term set, which the ingest keeps for refresh_idf, its paragraphs
        # and its body's index tokens, which the index takes instead of segmenting the text again
        self._with_terms = partial(analyze_for_ingest, settings=settings) if analyzer is analyze_document else None
        #: (text, IDF term set) of the documents enriched since :meth:`take_terms`
        self.terms: list[tuple[str, set[str]]] = []
        self.settings = settings
        self._pool: ProcessPoolExecutor | None = None
        self._forked = False

    def take_terms(self) -> list[tuple[str, set[str]]]:
        terms, self.terms = self.terms, []
        return terms

    def _collect(self, docs: list[Document], results) -> list[IndexedDocument]:
        from nlp.segment import give_index_tokens

        out = []
        for d, (analysis, terms, paragraphs, index_body) in zip(docs, results):
            if terms is not None:
                self.terms.append((d.text, terms))
            if paragraphs is None:
                paragraphs = split_paragraphs(d.text)
            if index_body is not None:
                give_index_tokens("\n".join(paragraphs), index_body)
            out.append(IndexedDocument(d, paragraphs, analysis))
        return out

    def submit(self, docs: list[Document]) -> Callable[[], list[IndexedDocument]]:
        if self._with_terms is not None and (self.workers < 2 or len(docs) < self.MIN_PARALLEL):
            enriched = self._collect(docs, map(self._with_terms, docs))
            return lambda: enriched
        if not self.analyzer or self.workers < 2 or len(docs) < self.MIN_PARALLEL:
            enriched = [enrich(d, self.analyzer) for d in docs]
            return lambda: enriched
        if self._pool is None:
            from nlp.segment import get_segmenter

            segmenter = get_segmenter(self.settings)
            context, self._forked = _worker_context()
            if self._forked:
                _open_fork_server_pool()
                _start_fork_server((self.settings or load_settings()).data_dir)
            # workers exit with this process, even after kill -9 (govtext/lifetime.py), and
            # get the user words this process resolved (they need not load jieba for it)
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(), segmenter.config_dir, segmenter.resolved_user_words(), self._forked),
            )
        chunk = max(1, len(docs) // (self.workers * 4))
        if self._with_terms is not None:
            with_terms = self._pool.map(self._with_terms, docs, chunksize=chunk)
            return lambda: self._collect(docs, with_terms)
        futures = self._pool.map(self.analyzer, docs, chunksize=chunk)
        return lambda: [IndexedDocument(d, split_paragraphs(d.text), a) for d, a in zip(docs, futures)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            if self._forked:
                _stop_fork_server()


class Ingestor:
    """Feeds Documents to a backend in batches; usable by the CLI, API and crawler."""

    def __init__(
        self,
        backend,
        settings: Settings,
        progress: bool = False,
        analyzer: Callable[[Document], dict] | None = analyze_document,
    ):
        self.backend = backend
        self.settings = settings
        self.enricher = Enricher(analyzer if settings.analyze else None, settings.ingest_workers, settings)
        self.report = IngestReport()
        #: compact the posting segments in a background thread when done (an API write)
        self.compact_in_background = False
        self._batch: list[Document] = []
        self._pending: tuple[Callable[[], list[IndexedDocument]], int] | None = None
        self._bar = None
        if progress:
            from tqdm import tqdm

            self._bar = tqdm(unit="doc", desc="ingest", file=sys.stderr, dynamic_ncols=True, total=0)

    def expect(self, n: int) -> None:
        if self._bar is not None:
            self._bar.total = (self._bar.total or 0) + n
            self._bar.refresh()

    def add(self, doc: Document, where: str = "", line: int | None = None) -> None:
        if self.settings.strip_given_chrome:
            self._strip_chrome(doc)
        problem = validate(doc, self.settings)
        if problem:
            self.report.problems.append(LoadProblem(where or doc.id, problem, line))
            self._tick(1)
            return
        self._batch.append(doc)
        if len(self._batch) >= self.settings.ingest_batch:
            self.flush()

    def _strip_chrome(self, doc: Document) -> None:
        """Toolbar and breadcrumb lines at the ends of the text go; doc.meta keeps them."""
        from ingest.chrome import strip_given_chrome

        text, removed = strip_given_chrome(doc.text)
        if removed:
            doc.text = text
            doc.meta["chrome_removed"] = removed
            self.report.chrome_lines += len(removed)
            self.report.chrome_documents += 1

    def flush(self) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        # Later copies of one id in a batch win, as they would across batches.
        batch = list({d.id: d for d in batch}.values())
        known = self.backend.content_hashes([d.id for d in batch])
        fresh = [d for d in batch if known.get(d.id) != d.content_hash]
        self.report.written.unchanged += len(batch) - len(fresh)
        # Tag this batch (in workers) while the previous one is written.
        self._tick(len(batch) - len(fresh))
        pending = (self.enricher.submit(fresh), len(fresh)) if fresh else None
        self.drain()
        self._pending = pending
        if self.enricher.workers < 2:
            self.drain()
        self.report.documents += len(batch)
        self.report.characters += sum(len(d.text) for d in batch)

    def drain(self) -> None:
        """Write the batch whose tagging was submitted last."""
        if self._pending is not None:
            from nlp.segment import forget_index_tokens

            (pending, count), self._pending = self._pending, None
            enriched = pending()
            try:
                self.report.written += self.backend.write(enriched)
            finally:
                forget_index_tokens("\n".join(d.paragraphs) for d in enriched)
            self._keep_terms()
            self._tick(count)

    def _keep_terms(self) -> None:
        """Keep the written texts' IDF term sets for refresh_idf (an aid: it tokenizes texts without one)."""
        terms = self.enricher.take_terms()
        if not terms:
            return
        import sqlite3

        from nlp.idf_terms import IdfTermStore

        try:
            store = IdfTermStore(self.settings.data_dir)
            try:
                store.put(terms)
            finally:
                store.close()
        except (OSError, sqlite3.Error):
            pass

    def _tick(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> IngestReport:
        try:
            self.flush()
            self.drain()
        finally:
            self.enricher.close()
        if self._bar is not None:
            self._bar.close()
        w = self.report.written
        after = getattr(self.backend, "after_ingest", None)
        if after is not None and (w.added or w.updated):
            after(background=self.compact_in_background)
        return self.report


def ingest_paths(
    paths: Iterable[str | Path],
    backend,
    settings: Settings,
    progress: bool = False,
    analyzer: Callable[[Document], dict] | None = analyze_document,
) -> IngestReport:
    started = time.perf_counter()
    ingestor = Ingestor(backend, settings, progress, analyzer)
    for item in iter_files(list(paths)):
        if isinstance(item, LoadProblem):
            ingestor.report.problems.append(item)
            continue
        loaded = load_file(item)
        ingestor.report.files += 1
        ingestor.report.problems.extend(loaded.problems)
        ingestor.expect(len(loaded.documents))
        for doc in loaded.documents:
            ingestor.add(doc, str(item))
        ingestor.flush()
    report = ingestor.close()
    report.seconds = time.perf_counter() - started
    return report


def ingest_documents(
    docs: Iterable[Document],
    backend,
    settings: Settings,
    analyzer: Callable[[Document], dict] | None = analyze_document,
) -> IngestReport:
    started = time.perf_counter()
    ingestor = Ingestor(backend, settings, analyzer=analyzer)
    ingestor.compact_in_background = True  # the API's write path: the request need not wait
    for doc in docs:
        ingestor.add(doc)
    report = ingestor.close()
    report.seconds = time.perf_counter() - started
    return report
