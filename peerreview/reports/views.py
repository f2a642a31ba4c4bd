"""The report's blueprint: the report's page, the HTML and PDF previews of the draft, and
comments (the team's discussion, the host city's factual-check comments and their answers).

The texts, findings and recommendations are edited in text_views.py; the factual check,
issue, downloads and follow-up are in lifecycle_views.py (both add routes to this blueprint).
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from peerreview import permissions as perm
from peerreview.database import write_intent
from peerreview.domain import DomainError
from peerreview.downloads import name_part, send_download
from peerreview.extensions import db
from peerreview.framework.constants import rating_label
from peerreview.i18n import gettext as _
from peerreview.jobs import worker
from peerreview.jobs.views import status as job_status
from peerreview.loading import child_or_404
from peerreview.reports import document, issuing, references, rendering
from peerreview.reports import services as drafting
from peerreview.reports.forms import (
    AnswerForm,
    CommentForm,
    CsrfForm,
    FactualCheckForm,
    ReissueForm,
)
from peerreview.reports.models import (
    ANSWERS,
    REPORT_STATES,
    Report,
    ReportComment,
)
from peerreview.reviews import workflow
from peerreview.reviews.models import Review
from peerreview.reviews.views import load_review

bp = Blueprint("reports", __name__, url_prefix="/reviews/<int:review_id>/report")


def load(review_id: int, allowed=perm.can_view_report) -> Review:
    review = load_review(review_id)
    perm.require(allowed(current_user, review))
    return review


def ensure_report(review: Review) -> Report:
    """The report, created (with its rows) in a write transaction of its own if missing."""
    report = review.report
    kf_count = len(review.benchmark.key_factors)
    if report is not None and len(report.findings) >= kf_count and \
            len(report.sections) >= len(drafting.all_section_keys(review)):
        return report
    if review.state != "reporting":
        if report is None:
            abort(404)
        return report
    review_id = review.id
    db.session.rollback()
    with write_intent():
        review = db.session.get(Review, review_id)
        try:
            report = drafting.get_or_create(review)
            db.session.commit()
        except IntegrityError:  # someone else opened the new report at the same moment
            db.session.rollback()
            report = db.session.get(Review, review_id).report
    return report


def _redirect_show(review, anchor: str = ""):
    return redirect(url_for("reports.show", review_id=review.id) + (f"#{anchor}" if anchor else ""))


# --- the report's page ----------------------------------------------------------------------------

def _kf_overview(review, report):
    """Per key factor: the host's rating, the peers' suggestions and the notes, to agree ratings."""
    from peerreview.observations.models import KINDS, Observation, PeerRating

    sa = review.self_assessment
    self_ratings = ({e.key_factor_id: e.rating for e in sa.entries}
                    if sa is not None and sa.status == "submitted" else {})
    suggestions: dict[int, Counter] = {}
    for kf_id, rating in db.session.execute(select(PeerRating.key_factor_id, PeerRating.rating)
                                            .where(PeerRating.review_id == review.id)):
        suggestions.setdefault(kf_id, Counter())[rating] += 1
    counts: dict[int | None, Counter] = {}
    for kf_id, kind, n in db.session.execute(
            select(Observation.key_factor_id, Observation.kind, func.count())
            .where(Observation.review_id == review.id, Observation.withdrawn_at.is_(None))
            .group_by(Observation.key_factor_id, Observation.kind)):
        counts.setdefault(kf_id, Counter())[kind] = n
    rows = []
    for f in drafting.findings_in_order(report):
        rows.append({"finding": f, "kf": f.key_factor, "self": self_ratings.get(f.key_factor_id),
                     "suggested": sorted(suggestions.get(f.key_factor_id, Counter()).items()),
                     "notes": counts.get(f.key_factor_id, Counter())})
    return rows, KINDS


@bp.get("")
@login_required
def show(review_id: int):
    review = load(review_id)
    if perm.can_view_draft(current_user, review) and review.state == "reporting":
        report = ensure_report(review)
        review = report.review
    else:
        report = review.report
    team_view = perm.can_view_team_comments(current_user, review)
    context = {"review": review, "report": report, "states": REPORT_STATES, "answers": ANSWERS,
               "rating_label": rating_label, "team_view": team_view, "csrf": CsrfForm(),
               "job_status": job_status}
    if report is not None:
        places = drafting.comment_places(report)
        comments = [c for c in report.comments if c.kind == "host" or team_view]
        refs = references.targets_for(report)
        for c in comments:  # places of older comments, or of a recommendation since removed
            places.setdefault(c.section, str(drafting.OLD_PLACES.get(
                c.section, _("A recommendation since removed"))))
        context.update(
            numbers=drafting.numbering(report), recs=drafting.recommendations_in_order(report),
            linked=lambda text: references.link(text, refs),
            sections=[(k, drafting.section_title(review, k), report.section(k))
                      for k in drafting.section_keys(review)],
            places=places, comments=comments,
            comment_counts=Counter(c.section for c in comments if c.kind == "team"),
            missing="; ".join(workflow.missing_for(review, workflow.BY_NAME["issue"])) or None,
            superseded=issuing.superseded_by(report),
            issue_job=rendering.issue_job(review) if team_view else None,
            comment_form=_comment_form(report), answer_form=AnswerForm(),
            factual_form=FactualCheckForm(), reissue_form=ReissueForm())
        if team_view:
            context["overview"], context["kinds"] = _kf_overview(review, report)
    return render_template("reports/show.html", **context)


def _comment_form(report, place: str | None = None) -> CommentForm:
    form = CommentForm()
    form.place.choices = drafting.comment_choices(report)
    place = place or request.args.get("place")
    if place and request.method == "GET":
        form.place.data = place
    return form


@bp.get("/preview")
@login_required
def preview(review_id: int):
    review = load(review_id, perm.can_view_draft)
    ensure_report(review)
    return document.render_html(review, mode="preview")


@bp.get("/draft.pdf")
@login_required
def draft_pdf(review_id: int):
    """The current text as PDF: served at once if this text was rendered already, otherwise a
    job renders it and a page says so until it is ready (202)."""
    review = load(review_id, perm.can_view_draft)
    ensure_report(review)
    html = document.render_html(review, mode="pdf")
    data = rendering.ready_document("draft", review_id, html)
    if data is not None:
        name = f"draft-report-{name_part(review.host_city.name)}-{review_id}.pdf"
        return send_download(data, name, "application/pdf", inline=True)
    title = review.title
    db.session.rollback()
    with write_intent():
        job, queued = rendering.request_document("draft", review_id, html, current_user)
        db.session.commit()
    if queued:
        worker.dispatch(job.id)
    return render_template("jobs/pending.html", job=job, status=job_status(job),
                           heading=_("The report as PDF"), subject=title,
                           back=url_for("reports.show", review_id=review_id)), 202


# --- comments ------------------------------------------------------------------------------------------

@bp.post("/comments")
@login_required
def comment(review_id: int):
    review = load(review_id)
    as_host = perm.can_comment_as_host(current_user, review)
    perm.require(as_host or perm.can_comment_as_team(current_user, review))
    report = ensure_report(review)
    form = _comment_form(report)
    back = request.form.get("back") or ""
    if not form.validate_on_submit():
        flash(_("Keep the comment under 5,000 characters."), "error")
    else:
        try:
            drafting.add_comment(report, place=form.place.data or "", body=form.body.data or "",
                                 kind="host" if as_host else "team", actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Comment sent to the review team.") if as_host else _("Comment added."),
                  "success")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return _redirect_show(report.review, "host-comments" if as_host else "team-comments")


@bp.post("/comments/<int:comment_id>/answer")
@login_required
def answer(review_id: int, comment_id: int):
    review = load(review_id, perm.can_answer_host_comments)
    report = ensure_report(review)
    item = child_or_404(ReportComment, comment_id, report, via="report_id")
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Keep the note under 5,000 characters."), "error")
    else:
        try:
            drafting.answer_comment(item, answer=form.answer.data or "", note=form.note.data or "",
                                    actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Answer saved."), "success")
    return _redirect_show(report.review, f"comment-{comment_id}")


from peerreview.reports import lifecycle_views, text_views  # noqa: E402,F401  (add their routes to bp)
