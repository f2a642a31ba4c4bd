"""Accounts: creating users, passwords, single-use links for invitations and resets."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from peerreview.audit.services import record
from peerreview.auth.models import CITY_ROLES, AccountToken, User, normalise_email
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.timeutil import utcnow

MIN_PASSWORD_LENGTH = 12
PASSWORD_METHOD = "scrypt"
# A hash to compare against when the account does not exist, so that the answer takes as
# long as for a real account.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)


def check_email(value: str) -> str:
    try:
        return normalise_email(validate_email(value, check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise DomainError(_("Not a valid e-mail address: %(error)s", error=exc), field="email") from None


def check_password_policy(password: str, email: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(_("Use at least %(num)d characters.", num=MIN_PASSWORD_LENGTH),
                          field="password")
    lowered = password.strip().lower()
    email = normalise_email(email)
    if lowered == email or lowered == email.split("@")[0]:
        raise DomainError(_("The password must not be your e-mail address."), field="password")


def set_password(user: User, password: str) -> None:
    """Set a new password; every browser logged in with the old one is logged out."""
    from peerreview.auth import sessions

    check_password_policy(password, user.email)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    if user.id is not None:
        sessions.end_all(user)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user if the e-mail and password match an active account, else None."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.is_active:
        return None
    return user


def create_user(*, email: str, name: str, city=None, city_role: str = "member",
                is_coordinator: bool = False, languages: list[str] | None = None,
                password: str | None = None, actor=None) -> User:
    email = check_email(email)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the person's name."), field="name")
    if len(name) > 120:
        raise DomainError(_("The name is longer than 120 characters."), field="name")
    if city_role not in CITY_ROLES:
        raise DomainError(_("Unknown role in the city: %(role)s.", role=city_role), field="city_role")
    if city is None and city_role == "contact":
        raise DomainError(_("A city contact must belong to a city."), field="city")
    if find_user_by_email(email) is not None:
        raise DomainError(_("There is already an account for %(email)s.", email=email), field="email")
    user = User(email=email, name=name, city=city, city_role=city_role,
                is_coordinator=is_coordinator, languages=sorted(set(languages or [])))
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    record("user.create", user, actor=actor, changes={
        "email": email, "name": name, "city": city.label if city else None,
        "city_role": city_role, "coordinator": is_coordinator,
    })
    return user


# --- single-use links ----------------------------------------------------------------------

class TokenProblem(DomainError):
    """An invitation or reset link that cannot be used; ``reason`` says why."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="peerreview.account-token")


def _max_age(purpose: str) -> timedelta:
    if purpose == "invite":
        return timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"])
    return timedelta(hours=current_app.config["PASSWORD_RESET_MAX_AGE_HOURS"])


def issue_token(user: User, purpose: str, *, actor=None) -> str:
    """Create a single-use link token for ``user``; earlier unused ones of that purpose lapse."""
    now = utcnow()
    for old in db.session.scalars(select(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None),
    )):
        old.expires_at = min(old.expires_at, now)
    nonce = secrets.token_urlsafe(24)
    token = AccountToken(
        user=user, purpose=purpose, nonce_hash=hashlib.sha256(nonce.encode()).hexdigest(),
        expires_at=now + _max_age(purpose), created_by_id=getattr(actor, "id", None),
    )
    db.session.add(token)
    db.session.flush()
    return _serializer().dumps({"t": token.id, "n": nonce, "p": purpose})


def check_token(signed: str, purpose: str) -> AccountToken:
    """The stored token behind ``signed`` if it may be used now; TokenProblem otherwise."""
    max_age = int(_max_age(purpose).total_seconds())
    try:
        data = _serializer().loads(signed, max_age=max_age)
    except SignatureExpired:
        raise TokenProblem("expired", _("This link has expired.")) from None
    except BadSignature:
        raise TokenProblem("invalid", _("This link is not valid. Check that it was copied "
                                        "completely from the e-mail.")) from None
    if not isinstance(data, dict) or data.get("p") != purpose:
        raise TokenProblem("invalid", _("This link is not valid for this page."))
    token = db.session.get(AccountToken, data.get("t"))
    nonce = str(data.get("n", ""))
    if token is None or token.purpose != purpose or not secrets.compare_digest(
        token.nonce_hash, hashlib.sha256(nonce.encode()).hexdigest()
    ):
        raise TokenProblem("invalid", _("This link is not valid."))
    if token.used_at is not None:
        raise TokenProblem("used", _("This link has already been used. Log in with the password "
                                     "you chose, or ask for a new link."))
    if token.expires_at <= utcnow():
        raise TokenProblem("expired", _("This link has expired or was replaced by a newer one."))
    if not token.user.is_active:
        raise TokenProblem("invalid", _("This account is no longer active."))
    return token


