"""File loaders: txt, md, html, docx, pdf, jsonl → Documents.

Every loader takes bytes and a name and returns Documents; errors are
:class:`SourceError` with the file (and line) they concern. JSONL is read line
by line so that one broken line is reported with its number while the good
lines still load.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator

from govtext.documents import Document
from govtext.errors import BadInput, SourceError
from govtext.validation import loads_json

SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".docx", ".pdf", ".jsonl", ".ndjson"}
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_MARKUP = re.compile(r"(\*\*|__|`|!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\))")


@dataclass
class LoadProblem:
    """A file or line that could not be loaded; reported, never fatal for the rest."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class Loaded:
    documents: list[Document] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


def decode_text(raw: bytes, name: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030, verified."""
    from ingest.encoding import decode_bytes

    try:
        text, _encoding = decode_bytes(raw)
    except SourceError as exc:
        raise SourceError(f"{name}: {exc.message}") from None
    return text


def _title_from_lines(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().strip("\u3000")
        if line:
            return line[:200]
    return ""


def load_txt(raw: bytes, name: str, url: str) -> list[Document]:
    """Plain text; a .txt copy of a web page loses its breadcrumb and footer lines."""
    from ingest.extract import extract_text

    text = decode_text(raw, name)
    doc = extract_text(text, url)
    doc.title = doc.title or _title_from_lines(doc.text)
    doc.source = doc.source or "file"
    return [doc]


def load_md(raw: bytes, name: str, url: str) -> list[Document]:
    text = decode_text(raw, name)
    title, lines = "", []
    for line in text.splitlines():
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
            title = title or line
        lines.append(_MD_MARKUP.sub(lambda m: m.group(2) or "", line))
    body = "\n".join(lines)
    return [Document(text=body, title=title or _title_from_lines(body), url=url, source="file")]


def load_html(raw: bytes, name: str, url: str) -> list[Document]:
    from ingest.extract import extract_page

    doc = extract_page(raw, url=url)
    doc.source = doc.source or "file"
    return [doc]


def load_docx(raw: bytes, name: str, url: str) -> list[Document]:
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises zipfile/KeyError/lxml errors
        raise SourceError(f"{name}: not a readable .docx file ({type(exc).__name__})") from None
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                paragraphs.append(" ".join(dict.fromkeys(cells)))
    text = "\n".join(paragraphs)
    title = (document.core_properties.title or "").strip() or _title_from_lines(text)
    return [Document(text=text, title=title, url=url, source="file")]


def load_pdf(raw: bytes, name: str, url: str) -> list[Document]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"{name}: not a readable PDF ({exc})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise SourceError(f"{name}: the PDF has no text layer (scanned image?)")
    meta_title = ""
    try:
        meta_title = (reader.metadata.title or "").strip() if reader.metadata else ""
    except Exception:  # broken metadata must not lose the text
        meta_title = ""
    return [Document(text=text, title=meta_title or _title_from_lines(text), url=url, source="file")]


def iter_jsonl(raw: bytes, name: str) -> Iterator[Document | LoadProblem]:
    """Documents of a JSONL file, or a LoadProblem for each line that is not one."""
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield Document.from_dict(loads_json(line))  # depth-checked: no RecursionError
        except BadInput as exc:
            yield LoadProblem(name, exc.message, number)


LOADERS = {
    ".txt": load_txt,
    ".text": load_txt,
    ".md": load_md,
    ".markdown": load_md,
    ".html": load_html,
    ".htm": load_html,
    ".xhtml": load_html,
    ".docx": load_docx,
    ".pdf": load_pdf,
}


def load_bytes(raw: bytes, filename: str, url: str = "") -> list[Document]:
    """Documents from the bytes of one file (JSONL: its good lines; problems raise)."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        docs = []
        for item in iter_jsonl(raw, filename):
            if isinstance(item, LoadProblem):
                raise SourceError(str(item))
            docs.append(item)
        return docs
    loader = LOADERS.get(suffix)
    if loader is None:
        raise SourceError(
            f"{filename}: unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(SUFFIXES))}"
        )
    if not raw.strip():
        raise SourceError(f"{filename}: the file is empty")
    docs = loader(raw, filename, url)
    return [d for d in docs if d.text.strip()] or _empty(filename)


def _empty(filename: str) -> list[Document]:
    raise SourceError(f"{filename}: no text found")


def iter_files(paths: list[str | Path]) -> Iterator[Path | LoadProblem]:
    """Files to load under the given paths (folders recursively, sorted)."""
    for entry in paths:
        path = Path(entry)
        if not path.exists():
            yield LoadProblem(str(entry), "no such file or directory")
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUFFIXES and not child.name.startswith("."):
                    yield child
        else:
            yield path


def load_file(path: Path, max_bytes: int = 512 * 1024 * 1024) -> Loaded:
    """Load one file; a file-level failure becomes a problem, JSONL lines fail one by one."""
    result = Loaded()
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(f"{name}: file too large ({size} bytes, limit {max_bytes})")
        raw = path.read_bytes()
    except OSError as exc:
        result.problems.append(LoadProblem(name, exc.strerror or str(exc)))
        return result
    except SourceError as exc:
        result.problems.append(LoadProblem(name, exc.message.split(": ", 1)[-1]))
        return result
    url = path.resolve().as_uri()
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for item in iter_jsonl(raw, name):
            if isinstance(item, LoadProblem):
                result.problems.append(item)
            else:
                result.documents.append(item)
        return result
    try:
        result.documents.extend(load_bytes(raw, name, url))
    except SourceError as exc:
        result.problems.append(LoadProblem(name, exc.message.removeprefix(name + ": ")))
    return result
