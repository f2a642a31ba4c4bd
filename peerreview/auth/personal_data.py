"""What the application holds about one person, for the "download my data" page.

Each feature that stores personal content adds a provider: a function (user) -> (key, data).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db

PROVIDERS: list[Callable] = []


def provider(func: Callable) -> Callable:
    PROVIDERS.append(func)
    return func


@provider
def _account(user):
    return "account", {
        "email": user.email,
        "name": user.name,
        "city": user.city.label if user.city else None,
        "city_role": user.city_role,
        "languages": user.languages,
        "coordinator": user.is_coordinator,
        "created_at": user.created_at.isoformat() + "Z",
        "last_login_at": user.last_login_at.isoformat() + "Z" if user.last_login_at else None,
    }


@provider
def _activity(user):
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
    )
    return "activity", [
        {"at": e.created_at.isoformat() + "Z", "action": e.action, "object": e.object_type,
         "object_id": e.object_id}
        for e in entries
    ]


def collect(user) -> dict:
    data = {}
    for func in PROVIDERS:
        key, value = func(user)
        data[key] = value
    return data
