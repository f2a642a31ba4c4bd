"""The report's way out: factual check, issue, corrected versions, downloads and follow-up.

Routes are added to the "reports" blueprint of views.py; the coordinator's overview of all
follow-up is the "followup" blueprint.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.auth.views import form_error
from peerreview.domain import DomainError
from peerreview.downloads import name_part, send_download
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import translated
from peerreview.jobs import worker
from peerreview.loading import child_or_404
from peerreview.reports import exports, followup, issuing, references, rendering
from peerreview.reports.forms import (
    CsrfForm,
    FactualCheckForm,
    ProgressForm,
    ReissueForm,
    ResponseForm,
)
from peerreview.reports.models import PROGRESS, RESPONSES, Recommendation, ReportVersion
from peerreview.reports.services import numbering, recommendations_in_order
from peerreview.reports.views import _redirect_show, bp, ensure_report, load
from peerreview.reviews.models import Review

log = logging.getLogger(__name__)

followup_bp = Blueprint("followup", __name__, url_prefix="/follow-up")


# --- factual check ----------------------------------------------------------------------------

@bp.post("/factual-check")
@login_required
def start_factual_check(review_id: int):
    review = load(review_id, perm.can_manage_factual_check)
    report = ensure_report(review)
    form = FactualCheckForm()
    if not form.validate_on_submit():
        flash(_("Give the deadline as a date."), "error")
        return _redirect_show(report.review, "factual-check")
    try:
        issuing.start_factual_check(report, deadline=form.deadline.data, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The draft is with the host city for its factual check; its contact has been told."), "success")
    return _redirect_show(report.review, "factual-check")


@bp.post("/factual-check/end")
@login_required
def end_factual_check(review_id: int):
    review = load(review_id, perm.can_manage_factual_check)
    report = ensure_report(review)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        issuing.end_factual_check(report, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The factual check is closed; the host city no longer sees the draft."), "success")
    return _redirect_show(report.review, "factual-check")


# --- issue ------------------------------------------------------------------------------------

def _issue(review_id: int, *, reissue: bool, note: str = ""):
    """Check and queue the render of the next version; the worker issues it when it is made.

    The request returns at once: the version row, its SHA-256 and the move to "issued" are
    written by the job (see rendering.py).
    """
    review = db.session.get(Review, review_id)
    try:
        job, queued = rendering.request_issue(review, current_user, note=note, reissue=reissue)
    except DomainError as exc:
        db.session.rollback()
        return exc
    db.session.commit()
    if queued:
        worker.dispatch(job.id)
    return job, queued


def _flash_issue(result, *, reissue: bool) -> None:
    if isinstance(result, DomainError):
        flash(result.message, "error")
        return
    job, queued = result
    number = job.version_number
    if queued:
        told = _("It appears below when it is ready, and the host city, the team and the "
                 "secretariat are told then.")
        if reissue:
            made = _("Corrected version %(number)s of the report is being made.", number=number)
        else:
            made = _("Version %(number)s of the report is being made.", number=number)
        flash(f"{made} {told}", "success")
    elif reissue:
        flash(_("Corrected version %(number)s of the report is already being made.", number=number),
              "info")
    else:
        flash(_("Version %(number)s of the report is already being made.", number=number), "info")


def _anchor(result) -> str:
    """Back to the panel that follows the job, or to the versions after a refusal."""
    return "#versions" if isinstance(result, DomainError) else "#issuing"


@bp.post("/issue")
@login_required
def issue(review_id: int):
    load(review_id, perm.can_issue_report)
    if not CsrfForm().validate_on_submit():
        abort(400)
    result = _issue(review_id, reissue=False)
    _flash_issue(result, reissue=False)
    return redirect(url_for("reports.show", review_id=review_id) + _anchor(result))


@bp.post("/reissue")
@login_required
def reissue(review_id: int):
    review = load(review_id, perm.can_reissue_report)
    form = ReissueForm()
    if not form.validate_on_submit():
        flash(_("Keep the note under 2,000 characters."), "error")
        return _redirect_show(review, "versions")
    result = _issue(review_id, reissue=True, note=form.note.data or "")
    _flash_issue(result, reissue=True)
    return redirect(url_for("reports.show", review_id=review_id) + _anchor(result))


@bp.get("/versions/<int:number>.pdf")
@login_required
def download(review_id: int, number: int):
    review = load_review_for_download(review_id)
    report = review.report
    version = next((v for v in report.versions if v.number == number), None) if report else None
    if version is None:
        abort(404)
    return _send_version(review, version)


def load_review_for_download(review_id: int) -> Review:
    from peerreview.reviews.views import load_review

    review = load_review(review_id)
    perm.require(perm.can_download_report(current_user, review))
    return review


def _send_version(review, version: ReportVersion):
    if request.if_none_match and version.sha256 in request.if_none_match:
        response = Response(status=304)
        response.set_etag(version.sha256)
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    try:
        data = issuing.read_version(version)
    except issuing.StoredReportDamaged as exc:
        return _damaged(review, exc)
    name = f"peer-review-report-{name_part(review.host_city.name)}-v{version.number}.pdf"
    return send_download(data, name, "application/pdf", etag=version.sha256)


def _damaged(review, exc: issuing.StoredReportDamaged):
    """Never serve a file that is not the one issued: say so, log it and audit it."""
    from peerreview.audit.services import record
    from peerreview.database import write_intent

    log.error("%s: not served", exc)
    db.session.rollback()
    with write_intent():
        record("report.damaged", review, changes={"version": exc.version.number,
                                                  "sha256": exc.version.sha256, "problem": exc.problem})
        db.session.commit()
    if exc.problem == "is missing":
        problem = _("it is missing")
    else:
        problem = _("it does not match its SHA-256")
    return render_template(
        "errors/error.html", code=503, title=_("This report cannot be served"),
        text=_("The stored file of version %(number)s is not the report that was issued "
               "(%(problem)s), so it is not sent. Nothing has been changed. The secretariat "
               "restores it from the backup; tell them if this lasts.",
               number=exc.version.number, problem=problem)), 503


# --- follow-up --------------------------------------------------------------------------------

def _followup_forms(recs, failed: dict | None = None):
    forms = {}
    for rec in recs:
        response = ResponseForm(prefix=f"r{rec.id}", formdata=None)
        response.response.data = rec.response
        response.reason.data = rec.response_reason
        progress = ProgressForm(prefix=f"p{rec.id}", formdata=None)
        progress.progress.data = rec.progress
        forms[rec.id] = {"response": response, "progress": progress}
    for rec_id, (kind, form) in (failed or {}).items():
        forms[rec_id][kind] = form
    return forms


def _followup_page(review, failed=None, status=200):
    from peerreview.mentoring.followup import TRACKING, actions_for

    report = review.report
    recs = recommendations_in_order(report) if report else []
    first = report.versions[0].issued_at.date() if report and report.versions else None
    refs = references.targets_for(report) if report else {}
    return render_template(
        "reports/followup.html", review=review, report=report, recs=recs,
        numbers=numbering(report) if report else {}, forms=_followup_forms(recs, failed),
        responses=RESPONSES, progress=PROGRESS, due=lambda r: followup.due_date(r, first),
        actions=actions_for(r.id for r in recs), tracking=TRACKING,
        linked=lambda text: references.link(text, refs),
        can_respond=perm.can_respond_to_recommendations(current_user, review)), status


@bp.get("/follow-up")
@login_required
def follow_up(review_id: int):
    review = load(review_id, perm.can_view_follow_up)
    return _followup_page(review)


@bp.get("/follow-up.csv")
@login_required
def follow_up_csv(review_id: int):
    review = load(review_id, perm.can_view_follow_up)
    data = exports.follow_up_csv(review)
    name = f"follow-up-{name_part(review.host_city.name)}-{review.id}.csv"
    return send_download(data, name, "text/csv; charset=utf-8")


def _rec_of(review, rec_id: int) -> Recommendation:
    return child_or_404(Recommendation, rec_id, review.report, via="report_id")


@bp.post("/recommendations/<int:rec_id>/response")
@login_required
def respond(review_id: int, rec_id: int):
    review = load(review_id, perm.can_respond_to_recommendations)
    rec = _rec_of(review, rec_id)
    form = ResponseForm(prefix=f"r{rec.id}")
    if form.validate_on_submit():
        try:
            followup.respond(rec, response=form.response.data or "", reason=form.reason.data or "",
                             actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Response saved."), "success")
            return redirect(url_for("reports.follow_up", review_id=review_id) + f"#rec-{rec_id}")
    return _followup_page(db.session.get(Review, review_id), {rec_id: ("response", form)}, 400)


@bp.post("/recommendations/<int:rec_id>/progress")
@login_required
def progress(review_id: int, rec_id: int):
    review = load(review_id, perm.can_respond_to_recommendations)
    rec = _rec_of(review, rec_id)
    form = ProgressForm(prefix=f"p{rec.id}")
    if form.validate_on_submit():
        try:
            followup.report_progress(rec, progress=form.progress.data or "", note=form.note.data or "",
                                     on_date=form.on_date.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Progress saved."), "success")
            return redirect(url_for("reports.follow_up", review_id=review_id) + f"#rec-{rec_id}")
    return _followup_page(db.session.get(Review, review_id), {rec_id: ("progress", form)}, 400)


@followup_bp.get("/")
@login_required
def index():
    from peerreview.reports.figures_views import page_context

    perm.require(perm.can_view_all_follow_up(current_user))
    # the labels every row repeats, translated once
    return render_template("reports/followup_all.html", rows=followup.overview(),
                           responses=translated(RESPONSES),
                           progress=translated(PROGRESS), **page_context(current_user))


from peerreview.reports import figures_views  # noqa: E402,F401  (adds its routes to followup_bp)
