"""Login sessions that the server can end.

Flask keeps its session in a signed cookie, and Flask-Login's "remember me" cookie is signed
too: a copy of either kept from before a logout would log its holder in again, because
nothing on the server remembered the logout. Here every login starts a row in
``login_session``; the cookies carry ``<user id>:<secret>`` (Flask-Login's alternative id,
``User.get_id()``), and a request is logged in only while that row is open. So:

- logging out ends this browser's row: the saved cookies of this browser stop working;
- "log out everywhere", a new password (set through a reset or an invitation link),
  deactivation and erasure end every row of the person.

Only the SHA-256 of the secret is stored, so a copy of the database opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_login import login_user, logout_user
from sqlalchemy import delete, exists, or_, select, update

from peerreview.auth.models import LoginSession, User
from peerreview.extensions import db
from peerreview.timeutil import utcnow


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    key = "REMEMBER_COOKIE_DURATION" if remember else "PERMANENT_SESSION_LIFETIME"
    value = current_app.config[key]
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def start(user: User, *, remember: bool = False) -> str:
    """Open a login session for ``user`` and return its id for the cookies. Closed and
    expired rows of the person are cleared on the way."""
    now = utcnow()
    db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id,
        or_(LoginSession.ended_at.is_not(None), LoginSession.expires_at <= now)))
    secret = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, secret_hash=_hash(secret), remember=remember,
                                created_at=now, expires_at=now + _lifetime(remember)))
    db.session.flush()
    user.login_id = f"{user.id}:{secret}"
    return user.login_id


def login(user: User, *, remember: bool = False) -> None:
    """Log ``user`` in on this browser (the caller commits)."""
    start(user, remember=remember)
    login_user(user, remember=remember)


def load(login_id: str) -> User | None:
    """The user whose open login session ``login_id`` names, or None (Flask-Login's loader).
    A bare user id, as cookies from before login sessions held, opens nothing."""
    user_part, sep, secret = (login_id or "").partition(":")
    if not sep or not secret or not user_part.isdigit() or len(secret) > 100:
        return None
    from peerreview.mentoring.models import MentorshipPerson
    from peerreview.request_cache import remember

    # whether the person is in a mentorship comes along: the menu of every page asks
    # (permissions.has_mentorship), and a query of its own cost a round trip per page
    row = db.session.execute(
        select(User, exists().where(MentorshipPerson.user_id == User.id))
        .join(LoginSession, LoginSession.user_id == User.id).where(
            User.id == int(user_part), LoginSession.secret_hash == _hash(secret),
            LoginSession.ended_at.is_(None), LoginSession.expires_at > utcnow())).first()
    if row is None or not row[0].is_active:
        return None
    user, in_mentorship = row
    remember(("has_mentorship", user.id), bool(in_mentorship))
    user.login_id = login_id
    return user


def end(login_id: str | None) -> bool:
    """End the login session ``login_id`` names; True if it was open."""
    user_part, sep, secret = (login_id or "").partition(":")
    if not sep or not user_part.isdigit():
        return False
    result = db.session.execute(update(LoginSession).where(
        LoginSession.user_id == int(user_part), LoginSession.secret_hash == _hash(secret),
        LoginSession.ended_at.is_(None)).values(ended_at=utcnow()))
    return bool(result.rowcount)


def end_all(user: User) -> int:
    """End every open login session of ``user`` (on every browser); how many were open."""
    result = db.session.execute(update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None),
        LoginSession.expires_at > utcnow()).values(ended_at=utcnow()))
    return result.rowcount or 0


def logout(user: User) -> None:
    """Log out of this browser: its login session ends for good (the caller commits)."""
    from peerreview.audit.services import record

    record("auth.logout", user._get_current_object() if hasattr(user, "_get_current_object") else user)
    end(user.login_id)
    logout_user()


def open_sessions(user: User) -> list[LoginSession]:
    return list(db.session.scalars(select(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None),
        LoginSession.expires_at > utcnow()).order_by(LoginSession.created_at)))
