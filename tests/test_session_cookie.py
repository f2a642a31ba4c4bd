"""Answers the browser fetches in the background (the service worker's script, static files, the
notes API) never write the session cookie: sent with the cookie of a moment ago, such an answer
would otherwise put back the session it was sent with, and a person who had just logged in
meanwhile found themselves logged out (seen in the browser journey: the service worker asks
for /sw.js with another User-Agent than the page, and Flask-Login marks that session not fresh)."""

from __future__ import annotations

import pytest

OTHER_AGENT = {"User-Agent": "a service worker"}


def _cookies(res) -> list[str]:
    return [c for c in res.headers.getlist("Set-Cookie") if c.startswith("session=")]


@pytest.mark.parametrize("path", ["/sw.js", "/static/css/app.css", "/api/v1/reviews/1/observations"])
def test_background_answers_leave_the_cookie_alone(client, login, make_user, path):
    login(make_user())
    res = client.get(path, headers=OTHER_AGENT)
    assert res.status_code in (200, 403, 404)
    assert _cookies(res) == []


def test_pages_still_write_it(client, login, make_user):
    login(make_user())
    assert _cookies(client.get("/", headers=OTHER_AGENT)) != []   # the same change, on a page


def test_a_login_survives_the_service_worker_answering_late(client, login, make_user):
    """The script's answer, sent with the session of before the login, arrives after it."""
    user = make_user()
    with client.session_transaction() as sess:
        before = dict(sess)
    login(user)
    assert client.get("/reviews/").status_code == 200
    with client.session_transaction() as sess:    # the older session, as the late request carries it
        after = dict(sess)
        sess.clear()
        sess.update(before)
    late = client.get("/sw.js", headers=OTHER_AGENT)
    assert _cookies(late) == []
    with client.session_transaction() as sess:    # the browser keeps the cookie of the login
        sess.clear()
        sess.update(after)
    assert client.get("/reviews/").status_code == 200
