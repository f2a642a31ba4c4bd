"""The progress report of a mentorship as a PDF: baseline versus latest ratings, the action
plan with statuses, the visits held, and the next steps.

Rendered with the report feature's safe renderer (:mod:`peerreview.reports.pdf`): WeasyPrint in a
child process with a time limit, fetching only the application's own static files, tagged for
PDF/UA. The stylesheet is ``static/css/mentoring-report.css``. It is a snapshot of live data,
unlike an issued feedback report: the request builds the HTML, a background job renders it
(:mod:`peerreview.reports.rendering`), and the PDF is kept only while its text is current.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.extensions import db
from peerreview.framework.constants import rating_label
from peerreview.mentoring import activity, chart, plan
from peerreview.mentoring.models import MentoringVisit, Mentorship, ProgressReview
from peerreview.mentoring.plan_models import ACTION_STATUSES, MentoringAction, PlanVersion

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STYLESHEET = STATIC_DIR / "css" / "mentoring-report.css"


def filename(m: Mentorship, today: date) -> str:
    from peerreview.downloads import name_part

    return f"progress-report-{name_part(m.implementing_city.name)}-{today:%Y-%m-%d}.pdf"


def context(m: Mentorship, today: date) -> dict:
    """Everything the report shows, loaded in a few queries."""

    db.session.scalars(select(ProgressReview).where(ProgressReview.mentorship_id == m.id)
                       .options(selectinload(ProgressReview.ratings))).all()
    actions = db.session.scalars(select(MentoringAction).where(MentoringAction.mentorship_id == m.id).options(
        selectinload(MentoringAction.key_factor), selectinload(MentoringAction.updates),
        *plan.recommendation_options(),
    ).where(MentoringAction.status != "proposed").order_by(MentoringAction.number)).all()
    visits = db.session.scalars(select(MentoringVisit).where(MentoringVisit.mentorship_id == m.id)
                                .options(selectinload(MentoringVisit.participants))
                                .order_by(MentoringVisit.starts_on)).all()
    versions = db.session.scalars(select(PlanVersion).where(PlanVersion.mentorship_id == m.id)
                                  .options(selectinload(PlanVersion.endorsements))
                                  .order_by(PlanVersion.number)).all()
    rows = activity.movement(m)
    overdue, at_risk = activity.actions_needing_attention(m, today)
    open_actions = sorted((a for a in actions if a.is_open), key=lambda a: (a.deadline, a.number))
    endorsed = [(v, e) for v in versions for e in v.endorsements]
    return {
        "m": m, "today": today, "rows": rows, "net": activity.net_change(rows), "chart": chart,
        "rating_label": rating_label, "actions": actions, "statuses": ACTION_STATUSES,
        "counts": {k: sum(1 for a in actions if a.status == k) for k in ACTION_STATUSES},
        "held": [v for v in visits if v.starts_on <= today],
        "upcoming": [v for v in visits if v.starts_on > today],
        "overdue": overdue, "at_risk": at_risk, "next_actions": [a for a in open_actions if a.deadline >= today][:6],
        "versions": versions, "latest_endorsement": endorsed[-1] if endorsed else None,
        "source_text": plan.source_text, "reviews": m.progress_reviews,
    }


def render_html(m: Mentorship, *, today: date) -> str:
    return render_template("mentoring/progress_pdf.html", **context(m, today))


def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def progress_report(m: Mentorship, *, today: date) -> bytes:
    """The PDF bytes, rendered now; RenderError (a DomainError) if WeasyPrint fails or takes
    too long. The web page goes through a job instead (see activity_views.report_pdf)."""
    from peerreview.reports.pdf import render_pdf

    html = render_html(m, today=today)
    return render_pdf(html, css=stylesheet()).data


def run_progress_report(job) -> None:
    """The background job's work (peerreview.jobs): render the HTML the request built."""
    from peerreview.reports.rendering import run_document

    run_document(job, css=stylesheet())
