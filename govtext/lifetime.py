"""Child processes that do not outlive their parent.

A worker process (ingest's tagging pool, the serving front) calls
:func:`die_with_parent` first thing. When the parent dies - ``kill -9``,
SIGTERM, a crash - the child exits too instead of running on under PID 1
holding hundreds of megabytes:

- on Linux the kernel sends the child SIGKILL at once (``prctl(PR_SET_PDEATHSIG)``);
- everywhere, a daemon thread polls ``getppid()`` every ``POLL_SECONDS`` and
  exits the process when the parent has changed (re-parented to init or a
  subreaper), which also covers a parent *thread* that ends while its process
  lives on (PDEATHSIG follows the thread that forked).

A worker forked by a fork server (ingest's tagging pool) has the server for its
parent; :func:`die_with_process` makes it also exit when the process that asked
for it dies (the server lives as long as any worker does).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


def _set_parent_death_signal(sig: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def die_with_parent(parent: int | None = None, *, sig: int = signal.SIGKILL) -> None:
    """Make this process exit when ``parent`` (default: the current parent) exits."""
    parent = os.getppid() if parent is None else parent
    _set_parent_death_signal(sig)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="govtext-parent-watch", daemon=True).start()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # pragma: no cover - alive, another user's
        return False
    try:  # a killed process nobody has waited for yet is a zombie: dead too
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return False


def _watch_process(pid: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if _gone(pid):
            os._exit(1)


def die_with_process(pid: int) -> None:
    """Make this process exit within ``POLL_SECONDS`` of process ``pid`` (not its parent) exiting."""
    if _gone(pid):
        os._exit(1)
    threading.Thread(target=_watch_process, args=(pid,), name="govtext-process-watch", daemon=True).start()
