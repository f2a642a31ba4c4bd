"""The report's PDFs as background jobs (see :mod:`peerreview.jobs`).

- **Issued versions**: Issue only checks and queues a job ("issue:<review>:v<number>"); the
  worker builds the final HTML, renders it, and stores the PDF, its SHA-256 and the version row
  (and moves the review to "issued") in one transaction. If the text changed while it rendered,
  it renders again; if a check fails or the render fails, the job ends with the message and the
  review is unchanged.
- **Drafts** (and the mentoring progress report, :mod:`peerreview.mentoring.pdf`) are made on
  request: the request builds the HTML, and a job renders it unless the same HTML was rendered
  already. The PDF is kept under ``instance/documents/<sha256>.pdf`` until a newer text of the
  same document replaces it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

from peerreview.audit.services import record
from peerreview.domain import Conflict, DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.jobs import services as jobs
from peerreview.jobs.models import RenderJob
from peerreview.reports import issuing, pdf

MAX_RENDERS = 3


# --- documents made on request (drafts, progress reports) -----------------------------------------

def documents_dir() -> Path:
    path = Path(current_app.instance_path) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    target = documents_dir() / f"{digest}.pdf"
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    return digest


def document_key(kind: str, subject_id: int, html: str) -> str:
    return f"{kind}:{subject_id}:{jobs.fingerprint(html)}"


def ready_document(kind: str, subject_id: int, html: str) -> bytes | None:
    """The PDF of exactly this HTML if it was made already."""
    job = jobs.find(document_key(kind, subject_id, html))
    if job is None or job.state != "done" or not job.result_sha256:
        return None
    path = documents_dir() / f"{job.result_sha256}.pdf"
    return path.read_bytes() if path.is_file() else None


def request_document(kind: str, subject_id: int, html: str, actor) -> tuple[RenderJob, bool]:
    return jobs.request(kind, subject_id, document_key(kind, subject_id, html), actor=actor, html=html)


def run_document(job: RenderJob, *, css: str | None = None) -> None:
    """Render the job's HTML, keep the PDF, forget the older PDFs of the same document."""
    job_id, html = job.id, job.html
    if not html:
        raise DomainError(_("There was nothing to render: ask for the PDF again."))
    db.session.rollback()  # no transaction stays open while the PDF renders
    rendered = pdf.render_pdf(html, css=css)
    digest = _write(rendered.data)
    job = db.session.get(RenderJob, job_id)
    jobs.finish(job, sha256=digest, pages=rendered.pages, seconds=rendered.seconds)
    kept = {digest}
    for old in jobs.older_results(job):
        if old.result_sha256 and old.result_sha256 not in kept:
            (documents_dir() / f"{old.result_sha256}.pdf").unlink(missing_ok=True)
        db.session.delete(old)
    db.session.commit()


def run_draft(job: RenderJob) -> None:
    run_document(job)


# --- issued versions ------------------------------------------------------------------------------

def request_issue(review, actor, *, note: str = "", reissue: bool = False) -> tuple[RenderJob, bool]:
    """Check that the report may be issued now and queue the render of its next version."""
    note = issuing.check(review, actor, note=note, reissue=reissue)
    report = review.report
    number = (report.latest_version.number if report.latest_version else 0) + 1
    job, queued = jobs.request("reissue" if reissue else "issue", review.id,
                               f"issue:{review.id}:v{number}", actor=actor, note=note,
                               version_number=number)
    if queued:
        record("report.issue_request", review, actor=actor,
               changes={"version": number, "corrected": reissue, "job": job.id})
    return job, queued


def run_issue(job: RenderJob) -> None:
    from peerreview.auth.models import User
    from peerreview.reviews.models import Review

    job_id, review_id, number = job.id, job.subject_id, job.version_number
    reissue, note = job.kind == "reissue", job.note
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    if actor is None or not actor.is_active:
        raise DomainError(_("The person who issued the report can no longer do so; issue it again."))
    for _attempt in range(MAX_RENDERS):
        review = db.session.get(Review, review_id)
        prepared = issuing.prepare(review, actor, note=note, reissue=reissue)
        if prepared.number != number:
            raise DomainError(_("Version %(number)s was not made: version %(other)s was "
                                "issued meanwhile.", number=number, other=prepared.number - 1))
        db.session.rollback()  # SQLite: no write lock is held while the PDF renders
        rendered = issuing.render(prepared)
        review = db.session.get(Review, review_id)
        try:
            version = issuing.store(review, prepared, rendered, actor, reissue=reissue)
        except Conflict:  # the text changed while the PDF was made: make it again
            db.session.rollback()
            continue
        job = db.session.get(RenderJob, job_id)
        jobs.finish(job, sha256=version.sha256, pages=version.pages, seconds=rendered.seconds)
        db.session.commit()
        return
    raise DomainError(_("The report's text kept changing while its PDF was being made, so it was "
                      "not issued. Issue it again when the team has finished editing."))


def issue_job(review) -> RenderJob | None:
    """The latest request to issue a version, unless it is done."""
    job = jobs.latest(("issue", "reissue"), review.id)
    return job if job is not None and job.state != "done" else None
