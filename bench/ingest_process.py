"""Where the ingest process's own CPU goes (not its tagging workers'): its main calls, GC, page faults, I/O.

    .venv/bin/python bench/ingest_process.py [--docs N]

Runs ``govtext ingest`` of bench_ingest's sample (the first N of reports, then
laws) into a fresh folder, as a real process under a small wrapper (``PROBE``
below; the same ``govtext`` code otherwise) that sums the thread CPU seconds
(user + system) of the calls listed in ``CALLS`` made by the main thread
(nested calls are included in their callers), the time the garbage collector
ran, and reads the process's page faults and I/O counters at the end. Run it
in two checkouts to compare them; one run moves with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import LAWS, REPORTS, read_jsonl, require_shared

#: (module, attribute path) of the timed calls
CALLS = [
    ("search", "open_backend"),
    ("nlp.segment", "get_segmenter"),
    ("pipeline", "Enricher.submit"),
    ("search.store", "Store.write_batch"),
    ("search.duplicates", "StoreDuplicates.on_write"),
    ("dedup.index", "fingerprint_paragraphs"),
    ("dedup.index", "DedupIndex._cluster_batch"),
    ("dedup.index", "DedupIndex._post"),
    ("dedup.index", "DedupIndex._link_groups"),
    ("search.embedded", "EmbeddedBackend.catch_up"),
    ("search.store", "Store.get"),
    ("search.embedded", "EmbeddedBackend._records"),
    ("search.embedded", "index_fields"),
    ("search.embedded", "EmbeddedBackend._compact"),
    ("pipeline", "Ingestor._keep_terms"),
    ("service.cli", "refresh_idf"),
]

#: runs ``govtext`` (argv after the script) and writes what it measured to $PROBE_OUT as JSON
PROBE = """
import gc, importlib, json, os, resource, sys, threading, time
spent = {}
def thread_cpu():
    r = resource.getrusage(resource.RUSAGE_THREAD)
    return r.ru_utime + r.ru_stime
def timed(label, f):
    def run(*a, **k):
        if threading.current_thread() is not threading.main_thread():
            return f(*a, **k)
        t = thread_cpu()
        try:
            return f(*a, **k)
        finally:
            spent[label] = spent.get(label, 0.0) + thread_cpu() - t
    return run
for module, path in json.loads(os.environ["PROBE_CALLS"]):
    owner = importlib.import_module(module)
    *parts, name = path.split(".")
    for part in parts:
        owner = getattr(owner, part)
    setattr(owner, name, timed(path, getattr(owner, name)))
gc_time, gc_start = [0.0], [0.0]
def on_gc(phase, info):
    if threading.current_thread() is threading.main_thread():
        if phase == "start":
            gc_start[0] = thread_cpu()
        else:
            gc_time[0] += thread_cpu() - gc_start[0]
gc.callbacks.append(on_gc)
from service.cli import main
code = main(sys.argv[1:])
me, main_thread = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_THREAD)
io = dict(line.split(": ") for line in open("/proc/self/io").read().split("\\n") if ": " in line)
json.dump({"calls": spent, "gc": gc_time[0], "process": me.ru_utime + me.ru_stime, "system": me.ru_stime,
           "main_thread": main_thread.ru_utime + main_thread.ru_stime, "faults": me.ru_minflt + me.ru_majflt,
           "read_mb": int(io["rchar"]) / 1e6, "written_mb": int(io["wchar"]) / 1e6,
           "read_calls": int(io["syscr"]), "write_calls": int(io["syscw"])}, open(os.environ["PROBE_OUT"], "w"))
sys.exit(code)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=600)
    args = parser.parse_args()
    require_shared()
    docs = (read_jsonl(REPORTS) + read_jsonl(LAWS))[: args.docs]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "docs.jsonl"
        source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        out = Path(tmp) / "probe.json"
        env = {**os.environ, "GOVTEXT_ANALYZE": "1", "PROBE_OUT": str(out), "PROBE_CALLS": json.dumps(CALLS)}
        subprocess.run(
            [sys.executable, "-c", PROBE, "--data", f"{tmp}/data", "ingest", str(source), "--quiet"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            cwd=tmp,  # python -c puts the working folder first on sys.path
        )
        found = json.loads(out.read_text())
    print(f"govtext ingest of {len(docs)} documents: the ingest process (not its tagging workers)")
    print(f"{'process CPU (all threads)':36} {found['process']:7.2f} s (system {found['system']:.2f} s)")
    print(f"{'main thread CPU':36} {found['main_thread']:7.2f} s")
    for _, path in CALLS:
        if path in found["calls"]:
            print(f"  {path:34} {found['calls'][path]:7.2f} s")
    print(f"  {'garbage collection':34} {found['gc']:7.2f} s")
    print(
        f"page faults {found['faults']:,}; read {found['read_mb']:.0f} MB in {found['read_calls']:,} calls, "
        f"written {found['written_mb']:.0f} MB in {found['write_calls']:,} calls"
    )


if __name__ == "__main__":
    main()
