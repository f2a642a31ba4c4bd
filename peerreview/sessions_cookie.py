"""The session cookie, never written by the answers a browser fetches in the background.

The service worker's script (``/sw.js``, asked on every navigation to see whether it changed),
static files and the notes API answer requests that the browser may have sent with the cookie of
a moment ago. If such an answer set the cookie, it would put back the session it was sent with:
a person who logs in while one of them is under way is logged out again when it arrives
(Flask-Login marks the session "not fresh" when a service worker's request carries another
User-Agent than the page, which modifies it). None of them needs to change the session, so
their answers leave the cookie alone.
"""

from __future__ import annotations

from flask import request
from flask.sessions import SecureCookieSessionInterface

BACKGROUND_ENDPOINTS = frozenset({"static", "service_worker"})
BACKGROUND_BLUEPRINTS = frozenset({"api"})


def is_background(endpoint: str | None, blueprint: str | None) -> bool:
    return endpoint in BACKGROUND_ENDPOINTS or blueprint in BACKGROUND_BLUEPRINTS


class SessionInterface(SecureCookieSessionInterface):
    def save_session(self, app, session, response) -> None:
        if is_background(request.endpoint, request.blueprint):
            return   # neither set nor deleted
        super().save_session(app, session, response)
