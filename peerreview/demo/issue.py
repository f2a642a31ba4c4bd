"""Helpers of the demo's reports: issuing a version on a date in the past (the PDF made and
stored as the application does, the codes given), the host city's follow-up with its dates, and
the history entries that go with them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from peerreview.demo import dates
from peerreview.extensions import db


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def issue_version(review, *, number: int, issued_on: date, coordinator, note: str = ""):
    """Render the report as version ``number`` of ``issued_on``, store it, give the codes."""
    from peerreview.reports import document, issuing, pdf
    from peerreview.reports import services as drafting
    from peerreview.reports.models import ReportVersion

    report = review.report
    db.session.flush()
    html = document.render_html(review, mode="pdf", version=number, issued_on=issued_on)
    rendered = pdf.render_pdf(html)
    digest = issuing.write_once(rendered.data)
    db.session.add(ReportVersion(report=report, number=number, sha256=digest, size=len(rendered.data),
                                 pages=rendered.pages, issued_by_id=coordinator.id, note=note,
                                 issued_at=at(issued_on, 11)))
    drafting.assign_codes(report, issued_on)
    report.state = "issued"
    db.session.flush()
    db.session.expire(report, ["versions"])
    from peerreview.library.index import index_report

    index_report(report)  # the library's copy, as issuing does


def event(review, step: str, day: date, *, actor=None, hour: int = 11, note: str = "") -> None:
    from peerreview.reviews.models import ReviewEvent

    before = review.events[-1].to_state if review.events else None
    review.events.append(ReviewEvent(at=at(day, hour), from_state=before, to_state=step,
                                     actor_id=getattr(actor, "id", None), note=note))


def follow_up(report, plan: dict, *, issued_on: date, author, today: date) -> None:
    """The host city's responses and progress reports, dated in days after ``issued_on``.

    ``plan``: {code: (response, reason, responded after, [(after, progress, note)])}. A
    recommendation carried by a mentoring action gets its progress from the action instead."""
    from peerreview.reports.models import RecommendationUpdate

    by_code = {r.code: r for r in report.recommendations}
    last = today - timedelta(days=1)
    for code, (response, reason, after, steps) in plan.items():
        rec = by_code[code]
        base = rec.issued_on or issued_on
        day = dates.working_day(base + timedelta(days=after), not_after=last)
        rec.response, rec.response_reason, rec.responded_at = response, reason, at(day)
        rec.updates.append(RecommendationUpdate(kind="response", status=response, note=reason, on_date=day,
                                                author_id=author.id, created_at=at(day)))
        rec.progress = None if response == "not_accepted" else "not_started"
        for after_days, progress, note in steps:
            day = dates.working_day(base + timedelta(days=after_days), not_after=last)
            rec.progress, rec.progress_note, rec.progress_on = progress, note, day
            rec.done_on = day if progress == "done" else None
            rec.updates.append(RecommendationUpdate(kind="progress", status=progress, note=note,
                                                    on_date=day, author_id=author.id, created_at=at(day, 14)))
    db.session.flush()
