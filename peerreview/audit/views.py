from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.audit.models import AuditEntry
from peerreview.auth.models import User
from peerreview.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 100


def _date(value: str | None):
    try:
        return datetime.strptime(value, "%Y-%m-%d") if value else None
    except ValueError:
        return None


@bp.get("/")
@login_required
def index():
    perm.require(perm.can_view_audit(current_user))
    args = request.args
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor))
    if args.get("action"):
        stmt = stmt.where(AuditEntry.action.startswith(args["action"].strip()))
    if args.get("object_type"):
        stmt = stmt.where(AuditEntry.object_type == args["object_type"].strip())
    if args.get("object_id", type=int):
        stmt = stmt.where(AuditEntry.object_id == args.get("object_id", type=int))
    if args.get("actor", type=int):
        stmt = stmt.where(AuditEntry.actor_id == args.get("actor", type=int))
    start, end = _date(args.get("from")), _date(args.get("to"))
    if start:
        stmt = stmt.where(AuditEntry.created_at >= start)
    if end:
        stmt = stmt.where(AuditEntry.created_at < end + timedelta(days=1))
    page = max(args.get("page", 1, type=int), 1)
    entries = db.session.scalars(
        stmt.order_by(AuditEntry.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).all()
    actors = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("audit/index.html", entries=entries[:PAGE_SIZE],
                           has_more=len(entries) > PAGE_SIZE, page=page, args=args, actors=actors)
