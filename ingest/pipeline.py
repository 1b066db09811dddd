"""The pipeline: sources → Documents → enriched → backend, in batches.

Each stage is a plain function so the CLI, the API and the crawler share it:
``load`` (ingest/loaders.py) → :func:`enrich` → ``backend.write``. Unchanged
documents (same content hash as stored) are skipped before enrichment, so a
second ingest of the same files costs little more than reading them.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from govtext.documents import Document
from govtext.settings import Settings
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

    def to_dict(self) -> dict:
        return {
            "files": self.files, "documents": self.documents, "characters": self.characters,
            "added": self.written.added, "updated": self.written.updated, "unchanged": self.written.unchanged,
            "problems": [{"path": p.path, "line": p.line, "message": p.message} for p in self.problems],
            "seconds": round(self.seconds, 2),
        }


def analyze_document(doc: Document) -> dict:
    """Themes, keywords, entities and type of a document (nlp/analyze.py)."""
    from nlp.analyze import analyze

    return analyze(doc.text, doc.title)


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


class Ingestor:
    """Feeds Documents to a backend in batches; usable by the CLI, API and crawler."""

    def __init__(self, backend, settings: Settings, progress: bool = False,
                 analyzer: Callable[[Document], dict] | None = analyze_document):
        self.backend = backend
        self.settings = settings
        self.analyzer = analyzer if settings.analyze else None
        self.report = IngestReport()
        self._batch: list[Document] = []
        self._bar = None
        if progress:
            from tqdm import tqdm

            self._bar = tqdm(unit="doc", desc="ingest", file=sys.stderr, dynamic_ncols=True, total=0)

    def expect(self, n: int) -> None:
        if self._bar is not None:
            self._bar.total = (self._bar.total or 0) + n
            self._bar.refresh()

    def add(self, doc: Document, where: str = "", line: int | None = None) -> None:
        problem = validate(doc, self.settings)
        if problem:
            self.report.problems.append(LoadProblem(where or doc.id, problem, line))
            self._tick(1)
            return
        self._batch.append(doc)
        if len(self._batch) >= self.settings.ingest_batch:
            self.flush()

    def flush(self) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        # Later copies of one id in a batch win, as they would across batches.
        batch = list({d.id: d for d in batch}.values())
        known = self.backend.content_hashes([d.id for d in batch])
        fresh = [d for d in batch if known.get(d.id) != d.content_hash]
        self.report.written.unchanged += len(batch) - len(fresh)
        if fresh:
            self.report.written += self.backend.write([enrich(d, self.analyzer) for d in fresh])
        self.report.documents += len(batch)
        self.report.characters += sum(len(d.text) for d in batch)
        self._tick(len(batch))

    def _tick(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> IngestReport:
        self.flush()
        if self._bar is not None:
            self._bar.close()
        return self.report


def ingest_paths(paths: Iterable[str | Path], backend, settings: Settings, progress: bool = False,
                 analyzer: Callable[[Document], dict] | None = analyze_document) -> IngestReport:
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


def ingest_documents(docs: Iterable[Document], backend, settings: Settings,
                     analyzer: Callable[[Document], dict] | None = analyze_document) -> IngestReport:
    started = time.perf_counter()
    ingestor = Ingestor(backend, settings, analyzer=analyzer)
    for doc in docs:
        ingestor.add(doc)
    report = ingestor.close()
    report.seconds = time.perf_counter() - started
    return report
