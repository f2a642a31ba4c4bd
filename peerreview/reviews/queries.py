"""Loading reviews for lists, with what the list shows loaded up front (no N+1)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.extensions import db
from peerreview.reviews.models import Review, SelfAssessment, TeamMember, VisitSession


def _with_list_data(stmt, *, team: bool = False):
    """What a list shows (host city, theme) and the deadline checks read (the self-assessment's
    status), plus the seats that a row's "next step" needs when ``team``; a fixed number of
    queries whatever the number of reviews."""
    from peerreview.framework.models import Benchmark

    options = [
        selectinload(Review.host_city),
        selectinload(Review.benchmark).selectinload(Benchmark.theme),
        selectinload(Review.self_assessment).load_only(SelfAssessment.id, SelfAssessment.status),
    ]
    if team:
        options.append(selectinload(Review.team).load_only(
            TeamMember.id, TeamMember.review_id, TeamMember.user_id, TeamMember.role,
            TeamMember.status))
    return stmt.options(*options)


def _annotate_session_counts(reviews: list[Review]) -> None:
    """How many programme sessions each review has, in one query, for list pages."""
    if not reviews:
        return
    counts = dict(db.session.execute(
        select(VisitSession.review_id, func.count(VisitSession.id))
        .where(VisitSession.review_id.in_([r.id for r in reviews]))
        .group_by(VisitSession.review_id)).all())
    for review in reviews:
        review.__dict__["_session_count"] = counts.get(review.id, 0)


def session_count(review: Review) -> int:
    cached = review.__dict__.get("_session_count")
    return cached if cached is not None else len(review.sessions)


def _visible(stmt, user):
    condition = perm.visible_reviews(user)
    return stmt if condition is None else stmt.where(condition)


LIST_ORDER = (Review.visit_start.is_(None), Review.visit_start, Review.id)


def state_counts(user) -> dict[str, int]:
    """How many reviews the user may list, per state, in one query."""
    stmt = _visible(select(Review.state, func.count(Review.id)), user).group_by(Review.state)
    return dict(db.session.execute(stmt).all())


def list_rows(user, states: tuple[str, ...], *, offset: int, limit: int) -> list[Review]:
    """One page of the list: by state in the order given, then soonest visit first."""
    rank = case({s: n for n, s in enumerate(states)}, value=Review.state, else_=len(states))
    stmt = _visible(select(Review), user).where(Review.state.in_(states))
    stmt = stmt.order_by(rank, *LIST_ORDER).offset(offset).limit(limit)
    rows = list(db.session.scalars(_with_list_data(stmt, team=True)))
    _annotate_session_counts(rows)
    return rows


def upcoming(user, today: date, limit: int = 10) -> list[Review]:
    """Visits not over yet, soonest first (cancelled and declined reviews left out)."""
    stmt = _visible(select(Review), user).where(
        Review.visit_start.is_not(None), Review.visit_end >= today,
        Review.state.not_in(("cancelled", "declined")))
    return list(db.session.scalars(_with_list_data(stmt.order_by(*LIST_ORDER).limit(limit))))


def overdue_candidates(user, today: date) -> list[Review]:
    """The reviews whose dates say :func:`deadlines` may report something late: the due dates
    it checks, per state, already past."""
    stmt = _visible(select(Review), user).where(or_(
        and_(Review.state.in_(("accepted", "team_forming", "preparing")),
             or_(Review.self_assessment_due < today, Review.programme_due < today)),
        and_(Review.state.in_(("visit", "reporting")), Review.report_due < today)))
    reviews = list(db.session.scalars(_with_list_data(stmt.order_by(*LIST_ORDER))))
    _annotate_session_counts(reviews)
    return reviews


def deadlines(review: Review) -> list[tuple[str, date]]:
    out = []
    sa = getattr(review, "self_assessment", None)
    if review.self_assessment_due and review.state in ("accepted", "team_forming", "preparing") \
            and (sa is None or sa.status != "submitted"):
        out.append((_("Self-assessment"), review.self_assessment_due))
    if review.programme_due and review.state in ("accepted", "team_forming", "preparing") \
            and not session_count(review):
        out.append((_("Visit programme"), review.programme_due))
    if review.report_due and review.state in ("visit", "reporting"):
        out.append((_("Feedback report"), review.report_due))
    return out


def overdue(reviews: list[Review], today: date) -> list[tuple[Review, str, date]]:
    return sorted(((r, what, due) for r in reviews for what, due in deadlines(r) if due < today),
                  key=lambda x: x[2])
