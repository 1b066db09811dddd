"""Shared fixtures: real SQLite files in temp folders, a real app, the shared corpus.

The sample corpus lives in ../shared beside the repository; tests that need
it skip with a visible reason when it is absent (a user's own clone).
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.common import free_port, read_jsonl, wait_for_http  # noqa: E402,F401  (shared with the benchmarks)
from opensearch_node import opensearch_node, opensearch_url  # noqa: E402,F401  (session node, issue 13)

SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_0b7c18f88b416d3f.txt"
LAWS = SHARED / "corpus" / "laws.jsonl"
REPORTS = SHARED / "corpus" / "reports.jsonl"
GOVTEXT = str(Path(sys.executable).parent / "govtext")

# Module fixtures of these names start `govtext serve` as a process (a few seconds each):
# a test that uses one is slow, so `make test-fast` leaves it out and `make test` runs it.
SERVER_FIXTURES = {"server", "locked"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


needs_shared = pytest.mark.skipif(not SEED.exists(), reason="../shared (seed page and corpus) is not beside the repo")


@pytest.fixture
def settings(tmp_path):
    from govtext.settings import load_settings

    return load_settings(data_dir=tmp_path / "data")


@pytest.fixture
def backend(settings):
    from search import open_backend

    b = open_backend(settings)
    yield b
    b.close()


def store_of(data: Path, docs: list) -> Path:
    """A data folder holding ``docs`` (Document objects or dicts), ingested untagged."""
    from govtext.documents import Document
    from govtext.settings import load_settings
    from pipeline import ingest_documents
    from search import open_backend

    settings = load_settings(data_dir=data, analyze=False)
    backend = open_backend(settings)
    try:
        report = ingest_documents(
            [d if isinstance(d, Document) else Document.from_dict(d) for d in docs], backend, settings, analyzer=None
        )
        assert not report.problems, report.problems
    finally:
        backend.close()
    return data


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory):
    """A data folder holding the seed page and the 107 reports, ingested once per run."""
    if not SEED.exists():
        pytest.skip("../shared is not beside the repo")
    from govtext.settings import load_settings
    from pipeline import ingest_paths
    from search import open_backend

    data = tmp_path_factory.mktemp("seeded")
    settings = load_settings(data_dir=data)
    b = open_backend(settings)
    report = ingest_paths([SEED, REPORTS], b, settings)
    b.close()
    assert not report.problems, report.problems
    return data


@pytest.fixture(scope="session")
def seeded_backend(seeded_dir):
    from govtext.settings import load_settings
    from search import open_backend

    b = open_backend(load_settings(data_dir=seeded_dir), writer=False)
    yield b
    b.close()


@pytest.fixture(scope="session")
def seeded_app(seeded_dir):
    from govtext.settings import load_settings
    from service.app import create_app

    app = create_app(load_settings(data_dir=seeded_dir, api_token="test-token"))
    app.testing = True
    return app


@pytest.fixture
def client(seeded_app):
    return seeded_app.test_client()


def run_cli(
    *args: str, data: Path | None = None, input: bytes | None = None, timeout: float = 300, env: dict | None = None
) -> subprocess.CompletedProcess:
    cmd = [GOVTEXT]
    if data is not None:
        cmd += ["--data", str(data)]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(cmd + list(args), input=input, capture_output=True, timeout=timeout, env=full_env)


@contextmanager
def serving(data: Path, workers: int = 2, env: dict | None = None):
    """`govtext serve` on a free loopback port as a real process; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [GOVTEXT, "--data", str(data), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        wait_for_http(base + "/api/v1/health", timeout=60)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
