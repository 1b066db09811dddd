"""Memory management for a long batch job (ingest and its tagging workers).

Python's cyclic garbage collector runs, with its default thresholds, some 250-600 times in each
ingest process and walks every long-lived object (the loaded dictionaries, tables and model:
millions of objects) at each full collection: about 0.15-0.25 CPU s per process on 600
documents. And glibc's allocator hands arrays above its mmap threshold (numpy's, SQLite's
buffers) back to the kernel when freed, so the next one faults its pages in afresh: some
130,000 page faults, about 1 CPU s of system time, in the ingest process.

:func:`settle` moves what is loaded so far into the collector's permanent generation, which
collections skip (``gc.freeze``; before a fork it also keeps those pages shared), lets the young
generation grow larger before it is collected, so objects that reference counting frees anyway
are seldom walked, and (glibc only) keeps freed memory in the process for the next allocation.
Collection and allocation still happen; only their timing changes, never a result.
"""

from __future__ import annotations

import gc

#: allocations (minus deallocations) of tracked objects between young collections (Python's default: 700)
YOUNG = 20_000
#: glibc's M_TRIM_THRESHOLD and M_MMAP_THRESHOLD (mallopt): free memory kept, allocations served from the heap
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: ... up to this size (mallopt's maximum mmap threshold on 64-bit is 32 MiB; larger arrays are mapped anyway)
KEEP_BYTES = 32 << 20


def settle() -> None:
    """Freeze what is loaded now, collect the young generation less often and keep freed memory
    for reuse (see module doc)."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(max(YOUNG, gc.get_threshold()[0]), middle, old)
    _keep_freed_memory()


def _keep_freed_memory() -> None:
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): its defaults stay
        return
    mallopt(_M_MMAP_THRESHOLD, KEEP_BYTES)
    mallopt(_M_TRIM_THRESHOLD, 4 * KEEP_BYTES)
