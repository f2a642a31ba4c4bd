"""Who runs the render jobs.

- **RQ on Redis** where ``REDIS_URL`` is set (production): a request commits its job row, then
  puts the job's id on the ``JOBS_QUEUE`` queue; ``flask --app peerreview jobs worker`` runs an
  RQ worker that claims and runs it. The same command re-sends jobs that were queued but never
  reached Redis (a Redis outage) or whose worker stopped mid-render.
- **A local worker** otherwise (the embedded SQLite default, ``make demo``): each web process
  starts one background thread with its first request (``JOBS_EMBEDDED_WORKER``), which polls
  the table; ``flask --app peerreview jobs worker`` runs the same loop in a process of its own.

Either way the job row in the database is the truth: it outlives a web worker's restart, and
the claim (see :mod:`peerreview.jobs.services`) lets only one worker run a given render. The
PDF itself is made in a child process with a time limit (:mod:`peerreview.reports.pdf`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

from flask import Flask, current_app

from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import lazy_gettext as _l
from peerreview.jobs import services
from peerreview.jobs.models import RenderJob

log = logging.getLogger(__name__)

STOPPED_TOO_OFTEN = _l("The worker making this PDF stopped several times before it was done, so "
                       "it was not tried again. Nothing was changed. Try again; if it keeps "
                       "happening, tell the secretariat.")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


def _time_limit(app: Flask) -> float:
    from peerreview.reports.pdf import DEFAULT_TIME_LIMIT

    return float(app.config.get("REPORT_RENDER_TIME_LIMIT", DEFAULT_TIME_LIMIT))


def run_job(app: Flask, job_id: int) -> bool:
    """Claim the job and run it to its end (done or failed). False if it was not claimable."""
    with app.app_context():
        try:
            if not services.claim(job_id, worker_name(), _time_limit(app)):
                db.session.rollback()
                return False
            db.session.commit()
            job = db.session.get(RenderJob, job_id)
            if services.too_many_attempts(job):
                services.fail(job, STOPPED_TOO_OFTEN)
                db.session.commit()
                return True
            started = time.perf_counter()
            try:
                services.handler_for(job.kind)(job)
            except DomainError as exc:
                _failed(job_id, exc.message)
            except Exception:  # noqa: BLE001 - any failure ends the job with a message
                log.exception("Render job %s (%s) failed", job_id, job.kind)
                _failed(job_id, services.GENERIC_FAILURE)
            else:
                log.info("Render job %s (%s) done in %.2f s", job_id, job.kind,
                         time.perf_counter() - started)
            return True
        finally:
            db.session.remove()


def _failed(job_id: int, message: str) -> None:
    db.session.rollback()
    job = db.session.get(RenderJob, job_id)
    services.fail(job, message)
    db.session.commit()


def run_pending(app: Flask) -> int:
    """Run every claimable job now, one after another; the number run."""
    count = 0
    while True:
        with app.app_context():
            ids = services.next_claimable_ids()
            db.session.rollback()
        ran = [job_id for job_id in ids if run_job(app, job_id)]
        count += len(ran)
        if not ran:
            return count


# --- the local worker: a thread in each web process ----------------------------------------------

_lock = threading.Lock()
_wake = threading.Event()
_stop = threading.Event()
_thread: threading.Thread | None = None
_thread_pid: int | None = None


def _poll(app: Flask) -> None:
    seconds = float(app.config.get("JOBS_POLL_SECONDS", 2))
    while not _stop.is_set():
        try:
            run_pending(app)
        except Exception:  # noqa: BLE001 - the thread must outlive a database hiccup
            log.exception("The PDF worker thread could not run the queued jobs")
        _wake.wait(seconds)
        _wake.clear()


def start_embedded(app: Flask) -> None:
    """Start this process's worker thread unless it runs already (after a fork it does not)."""
    global _thread, _thread_pid
    if _thread is not None and _thread_pid == os.getpid() and _thread.is_alive():
        return
    with _lock:
        if _thread is not None and _thread_pid == os.getpid() and _thread.is_alive():
            return
        _stop.clear()
        _thread = threading.Thread(target=_poll, args=(app,), name="pdf-worker", daemon=True)
        _thread_pid = os.getpid()
        _thread.start()


def stop_embedded(timeout: float = 30) -> None:
    """Stop this process's worker thread after the job it is running (tests, shutdown)."""
    global _thread
    _stop.set()
    _wake.set()
    if _thread is not None:
        _thread.join(timeout)
        _thread = None


def uses_rq(app: Flask) -> bool:
    return bool(app.config.get("REDIS_URL"))


def embedded(app: Flask) -> bool:
    return not uses_rq(app) and bool(app.config.get("JOBS_EMBEDDED_WORKER"))


# --- RQ ---------------------------------------------------------------------------------------

def queue(app: Flask):
    import redis
    from rq import Queue

    connection = redis.Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2)
    return Queue(app.config.get("JOBS_QUEUE", "peerreview-pdf"), connection=connection,
                 default_timeout=int(_time_limit(app)) + 120)


def enqueue(app: Flask, job_id: int) -> bool:
    """Put the job's id on the RQ queue; False (logged) if Redis cannot be reached."""
    import redis

    try:
        queue(app).enqueue("peerreview.jobs.worker.run_rq_job", job_id,
                           job_id=f"render-{job_id}-{uuid.uuid4().hex[:8]}", result_ttl=0,
                           failure_ttl=24 * 3600)
    except redis.exceptions.RedisError as exc:
        log.warning("Render job %s stays queued in the database: Redis refused it (%s)", job_id, exc)
        return False
    return True


_rq_app: Flask | None = None


def run_rq_job(job_id: int) -> bool:
    """What the RQ worker runs (by name): the job, in the worker's application."""
    global _rq_app
    if _rq_app is None:
        from peerreview import create_app

        _rq_app = create_app()
    return run_job(_rq_app, job_id)


def resend_stale(app: Flask, older_than: float = 30) -> int:
    """Put on the queue again the claimable jobs older than ``older_than`` seconds."""
    from datetime import timedelta

    from sqlalchemy import select

    from peerreview.timeutil import utcnow

    with app.app_context():
        cutoff = utcnow() - timedelta(seconds=older_than)
        ids = list(db.session.scalars(select(RenderJob.id).where(
            services.claimable(), RenderJob.created_at <= cutoff).order_by(RenderJob.id)))
        db.session.rollback()
    return sum(1 for job_id in ids if enqueue(app, job_id))


# --- after a request asked for a job --------------------------------------------------------------

def dispatch(job_id: int) -> None:
    """Call after committing a newly queued job: hand it to whoever runs jobs here."""
    app = current_app._get_current_object()
    if uses_rq(app):
        enqueue(app, job_id)
    elif embedded(app):
        start_embedded(app)
        _wake.set()
