"""The shared core of the access rules: who is logged in, the coordinator flag, and
refusals (403 or by message), which are always audited.

Each ``can_*`` predicate takes the user (possibly anonymous) and the object, and returns a
bool. Views call ``require(can_x(user, obj))``; templates call the same predicates through
the ``can`` global. Access comes from relations: the coordinator flag, membership of a city
(as contact or member), and, in later features, seats on review teams and mentorships.
The default is deny.
"""

from __future__ import annotations

from flask import abort, has_request_context, request

from peerreview.extensions import db


def _auth(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_coordinator(user) -> bool:
    return _auth(user) and bool(user.is_coordinator)


def require(allowed: bool, *, status: int = 403) -> None:
    """Abort with ``status`` unless ``allowed``; a denial is written to the audit log.

    Work in progress in the session is rolled back first: a denied request changes nothing.
    """
    if allowed:
        return
    from flask_login import current_user

    from peerreview.audit.services import record
    from peerreview.database import write_intent

    db.session.rollback()
    if has_request_context():
        from flask import g

        g.denied = True
    # The denial is written even during a GET. The transaction that writes it must begin as a
    # write (IMMEDIATE on SQLite) before anything is read, or SQLite refuses the upgrade from a
    # stale read snapshot with "database is locked" instead of waiting for the other writer.
    with write_intent():
        if has_request_context() and current_user.is_authenticated:
            record("access.denied", object_type="route", changes={
                "path": request.path, "method": request.method, "status": status,
            })
            db.session.commit()
    abort(status)


def refuse(message: str) -> None:
    """Show ``message`` as a refusal (an error message on the next page) and audit it, for a
    view that redirects instead of answering 403 (a published benchmark is not edited ...)."""
    from flask import flash, g

    flash(message, "error")
    g.setdefault("refusals", []).append(message)


def record_refusal(status: int, messages: list[str]) -> None:
    """Audit a refusal that was shown as a message (a flash or a form error), not a 403.

    Whatever the request had not committed is dropped first: a refused step changes nothing.
    """
    from flask_login import current_user

    from peerreview.audit.services import record
    from peerreview.database import write_intent

    db.session.rollback()
    with write_intent():
        record("access.refused", object_type="route", changes={
            "path": request.path, "method": request.method, "status": status,
            "messages": list(dict.fromkeys(messages))[:5],
        }, actor=current_user if current_user.is_authenticated else None)
        db.session.commit()
