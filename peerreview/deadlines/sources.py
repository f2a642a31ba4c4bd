"""The deadlines of peer reviews, and the kinds of message that are not deadlines.

Each source returns the open deadlines of one kind and stops returning one once the work is
done (the self-assessment submitted, the programme drafted, the invitation answered...), which
also stops its reminders. See registry.py for how other features add theirs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload, selectinload

from peerreview import permissions as perm
from peerreview.auth.models import User
from peerreview.deadlines.registry import Deadline, MessageKind, deadline_source, register_kind
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.reviews.models import Review, SelfAssessment, TeamMember

PREPARATION = ("accepted", "team_forming", "preparing")
REPORTING = ("visit", "reporting")
TEAM_OPEN = ("accepted", "team_forming", "preparing", "visit", "reporting")
INVITATION_ANSWER_DAYS = 7
REQUEST_ANSWER_DAYS = 14
PROGRAMME_DAYS_BEFORE_VISIT = 14
REPORT_DRAFT_DAYS_BEFORE_REPORT = 14

register_kind(MessageKind(
    "review.updates", _l("Review updates"),
    _l("A review you take part in moves to its next step, or its host city submits the self-assessment."),
    group=_l("Peer reviews"), templates=("review_state", "self_assessment_submitted")))
register_kind(MessageKind(
    "review.team_dropouts", _l("Peers who cannot take part"),
    _l("For the secretariat: a peer declines an invitation or drops out of a review team, with "
    "the reason they give."), group=_l("Peer reviews"), templates=("team_decline",)))
register_kind(MessageKind(
    "review.team_invitation", _l("Invitations to a review team"),
    _l("You are invited to a review team: the secretariat needs your answer."),
    group=_l("Always sent"), mandatory=True, templates=("team_invitation",)))
register_kind(MessageKind(
    "account", _l("Account invitations and password links"),
    _l("Links to choose your password: they are only ever sent when you or the secretariat ask."),
    group=_l("Always sent"), mandatory=True, templates=("invitation", "password_reset")))


def _reviews(stmt):
    from peerreview.framework.models import Benchmark

    # the team and the self-assessment too: each deadline's ``can`` reads them; what a review
    # has one of is joined into the same query
    return db.session.scalars(stmt.options(
        joinedload(Review.host_city), joinedload(Review.benchmark).joinedload(Benchmark.theme),
        selectinload(Review.team), joinedload(Review.self_assessment),
    ).order_by(Review.id)).unique().all()


def _active(users) -> tuple:
    return tuple(u for u in users if u.is_active)


def _city_people(city_ids: set[int], *, user, contacts_only: bool) -> dict[int, list]:
    """Active people of each city (only its contacts if ``contacts_only``), in one query."""
    if not city_ids:
        return {}
    if user is not None:
        fits = user.city_id in city_ids and (not contacts_only or user.city_role == "contact")
        return {user.city_id: [user]} if fits and user.is_active else {}
    stmt = select(User).where(User.city_id.in_(city_ids), User.active.is_(True),
                              User.erased_at.is_(None)).order_by(User.id)
    if contacts_only:
        stmt = stmt.where(User.city_role == "contact")
    out: dict[int, list] = defaultdict(list)
    for person in db.session.scalars(stmt):
        out[person.city_id].append(person)
    return out


def _report_page(review: Review) -> tuple[str, dict]:
    """The report's own page once the report feature is there, else the review page."""
    for endpoint in ("reports.show", "reports.edit", "reports.index"):
        if endpoint in current_app.view_functions:
            return endpoint, {"review_id": review.id}
    return "reviews.show", {"review_id": review.id}


@deadline_source("review.self_assessment", _l("Self-assessment due"),
                 _l("Your city hosts a review: the self-assessment is due before the visit."))
def self_assessment_due(*, user=None, today):
    if user is not None and user.city_id is None:
        return []
    stmt = (select(Review)
            .outerjoin(SelfAssessment, SelfAssessment.review_id == Review.id)
            .where(Review.state.in_(PREPARATION), Review.self_assessment_due.is_not(None),
                   or_(SelfAssessment.id.is_(None), SelfAssessment.status != "submitted")))
    if user is not None:
        stmt = stmt.where(Review.host_city_id == user.city_id)
    reviews = _reviews(stmt)
    people = _city_people({r.host_city_id for r in reviews}, user=user, contacts_only=False)
    return [Deadline(kind="review.self_assessment", due=r.self_assessment_due, obj=r,
                     users=_active(people.get(r.host_city_id, ())),
                     title=_("Complete and submit the self-assessment"), subject=r.title,
                     endpoint="assessment.show", url_values={"review_id": r.id},
                     can=lambda u, r=r: perm.can_edit_self_assessment(u, r))
            for r in reviews if people.get(r.host_city_id)]


@deadline_source("review.programme", _l("Visit programme due"),
                 _l("Your city hosts a review: the visit programme is due two weeks before the visit."))
def programme_due(*, user=None, today):
    if user is not None and (user.city_id is None or user.city_role != "contact"):
        return []
    stmt = select(Review).where(
        Review.state.in_(PREPARATION), ~Review.sessions.any(),
        or_(Review.programme_due.is_not(None), Review.visit_start.is_not(None)))
    if user is not None:
        stmt = stmt.where(Review.host_city_id == user.city_id)
    reviews = _reviews(stmt)
    people = _city_people({r.host_city_id for r in reviews}, user=user, contacts_only=True)
    out = []
    for r in reviews:
        due = r.programme_due or r.visit_start - timedelta(days=PROGRAMME_DAYS_BEFORE_VISIT)
        if people.get(r.host_city_id):
            out.append(Deadline(kind="review.programme", due=due, obj=r,
                                users=_active(people[r.host_city_id]),
                                title=_("Draft the visit programme"), subject=r.title,
                                endpoint="programme.show", url_values={"review_id": r.id},
                                can=lambda u, r=r: perm.can_edit_programme(u, r)))
    return out


