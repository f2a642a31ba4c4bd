"""Values computed at most once per request (several parts of one page ask the same question).

Kept in the request's WSGI environ, so a value never outlives its request, even where tests keep
one application context open across requests. Outside a request (commands, jobs) nothing is
remembered: the value is computed each time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import has_request_context, request

T = TypeVar("T")
_KEY = "peerreview.request_cache"


def once(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, remembered under ``key`` until the end of the request."""
    if not has_request_context():
        return compute()
    store = request.environ.setdefault(_KEY, {})
    if key not in store:
        store[key] = compute()
    return store[key]


def remember(key: Hashable, value) -> None:
    """Keep ``value`` under ``key`` for :func:`once` until the end of the request (an answer
    that came along with another query); outside a request, nothing."""
    if has_request_context():
        request.environ.setdefault(_KEY, {})[key] = value
