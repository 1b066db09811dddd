"""Build, start, wait for and stop the development OpenSearch node (engines/opensearch/).

    python engines/opensearch/launch.py build            # Maven: classes + jars (first run downloads ~50 MB)
    python engines/opensearch/launch.py start [--port N] # background node; prints its URL; waits for green
    python engines/opensearch/launch.py stop             # clean stop (SIGTERM, then SIGKILL after 30 s)
    python engines/opensearch/launch.py status

``make opensearch`` / ``make opensearch-stop`` call these. Tests use :func:`start` and
:meth:`Node.stop` directly (tests/opensearch_node.py). Everything is bounded in time:
the build by ``BUILD_TIMEOUT``, the start by ``START_TIMEOUT``, the stop by ``STOP_TIMEOUT``.

The node listens on 127.0.0.1 only, with no security plugin: for development and
tests, never for a network. Its heap is ``GOVTEXT_OPENSEARCH_HEAP`` (default 512m,
at most 1g is sensible on the 2-core machines); its data lives in a temporary
directory unless ``--home`` names one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSES, LIB = HERE / "target" / "classes", HERE / "target" / "lib"
MAIN_CLASS = "govtext.engine.OpenSearchNode"
STATE = HERE / "target" / "node.json"  # the `make opensearch` node, for `stop` and `status`
BUILD_TIMEOUT = 900
START_TIMEOUT = 480  # a shared 2-core machine under load has taken over 3 min
STOP_TIMEOUT = 30


class LaunchError(RuntimeError):
    pass


def _sources() -> list[Path]:
    return [HERE / "pom.xml", *sorted((HERE / "src").rglob("*.java"))]


def built() -> bool:
    stamp = HERE / "target" / ".built"
    return stamp.exists() and all(p.stat().st_mtime <= stamp.stat().st_mtime for p in _sources())


def build(quiet: bool = True) -> float:
    """Compile the launcher class and copy the jars (skipped when up to date); seconds spent."""
    if built():
        return 0.0
    mvn = shutil.which("mvn")
    if not mvn:
        raise LaunchError("mvn is not on PATH: install Maven (Debian package 'maven') and Java 17")
    started = time.monotonic()
    cmd = [mvn, "-B", *(["-q"] if quiet else []), "compile", "dependency:copy-dependencies"]
    try:
        done = subprocess.run(cmd, cwd=HERE, timeout=BUILD_TIMEOUT, capture_output=quiet, text=True)
    except subprocess.TimeoutExpired:
        raise LaunchError(f"the Maven build took longer than {BUILD_TIMEOUT} s: {' '.join(cmd)}") from None
    if done.returncode:
        tail = ((done.stdout or "") + (done.stderr or ""))[-2000:]
        raise LaunchError(f"the Maven build failed ({' '.join(cmd)} in {HERE}):\n{tail}")
    (HERE / "target" / ".built").touch()
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - loopback only
        return json.loads(resp.read().decode("utf-8"))


@dataclass
class Node:
    """A running node: its process, HTTP port and home directory."""

    process: subprocess.Popen | None
    pid: int
    port: int
    transport_port: int
    home: Path
    log: Path
    owns_home: bool = False
    heap: str = ""
    settings: dict | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        try:
            os.kill(self.pid, 0)
            return True
        except OSError:
            return False

    def wait_green(self, timeout: float = START_TIMEOUT) -> float:
        """Seconds until the cluster answers green (LaunchError with the log's tail otherwise)."""
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise LaunchError(f"the OpenSearch node exited while starting; last lines of {self.log}:\n"
                                  + self.log_tail())
            try:
                health = _get(f"{self.url}/_cluster/health?wait_for_status=green&timeout=2s", timeout=5)
                if health.get("status") == "green":
                    return time.monotonic() - started
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        raise LaunchError(f"the OpenSearch node on {self.url} was not green after {timeout:.0f} s; "
                          f"last lines of {self.log}:\n" + self.log_tail())

    def restart(self) -> "Node":
        """A new node on the same ports, home (data) and settings, once this one has exited."""
        node = start(port=self.port, home=self.home, heap=self.heap, transport_port=self.transport_port,
                     settings=self.settings)
        node.owns_home = self.owns_home
        return node

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """SIGKILL, no clean shutdown (fault tests: the node dies mid-request)."""
        self._signal(signal.SIGKILL)
        self._wait_exit(STOP_TIMEOUT)

    def stop(self, remove_home: bool | None = None) -> None:
        """SIGTERM (the node closes cleanly), SIGKILL after STOP_TIMEOUT; then remove a
        temporary home."""
        if self.alive():
            self._signal(signal.SIGTERM)
            if not self._wait_exit(STOP_TIMEOUT):
                self._signal(signal.SIGKILL)
                self._wait_exit(10)
        if remove_home if remove_home is not None else self.owns_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def _signal(self, sig) -> None:
        try:
            os.kill(self.pid, sig)
        except OSError:
            pass

    def _wait_exit(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None:
                try:
                    self.process.wait(timeout=0.5)
                    return True
                except subprocess.TimeoutExpired:
                    continue
            if not self.alive():
                return True
            time.sleep(0.3)
        return not self.alive()


def start(port: int = 0, home: Path | None = None, heap: str = "", transport_port: int = 0,
          wait: bool = True, detach: bool = False, settings: dict | None = None) -> Node:
    """Start a node (building first if needed) and, with ``wait``, return once it is green.
    ``home`` reused keeps the data of an earlier node (restart after a crash); ``settings``
    are extra node settings (``{"thread_pool.write.queue_size": "2"}``)."""
    build()
    java = shutil.which("java")
    if not java:
        raise LaunchError("java is not on PATH: OpenSearch 2.19 needs Java 17 or newer")
    heap = heap or os.environ.get("GOVTEXT_OPENSEARCH_HEAP", "512m")
    owns = home is None
    home = Path(home) if home else Path(tempfile.mkdtemp(prefix="govtext-opensearch-"))
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    transport_port = transport_port or free_port()
    log = home / "node.log"
    cmd = [java, f"-Xms{heap}", f"-Xmx{heap}",
           "-Dlog4j2.disable.jmx=true", "-Djava.awt.headless=true",
           "-cp", f"{CLASSES}{os.pathsep}{LIB}/*", MAIN_CLASS, str(home), str(port), str(transport_port),
           *(f"{k}={v}" for k, v in (settings or {}).items())]
    with open(log, "ab") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=detach)
    node = Node(process, process.pid, port, transport_port, home, log, owns, heap, settings)
    if wait:
        try:
            node.wait_green()
        except BaseException:
            node.stop()
            raise
    return node


def _load_state() -> Node | None:
    try:
        data = json.loads(STATE.read_text())
    except (OSError, ValueError):
        return None
    return Node(None, int(data["pid"]), int(data["port"]), int(data["transport_port"]), Path(data["home"]),
                Path(data["home"]) / "node.log", bool(data.get("owns_home")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "start", "stop", "status"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("GOVTEXT_OPENSEARCH_PORT", "9201")))
    parser.add_argument("--home", type=Path, default=None, help="data folder (default: a new temporary one)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            spent = build(quiet=False)
            print(f"built in {spent:.0f} s" if spent else "already built")
            return 0
        running = _load_state()
        if args.command == "status":
            if running and running.alive():
                print(f"running: {running.url} (pid {running.pid}, data in {running.home})")
                return 0
            print("not running")
            return 1
        if args.command == "stop":
            if running is None:
                print("no node started by `make opensearch`")
                return 0
            running.stop()
            STATE.unlink(missing_ok=True)
            print(f"stopped the node on {running.url}")
            return 0
        if running and running.alive():
            print(f"already running: {running.url} (stop it with `make opensearch-stop`)")
            return 0
        spent = build()
        started = time.monotonic()
        node = start(port=args.port, home=args.home, detach=True)
        STATE.write_text(json.dumps({"pid": node.pid, "port": node.port, "transport_port": node.transport_port,
                                     "home": str(node.home), "owns_home": node.owns_home}))
        print(f"OpenSearch 2.19.6 is green on {node.url} after {time.monotonic() - started:.0f} s"
              + (f" (build {spent:.0f} s)" if spent else "") + f"; data in {node.home}")
        print(f"  export GOVTEXT_BACKEND=opensearch GOVTEXT_OPENSEARCH_URL={node.url}")
        return 0
    except LaunchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
