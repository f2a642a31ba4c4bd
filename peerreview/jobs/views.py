"""The progress of a PDF being made: a small JSON status that the waiting page polls, and the
start of this process's local worker with its first request (see worker.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, url_for
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.jobs import worker
from peerreview.jobs.models import RenderJob

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

STATE_TEXT = {
    "queued": _l("The PDF is waiting for its turn to be made."),
    "running": _l("The PDF is being made. This takes a few seconds."),
    "done": _l("The PDF is ready."),
}


def result_url(job: RenderJob) -> str:
    """Where the person goes when the job is done."""
    if job.kind == "progress":
        return url_for("mentoring.report_pdf", mentorship_id=job.subject_id)
    if job.kind == "draft":
        return url_for("reports.draft_pdf", review_id=job.subject_id)
    return url_for("reports.show", review_id=job.subject_id) + "#versions"


def status(job: RenderJob) -> dict:
    return {"state": job.state, "done": job.state == "done", "failed": job.state == "failed",
            # a failure is stored in English (the worker has no reader); its known texts are in the
            # catalog, so the reader gets them in their language
            "message": _(job.error) if job.state == "failed" else str(STATE_TEXT[job.state]),
            "url": result_url(job)}


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    job = db.get_or_404(RenderJob, job_id)
    perm.require(perm.can_view_render_job(current_user, job))
    response = jsonify(status(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.before_app_request
def _start_local_worker():
    app = current_app._get_current_object()
    if worker.embedded(app):
        worker.start_embedded(app)
