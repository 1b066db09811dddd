"""What a watch may be, one rule for every backend (tracing/watches.py, tracing/watches_engine.py)."""

from __future__ import annotations

from govtext.errors import BadInput

from .trace import probe_of, validate_passage

KINDS = ("passage", "query")
MAX_WATCHES = 1000
MAX_NAME = 200
#: documents examined per refresh step (a bulk ingest is caught up in steps)
CHANGES_PER_STEP = 5000


def validate_watch(backend, kind, text, name, max_query_chars: int) -> str:
    """The watch's text, or BadInput (one rule for every backend)."""
    if kind not in KINDS:
        raise BadInput(f"kind must be one of {', '.join(KINDS)}", code="bad_kind")
    if not isinstance(name, str) or len(name) > MAX_NAME:
        raise BadInput(f"name must be text of at most {MAX_NAME} characters")
    if kind == "passage":
        text = validate_passage(text)
        probe_of(text)  # too short to trace: refuse now, not at every refresh
    else:
        from search.query import parse_query

        if not isinstance(text, str):
            raise BadInput("the query must be text", code="bad_query")
        parse_query(text, getattr(backend.settings, "config_dir", None), max_query_chars)
    return text
