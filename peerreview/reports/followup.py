"""Follow-up of an issued report: the host city's response to each recommendation, then its
progress; the overview across all reviews; and a stable reading of a recommendation for other
features.

For other features (mentoring)
    ``as_goal(recommendation_id)`` returns a :class:`Goal`, a plain snapshot of one
    recommendation (its id, its code R1, R2 ..., review, host city, key factor, action, owner,
    timeframe, and the host's response and progress). ``Recommendation.id`` is stable: a recommendation is never
    deleted once its report is issued, and corrections keep the id. Keep the id and call
    ``as_goal`` again to read the current state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from peerreview.audit.services import record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.reports.models import (
    PROGRESS,
    RESPONSES,
    Recommendation,
    RecommendationUpdate,
    Report,
    ReportVersion,
)
from peerreview.timeutil import utcnow

FOLLOW_UP_STATES = ("issued", "follow_up")


def _open(rec: Recommendation) -> None:
    review = rec.report.review
    if review.state not in FOLLOW_UP_STATES:
        raise NotAllowed(_("Responses and progress are recorded after the report is issued and "
                         "until the review is closed."))


def respond(rec: Recommendation, *, response: str, reason: str, actor) -> None:
    _open(rec)
    if response not in RESPONSES:
        raise DomainError(_("Choose a response: accepted, partly accepted or not accepted."), field="response")
    reason = (reason or "").strip()
    if response != "accepted" and not reason:
        raise DomainError(_("Give the reason: the team and the network learn from it."), field="reason")
    if len(reason) > 5000:
        raise DomainError(_("Keep the reason under 5,000 characters."), field="reason")
    if response == "not_accepted":
        working = _tracking(rec)
        if working:
            raise NotAllowed(_("%(code)s is being worked on in the mentoring action plan "
                               "(%(actions)s). Drop those actions first if the "
                               "city no longer accepts it.", code=_code(rec),
                               actions=", ".join(a.code for a in working)), field="response")
    before = rec.response
    rec.response, rec.response_reason, rec.responded_at = response, reason, utcnow()
    if response == "not_accepted":
        rec.progress = None
    elif rec.progress is None:
        rec.progress = "not_started"
    db.session.add(RecommendationUpdate(recommendation=rec, kind="response", status=response,
                                        note=reason, on_date=date.today(), author_id=actor.id))
    record("report.response", rec.report.review, actor=actor,
           changes={"recommendation": rec.id, "code": _code(rec), "response": [before, response]})


def report_progress(rec: Recommendation, *, progress: str, note: str, on_date: date | None, actor) -> None:
    _open(rec)
    if rec.response is None:
        raise NotAllowed(_("Record the city's response to this recommendation first."), field="progress")
    if rec.response == "not_accepted":
        raise NotAllowed(_("The city did not accept this recommendation, so there is no progress "
                         "to report. Change the response first if that has changed."), field="progress")
    working = _tracking(rec)
    if working:
        names = ", ".join(f"{a.code} ({a.mentorship.title})" for a in working)
        raise NotAllowed(_("The progress of %(code)s comes from the mentoring action that works on "
                           "it: %(actions)s. Record what happened there (its mentees or the "
                           "secretariat), so that it is entered once.", code=_code(rec),
                           actions=names), field="progress")
    if progress not in PROGRESS:
        raise DomainError(_("Choose: not started, in progress or done."), field="progress")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say briefly what happened."), field="note")
    if len(note) > 5000:
        raise DomainError(_("Keep the note under 5,000 characters."), field="note")
    on_date = on_date or date.today()
    if on_date > date.today():
        raise DomainError(_("The date cannot be in the future."), field="on_date")
    before = rec.progress
    rec.progress, rec.progress_note, rec.progress_on = progress, note, on_date
    if progress != "done":
        rec.done_on = None
    elif before != "done" or rec.done_on is None:
        rec.done_on = on_date
    db.session.add(RecommendationUpdate(recommendation=rec, kind="progress", status=progress,
                                        note=note, on_date=on_date, author_id=actor.id))
    record("report.progress", rec.report.review, actor=actor,
           changes={"recommendation": rec.id, "code": _code(rec), "progress": [before, progress]})


def _code(rec: Recommendation) -> str:
    from peerreview.reports.services import code_of

    return code_of(rec)


def _tracking(rec: Recommendation) -> list:
    """The mentoring actions that carry this recommendation's progress (see mentoring/followup.py)."""
    from peerreview.mentoring.followup import tracking_actions

    return tracking_actions(rec)


