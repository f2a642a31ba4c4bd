from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from peerreview.extensions import db
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.cities.models import City

CITY_ROLES = ("contact", "member")


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


FORMER_MEMBER = "former member"


def shown_name(name: str, erased_at) -> str:
    """A person's name as pages show it: "former member" once their personal data is erased
    (``User.display_name``; lists that read names as columns call it too)."""
    return FORMER_MEMBER if erased_at else name


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, which makes the unique constraint case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("city.id", ondelete="RESTRICT"), index=True
    )
    # "contact" may edit the city's profile and speak for it; "member" belongs to it.
    city_role: Mapped[str] = mapped_column(String(20), default="member")
    # ISO 639-1 codes, e.g. ["de", "en"]
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The language of the interface and of the person's mail (peerreview.i18n.LANGUAGES);
    # None until the person chooses: then the browser's Accept-Language decides.
    language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime)

    city: Mapped[City | None] = relationship(back_populates="members")

    @validates("email")
    def _normalise_email(self, key, value):
        return normalise_email(value)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.active) and self.erased_at is None

    @property
    def is_city_contact(self) -> bool:
        return self.city_id is not None and self.city_role == "contact"

    @property
    def display_name(self) -> str:
        return shown_name(self.name, self.erased_at)

    # Flask-Login keeps this id in the session cookie and the "remember me" cookie. It names
    # one login session (see peerreview/auth/sessions.py), so that ending the session makes
    # both cookies useless, wherever a copy of them is kept.
    login_id = None  # str, set by sessions.login() or by the loader

    def get_id(self) -> str:
        if not self.login_id:
            raise RuntimeError("Log people in through peerreview.auth.sessions.login(), which "
                               "starts a login session.")
        return self.login_id

    # Two User objects are the same person when they are the same row. (Flask-Login compares
    # get_id(), which names a login session: a person in a list of team members has none.)
    def __eq__(self, other):
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginSession(db.Model):
    """One login on one browser. The browser's cookies carry ``<user id>:<secret>``; only the
    secret's SHA-256 is stored. Logging out ends the row; so do "log out everywhere", a new
    password, deactivation and erasure, for every row of the person. A row also ends by
    itself at ``expires_at`` (12 hours, or 14 days with "keep me logged in")."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class AccountToken(db.Model):
    """A single-use link to set a password: an invitation or a password reset."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "invite" or "reset"
    nonce_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
