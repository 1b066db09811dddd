"""The OpenSearch node the tests run against (engines/opensearch/), once per session.

``GOVTEXT_OPENSEARCH_URL`` set: the tests use that node (nothing is started; the fault
tests that kill a node skip). ``GOVTEXT_OPENSEARCH_TESTS=1`` (``make test-opensearch``):
the first test that needs it builds and starts a node on a free loopback port with
a temporary data folder, and the session stops it and removes the folder at the end.
Neither: the OpenSearch cases are skipped with that reason in the summary.

The node's write thread pool is one thread with a queue of two, so that parallel
bulk requests really meet 429 rejections (tests/test_opensearch_faults.py); the
conformance cases write from one thread and never fill it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OS_URL = os.environ.get("GOVTEXT_OPENSEARCH_URL", "")
OS_TESTS = os.environ.get("GOVTEXT_OPENSEARCH_TESTS", "") in ("1", "true", "yes")
OS_ENABLED = bool(OS_URL or OS_TESTS)
OS_SKIP = pytest.mark.skipif(
    not OS_ENABLED,
    reason="OpenSearch run skipped: set GOVTEXT_OPENSEARCH_TESTS=1 "
    "(`make test-opensearch` starts a node) or GOVTEXT_OPENSEARCH_URL",
)
#: settings of the test node: a small write pool, so that back-pressure (429) is reachable
TEST_NODE_SETTINGS = {"thread_pool.write.size": "1", "thread_pool.write.queue_size": "2"}


def launcher():
    """engines/opensearch/launch.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("govtext_os_launch", REPO / "engines" / "opensearch" / "launch.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


class NodeHandle:
    """The session's node: its URL, and (when the session started it) kill and restart."""

    def __init__(self, url: str, node=None):
        self.url = url
        self.node = node

    @property
    def owned(self) -> bool:
        return self.node is not None

    def kill(self) -> None:
        self.node.kill()

    def restart(self) -> None:
        self.node = self.node.restart()

    def stop(self) -> None:
        if self.node is not None:
            self.node.stop()


@pytest.fixture(scope="session")
def opensearch_node():
    if OS_URL:
        yield NodeHandle(OS_URL)
        return
    if not OS_TESTS:
        pytest.skip("OpenSearch run skipped: set GOVTEXT_OPENSEARCH_TESTS=1 or GOVTEXT_OPENSEARCH_URL")
    launch = launcher()
    try:
        node = launch.start(settings=TEST_NODE_SETTINGS)
    except launch.LaunchError as exc:
        pytest.fail(f"could not start the OpenSearch node: {exc}")
    handle = NodeHandle(node.url, node)
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture(scope="session")
def opensearch_url(opensearch_node) -> str:
    return opensearch_node.url
