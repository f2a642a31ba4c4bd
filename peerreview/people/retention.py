"""Retention: interviewees' contact details are erased a set time after the report is issued
(``INTERVIEWEE_RETENTION_MONTHS``, 6 by default), and their names too unless they agreed to be
named. For a cancelled review the time runs from the cancellation.

``apply()`` is idempotent: it only touches what is still there, so running it twice changes
nothing the second time. ``dry_run`` says what it would erase and changes nothing. Run it
daily: ``flask --app peerreview retention apply``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from peerreview.audit.services import record
from peerreview.extensions import db
from peerreview.people import interviewees
from peerreview.people.models import Interviewee
from peerreview.people.notice import retention_months


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Planned:
    review_id: int
    review_title: str
    since: date
    contacts: list[int] = field(default_factory=list)
    names: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.contacts and not self.names


def _start_dates() -> dict[int, date]:
    """review id -> the day the retention time starts: first issue, else cancellation."""
    from peerreview.reports.models import Report, ReportVersion
    from peerreview.reviews.models import Review, ReviewEvent

    issued = dict(db.session.execute(
        select(Report.review_id, func.min(ReportVersion.issued_at))
        .join(ReportVersion, ReportVersion.report_id == Report.id).group_by(Report.review_id)).all())
    cancelled = dict(db.session.execute(
        select(ReviewEvent.review_id, func.max(ReviewEvent.at))
        .join(Review, Review.id == ReviewEvent.review_id)
        .where(Review.state == "cancelled", ReviewEvent.to_state == "cancelled")
        .group_by(ReviewEvent.review_id)).all())
    out = {rid: at.date() for rid, at in cancelled.items()}
    out.update({rid: at.date() for rid, at in issued.items()})
    return out


def plan(today: date) -> list[Planned]:
    from peerreview.reviews.models import Review

    months = retention_months()
    starts = {rid: since for rid, since in _start_dates().items() if add_months(since, months) <= today}
    if not starts:
        return []
    people = db.session.scalars(select(Interviewee).where(
        Interviewee.review_id.in_(list(starts)),
        (Interviewee.contact_erased_at.is_(None)) | (Interviewee.name_erased_at.is_(None)))
        .order_by(Interviewee.review_id, Interviewee.id)).all()
    titles = {r.id: r.title for r in db.session.scalars(select(Review).where(Review.id.in_(
        sorted({p.review_id for p in people}))))} if people else {}
    out: dict[int, Planned] = {}
    for person in people:
        item = out.setdefault(person.review_id, Planned(person.review_id, titles[person.review_id],
                                                        starts[person.review_id]))
        if person.contact_erased_at is None:
            item.contacts.append(person.id)
        if person.name_erased_at is None and person.quote_consent != "named":
            item.names.append(person.id)
    return [p for p in out.values() if not p.empty]


def apply(today: date | None = None, *, dry_run: bool = False) -> list[Planned]:
    """Erase what is due; returns what was (or, with ``dry_run``, would be) erased."""
    today = today or date.today()
    planned = plan(today)
    if dry_run:
        return planned
    for item in planned:
        for person_id in item.contacts:
            interviewees.erase_contact(db.session.get(Interviewee, person_id))
        for person_id in item.names:
            interviewees.erase_name(db.session.get(Interviewee, person_id))
        record("retention.apply", object_type="review", object_id=item.review_id, actor=None,
               changes={"contacts": item.contacts, "names": item.names,
                        "since": item.since.isoformat(), "months": retention_months()})
    db.session.flush()
    return planned
