"""What every ``govtext`` command shares: settings and backend from the arguments,
JSON output, reading a draft from a file or stdin."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from govtext.errors import GovtextError
from govtext.settings import Settings, load_settings
from search import open_backend
from search.backend import Backend


def _settings(args) -> Settings:
    """The environment's settings, with ``--data`` over GOVTEXT_DATA; passed down to every stage."""
    if getattr(args, "data", None):
        return load_settings(data_dir=Path(args.data))
    return load_settings()


def _backend(args, writer: bool = True) -> Backend:
    return open_backend(_settings(args), writer=writer)


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _read_input(source: str) -> str:
    if source == "-":
        raw = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.is_file():
            raise GovtextError(f"{source}: no such file", code="not_found", status=404)
        raw = path.read_bytes()
    from ingest.encoding import decode_bytes

    if path_suffix(source) in (".html", ".htm"):
        from ingest.extract import extract_page

        return extract_page(raw).text
    if path_suffix(source) == ".docx" or path_suffix(source) == ".pdf":
        from ingest.loaders import load_bytes

        return "\n".join(d.text for d in load_bytes(raw, source))
    text, _ = decode_bytes(raw)
    return text


def path_suffix(source: str) -> str:
    return Path(source).suffix.lower() if source != "-" else ""
