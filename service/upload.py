"""A draft uploaded as a file (.txt, .md, .docx, .pdf) for the 查重 page and API.

The bytes are read in memory through the ingest loaders and never stored; the
request size is capped by ``GOVTEXT_MAX_REQUEST_BYTES`` (Flask answers 413).
An encrypted, scanned (no text layer), broken or unsupported file is a
``BadInput`` (400) with a message saying which.
"""

from __future__ import annotations

from pathlib import Path

from govtext.errors import BadInput, SourceError

SUFFIXES = (".txt", ".md", ".docx", ".pdf")


def draft_from_upload(storage) -> str:
    """The text of an uploaded file (a werkzeug ``FileStorage``)."""
    name = Path(storage.filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInput(
            f"不支持的文件类型 {suffix or '（无扩展名）'}：请上传 .docx、.pdf 或 .txt 文件", code="unsupported_upload"
        )
    raw = storage.read()
    if not raw.strip():
        raise BadInput(f"{name}：文件是空的", code="empty_upload")
    if suffix in (".txt", ".md"):
        from ingest.encoding import decode_bytes

        text, _ = decode_bytes(raw)
        return text
    from ingest.loaders import load_bytes

    try:
        docs = load_bytes(raw, name)
    except SourceError as exc:
        raise BadInput(f"无法读取上传的文件（加密、扫描件或已损坏）：{exc.message}", code="bad_upload") from None
    return "\n".join(d.text for d in docs)
