"""Asking for a PDF, claiming the work, recording how it ended. Functions flush; the caller
(a view, the worker) commits.

What a job does is decided by its kind (:data:`HANDLERS`, filled in by the features that make
PDFs): a handler gets the claimed job, renders with no transaction open, and stores its result
and the job's end in one transaction of its own.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from peerreview.extensions import db
from peerreview.i18n import lazy_gettext as _l
from peerreview.jobs.models import MAX_ATTEMPTS, RenderJob
from peerreview.timeutil import utcnow

log = logging.getLogger(__name__)

# kind -> "module:function" run by the worker for a claimed job of that kind
HANDLERS: dict[str, str] = {
    "draft": "peerreview.reports.rendering:run_draft",
    "issue": "peerreview.reports.rendering:run_issue",
    "reissue": "peerreview.reports.rendering:run_issue",
    "progress": "peerreview.mentoring.pdf:run_progress_report",
}
LEASE_MARGIN = timedelta(seconds=60)
GENERIC_FAILURE = _l("The PDF could not be made because of an error on our side; it has been "
                     "logged. Nothing was changed. Try again, and tell the secretariat if it "
                     "happens again.")


def fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def find(key: str) -> RenderJob | None:
    return db.session.scalar(select(RenderJob).where(RenderJob.key == key))


def request(kind: str, subject_id: int, key: str, *, actor=None, html: str | None = None,
            note: str = "", version_number: int | None = None) -> tuple[RenderJob, bool]:
    """The job for ``key``: the existing one, or a new queued one. Returns (job, queued now).

    A failed job asked for again is queued again (with a fresh count of attempts); a queued,
    running or finished one is returned as it is, so the same render never runs twice.
    """
    job = find(key)
    if job is None:
        job = RenderJob(kind=kind, subject_id=subject_id, key=key, state="queued", html=html,
                        note=note, version_number=version_number,
                        requested_by_id=getattr(actor, "id", None))
        try:
            with db.session.begin_nested():
                db.session.add(job)
        except IntegrityError:  # someone asked for the same render at the same moment
            job = find(key)
            if job is None:  # pragma: no cover - the other row was rolled back meanwhile
                raise
            return job, False
        return job, True
    if job.state == "failed":
        job.state, job.error, job.attempts = "queued", "", 0
        job.requested_by_id = getattr(actor, "id", None) or job.requested_by_id
        job.note, job.html = note or job.note, html or job.html
        job.created_at, job.started_at, job.finished_at, job.lease_until = utcnow(), None, None, None
        db.session.flush()
        return job, True
    return job, False


def claimable():
    """Queued jobs, and running jobs whose worker's lease ran out (it stopped mid-render)."""
    now = utcnow()
    return or_(RenderJob.state == "queued",
               (RenderJob.state == "running") & (RenderJob.lease_until < now))


def claim(job_id: int, worker: str, lease_seconds: float) -> bool:
    """Take the job for ``worker``; True for exactly one of several workers trying at once."""
    now = utcnow()
    result = db.session.execute(
        update(RenderJob).where(RenderJob.id == job_id, claimable())
        .values(state="running", worker=worker[:120], attempts=RenderJob.attempts + 1,
                started_at=now, lease_until=now + timedelta(seconds=lease_seconds) + LEASE_MARGIN)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def next_claimable_ids(limit: int = 10) -> list[int]:
    return list(db.session.scalars(select(RenderJob.id).where(claimable())
                                   .order_by(RenderJob.id).limit(limit)))


def finish(job: RenderJob, *, sha256: str | None, pages: int | None, seconds: float | None) -> None:
    job.state, job.error = "done", ""
    job.result_sha256, job.result_pages, job.render_seconds = sha256, pages, seconds
    job.finished_at, job.lease_until = utcnow(), None
    job.html = None  # the input is not needed any more
    db.session.flush()


def fail(job: RenderJob, message: str) -> None:
    job.state, job.error = "failed", str(message)[:2000]
    job.finished_at, job.lease_until = utcnow(), None
    db.session.flush()


def too_many_attempts(job: RenderJob) -> bool:
    return job.attempts > MAX_ATTEMPTS


def handler_for(kind: str) -> Callable[[RenderJob], None]:
    import importlib

    module, _, name = HANDLERS[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def latest(kinds: tuple[str, ...], subject_id: int) -> RenderJob | None:
    return db.session.scalar(select(RenderJob).where(RenderJob.kind.in_(kinds),
                                                     RenderJob.subject_id == subject_id)
                             .order_by(RenderJob.id.desc()).limit(1))


def older_results(job: RenderJob) -> list[RenderJob]:
    """Finished jobs of the same document made before ``job`` (drafts and progress reports
    keep only their latest PDF)."""
    return list(db.session.scalars(select(RenderJob).where(
        RenderJob.kind == job.kind, RenderJob.subject_id == job.subject_id,
        RenderJob.id < job.id, RenderJob.state.in_(("done", "failed")))))
