"""Killing `govtext ingest` (kill -9 or SIGTERM) leaves no tagging worker or resource tracker behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import GOVTEXT, LAWS, needs_shared, read_jsonl

pytestmark = pytest.mark.slow  # every test here starts govtext processes; `make test-fast` leaves them out


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for kid in map(int, kids):
                if kid not in found:
                    found.add(kid)
                    todo.append(kid)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@needs_shared
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_ingest_takes_its_workers_with_it(tmp_path, sig):
    docs = read_jsonl(LAWS, limit=400)
    source = tmp_path / "laws.jsonl"
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    env = {**os.environ, "GOVTEXT_INGEST_WORKERS": "2", "GOVTEXT_INGEST_BATCH": "40"}
    proc = subprocess.Popen(
        [GOVTEXT, "--data", str(tmp_path / "d"), "ingest", str(source), "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        if len(workers) >= 3:  # two tagging workers and the resource tracker
            time.sleep(1.0)  # let them get to work
            workers = _children(proc.pid)
            break
        time.sleep(0.1)
    assert proc.poll() is None and len(workers) >= 2, "ingest finished before its workers could be seen"
    os.kill(proc.pid, sig)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    left = [w for w in workers if _alive(w)]
    for w in left:  # do not leave them to the next test either
        os.kill(w, signal.SIGKILL)
    assert not left, f"{len(left)} of {len(workers)} worker processes outlived the killed ingest"
