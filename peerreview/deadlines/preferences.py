"""Each person chooses, per kind of message: immediately, in a weekly digest, or off.

Mandatory kinds (a team invitation, a password link) always go out at once. Messages of the
other kinds that services queue (``queue_mail``) pass through ``held_back()``: kept for the
digest, dropped, or let through.
"""

from __future__ import annotations

from sqlalchemy import select

from peerreview.audit.services import record
from peerreview.deadlines.models import HeldMessage, NotificationPreference
from peerreview.deadlines.registry import DEFAULT_MODE, MODES, kind_for_template, kinds
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _


def configurable_kinds():
    return [k for k in kinds() if not k.mandatory]


def modes_of(user) -> dict[str, str]:
    """{kind: mode} for every kind, defaults filled in; mandatory kinds are "immediate"."""
    stored = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode)
        .where(NotificationPreference.user_id == user.id)).all())
    return {k.key: DEFAULT_MODE if k.mandatory else stored.get(k.key, DEFAULT_MODE) for k in kinds()}


def modes_for_users(user_ids) -> dict[tuple[int, str], str]:
    """{(user_id, kind): mode} of the choices stored for these people (absent: immediately)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(select(NotificationPreference.user_id, NotificationPreference.kind,
                                     NotificationPreference.mode)
                              .where(NotificationPreference.user_id.in_(ids))).all()
    return {(uid, kind): mode for uid, kind, mode in rows}


def mode_for(user_id: int, kind_key: str, stored: dict[tuple[int, str], str] | None = None) -> str:
    from peerreview.deadlines.registry import KINDS

    kind = KINDS.get(kind_key)
    if kind is not None and kind.mandatory:
        return "immediate"
    if stored is None:
        stored = modes_for_users([user_id])
    return stored.get((user_id, kind_key), DEFAULT_MODE)


def set_preferences(user, values: dict[str, str], *, actor) -> dict[str, list[str]]:
    """Save ``{kind: mode}``; returns what changed. Unknown or mandatory kinds and unknown modes
    are refused before anything is written."""
    allowed = {k.key: k for k in configurable_kinds()}
    for key, mode in values.items():
        if key not in allowed:
            raise DomainError(f"{key!r} is not a kind of message you can choose for.")
        if mode not in MODES:
            raise DomainError(_("Choose one of: %(modes)s.",
                                    modes=", ".join(str(m) for m in MODES.values()).lower()),
                                  field=key)
    rows = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    changes = {}
    for key, mode in values.items():
        before = rows[key].mode if key in rows else DEFAULT_MODE
        if before == mode:
            continue
        if key in rows:
            rows[key].mode = mode
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=key, mode=mode))
        changes[key] = [before, mode]
    if changes:
        db.session.flush()
        record("notifications.preferences", user, actor=actor, changes=changes)
    return changes


def held_back(to: str, template: str, context: dict, subject: str, text: str) -> bool:
    """Called by queue_mail(): True when the message must not go out now (kept for the weekly
    digest, or dropped because the person turned this kind off)."""
    kind = kind_for_template(template)
    user = context.get("user")
    if kind is None or kind.mandatory or user is None or getattr(user, "id", None) is None \
            or getattr(user, "email", None) != to:
        return False
    mode = mode_for(user.id, kind.key)
    if mode == "off":
        return True
    if mode == "weekly":
        db.session.add(HeldMessage(user_id=user.id, kind=kind.key, subject=subject[:300], body=text))
        return True
    return False
