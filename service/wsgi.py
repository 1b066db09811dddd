"""WSGI middleware: a refused request's unread body is read and dropped before the answer goes out.

A request refused early (401 from the read lock, 429 from the budget, 404,
405) leaves its body unread. If the server then closed the connection with
those bytes unread, the kernel would reset it and the client (or the front,
or nginx) would lose the answer. The body is at most ``MAX_REQUEST_BYTES``
(Flask refuses more, and so does the front), so reading it is bounded.
"""

from __future__ import annotations

CHUNK = 64 * 1024


def drain_input(wsgi_app, limit: int):
    def app(environ, start_response):
        result = wsgi_app(environ, start_response)
        try:
            left = min(int(environ.get("CONTENT_LENGTH") or 0), limit)
        except ValueError:
            left = 0
        stream = environ.get("wsgi.input")
        while left > 0 and stream is not None:
            chunk = stream.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
        return result

    return app
