"""Work that runs after the response has been sent: the person does not wait for it, and the
response takes the same time whether there is such work or not.

``after_response(func)`` during a request keeps ``func`` until the WSGI server closes the
response (gunicorn and the development server do so once the last byte is sent); outside a
request it runs ``func`` at once. ``func`` gets no request and no application context: it
pushes what it needs. A failure is logged; it cannot change the answer already sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, g, has_request_context

log = logging.getLogger(__name__)

_KEY = "_peerreview_after_response"


def after_response(func: Callable[[], None]) -> None:
    if not has_request_context():
        func()
        return
    g.setdefault(_KEY, []).append(func)


def _run(jobs: list[Callable[[], None]]) -> None:
    for func in jobs:
        try:
            func()
        except Exception:  # noqa: BLE001 - the response is gone; log and go on
            log.exception("Work after the response failed")


def init_app(app: Flask) -> None:
    @app.after_request
    def _schedule(response):
        jobs = g.pop(_KEY, None)
        if jobs:
            response.call_on_close(lambda: _run(jobs))
        return response
