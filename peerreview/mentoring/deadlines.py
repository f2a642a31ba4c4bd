"""Deadlines of mentoring, for reminders, the weekly digest and *My tasks*
(found by :func:`peerreview.deadlines.registry.ensure_loaded`), and the kind of message for
what happens in a mentorship (``mentoring.updates``, sent by notify.py).

- ``mentoring.action``: each open action (planned or in progress) of an open mentorship, due
  on its deadline, for the mentees who keep the plan. Done or dropped actions stop.
- ``mentoring.action_overdue``: the same actions once they are past their deadline, for the
  mentors, who hear once (the day after) that an action needs their attention.
- ``mentoring.progress_review``: the next progress review of an active mentorship, for its
  mentors. Recording the review moves or clears the date.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.deadlines.registry import Deadline, MessageKind, deadline_source, register_kind
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.mentoring.models import OPEN_STATES, Mentorship, MentorshipPerson
from peerreview.mentoring.plan_models import OPEN_ACTION_STATUSES, MentoringAction

GROUP = _l("Mentoring")

register_kind(MessageKind(
    "mentoring.updates", _l("Mentoring updates"),
    _l("In a mentorship you take part in: a visit is planned, a progress review is recorded, a mentor "
       "proposes an action, or the implementing city answers a proposal."),
    group=GROUP, templates=("mentoring_event",)))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _people(m: Mentorship, role: str) -> tuple:
    return tuple(p.user for p in m.people if p.role == role and p.user.is_active)


def _mine(stmt, column, user, role: str):
    if user is None:
        return stmt
    return stmt.where(column.in_(select(MentorshipPerson.mentorship_id).where(
        MentorshipPerson.user_id == user.id, MentorshipPerson.role == role)))


_LOAD = (selectinload(Mentorship.people).selectinload(MentorshipPerson.user),
         selectinload(Mentorship.implementing_city), selectinload(Mentorship.mentor_cities))


def _open_actions(user, role: str, *, overdue_on=None):
    if user is not None and not perm.has_mentorship(user):
        return []   # no query for the many who are in no mentorship
    stmt = (select(MentoringAction).join(Mentorship, Mentorship.id == MentoringAction.mentorship_id)
            .where(MentoringAction.status.in_(OPEN_ACTION_STATUSES), Mentorship.state.in_(OPEN_STATES))
            .options(selectinload(MentoringAction.mentorship).options(*_LOAD),
                     selectinload(MentoringAction.recommendation))
            .order_by(MentoringAction.deadline, MentoringAction.id))
    if overdue_on is not None:
        stmt = stmt.where(MentoringAction.deadline < overdue_on)
    return db.session.scalars(_mine(stmt, MentoringAction.mentorship_id, user, role))


def _what(a: MentoringAction) -> str:
    """"Action A2 (R5): ..." with the recommendation's code when it comes from one."""
    rec = a.recommendation
    if rec is not None and rec.code:
        return _("Action %(code)s (%(recommendation)s): %(description)s", code=a.code,
                 recommendation=rec.code, description=_short(a.description))
    return _("Action %(code)s: %(description)s", code=a.code, description=_short(a.description))


@deadline_source("mentoring.action", _l("Mentoring action deadline"),
                 _l("An action of your city's mentoring action plan is due."), group=GROUP)
def action_due(*, user=None, today):
    out = []
    for a in _open_actions(user, "mentee"):
        users = _people(a.mentorship, "mentee")
        if users:
            out.append(Deadline(kind="mentoring.action", due=a.deadline, obj=a, users=users,
                                title=_what(a), subject=a.mentorship.title,
                                endpoint="mentoring.action_page",
                                url_values={"mentorship_id": a.mentorship_id, "action_id": a.id}))
    return out


@deadline_source("mentoring.action_overdue", _l("Mentoring action overdue"),
                 _l("An action of a city you mentor is past its deadline and still open: ask how "
                 "it is going."), group=GROUP)
def action_overdue(*, user=None, today):
    out = []
    for a in _open_actions(user, "mentor", overdue_on=today):
        users = _people(a.mentorship, "mentor")
        if users:
            out.append(Deadline(kind="mentoring.action_overdue", due=a.deadline, obj=a, users=users,
                                title=_("Follow up with %(city)s: %(what)s",
                                        city=a.mentorship.implementing_city.name, what=_what(a)),
                                subject=a.mentorship.title, endpoint="mentoring.action_page",
                                url_values={"mentorship_id": a.mentorship_id, "action_id": a.id}))
    return out


@deadline_source("mentoring.progress_review", _l("Next progress review"),
                 _l("A mentorship you follow has its next progress review: re-rate the key factors "
                 "with the implementing city."), group=GROUP)
def progress_review_due(*, user=None, today):
    stmt = (select(Mentorship).where(Mentorship.state == "active", Mentorship.next_review_on.is_not(None))
            .options(*_LOAD).order_by(Mentorship.next_review_on, Mentorship.id))
    if user is not None and not perm.has_mentorship(user):
        return []
    stmt = _mine(stmt, Mentorship.id, user, "mentor")
    out = []
    for m in db.session.scalars(stmt):
        users = _people(m, "mentor")
        if users:
            out.append(Deadline(kind="mentoring.progress_review", due=m.next_review_on, obj=m,
                                users=users, title=_("Hold and record the progress review"),
                                subject=m.title, endpoint="mentoring.new_progress",
                                url_values={"mentorship_id": m.id}))
    return out
