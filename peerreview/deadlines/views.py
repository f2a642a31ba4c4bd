"""My tasks (what is due from me) and my notification preferences."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.auth import personal_data
from peerreview.auth.views import form_error
from peerreview.deadlines import preferences as prefs
from peerreview.deadlines.forms import field_name, preferences_form
from peerreview.deadlines.registry import KINDS, collect, kinds
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _

bp = Blueprint("deadlines", __name__)


@bp.get("/tasks")
@login_required
def tasks():
    perm.require(perm.can_view_tasks(current_user))
    today = date.today()
    items = collect(user=current_user, today=today)
    return render_template("deadlines/tasks.html", items=items, today=today, kinds=KINDS,
                           overdue=sum(1 for d in items if d.due < today))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    perm.require(perm.can_edit_notification_preferences(current_user))
    choosable = prefs.configurable_kinds()
    form = preferences_form(choosable, prefs.modes_of(current_user))
    status = 200
    if form.validate_on_submit():
        values = {k.key: form[field_name(k.key)].data for k in choosable}
        try:
            changes = prefs.set_preferences(current_user, values, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            if exc.field:
                exc.field = field_name(exc.field)
            form_error(form, exc)
            status = 400
        else:
            db.session.commit()
            if changes:
                flash(_("Your choices are saved."), "success")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("deadlines.preferences"))
    elif form.is_submitted():
        status = 400
        flash(_("Nothing was saved: correct what is marked below."), "error")
    groups: OrderedDict[str, list] = OrderedDict()
    for kind in choosable:
        groups.setdefault(kind.group, []).append((kind, form[field_name(kind.key)]))
    mandatory = [k for k in kinds() if k.mandatory]
    return render_template("deadlines/preferences.html", form=form, groups=groups,
                           mandatory=mandatory), status


@personal_data.provider
def _notifications(user):
    """For "Download my data": the person's choices, the reminders sent, messages kept."""
    from sqlalchemy import select

    from peerreview.deadlines.models import HeldMessage, NotificationPreference, ReminderSent

    prefs_rows = db.session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id == user.id).order_by(NotificationPreference.kind))
    sent = db.session.scalars(select(ReminderSent).where(ReminderSent.user_id == user.id)
                              .order_by(ReminderSent.id))
    held = db.session.scalars(select(HeldMessage).where(HeldMessage.user_id == user.id)
                              .order_by(HeldMessage.id))
    return "notifications", {
        "preferences": {p.kind: p.mode for p in prefs_rows},
        "reminders_sent": [{"kind": r.kind, "object": r.object_type, "object_id": r.object_id,
                            "stage": r.stage, "due": r.due.isoformat(),
                            "sent_at": r.sent_at.isoformat() + "Z"} for r in sent],
        "kept_for_digest": [{"kind": h.kind, "subject": h.subject,
                             "created_at": h.created_at.isoformat() + "Z",
                             "sent_in_week_of": h.digest_week.isoformat() if h.digest_week else None}
                            for h in held],
    }
