"""Python's cyclic garbage collector for a long batch job (ingest, its tagging workers).

With the default thresholds the collector runs some 250-600 times in each ingest process
and walks every long-lived object (the loaded dictionaries, tables and model: millions of
objects) at each full collection: about 0.15-0.25 CPU s per process on 600 documents.
:func:`settle` moves what is loaded so far into the permanent generation, which collections
skip (``gc.freeze``; before a fork it also keeps those pages shared), and lets the young
generation grow larger before it is collected, so objects that reference counting frees
anyway are seldom walked. Collection still runs; only its timing changes, never a result.
"""

from __future__ import annotations

import gc

#: allocations (minus deallocations) of tracked objects between young collections (Python's default: 700)
YOUNG = 20_000


def settle() -> None:
    """Freeze what is loaded now and collect the young generation less often (see module doc)."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(max(YOUNG, gc.get_threshold()[0]), middle, old)
