"""The surveys as deadlines: the reminder machinery sends them (the first reminder is the
invitation) and lists them on *My tasks* until the person answers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.deadlines.registry import Deadline, deadline_source
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.people import surveys
from peerreview.people.models import SurveyResponse
from peerreview.permissions.participants import AFTER_VISIT
from peerreview.reviews.models import Review


def _answered(kind: str, review_ids: list[int]) -> set[tuple[int, int]]:
    if not review_ids:
        return set()
    return set(db.session.execute(select(SurveyResponse.review_id, SurveyResponse.user_id).where(
        SurveyResponse.kind == kind, SurveyResponse.review_id.in_(review_ids))).all())


def _reviews(states, *, user, where=(), team: bool = True):
    """The reviews in ``states`` that ``where`` keeps, each with its host city's contacts. For
    one person (*My tasks*) only the reviews that person is asked about: those of their own
    city as its contact, and (``team``) those they sat on; so the page costs the same in a
    network of 30 reviews or of 3,000."""
    from peerreview.auth.models import User
    from peerreview.reviews.models import TeamMember

    stmt = select(Review).where(Review.state.in_(states), Review.visit_end.is_not(None), *where)
    if user is not None:
        mine = []
        if user.city_id is not None and user.city_role == "contact":
            mine.append(Review.host_city_id == user.city_id)
        if team:
            mine.append(Review.id.in_(select(TeamMember.review_id).where(
                TeamMember.user_id == user.id, TeamMember.status == "accepted")))
        if not mine:
            return [], {}
        stmt = stmt.where(or_(*mine))
    options = [selectinload(Review.host_city), selectinload(Review.benchmark)]
    if team:
        options.append(selectinload(Review.team).selectinload(TeamMember.user))
    reviews = db.session.scalars(stmt.options(*options).order_by(Review.id)).unique().all()
    hosts = {}
    if reviews:
        for person in db.session.scalars(select(User).where(
                User.city_id.in_({r.host_city_id for r in reviews}), User.city_role == "contact",
                User.active.is_(True), User.erased_at.is_(None)).order_by(User.id)):
            hosts.setdefault(person.city_id, []).append(person)
    return reviews, hosts


@deadline_source("survey.visit", _l("Survey after the visit week"),
                 _l("A few questions once a visit week is over: how useful it was, how well "
                    "organised, what to change."))
def visit_survey_due(*, user=None, today):
    # open from the day after the visit until OPEN_DAYS_AFTER_DUE after its due date
    ended = (Review.visit_end < today,
             Review.visit_end >= today - timedelta(days=surveys.ANSWER_DAYS + surveys.OPEN_DAYS_AFTER_DUE))
    reviews, hosts = _reviews(AFTER_VISIT, user=user, where=ended)
    answered = _answered("visit", [r.id for r in reviews])
    out = []
    for r in reviews:
        due = surveys.visit_due(r)
        if today < surveys.visit_opens_on(r) or today > due + timedelta(days=surveys.OPEN_DAYS_AFTER_DUE):
            continue
        people = hosts.get(r.host_city_id, []) + [s.user for s in r.team if s.status == "accepted"]
        people = tuple(p for p in people if p.is_active and (r.id, p.id) not in answered)
        if user is not None:
            people = tuple(p for p in people if p.id == user.id)
        if people:
            out.append(Deadline(kind="survey.visit", due=due, obj=r, users=people,
                                title=_("Answer the short survey about the visit week"), subject=r.title,
                                endpoint="surveys.answer", url_values={"review_id": r.id, "kind": "visit"},
                                can=lambda u, r=r: perm.can_answer_survey(u, r, "visit")))
    return out


@deadline_source("survey.outcome", _l("Outcome survey a year after the report"),
                 _l("Twelve months after your city's report was issued: which recommendations made "
                    "a difference, and what changed."))
def outcome_survey_due(*, user=None, today):
    if user is not None and (user.city_id is None or user.city_role != "contact"):
        return []
    reviews, hosts = _reviews(("issued", "follow_up", "closed"), user=user, team=False)
    answered = _answered("outcome", [r.id for r in reviews])
    issued = surveys.first_issues([r.id for r in reviews])
    out = []
    for r in reviews:
        opens = surveys.outcome_open_on(r, issued.get(r.id))
        if opens is None:
            continue
        due = opens + timedelta(days=surveys.ANSWER_DAYS)
        if today < opens or today > due + timedelta(days=surveys.OPEN_DAYS_AFTER_DUE):
            continue
        people = tuple(p for p in hosts.get(r.host_city_id, []) if (r.id, p.id) not in answered
                       and (user is None or p.id == user.id))
        if people:
            out.append(Deadline(kind="survey.outcome", due=due, obj=r, users=people,
                                title=_("Answer the outcome survey: what the review changed"), subject=r.title,
                                endpoint="surveys.answer", url_values={"review_id": r.id, "kind": "outcome"},
                                can=lambda u, r=r: perm.can_answer_survey(u, r, "outcome")))
    return out
