"""Hostile input against a running govtext: property-based requests from its OpenAPI document
(schemathesis + hypothesis, valid and invalid cases) and hand-made bad requests; counts statuses,
5xx and schema violations. Exit status 1 when there is any 5xx or violation.

    .venv/bin/python bench/bench_hostile.py                     # starts `govtext serve` on a small store
    .venv/bin/python bench/bench_hostile.py --examples 200      # more cases per operation and mode
    .venv/bin/python bench/bench_hostile.py --url http://127.0.0.1:8000 --token TOKEN

The same engine, smaller, runs in the test suite (tests/test_api_property.py).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPORTS, SEED, free_port, read_jsonl, wait_for_http  # noqa: E402
from bench.httpraw import call, parse_reply, send_raw  # noqa: E402

DEEP = "[" * 1000 + "]" * 1000

# (method, path, body or None, extra headers) sent with http.client; the body is sent as-is
HANDMADE_HTTP: list[tuple[str, str, object, dict]] = [
    ("POST", "/api/v1/check", '{"text": "\\ud800"}', {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", '{"text": "正文\\u0000正文"}', {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", '{"text": "正文", "x": ' + DEEP + "}", {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", DEEP, {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", '{"a":' * 5000 + "1" + "}" * 5000, {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", "not json", {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", b"\xff\xfe\x00", {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", '{"text": 5}', {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", '{"text": ["x"]}', {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", '{"text": "x", "quotes_as_citation": "yes"}', {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", '"just a string"', {"Content-Type": "application/json"}),
    ("POST", "/api/v1/check", "text=abc", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("POST", "/api/v1/check", '{"text": "' + "长" * 300_000 + '"}', {"Content-Type": "application/json"}),
    ("POST", "/check?format=json", "text=%00%01", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("POST", "/check?format=json", "text=%ED%A0%80", {"Content-Type": "application/x-www-form-urlencoded"}),
    (
        "POST",
        "/check?format=json",
        "text=" + "%E9%95%BF" * 300_000,
        {"Content-Type": "application/x-www-form-urlencoded"},
    ),
    ("POST", "/check", "text=", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("GET", "/api/v1/search?q=" + "(" * 244 + "a" + ")" * 244, None, {}),
    ("GET", "/api/v1/search?q=%00", None, {}),
    ("GET", "/api/v1/search?q=%ED%A0%80", None, {}),
    ("GET", "/api/v1/search?q=" + "a" * 600, None, {}),
    ("GET", "/api/v1/search?q=%22", None, {}),
    ("GET", "/api/v1/search?q=title%3A", None, {}),
    ("GET", "/api/v1/search?q=NOT", None, {}),
    ("GET", "/api/v1/search?q=-", None, {}),
    ("GET", "/api/v1/search?q=a&limit=%EF%BC%91%EF%BC%90", None, {}),
    ("GET", "/api/v1/search?q=a&limit=1_0", None, {}),
    ("GET", "/api/v1/search?q=a&limit=", None, {}),
    ("GET", "/api/v1/search?q=a&limit=99999999999999999999", None, {}),
    ("GET", "/api/v1/search?q=a&offset=-1", None, {}),
    ("GET", "/api/v1/search?q=a&year=abc", None, {}),
    ("GET", "/api/v1/search?q=a&sort=%3Cscript%3E", None, {}),
    ("GET", "/api/v1/search?q=a&collapse=maybe", None, {}),
    ("GET", "/api/v1/search?q=a&theme=%00", None, {}),
    ("GET", "/?q=" + "(" * 244 + "a" + ")" * 244 + "&format=json", None, {}),
    ("GET", "/?q=%00&format=json", None, {}),
    ("GET", "/?q=a&limit=%EF%BC%91&format=json", None, {}),
    ("GET", "/?q=a&offset=99999999999&format=json", None, {}),
    ("GET", "/export.csv?q=%00", None, {}),
    ("GET", "/export.jsonl?q=" + "(" * 300 + "a", None, {}),
    ("GET", "/boilerplate?min_docs=abc&format=json", None, {}),
    ("GET", "/boilerplate?limit=%EF%BC%91&format=json", None, {}),
    ("GET", "/api/v1/boilerplate?min_docs=1", None, {}),
    ("GET", "/api/v1/documents/%00", None, {}),
    ("GET", "/api/v1/documents/%ED%A0%80", None, {}),
    ("GET", "/api/v1/documents/" + "x" * 5000, None, {}),
    ("GET", "/api/v1/documents/..%2F..%2Fetc%2Fpasswd", None, {}),
    ("GET", "/api/v1/documents/x/similar?limit=0", None, {}),
    ("GET", "/documents/%00?format=json", None, {}),
    ("GET", "/documents/%ED%A0%80", None, {}),
    ("DELETE", "/api/v1/check", None, {}),
    ("PUT", "/api/v1/search?q=a", None, {}),
    ("PATCH", "/", None, {}),
    ("GET", "/api/v1/nope", None, {}),
    ("GET", "/api/v1/search?q=a", None, {"Accept": "text/html"}),
    ("GET", "/api/v1/search?q=a", None, {"Accept-Language": "\x01"}),
    ("POST", "/api/v1/documents", {"text": "推行全科网格。", "id": True}, {"Authorization": "Bearer {token}"}),
    (
        "POST",
        "/api/v1/documents",
        {"text": "推行全科网格。", "date": "<script>x</script>"},
        {"Authorization": "Bearer {token}"},
    ),
    (
        "POST",
        "/api/v1/documents",
        '{"text": "推行全科网格。", "title": "\\udfff"}',
        {"Authorization": "Bearer {token}", "Content-Type": "application/json"},
    ),
    (
        "POST",
        "/api/v1/documents",
        '{"documents": ' + DEEP + "}",
        {"Authorization": "Bearer {token}", "Content-Type": "application/json"},
    ),
    ("POST", "/api/v1/documents", {"documents": []}, {"Authorization": "Bearer {token}"}),
    ("POST", "/api/v1/documents", {"documents": [{"text": "x"}] * 501}, {"Authorization": "Bearer {token}"}),
    ("POST", "/api/v1/documents", {"text": "推行全科网格。", "meta": "x"}, {"Authorization": "Bearer {token}"}),
    ("POST", "/api/v1/documents", {"text": "推行全科网格。", "id": "a b"}, {"Authorization": "Bearer {token}"}),
    ("POST", "/api/v1/documents", {"text": "推行全科网格。"}, {"Authorization": "Bearer wrong"}),
    ("POST", "/api/v1/documents", {"text": "推行全科网格。"}, {"Authorization": "Basic !!!"}),
]

# raw bytes on a socket: what http.client refuses to send
HANDMADE_RAW: list[bytes] = [
    b"GET /api/v1/search?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /api/v1/search?q=治理 HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
    b"GET /api/v1/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
    b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET / HTTP/1.1\r\nX-Big: " + b"b" * 70000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET\r\n\r\n",
    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n",
    b"G\x00T / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
]


def handmade(base: str, token: str) -> collections.Counter:
    """Send the hand-made bad requests; a Counter of status codes (0: no reply)."""
    statuses: collections.Counter = collections.Counter()
    for method, path, body, headers in HANDMADE_HTTP:
        headers = {k: v.replace("{token}", token) for k, v in headers.items()}
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        try:
            status, hdrs, data = call(base, method, path, body, headers, timeout=120)
        except OSError as exc:  # no answer at all
            status, hdrs, data = 0, {}, repr(exc).encode()
        statuses[status] += 1
        if (
            status >= 500
            and status != 503
            or status == 0
            or (status >= 400 and "/api/" in path and "json" not in hdrs.get("content-type", ""))
        ):
            print(f"  {status} {method} {path[:80]}: {data[:160]!r}")
    for raw in HANDMADE_RAW:
        status, hdrs, data = parse_reply(send_raw(base, raw))
        statuses[status] += 1
        if status >= 500 and status != 501 or status == 0 or "json" not in hdrs.get("content-type", ""):
            print(f"  {status} raw {raw[:60]!r}: {data[:160]!r}")
    return statuses


def property_run(base: str, token: str, examples: int, seed: int = 18) -> dict:
    """Every operation of /api/v1/openapi.json, valid and invalid generated cases.

    Returns {"requests", "statuses", "server_errors", "violations": [...]}."""
    import hypothesis
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    schema = schemathesis.openapi.from_url(base + "/api/v1/openapi.json")
    statuses: collections.Counter = collections.Counter()
    violations: list[str] = []
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis.settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(hypothesis.HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                response = case.call(headers=headers, timeout=120)
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=checks, headers=headers)
                except Exception as exc:  # schemathesis raises a group of check failures
                    text = str(exc).strip().splitlines()
                    # run() is called at once below, inside this iteration, so the loop variables are current
                    violations.append(
                        f"{operation.method.upper()} {operation.path} [{mode.value}] "  # noqa: B023
                        f"{response.status_code}: {' '.join(text[:3])[:300]}"
                    )

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                pass
    return {
        "requests": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "server_errors": sum(n for s, n in statuses.items() if s >= 500),
        "violations": violations,
    }


@contextmanager
def started_server(data: Path, token: str):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    govtext = str(Path(sys.executable).parent / "govtext")
    proc = subprocess.Popen(
        [govtext, "--data", str(data), "serve", "--port", str(port), "--workers", "2"],
        env={**os.environ, "GOVTEXT_API_TOKEN": token},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(base + "/api/v1/health", timeout=120)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def small_store(folder: Path) -> Path:
    """The seed page and 20 reports, ingested (about half a minute)."""
    data = folder / "data"
    docs = folder / "docs.jsonl"
    docs.write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in read_jsonl(REPORTS, limit=20)), encoding="utf-8"
    )
    govtext = str(Path(sys.executable).parent / "govtext")
    subprocess.run([govtext, "--data", str(data), "ingest", str(SEED), str(docs), "--quiet"], check=True)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (default: start one on a small store)")
    parser.add_argument("--data", help="store folder to serve (default: a small one built here)")
    parser.add_argument("--token", default="bench-token", help="the server's GOVTEXT_API_TOKEN")
    parser.add_argument("--examples", type=int, default=100, help="generated cases per operation and mode")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.url:
            return report(args.url.rstrip("/"), args.token, args.examples)
        data = Path(args.data) if args.data else small_store(Path(tmp))
        with started_server(data, args.token) as base:
            return report(base, args.token, args.examples)


def report(base: str, token: str, examples: int) -> int:
    start = time.perf_counter()
    hand = handmade(base, token)
    print(
        f"hand-made bad requests: {sum(hand.values())}, statuses {dict(sorted(hand.items()))}, "
        f"5xx other than 501/503: {sum(n for s, n in hand.items() if s >= 500 and s not in (501, 503))}"
    )
    prop = property_run(base, token, examples)
    print(
        f"property-based requests: {prop['requests']} ({examples} per operation and mode), "
        f"statuses {prop['statuses']}, 5xx: {prop['server_errors']}, schema violations: {len(prop['violations'])}"
    )
    for v in prop["violations"][:20]:
        print("  " + v)
    print(f"({time.perf_counter() - start:.0f} s)")
    bad = (
        prop["server_errors"]
        + len(prop["violations"])
        + sum(n for s, n in hand.items() if (s >= 500 and s not in (501, 503)) or s == 0)
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
