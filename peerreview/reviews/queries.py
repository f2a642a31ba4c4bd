"""Loading reviews for lists, with what the list shows loaded up front (no N+1)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.extensions import db
from peerreview.reviews.models import Review, SelfAssessment, TeamMember, VisitSession


def _with_list_data(stmt):
    """What every list row shows (host city, theme), in a fixed number of queries."""
    from peerreview.framework.models import Benchmark

    return stmt.options(
        selectinload(Review.host_city),
        selectinload(Review.benchmark).selectinload(Benchmark.theme),
    )


def load_details(reviews: list[Review]) -> None:
    """The team seats and self-assessment status that a row's "next step" and the deadline
    checks need, for just these reviews, in a fixed number of queries."""
    if not reviews:
        return
    list(db.session.scalars(select(Review).where(Review.id.in_([r.id for r in reviews])).options(
        selectinload(Review.team).load_only(TeamMember.id, TeamMember.review_id,
                                            TeamMember.user_id, TeamMember.role,
                                            TeamMember.status),
        selectinload(Review.self_assessment).load_only(SelfAssessment.id, SelfAssessment.status),
    )))
    _annotate_session_counts(reviews)


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


def visible_reviews(user, *, details: bool = True) -> list[Review]:
    """The reviews a user may list. ``details=False`` leaves the seats and self-assessments
    for :func:`load_details`, so a long list loads them only for the rows on screen."""
    stmt = select(Review).order_by(Review.visit_start.is_(None), Review.visit_start, Review.id)
    if not perm.is_coordinator(user):
        seats = select(TeamMember.review_id).where(TeamMember.user_id == user.id,
                                                   TeamMember.status != "declined")
        conditions = [Review.id.in_(seats)]
        if user.city_id is not None:
            conditions.append(Review.host_city_id == user.city_id)
        stmt = stmt.where(or_(*conditions))
    reviews = list(db.session.scalars(_with_list_data(stmt)))
    if details:
        load_details(reviews)
    return reviews


def may_be_overdue(review: Review, today: date) -> bool:
    """Whether :func:`deadlines` could report something late, from the dates alone."""
    dues = []
    if review.state in ("accepted", "team_forming", "preparing"):
        dues = [review.self_assessment_due, review.programme_due]
    elif review.state in ("visit", "reporting"):
        dues = [review.report_due]
    return any(d is not None and d < today for d in dues)


def deadlines(review: Review) -> list[tuple[str, date]]:
    out = []
    sa = getattr(review, "self_assessment", None)
    if review.self_assessment_due and review.state in ("accepted", "team_forming", "preparing") \
            and (sa is None or sa.status != "submitted"):
        out.append(("Self-assessment", review.self_assessment_due))
    if review.programme_due and review.state in ("accepted", "team_forming", "preparing") \
            and not session_count(review):
        out.append(("Visit programme", review.programme_due))
    if review.report_due and review.state in ("visit", "reporting"):
        out.append(("Feedback report", review.report_due))
    return out


def overdue(reviews: list[Review], today: date) -> list[tuple[Review, str, date]]:
    return sorted(((r, what, due) for r in reviews for what, due in deadlines(r) if due < today),
                  key=lambda x: x[2])
