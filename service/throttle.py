"""Bounded work for expensive requests: a per-client budget and a per-process concurrency cap.

Expensive requests are the duplicate checks (API and 查重 page) and the
exports. Each client address has a budget of ``check_bytes_per_minute`` bytes
of request body (a check costs at least ``MIN_COST``, an export ``EXPORT_COST``),
refilled continuously; past it the answer is 429 with ``Retry-After``. And at
most ``expensive_concurrency`` of them run at once in one server process
(the others wait up to ``QUEUE_SECONDS``, then 503), so cheap requests such as
``/health`` and searches always find a free thread.

The budget is per server process; behind nginx, ``limit_req`` in
deploy/nginx.conf does the same across processes. The client address is the
``X-Real-IP`` that the front (service/front.py) or nginx sets when the
request came through them (a loopback or Unix-socket peer), otherwise the peer.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict

from flask import Flask, Response, current_app, g, jsonify, request

EXPENSIVE = {
    ("POST", "dedup.check"),
    ("POST", "dedup.check_batch"),
    ("POST", "ui.check"),
    ("GET", "ui.export_csv"),
    ("GET", "ui.export_jsonl"),
}
MIN_COST = 3000
EXPORT_COST = 300_000
QUEUE_SECONDS = 10.0
MAX_CLIENTS = 10_000


def client_address() -> str:
    peer = request.remote_addr or ""
    forwarded = request.headers.get("X-Real-IP", "").strip()
    try:
        trusted = not peer or ipaddress.ip_address(peer).is_loopback
    except ValueError:  # a Unix socket peer: the front
        trusted = True
    return forwarded if forwarded and trusted else (peer or "local")


class Budget:
    """Token buckets per client: ``capacity`` units, refilled at capacity per minute."""

    def __init__(self, capacity: float):
        self.capacity = capacity
        self.rate = capacity / 60.0
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def take(self, client: str, cost: float) -> float:
        """0 when the cost is granted, else the seconds until it would be."""
        now = time.monotonic()
        cost = min(cost, self.capacity)
        with self.lock:
            tokens, then = self.buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            wait = 0.0
            if tokens >= cost:
                tokens -= cost
            else:
                wait = (cost - tokens) / self.rate
            self.buckets[client] = (tokens, now)
            while len(self.buckets) > MAX_CLIENTS:
                self.buckets.popitem(last=False)
        return wait


def _problem(status: int, code: str, message: str, retry_after: float) -> Response:
    response = jsonify({"status": status, "code": code, "message": message})
    response.status_code = status
    response.headers["Retry-After"] = str(max(1, int(retry_after + 0.999)))
    return response


def _before():
    if (request.method, request.endpoint) not in EXPENSIVE:
        return None
    state = current_app.extensions["govtext_throttle"]
    is_export = (request.endpoint or "").startswith("ui.export")
    cost = EXPORT_COST if is_export else max(MIN_COST, request.content_length or 0)
    wait = state["budget"].take(client_address(), cost)
    if wait:
        return _problem(
            429,
            "rate_limited",
            f"too much checking from this address: the budget is "
            f"{state['budget'].capacity:.0f} bytes of drafts a minute (an export counts "
            f"{EXPORT_COST}); try again in {wait:.0f} s",
            wait,
        )
    if not state["slots"].acquire(timeout=QUEUE_SECONDS):
        return _problem(
            503, "busy", f"{state['concurrency']} expensive requests are running in this process; try again shortly", 2
        )
    g.govtext_slot = True
    return None


def _teardown(exc=None):
    if g.pop("govtext_slot", False):
        current_app.extensions["govtext_throttle"]["slots"].release()


def register_throttle(app: Flask) -> None:
    settings = app.extensions["govtext_settings"]
    app.extensions["govtext_throttle"] = {
        "budget": Budget(settings.check_bytes_per_minute),
        "slots": threading.BoundedSemaphore(settings.expensive_concurrency),
        "concurrency": settings.expensive_concurrency,
    }
    app.before_request(_before)
    app.teardown_request(_teardown)