def use_token(signed: str, purpose: str, password: str) -> User:
    token = check_token(signed, purpose)
    user = token.user
    set_password(user, password)
    token.used_at = utcnow()
    record("user.password_set", user, actor=user, changes={"via": purpose})
    return user


def invite(*, email: str, name: str, city, city_role: str, is_coordinator: bool,
           languages: list[str], actor) -> tuple[User, str]:
    """Create the account without a password and return it with its invitation token."""
    user = create_user(email=email, name=name, city=city, city_role=city_role,
                       is_coordinator=is_coordinator, languages=languages, actor=actor)
    token = issue_token(user, "invite", actor=actor)
    record("user.invite", user, actor=actor, changes={"email": user.email})
    return user, token


def reinvite(user: User, *, actor) -> str:
    if user.password_hash:
        raise DomainError(_("%(name)s has already set a password; they can use "
                            "\"Forgot your password?\" on the login page.", name=user.name))
    if not user.is_active:
        raise DomainError(_("This account is deactivated."))
    token = issue_token(user, "invite", actor=actor)
    record("user.invite", user, actor=actor, changes={"email": user.email, "again": True})
    return token


def update_profile(user: User, *, name: str, languages: list[str], actor,
                   language=...) -> None:
    """``language``: the interface language ("" or None: the browser's); left out, unchanged."""
    from peerreview.languages.services import set_account_language

    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give your name."), field="name")
    if language is not ...:
        set_account_language(user, language or None, actor=actor)
    changes = diff_fields(user, {"name": name, "languages": sorted(set(languages))})
    if changes:
        record("user.update", user, actor=actor, changes=changes)


def diff_fields(obj, values):
    from peerreview.audit.services import diff

    return diff(obj, values)


def deactivate(user: User, *, actor) -> None:
    if user.id == getattr(actor, "id", None):
        raise DomainError(_("You cannot deactivate your own account."))
    if not user.active:
        raise DomainError(_("%(name)s is already deactivated.", name=user.display_name))
    user.active = False
    from peerreview.auth import sessions

    sessions.end_all(user)
    record("user.deactivate", user, actor=actor)


def logout_everywhere(user: User) -> int:
    """End every login session of ``user``, this browser's too; how many were open."""
    from peerreview.auth import sessions

    count = sessions.end_all(user)
    record("auth.logout_everywhere", user, actor=user, changes={"sessions": count})
    return count


def reactivate(user: User, *, actor) -> None:
    if user.erased_at:
        raise DomainError(_("An erased account cannot be reactivated."))
    if user.active:
        raise DomainError(_("%(name)s is already active.", name=user.name))
    user.active = True
    record("user.reactivate", user, actor=actor)


def erase(user: User, *, actor) -> None:
    """Deactivate and remove personal data, everywhere peerreview.auth.data_registry lists;
    what the person wrote stays, as "former member"."""
    from peerreview.auth.erasure import erase_personal_data

    if user.id == getattr(actor, "id", None):
        raise DomainError(_("You cannot erase your own account."))
    if user.erased_at:
        raise DomainError(_("This account has already been erased."))
    old_name, old_email = user.name, user.email
    erase_personal_data(user, old_name=old_name, old_email=old_email)
    user.name = "Former member"
    user.email = f"erased-{user.id}@invalid.invalid"
    user.password_hash = None
    user.languages = []
    user.active = False
    user.last_login_at = None
    user.erased_at = utcnow()
    record("user.erase", user, actor=actor)
