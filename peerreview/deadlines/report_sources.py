"""Deadlines of the feedback report: the host's factual check, the team's draft (finer than
the rough one in sources.py, which this replaces), and the follow-up of the recommendations 6
and 12 months after issue. Imported by sources.py only when the report feature is installed
(its models import); the report feature may take these kinds over with sources of its own.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.auth.models import User
from peerreview.deadlines.registry import Deadline, deadline_source
from peerreview.deadlines.sources import (
    REPORT_DRAFT_DAYS_BEFORE_REPORT,
    _active,
    _city_people,
    _report_reviews,
    _reviews,
    _writers,
)
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.reports.models import Recommendation, Report, ReportVersion
from peerreview.reviews.models import Review

FOLLOW_UP_MONTHS = (6, 12)
# A progress report counts for a follow-up date when it is made at most this long before it.
FOLLOW_UP_WINDOW_DAYS = 30


def _months_after(day, months: int):
    return day + timedelta(days=round(months * 30.44))


@deadline_source("review.report_draft", _l("Draft report due"),
                 _l("You lead or write up a review: the draft report goes to the host city for a "
                 "factual check two weeks before the report is due."))
def report_draft_due(*, user=None, today):
    out = []
    for r in _report_reviews(user):
        report = r.report
        if report is not None and report.state != "drafting":
            continue  # shared for the factual check already
        writers = _writers(r)
        if writers:
            # the writers get the draft ready; the secretariat sends it (next source)
            out.append(Deadline(kind="review.report_draft", obj=r, users=writers,
                                due=r.report_due - timedelta(days=REPORT_DRAFT_DAYS_BEFORE_REPORT),
                                title=_("Finish the draft report for the factual check by the host city"),
                                subject=r.title, endpoint="reports.show", url_values={"review_id": r.id},
                                can=lambda u, r=r: perm.can_draft_report(u, r)))
    return out


@deadline_source("report.factual_check_start", _l("Draft report to send for the factual check"),
                 _l("For the secretariat: the draft report goes to the host city for a factual check "
                 "two weeks before the report is due."))
def factual_check_start_due(*, user=None, today):
    if user is not None and not perm.is_coordinator(user):
        return []
    stmt = (select(Review).where(Review.state == "reporting", Review.report_due.is_not(None))
            .options(selectinload(Review.report)))
    reviews = [r for r in _reviews(stmt) if r.report is None or r.report.state == "drafting"]
    if not reviews:
        return []
    people = _active((user,) if user is not None else db.session.scalars(
        select(User).where(User.is_coordinator.is_(True), User.active.is_(True)).order_by(User.id)))
    return [Deadline(kind="report.factual_check_start", obj=r, users=people,
                     due=r.report_due - timedelta(days=REPORT_DRAFT_DAYS_BEFORE_REPORT),
                     title=_("Send the draft report to the host city for the factual check"),
                     subject=r.title, endpoint="reports.show",
                     url_values={"review_id": r.id, "_anchor": "factual-check"},
                     can=lambda u, r=r: perm.can_view_report(u, r)
                     and perm.can_transition(u, r, "start_factual_check"))
            for r in reviews] if people else []


@deadline_source("report.factual_check", _l("Factual check of the draft report"),
                 _l("Your city hosted a review: check the facts of the draft report and comment "
                 "before the deadline the secretariat set."))
def factual_check_due(*, user=None, today):
    if user is not None and user.city_id is None:
        return []
    stmt = (select(Review).join(Report, Report.review_id == Review.id)
            .where(Review.state == "reporting", Report.state == "factual_check",
                   Report.factual_check_deadline.is_not(None))
            .options(selectinload(Review.report)))
    if user is not None:
        stmt = stmt.where(Review.host_city_id == user.city_id)
    reviews = _reviews(stmt)
    people = _city_people({r.host_city_id for r in reviews}, user=user, contacts_only=False)
    return [Deadline(kind="report.factual_check", due=r.report.factual_check_deadline, obj=r.report,
                     users=_active(people[r.host_city_id]), title=_("Check the facts of the draft report"),
                     subject=r.title, endpoint="reports.show", url_values={"review_id": r.id},
                     can=lambda u, r=r: perm.can_comment_as_host(u, r))
            for r in reviews if people.get(r.host_city_id)]


def _open_recommendations(report: Report, carried: set[int] = frozenset()) -> list[Recommendation]:
    """The recommendations the host city reports on: not refused, not done, and not carried by a
    mentoring action (whose progress is recorded on the action, see mentoring/followup.py)."""
    return [rec for rec in report.recommendations
            if rec.response != "not_accepted" and rec.progress != "done" and rec.id not in carried]


def _carried_by_actions() -> set[int]:
    try:
        from peerreview.mentoring.followup import TRACKING
        from peerreview.mentoring.plan_models import MentoringAction
    except ImportError:  # pragma: no cover - the mentoring feature is absent
        return set()
    return set(db.session.scalars(select(MentoringAction.recommendation_id).where(
        MentoringAction.recommendation_id.is_not(None), MentoringAction.status.in_(TRACKING))))


def _codes(recs: list[Recommendation]) -> str:
    from peerreview.reports.services import code_of

    codes = sorted((code_of(r) for r in recs), key=lambda c: int(c[1:]))
    if len(codes) == 1:
        return codes[0]
    return _("%(codes)s and %(last)s", codes=", ".join(codes[:-1]), last=codes[-1])


def _reported_since(rec: Recommendation, since) -> bool:
    return any(u.kind == "progress" and u.created_at.date() >= since for u in rec.updates)


@deadline_source("report.follow_up", _l("Follow-up of the recommendations"),
                 _l("Your city's report was issued: say what became of each recommendation 6 and "
                 "12 months later."))
def follow_up_due(*, user=None, today):
    if user is not None and (user.city_id is None or user.city_role != "contact"):
        return []
    stmt = (select(Review).join(Report, Report.review_id == Review.id)
            .where(Review.state.in_(("issued", "follow_up")))
            .options(selectinload(Review.report).selectinload(Report.versions),
                     selectinload(Review.report).selectinload(Report.recommendations)
                     .selectinload(Recommendation.updates)))
    stmt = stmt.where(Report.id.in_(select(ReportVersion.report_id)))
    if user is not None:
        stmt = stmt.where(Review.host_city_id == user.city_id)
    reviews = _reviews(stmt)
    people = _city_people({r.host_city_id for r in reviews}, user=user, contacts_only=True)
    carried = _carried_by_actions() if reviews else set()
    out = []
    for r in reviews:
        report = r.report
        issued = report.versions[0].issued_at.date()
        open_recs = _open_recommendations(report, carried)
        if not open_recs or not people.get(r.host_city_id):
            continue
        dates = [_months_after(issued, m) for m in FOLLOW_UP_MONTHS]
        for n, due in enumerate(dates):
            since = due - timedelta(days=FOLLOW_UP_WINDOW_DAYS)
            later = dates[n + 1:]
            if later and today >= later[0] - timedelta(days=FOLLOW_UP_WINDOW_DAYS):
                continue  # the next follow-up date has taken over
            waiting = [rec for rec in open_recs if not _reported_since(rec, since)]
            if not waiting:
                continue
            out.append(Deadline(kind="report.follow_up", due=due, obj=report,
                                users=_active(people[r.host_city_id]),
                                title=_("Report progress on %(codes)s (%(months)d months after the report)",
                                        codes=_codes(waiting), months=FOLLOW_UP_MONTHS[n]),
                                subject=r.title, endpoint="reports.follow_up",
                                url_values={"review_id": r.id},
                                can=lambda u, r=r: perm.can_respond_to_recommendations(u, r)))
            break  # one follow-up date at a time
    return out
