"""Erasing a person's data, place by place as ``peerreview.auth.data_registry`` lists them."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import JSON, Text, cast, func, or_, select, update

from peerreview.auth import data_registry
from peerreview.extensions import db

NAME_REPLACEMENT = "former member"
EMAIL_REPLACEMENT = "[erased]"


class Scrubber:
    """Replaces a person's name (as a whole word, any case) and e-mail address in text and in
    JSON payloads, however deep."""

    def __init__(self, name: str, email: str):
        self.needles = [n for n in (name.strip(), email.strip()) if n]
        parts = []
        if email.strip():
            parts.append((re.compile(re.escape(email.strip()), re.IGNORECASE), EMAIL_REPLACEMENT))
        if name.strip():
            parts.append((re.compile(r"(?<!\w)" + re.escape(name.strip()) + r"(?!\w)", re.IGNORECASE),
                          NAME_REPLACEMENT))
        self.patterns = parts

    def text(self, value: str) -> str:
        for pattern, replacement in self.patterns:
            value = pattern.sub(replacement, value)
        return value

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def like_patterns(self, json_column: bool) -> list[str]:
        """LIKE patterns (lower case) that find the rows worth scrubbing; JSON is stored with
        non-ASCII letters escaped, so the escaped form is searched there."""
        out = []
        for needle in self.needles:
            text = json.dumps(needle)[1:-1] if json_column else needle
            text = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            out.append(f"%{text}%")
        return out


def _table(name: str):
    return db.metadata.tables[name]


def _scrub_column(table_name: str, column_name: str, scrubber: Scrubber) -> int:
    table = _table(table_name)
    column = table.c[column_name]
    is_json = isinstance(column.type, JSON)
    text = func.lower(cast(column, Text))
    found = or_(*[text.like(p, escape="\\") for p in scrubber.like_patterns(is_json)])
    changed = 0
    for row_id, value in db.session.execute(select(table.c.id, column).where(found)).all():
        scrubbed = scrubber.value(value)
        if scrubbed != value:
            db.session.execute(update(table).where(table.c.id == row_id).values({column_name: scrubbed}))
            changed += 1
    return changed


def erase_personal_data(user, *, old_name: str, old_email: str) -> None:
    """Everything but the account row itself (the caller anonymises that)."""
    from peerreview.audit.models import AuditEntry
    from peerreview.notifications.models import OutgoingMail

    db.session.flush()
    scrubber = Scrubber(old_name, old_email)
    for h in data_registry.holdings("scrub_text"):
        _scrub_column(h.table, h.column, scrubber)
    # the person's own entries keep who did what, not from where
    db.session.execute(update(AuditEntry).where(AuditEntry.actor_id == user.id).values(ip=None))
    db.session.execute(OutgoingMail.__table__.delete().where(
        or_(OutgoingMail.user_id == user.id, func.lower(OutgoingMail.to_address) == old_email.lower())))
    # entries about the account and about what is deleted keep what happened, not the details
    # (a former name, a profile note, the reason for an unavailable period)
    about = [(AuditEntry.object_type == "user_account") & (AuditEntry.object_id == user.id)]
    for h in data_registry.holdings("delete"):
        table = _table(h.table)
        column = table.c[h.column]
        if not any(fk.column.table.name == "user_account" for fk in column.foreign_keys):
            continue  # deleted with its parent (ON DELETE CASCADE)
        ids = list(db.session.scalars(select(table.c.id).where(column == user.id)))
        if ids:
            about.append((AuditEntry.object_type == h.table) & AuditEntry.object_id.in_(ids))
        db.session.execute(table.delete().where(column == user.id))
    db.session.execute(update(AuditEntry).where(or_(*about)).values(changes={}))
    db.session.expire_all()
