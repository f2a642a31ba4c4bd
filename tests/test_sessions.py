"""Login sessions the server can end: a saved cookie is useless after logout, "log out
everywhere", a new password, deactivation and erasure."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from tests.conftest import TEST_PASSWORD


def _browser(app) -> FlaskClient:
    return app.test_client()


def _log_in(c, user, remember=False):
    data = {"email": user.email, "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "y"
    res = c.post("/login", data=data)
    assert res.status_code == 302, res.get_data(as_text=True)
    return res


def _cookies(c) -> dict[str, str]:
    return {k: c.get_cookie(k).value for k in ("session", "remember_token") if c.get_cookie(k)}


def _replay(app, cookies: dict[str, str]) -> FlaskClient:
    """A second browser holding a copy of the cookies saved from the first."""
    thief = app.test_client()
    for key, value in cookies.items():
        thief.set_cookie(key, value)
    return thief


def test_a_saved_session_cookie_is_useless_after_logout(app, client, make_user):
    user = make_user()
    _log_in(client, user)
    saved = _cookies(client)
    assert _replay(app, saved).get("/account").status_code == 200
    client.post("/logout")
    assert client.get("/account").status_code == 302
    assert _replay(app, saved).get("/account").status_code == 302


def test_a_saved_remember_cookie_is_useless_after_logout(app, client, make_user):
    user = make_user()
    _log_in(client, user, remember=True)
    saved = _cookies(client)
    assert "remember_token" in saved
    only_remember = _replay(app, {"remember_token": saved["remember_token"]})
    assert only_remember.get("/account").status_code == 200  # the cookie logs in on its own
    client.post("/logout")
    assert _replay(app, {"remember_token": saved["remember_token"]}).get("/account").status_code == 302
    assert _replay(app, saved).get("/account").status_code == 302


def test_logging_out_on_one_browser_keeps_the_others(app, client, make_user):
    user = make_user()
    laptop, phone = _browser(app), _browser(app)
    _log_in(laptop, user)
    _log_in(phone, user)
    laptop.post("/logout")
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200


def test_a_cookie_with_a_bare_user_id_opens_nothing(app, client, make_user):
    user = make_user()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
    assert client.get("/account").status_code == 302


def test_log_out_everywhere(app, client, make_user):
    user = make_user()
    laptop, phone = _browser(app), _browser(app)
    _log_in(laptop, user)
    _log_in(phone, user, remember=True)
    saved = _cookies(phone)
    page = laptop.get("/account").get_data(as_text=True)
    assert "logged in on 2 browsers" in page and "Log out everywhere" in page
    res = laptop.post("/account/logout-everywhere")
    assert res.status_code == 302 and res.headers["Location"].endswith("/login")
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    assert _replay(app, saved).get("/account").status_code == 302
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "auth.logout_everywhere")).one()
    assert entry.actor_id == user.id and entry.changes == {"sessions": 2}
    _log_in(laptop, user)  # logging in again works
    assert laptop.get("/account").status_code == 200


def test_a_password_reset_from_another_browser_logs_out_the_old_sessions(app, client, make_user, outbox):
    user = make_user(email="reset.me@example.org")
    old = _browser(app)
    _log_in(old, user, remember=True)
    saved = _cookies(old)
    other = _browser(app)
    other.post("/password/reset", data={"email": "reset.me@example.org"})
    body = outbox()[-1].get_body(preferencelist=("plain",)).get_content()
    link = next(w for w in body.split() if "/password/reset/" in w).replace("http://localhost", "")
    res = other.post(link, data={"password": "a-brand-new-password", "confirm": "a-brand-new-password"})
    assert res.status_code == 302
    assert other.get("/account").status_code == 200  # the browser that reset is logged in
    assert old.get("/account").status_code == 302
    assert _replay(app, saved).get("/account").status_code == 302


@pytest.mark.parametrize("action", ["deactivate", "erase"])
def test_deactivation_and_erasure_end_every_session(app, client, login, make_user, action):
    target = make_user()
    theirs = _browser(app)
    _log_in(theirs, target, remember=True)
    saved = _cookies(theirs)
    login(make_user(coordinator=True))
    assert client.post(f"/people/{target.id}/{action}").status_code == 302
    from peerreview.auth.models import LoginSession

    open_rows = db.session.scalars(select(LoginSession).where(
        LoginSession.user_id == target.id, LoginSession.ended_at.is_(None))).all()
    assert open_rows == []
    if action == "deactivate":
        db.session.get(type(target), target.id).active = True  # even reactivated later
        db.session.commit()
    assert _replay(app, saved).get("/account").status_code == 302


def test_a_session_ends_by_itself_after_its_lifetime(app, client, make_user, clock):
    from datetime import timedelta

    user = make_user()
    _log_in(client, user)
    clock.shift(timedelta(hours=12, minutes=1))
    assert client.get("/account").status_code == 302


def test_a_person_logged_in_equals_the_same_person_in_a_list(app, db_session, make_user):
    """Comparing the logged-in person with people loaded from a list (a team, the people of a
    deadline) must not need their login sessions: it compares the rows."""
    from peerreview.auth import sessions
    from peerreview.auth.models import User

    ana, bo = make_user("Ana"), make_user("Bo")
    sessions.start(ana)
    listed = [db_session.get(User, bo.id), db_session.get(User, ana.id)]
    assert ana in listed and bo in listed and make_user("Cy") not in listed
