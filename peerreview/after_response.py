"""Work that runs after the response has been sent: the person does not wait for it, and the
response takes the same time whether there is such work or not.

``after_response(func)`` during a request keeps ``func`` until the last byte of the response
has been handed to the server, or until the server closes the response, whichever comes
first (the development server skips closing a response when the browser keeps the
connection open after a form, so the end of the body is the dependable moment; gunicorn
does both). Outside a request it runs ``func`` at once. ``func`` gets no request and no
application context: it pushes what it needs. A failure is logged; it cannot change the
answer already sent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, g, has_request_context

log = logging.getLogger(__name__)

_KEY = "_peerreview_after_response"
_pending = 0
_lock = threading.Condition()


def after_response(func: Callable[[], None]) -> None:
    if not has_request_context():
        func()
        return
    g.setdefault(_KEY, []).append(func)


def _run(jobs: list[Callable[[], None]]) -> None:
    global _pending
    try:
        for func in jobs:
            try:
                func()
            except Exception:  # noqa: BLE001 - the response is gone; log and go on
                log.exception("Work after the response failed")
    finally:
        with _lock:
            _pending -= 1
            _lock.notify_all()


def wait_until_done(timeout: float = 10.0) -> bool:
    """Wait until no work kept for after a response is left in this process (for tests that
    drive a live server: the browser may see the next page before the mail has gone out)."""
    deadline = time.monotonic() + timeout
    with _lock:
        while _pending:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _lock.wait(left)
    return True


class _Once:
    def __init__(self, jobs: list[Callable[[], None]]):
        self.jobs = jobs
        self.done = False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            _run(self.jobs)


def _then(body, once: _Once):
    """The response body, then the work (also if the server stops reading early)."""
    try:
        yield from body
    finally:
        once()


def init_app(app: Flask) -> None:
    @app.after_request
    def _schedule(response):
        global _pending
        jobs = g.pop(_KEY, None)
        if jobs:
            with _lock:
                _pending += 1
            once = _Once(jobs)
            if not response.direct_passthrough:
                response.response = _then(response.response, once)
            response.call_on_close(once)
        return response
