"""The optional native kernels (``govtext_native``, Rust, built from ``native/`` by ``make install``).

Every kernel computes exactly what the Python or numpy code it stands in for computes
(the tests compare the two). Without them (no Rust toolchain at install, an import
error, ``GOVTEXT_NATIVE=0``, or a build of another version) the Python code runs; that
is logged once, by the module that asked.
"""

from __future__ import annotations

import logging
from typing import Any

from govtext.settings import load_settings

log = logging.getLogger(__name__)


def load(user: str, check=lambda module: True) -> Any:
    """``govtext_native`` for ``user`` (a name for the log), or None: turned off, not
    installed, or failing ``check`` (a build of another version)."""
    if not load_settings().native:
        log.info("%s: native kernels off (GOVTEXT_NATIVE=0); using Python", user)
        return None
    try:
        import govtext_native  # type: ignore[import-not-found]
    except ImportError as e:
        log.warning("%s: native kernels not installed (%s); using Python (run `make install`)", user, e)
        return None
    if not check(govtext_native):
        log.warning("%s: native kernels of another version; using Python (run `make install`)", user)
        return None
    return govtext_native
