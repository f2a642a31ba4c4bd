"""The audit log: every state change and every edit of shared text writes one entry."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(action: str, obj: Any = None, *, actor=None, changes: dict | None = None,
           object_type: str | None = None, object_id: int | None = None) -> AuditEntry:
    """Add an audit entry to the session (the caller's commit makes it permanent)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if obj is not None:
        if getattr(obj, "id", None) is None:
            db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = obj.id
    entry = AuditEntry(
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        actor_id=getattr(actor, "id", None),
        changes=_json_safe(changes or {}),
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def diff(obj: Any, values: dict[str, Any]) -> dict[str, list]:
    """Apply ``values`` to ``obj`` and return {field: [old, new]} for what really changed."""
    changed = {}
    for key, new in values.items():
        old = getattr(obj, key)
        if old != new:
            changed[key] = [old, new]
            setattr(obj, key, new)
    return changed