def due_date(rec: Recommendation, issued_on: date | None) -> date | None:
    """When the recommendation's timeframe ends, counted from the issue that first contained it."""
    issued_on = rec.issued_on or issued_on
    if issued_on is None:
        return None
    return issued_on + timedelta(days=round(rec.timeframe_months * 30.44))


@dataclass
class ReviewFollowUp:
    """One issued review's line in the coordinator's overview: what became of its
    recommendations, counted in the database."""

    review_id: int
    state: str
    city: str
    theme: str
    total: int = 0
    responses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESPONSES, 0))
    progress: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROGRESS, 0))
    waiting: int = 0
    overdue: int = 0
    last_update: date | None = None


def overview(today: date | None = None) -> list[ReviewFollowUp]:
    """Follow-up of every issued review, for the coordinator: four queries of columns, whatever
    the number of reviews. The recommendations are counted in the database, grouped by what the
    counts and the overdue date read; no report, recommendation, update or version is loaded
    as an object."""
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, Theme
    from peerreview.reviews.models import Review

    today = today or date.today()
    out: dict[int, ReviewFollowUp] = {}
    for report_id, review_id, state, city, theme in db.session.execute(
            select(Report.id, Review.id, Review.state, City.name, Theme.name)
            .join(Review, Review.id == Report.review_id).join(City, City.id == Review.host_city_id)
            .join(Benchmark, Benchmark.id == Review.benchmark_id).join(Theme, Theme.id == Benchmark.theme_id)
            .where(Review.state.in_(("issued", "follow_up", "closed")))
            .order_by(Review.state, Report.id)):
        out[report_id] = ReviewFollowUp(review_id=review_id, state=state, city=city, theme=theme)
    if not out:
        return []
    ids = list(out)
    first: dict[int, tuple[int, date]] = {}
    for report_id, number, issued_at in db.session.execute(
            select(ReportVersion.report_id, ReportVersion.number, ReportVersion.issued_at)
            .where(ReportVersion.report_id.in_(ids))):
        if report_id not in first or number < first[report_id][0]:
            first[report_id] = (number, issued_at.date())
    for report_id, response, progress, issued_on, months, count in db.session.execute(
            select(Recommendation.report_id, Recommendation.response, Recommendation.progress,
                   Recommendation.issued_on, Recommendation.timeframe_months,
                   func.count(Recommendation.id))
            .where(Recommendation.report_id.in_(ids))
            .group_by(Recommendation.report_id, Recommendation.response, Recommendation.progress,
                      Recommendation.issued_on, Recommendation.timeframe_months)):
        row = out[report_id]
        row.total += count
        if response is None:
            row.waiting += count
        elif response in row.responses:
            row.responses[response] += count
        if progress in row.progress:
            row.progress[progress] += count
        if response in ("accepted", "partly") and progress != "done":
            due = due_date(_Due(issued_on, months), first.get(report_id, (None, None))[1])
            if due is not None and due < today:
                row.overdue += count
    u = RecommendationUpdate
    for report_id, on_date, created_at in db.session.execute(
            select(Recommendation.report_id, func.max(u.on_date), func.max(case((u.on_date.is_(None), u.created_at))))
            .join(Recommendation, Recommendation.id == u.recommendation_id)
            .where(Recommendation.report_id.in_(ids)).group_by(Recommendation.report_id)):
        days = [d for d in (_as_date(on_date), _as_date(created_at)) if d is not None]
        if days:
            out[report_id].last_update = max(days)
    return list(out.values())


@dataclass(frozen=True)
class _Due:
    """What :func:`due_date` reads of a recommendation."""

    issued_on: date | None
    timeframe_months: int


def _as_date(value) -> date | None:
    """A day or a moment from an aggregate (SQLite hands back the text of either) as a day."""
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class Goal:
    """A recommendation as another feature sees it (see the module docstring)."""

    recommendation_id: int
    code: str
    review_id: int
    host_city_id: int
    benchmark_id: int
    key_factor_id: int
    key_factor_code: str
    action: str
    rationale: str
    priority: str
    owner: str
    timeframe_months: int
    response: str | None
    progress: str | None


def as_goal(recommendation_id: int) -> Goal | None:
    """The recommendation with this id as a :class:`Goal`, or None if there is none."""
    rec = db.session.get(Recommendation, recommendation_id)
    if rec is None:
        return None
    review = rec.report.review
    return Goal(recommendation_id=rec.id, code=_code(rec), review_id=review.id, host_city_id=review.host_city_id,
                benchmark_id=review.benchmark_id, key_factor_id=rec.key_factor_id,
                key_factor_code=rec.key_factor.code, action=rec.action, rationale=rec.rationale,
                priority=rec.priority, owner=rec.owner, timeframe_months=rec.timeframe_months,
                response=rec.response, progress=rec.progress)