@deadline_source("review.invitation_answer", _l("Answer to an invitation to a review team"),
                 _l("You are invited to a review team: accept or decline within a week."))
def invitation_answer_due(*, user=None, today):
    from peerreview.framework.models import Benchmark

    stmt = (select(TeamMember).join(Review, TeamMember.review_id == Review.id)
            .where(TeamMember.status == "invited", Review.state.in_(TEAM_OPEN))
            .options(selectinload(TeamMember.user),
                     selectinload(TeamMember.review).selectinload(Review.host_city),
                     selectinload(TeamMember.review).selectinload(Review.benchmark)
                     .selectinload(Benchmark.theme))
            .order_by(TeamMember.id))
    if user is not None:
        stmt = stmt.where(TeamMember.user_id == user.id)
    out = []
    for seat in db.session.scalars(stmt):
        if not seat.user.is_active:
            continue
        review = seat.review
        due = seat.created_at.date() + timedelta(days=INVITATION_ANSWER_DAYS)
        if review.visit_start is not None:
            due = min(due, review.visit_start - timedelta(days=1))
        out.append(Deadline(kind="review.invitation_answer", due=due, obj=seat, users=(seat.user,),
                            title=_("Accept or decline the invitation to the review team"),
                            subject=review.title, endpoint="reviews.show",
                            url_values={"review_id": review.id, "_anchor": "team-h"},
                            can=lambda u, seat=seat: perm.can_answer_seat(u, seat, "accept")))
    return out


@deadline_source("review.request_answer", _l("Requests waiting for acceptance"),
                 _l("For the secretariat: a city has requested a peer review; accept it (with visit "
                 "dates) or decline it within two weeks."))
def request_answer_due(*, user=None, today):
    from peerreview.reviews.models import ReviewEvent

    if user is not None and not perm.is_coordinator(user):
        return []
    reviews = _reviews(select(Review).where(Review.state == "requested"))
    if not reviews:
        return []
    sent = dict(db.session.execute(
        select(ReviewEvent.review_id, func.max(ReviewEvent.at))
        .where(ReviewEvent.review_id.in_([r.id for r in reviews]), ReviewEvent.to_state == "requested")
        .group_by(ReviewEvent.review_id)).all())
    people = (user,) if user is not None else tuple(db.session.scalars(
        select(User).where(User.is_coordinator.is_(True), User.active.is_(True)).order_by(User.id)))
    people = _active(people)
    if not people:
        return []
    return [Deadline(kind="review.request_answer", obj=r, users=people,
                     due=(sent.get(r.id) or r.updated_at or r.created_at).date()
                     + timedelta(days=REQUEST_ANSWER_DAYS),
                     title=_("Accept or decline the request for a peer review"), subject=r.title,
                     endpoint="reviews.accept", url_values={"review_id": r.id},
                     can=lambda u, r=r: perm.can_transition(u, r, "accept"))
            for r in reviews]


def _report_reviews(user):
    """The reviews whose report is being written (those ``user`` writes, when given), with their
    writers and their report: asked by the draft report's and the report's deadlines, loaded
    once per request."""
    from peerreview.request_cache import once

    def load():
        stmt = select(Review).where(Review.state.in_(REPORTING), Review.report_due.is_not(None))
        if user is not None:
            writes = select(TeamMember.review_id).where(
                TeamMember.user_id == user.id, TeamMember.status == "accepted",
                TeamMember.role.in_(("lead", "rapporteur")))
            stmt = stmt.where(Review.id.in_(writes))
        options = [selectinload(Review.team).selectinload(TeamMember.user)]
        if "report" in sa_inspect(Review).relationships:   # the report feature is installed
            options.append(selectinload(Review.report))
        return _reviews(stmt.options(*options))

    return once(("report_reviews", user.id if user is not None else None), load)


def _writers(review: Review) -> tuple:
    return _active(s.user for s in review.team
                   if s.status == "accepted" and s.role in ("lead", "rapporteur"))


@deadline_source("review.report_draft", _l("Draft report due"),
                 _l("You lead or write up a review: the draft report goes to the host city for a "
                 "factual check two weeks before the report is due."))
def report_draft_due(*, user=None, today):
    out = []
    for r in _report_reviews(user):
        writers = _writers(r)
        if writers:
            endpoint, values = _report_page(r)
            out.append(Deadline(kind="review.report_draft", obj=r, users=writers,
                                due=r.report_due - timedelta(days=REPORT_DRAFT_DAYS_BEFORE_REPORT),
                                title=_("Finish the draft report for the factual check by the host city"),
                                subject=r.title, endpoint=endpoint, url_values=values,
                                can=lambda u, r=r: perm.can_draft_report(u, r)))
    return out


@deadline_source("review.report", _l("Feedback report due"),
                 _l("You lead or write up a review: the feedback report is due about a month "
                 "after the visit."))
def report_due(*, user=None, today):
    out = []
    for r in _report_reviews(user):
        writers = _writers(r)
        if writers:
            endpoint, values = _report_page(r)
            out.append(Deadline(kind="review.report", obj=r, users=writers, due=r.report_due,
                                title=_("Finish the feedback report"), subject=r.title,
                                endpoint=endpoint, url_values=values,
                                can=lambda u, r=r: perm.can_draft_report(u, r)))
    return out


# The report feature's deadlines, when it is installed.
try:
    import peerreview.reports.models  # noqa: F401
except ImportError:  # pragma: no cover - the report feature is not there
    pass
else:
    import peerreview.deadlines.report_sources  # noqa: F401,E402
