"""Loading reviews for lists, with what the list shows loaded up front (no N+1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from peerreview import permissions as perm
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.reviews.models import Review, SelfAssessment, TeamMember, VisitSession


def _with_list_data(stmt):
    """What a list shows (host city, theme) and the deadline checks read (the self-assessment's
    status), joined into the same query: many-to-one and one-to-one, so no row is repeated, and
    only the columns read (a city's description, a benchmark's standard, a review's background
    and questions stay in the database)."""
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, Theme

    return stmt.options(
        defer(Review.host_questions), defer(Review.background), defer(Review.state_reason),
        joinedload(Review.host_city).load_only(City.id, City.name, City.country, City.timezone),
        joinedload(Review.benchmark).load_only(Benchmark.id, Benchmark.theme_id, Benchmark.version)
        .joinedload(Benchmark.theme).load_only(Theme.id, Theme.name, Theme.slug),
        joinedload(Review.self_assessment).load_only(SelfAssessment.id, SelfAssessment.status),
    )


def _session_counts():
    return (select(func.count(VisitSession.id)).where(VisitSession.review_id == Review.id)
            .correlate(Review).scalar_subquery())


def _reviews_with_session_counts(stmt) -> list[Review]:
    """The reviews of ``stmt`` (a select of Review, the session count as its second column),
    each remembering its count for :func:`session_count`."""
    rows = []
    for review, sessions in db.session.execute(stmt).unique():
        review.__dict__["_session_count"] = sessions
        rows.append(review)
    return rows


def session_count(review: Review | DueRow) -> int:
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


TEAM_STATES = ("team_forming", "preparing", "visit")
"""The states in which a row's "next step" reads the team: whether it is complete (to start
preparing), whether the reader leads it (to start the visit week or the report)."""


def _load_teams(reviews: list[Review]) -> None:
    """The seats of the reviews in TEAM_STATES, in one query; the other rows' seats are not
    read by the list (a page of requested reviews loads none)."""
    wanted = [r for r in reviews if r.state in TEAM_STATES]
    if not wanted:
        return
    seats: dict[int, list[TeamMember]] = {r.id: [] for r in wanted}
    for seat in db.session.scalars(
            select(TeamMember).options(_seat_columns()).where(TeamMember.review_id.in_(list(seats)))
            .order_by(TeamMember.id)):
        seats[seat.review_id].append(seat)
    for review in wanted:
        set_committed_value(review, "team", seats[review.id])


def _seat_columns():
    from sqlalchemy.orm import load_only

    return load_only(TeamMember.id, TeamMember.review_id, TeamMember.user_id, TeamMember.role,
                     TeamMember.status)


def list_rows(user, states: tuple[str, ...], *, offset: int, limit: int) -> list[Review]:
    """One page of the list: by state in the order given, then soonest visit first."""
    rank = case({s: n for n, s in enumerate(states)}, value=Review.state, else_=len(states))
    stmt = _visible(select(Review, _session_counts()), user).where(Review.state.in_(states))
    stmt = stmt.order_by(rank, *LIST_ORDER).offset(offset).limit(limit)
    rows = _reviews_with_session_counts(_with_list_data(stmt))
    _load_teams(rows)
    return rows


@dataclass(frozen=True)
class UpcomingVisit:
    """A card of the upcoming visits: what it shows, read as columns."""

    id: int
    city: str
    theme: str
    visit_start: date
    visit_end: date
    preferred_start: date | None = None


def upcoming(user, today: date, limit: int = 10) -> list[UpcomingVisit]:
    """Visits not over yet, soonest first (cancelled and declined reviews left out)."""
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, Theme

    stmt = (select(Review.id, City.name, Theme.name, Review.visit_start, Review.visit_end)
            .join(City, City.id == Review.host_city_id)
            .join(Benchmark, Benchmark.id == Review.benchmark_id).join(Theme, Theme.id == Benchmark.theme_id))
    stmt = _visible(stmt, user).where(
        Review.visit_start.is_not(None), Review.visit_end >= today,
        Review.state.not_in(("cancelled", "declined")))
    return [UpcomingVisit(*row) for row in db.session.execute(stmt.order_by(*LIST_ORDER).limit(limit))]


@dataclass
class _Status:
    status: str


@dataclass
class DueRow:
    """What :func:`deadlines` and the "Overdue" list read of a review, from one row of columns
    (a coordinator's list may name a hundred reviews: no Review, city or theme objects)."""

    id: int
    title: str
    state: str
    self_assessment_due: date | None
    programme_due: date | None
    report_due: date | None
    self_assessment: _Status | None
    _session_count: int = field(default=0)


def overdue_candidates(user, today: date) -> list[DueRow]:
    """The reviews whose dates say :func:`deadlines` may report something late: the due dates
    it checks, per state, already past. One query."""
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, Theme

    has_sessions = exists().where(VisitSession.review_id == Review.id)
    stmt = (select(Review.id, City.name, Theme.name, Review.state, Review.self_assessment_due,
                   Review.programme_due, Review.report_due, SelfAssessment.status, has_sessions)
            .join(City, City.id == Review.host_city_id)
            .join(Benchmark, Benchmark.id == Review.benchmark_id).join(Theme, Theme.id == Benchmark.theme_id)
            .outerjoin(SelfAssessment, SelfAssessment.review_id == Review.id)
            .where(or_(
                and_(Review.state.in_(("accepted", "team_forming", "preparing")),
                     or_(Review.self_assessment_due < today, Review.programme_due < today)),
                and_(Review.state.in_(("visit", "reporting")), Review.report_due < today))))
    stmt = _visible(stmt, user).order_by(*LIST_ORDER)
    return [DueRow(rid, f"{city}: {theme}", state, sa_due, prog_due, report_due,
                   _Status(sa_status) if sa_status is not None else None, int(bool(sessions)))
            for rid, city, theme, state, sa_due, prog_due, report_due, sa_status, sessions
            in db.session.execute(stmt)]


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
