"""PDFs are made off the request: Issue returns at once and a job renders the version; the
same render never runs twice; a job outlives the worker that stopped while running it; the
draft PDF is served at once when its text was rendered already; RQ runs the jobs where
REDIS_URL is set, and a thread of the web process otherwise."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.jobs import services, worker
from peerreview.jobs.models import RenderJob
from peerreview.reports import pdf
from peerreview.reports.models import Report, ReportVersion
from peerreview.timeutil import utcnow
from tests.conftest import skip_or_fail
from tests.jobs_helpers import run_jobs  # noqa: F401  (fixture)
from tests.reports_helpers import complete, rw  # noqa: F401  (fixture)


def _jobs() -> list[RenderJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(RenderJob).order_by(RenderJob.id)))


def test_issue_only_queues_the_render(client, login, rw, monkeypatch, run_jobs):  # noqa: F811
    complete(rw)
    login(rw.coordinator)
    with monkeypatch.context() as m:
        m.setattr(pdf, "render_pdf", lambda *a, **k: pytest.fail("rendered inside the request"))
        res = client.post(f"{rw.base}/issue", follow_redirects=True)
    assert "Version 1 of the report is being made" in res.get_data(as_text=True)
    [job] = _jobs()
    assert (job.kind, job.state, job.version_number, job.requested_by_id) == ("issue", "queued", 1,
                                                                             rw.coordinator.id)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.issue_request")).one()
    assert entry.actor_id == rw.coordinator.id
    # the status the page polls
    status = client.get(f"/jobs/{job.id}").get_json()
    assert status["state"] == "queued" and not status["done"]
    assert run_jobs() == 1
    status = client.get(f"/jobs/{job.id}").get_json()
    assert status["done"] and status["url"].endswith(f"/reviews/{rw.review.id}/report#versions")
    version = db.session.scalars(select(ReportVersion)).one()
    job = _jobs()[0]
    assert job.result_sha256 == version.sha256 and job.html is None and job.result_pages == version.pages


def test_the_same_render_never_runs_twice(client, login, rw, run_jobs):  # noqa: F811
    complete(rw)
    login(rw.coordinator)
    client.post(f"{rw.base}/issue")
    res = client.post(f"{rw.base}/issue", follow_redirects=True)
    assert "Version 1 of the report is already being made" in res.get_data(as_text=True)
    [job] = _jobs()
    # two workers try to claim it at once: one wins
    job_id = job.id
    assert services.claim(job_id, "worker-a", 60) is True
    db.session.commit()
    assert services.claim(job_id, "worker-b", 60) is False
    db.session.commit()
    assert worker.run_job(client.application, job_id) is False  # running elsewhere
    assert db.session.scalars(select(ReportVersion)).all() == []


def test_a_job_outlives_a_worker_that_stopped(client, login, rw, run_jobs):  # noqa: F811
    complete(rw)
    login(rw.coordinator)
    client.post(f"{rw.base}/issue")
    [job] = _jobs()
    # a worker claimed it, then its process died: the job stays "running" until its lease ends
    services.claim(job.id, "dead-worker", 60)
    db.session.commit()
    assert run_jobs() == 0
    job = _jobs()[0]
    job.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert run_jobs() == 1
    job = _jobs()[0]
    assert job.state == "done" and job.attempts == 2
    db.session.refresh(rw.review)
    assert rw.review.state == "issued"


def test_a_job_that_keeps_stopping_its_worker_is_given_up(client, login, rw, run_jobs):  # noqa: F811
    complete(rw)
    login(rw.coordinator)
    client.post(f"{rw.base}/issue")
    [job] = _jobs()
    job.state, job.attempts, job.lease_until = "running", 3, utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert run_jobs() == 1
    job = _jobs()[0]
    assert job.state == "failed" and "stopped several times" in job.error
    db.session.refresh(rw.review)
    assert rw.review.state == "reporting"
    page = client.get(rw.base).get_data(as_text=True)
    assert "Version 1 was not issued" in page and "stopped several times" in page
    # issuing again queues the same version again
    client.post(f"{rw.base}/issue")
    assert [(j.state, j.attempts) for j in _jobs()] == [("queued", 0)]
    assert run_jobs() == 1
    assert db.session.scalars(select(ReportVersion)).one().number == 1


def test_the_draft_pdf_is_made_once_per_text(client, login, rw, app, run_jobs):  # noqa: F811
    complete(rw)
    login(rw.lead)
    res = client.get(f"{rw.base}/draft.pdf")
    page = res.get_data(as_text=True)
    assert res.status_code == 202 and "The report as PDF" in page
    [job] = _jobs()
    assert f'data-job-status="/jobs/{job.id}"' in page and "Check again" in page
    assert "/static/js/jobs.js" in page and "<script>" not in page
    assert client.get(f"/jobs/{job.id}").get_json()["state"] == "queued"
    assert run_jobs() == 1
    assert client.get(f"/jobs/{job.id}").get_json()["url"] == f"{rw.base}/draft.pdf"
    res = client.get(f"{rw.base}/draft.pdf")
    assert res.status_code == 200 and res.mimetype == "application/pdf" and res.data.startswith(b"%PDF")
    # the same text again: the same PDF, no new job
    assert client.get(f"{rw.base}/draft.pdf").data == res.data and len(_jobs()) == 1
    # another text: another job, and the older PDF is not kept
    first = _jobs()[0].result_sha256
    client.post(f"{rw.base}/sections/host_context", data={"body": "Ghent has 263,000 inhabitants."})
    assert client.get(f"{rw.base}/draft.pdf").status_code == 202
    assert run_jobs() == 1
    assert [j.kind for j in _jobs()] == ["draft"]
    kept = {p.stem for p in (Path(app.instance_path) / "documents").glob("*.pdf")}
    assert _jobs()[0].result_sha256 in kept and first not in kept
    # the host city does not follow the team's jobs
    login(rw.contact)
    assert client.get(f"/jobs/{_jobs()[0].id}").status_code == 403


def test_a_failed_draft_says_why_and_can_be_asked_again(client, login, rw, monkeypatch, run_jobs):  # noqa: F811
    complete(rw)
    login(rw.lead)
    client.get(f"{rw.base}/draft.pdf")
    with monkeypatch.context() as m:
        m.setattr(pdf, "render_pdf", lambda *a, **k: (_ for _ in ()).throw(
            pdf.RenderError("The PDF could not be made, so nothing was changed.")))
        run_jobs()
    [job] = _jobs()
    status = client.get(f"/jobs/{job.id}").get_json()
    assert status["failed"] and status["message"] == "The PDF could not be made, so nothing was changed."
    assert client.get(f"{rw.base}/draft.pdf").status_code == 202
    assert _jobs()[0].state == "queued"
    assert run_jobs() == 1 and client.get(f"{rw.base}/draft.pdf").status_code == 200


def test_an_unexpected_error_ends_the_job_with_a_plain_message(client, login, rw, monkeypatch, run_jobs):  # noqa: F811
    complete(rw)
    login(rw.coordinator)
    client.post(f"{rw.base}/issue")
    with monkeypatch.context() as m:
        m.setattr(pdf, "render_pdf", lambda *a, **k: 1 / 0)
        run_jobs()
    [job] = _jobs()
    assert job.state == "failed" and job.error == services.GENERIC_FAILURE
    db.session.refresh(rw.review)
    assert rw.review.state == "reporting" and db.session.scalars(select(ReportVersion)).all() == []


def test_rq_runs_the_jobs_where_redis_is_configured(client, login, rw, app):  # noqa: F811
    import redis
    from rq import SimpleWorker

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        skip_or_fail(f"Redis at {url} does not answer: {exc}")
    complete(rw)
    name = f"peerreview-test-{uuid.uuid4().hex[:8]}"
    saved = {k: app.config.get(k) for k in ("REDIS_URL", "JOBS_QUEUE")}
    app.config.update(REDIS_URL=url, JOBS_QUEUE=name)
    try:
        login(rw.coordinator)
        client.post(f"{rw.base}/issue")
        queue = worker.queue(app)
        assert queue.count == 1
        worker._rq_app = app
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        db.session.expire_all()
        assert db.session.scalars(select(ReportVersion)).one().number == 1
        # a job that never reached Redis is sent again by the worker command's sweep
        login(rw.lead)
        assert client.get(f"{rw.base}/draft.pdf").status_code == 202
        queue.empty()
        db.session.rollback()
        assert [j.state for j in _jobs()] == ["done", "queued"], [(j.kind, j.state, j.error) for j in _jobs()]
        db.session.rollback()
        assert worker.resend_stale(app, older_than=0) == 1 and queue.count == 1
    finally:
        worker._rq_app = None
        queue.empty()
        queue.delete(delete_jobs=True)
        app.config.update(saved)


def test_without_redis_a_thread_of_the_web_process_runs_the_jobs(client, login, rw, app):  # noqa: F811
    complete(rw)
    app.config["JOBS_EMBEDDED_WORKER"] = True
    try:
        login(rw.coordinator)
        client.post(f"{rw.base}/issue")  # starts the thread and wakes it
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            # (outside a request every transaction takes SQLite's write lock: end it at once)
            issued = bool(db.session.scalars(select(ReportVersion)).all())
            db.session.rollback()
            if issued:
                break
            time.sleep(0.5)
    finally:
        app.config["JOBS_EMBEDDED_WORKER"] = False
        worker.stop_embedded()
    assert db.session.scalars(select(ReportVersion)).one().number == 1
    assert db.session.scalars(select(Report)).one().state == "issued"
