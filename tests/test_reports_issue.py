"""Factual check, issue, the stored PDF, corrected versions, rendering safety and the CLI."""

from __future__ import annotations

import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from peerreview import formatting
from peerreview.extensions import db
from peerreview.reports import issuing, pdf
from peerreview.reports.models import Report, ReportComment, ReportVersion
from tests.jobs_helpers import run_jobs  # noqa: F401  (fixture)
from tests.reports_helpers import complete, pdf_text, rw, sha256  # noqa: F401  (rw is a fixture)


def _stored(app) -> set[str]:
    folder = Path(app.instance_path) / "reports"
    return {p.name for p in folder.glob("*.pdf")} if folder.exists() else set()


def _flashes(client, path) -> str:
    return client.get(path).get_data(as_text=True)


def test_host_sees_the_draft_only_during_the_factual_check(client, login, rw, outbox):
    complete(rw)
    login(rw.contact)
    assert client.get(rw.base).status_code == 403
    assert client.get(f"{rw.base}/preview").status_code == 403
    assert client.get(f"{rw.base}/draft.pdf").status_code == 403

    login(rw.coordinator)
    deadline = date.today() + timedelta(days=10)
    assert client.post(f"{rw.base}/factual-check", data={"deadline": deadline.isoformat()}).status_code == 302
    mails = [m for m in outbox() if "Factual check" in m["Subject"]]
    assert [m["To"] for m in mails] == [rw.contact.email]

    login(rw.member)
    page = client.get(rw.base).get_data(as_text=True)
    assert "Factual check" in page and formatting.full_day(deadline) in page
    preview = client.get(f"{rw.base}/preview")
    assert preview.status_code == 200
    assert "Ghent does a lot; drop-out is the main problem." in preview.get_data(as_text=True)
    # the preview obeys the site's CSP: the stylesheet is a static file, no inline styles
    assert "/static/css/report.css" in preview.get_data(as_text=True)
    assert " style=" not in preview.get_data(as_text=True) and "<style" not in preview.get_data(as_text=True)
    res = client.post(f"{rw.base}/comments", data={"place": "host_context",
                                                   "body": "We have 263,000 inhabitants (2025)."})
    assert res.status_code == 302
    team_mail = [m for m in outbox() if "commented on the draft report" in m["Subject"]]
    assert {m["To"] for m in team_mail} == {rw.lead.email, rw.rapporteur.email, rw.peer.email}

    # an unanswered host comment blocks the issue
    login(rw.coordinator)
    client.post(f"{rw.base}/issue")
    assert "1 comment of the host city is not answered" in _flashes(client, rw.base)
    comment = db.session.scalars(select(ReportComment)).one()
    login(rw.peer)
    res = client.post(f"{rw.base}/comments/{comment.id}/answer", data={"answer": "kept", "note": ""})
    assert "Say why the text is kept" in _flashes(client, rw.base)
    client.post(f"{rw.base}/comments/{comment.id}/answer", data={"answer": "changed", "note": "Updated."})
    db.session.refresh(comment)
    assert comment.answer == "changed" and comment.answered_by_id == rw.peer.id

    login(rw.member)
    page = client.get(rw.base).get_data(as_text=True)
    assert "Changed in the text" in page and "Updated." in page

    login(rw.coordinator)
    client.post(f"{rw.base}/factual-check/end")
    login(rw.member)
    assert client.get(f"{rw.base}/preview").status_code == 403
    assert client.post(f"{rw.base}/comments", data={"place": "host_context", "body": "Late"}).status_code == 403


def test_host_comments_end_with_the_deadline(client, login, rw):
    complete(rw)
    report = db.session.scalars(select(Report)).one()
    report.state, report.factual_check_deadline = "factual_check", date.today() - timedelta(days=1)
    db.session.commit()
    login(rw.contact)
    client.post(f"{rw.base}/comments", data={"place": "host_context", "body": "Too late?"})
    assert "The factual check ended on" in _flashes(client, rw.base)
    assert db.session.scalars(select(ReportComment)).all() == []


def test_issue_is_refused_with_what_is_missing(client, login, rw, app):
    before = _stored(app)
    login(rw.peer)
    client.get(rw.base)
    assert client.post(f"{rw.base}/issue").status_code == 403  # only the coordinator issues
    login(rw.coordinator)
    res = client.post(f"{rw.base}/issue", follow_redirects=True)
    html = res.get_data(as_text=True)
    assert "The report cannot be issued yet" in html
    assert "no team rating for KF1, KF2, KF3" in html and "no recommendation yet" in html
    db.session.refresh(rw.review)
    assert rw.review.state == "reporting"
    assert db.session.scalars(select(ReportVersion)).all() == [] and _stored(app) == before
    # the issue step is never offered on the review page: it belongs to the report
    page = client.get(f"/reviews/{rw.review.id}").get_data(as_text=True)
    assert "/step/issue" not in page
    assert client.post(f"/reviews/{rw.review.id}/step/issue", data={}).status_code == 404


def test_issue_stores_the_pdf_once_and_serves_those_bytes(client, login, rw, app, outbox, tmp_path,
                                                          monkeypatch, run_jobs):
    complete(rw)
    login(rw.coordinator)
    res = client.post(f"{rw.base}/issue")
    assert res.status_code == 302
    # the request only queued the render: the page says so until the worker has made it
    db.session.refresh(rw.review)
    assert rw.review.state == "reporting" and db.session.scalars(select(ReportVersion)).all() == []
    page = client.get(rw.base).get_data(as_text=True)
    assert "Issuing version 1" in page and "The PDF is waiting for its turn" in page
    assert "/static/js/jobs.js" in page and "Check again" in page
    assert run_jobs() == 1
    db.session.refresh(rw.review)
    assert rw.review.state == "issued"
    assert "Issuing version 1" not in client.get(rw.base).get_data(as_text=True)
    version = db.session.scalars(select(ReportVersion)).one()
    assert version.number == 1 and version.pages >= 6
    stored = Path(app.instance_path) / "reports" / f"{version.sha256}.pdf"
    assert sha256(stored.read_bytes()) == version.sha256 and version.size == stored.stat().st_size
    issued_mail = [m for m in outbox() if m["Subject"].startswith("Feedback report issued")]
    assert rw.contact.email in {m["To"] for m in issued_mail}
    assert rw.review.events[-1].to_state == "issued" and rw.review.events[-1].actor_id == rw.coordinator.id

    # downloads are the stored bytes, never a new rendering
    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: pytest.fail("rendered again"))
    for person in (rw.member, rw.contact, rw.peer, rw.coordinator):
        login(person)
        res = client.get(f"{rw.base}/versions/1.pdf")
        assert res.status_code == 200 and res.mimetype == "application/pdf"
        assert sha256(res.data) == version.sha256
        assert res.headers["ETag"] == f'"{version.sha256}"'
    res = client.get(f"{rw.base}/versions/1.pdf", headers={"If-None-Match": f'"{version.sha256}"'})
    assert res.status_code == 304 and res.data == b""
    login(rw.other)
    assert client.get(f"{rw.base}/versions/1.pdf").status_code == 403
    # the issued text cannot be issued a second time
    login(rw.coordinator)
    client.post(f"{rw.base}/issue")
    run_jobs()
    assert len(db.session.scalars(select(ReportVersion)).all()) == 1


def test_reissue_makes_version_2_and_version_1_stays(client, login, rw, app, run_jobs):
    complete(rw)
    issuing.issue(rw.review, rw.coordinator)
    db.session.commit()
    v1 = db.session.scalars(select(ReportVersion)).one()
    login(rw.coordinator)
    # corrections are the coordinator's after issue
    client.post(f"{rw.base}/sections/host_context",
                data={"body": "Ghent has 263,000 inhabitants (2025)."})
    client.post(f"{rw.base}/reissue", data={"note": ""})
    assert "Say what was corrected" in _flashes(client, rw.base)
    login(rw.lead)
    assert client.post(f"{rw.base}/reissue", data={"note": "x"}).status_code == 403
    login(rw.coordinator)
    assert client.post(f"{rw.base}/reissue", data={"note": "Population figure corrected."}).status_code == 302
    assert run_jobs() == 1
    versions = db.session.scalars(select(ReportVersion).order_by(ReportVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    v2 = versions[1]
    assert v2.sha256 != v1.sha256 and v2.note == "Population figure corrected."
    db.session.refresh(rw.review)
    assert rw.review.state == "issued"
    old = client.get(f"{rw.base}/versions/1.pdf")
    assert sha256(old.data) == v1.sha256
    page = client.get(rw.base).get_data(as_text=True)
    assert "superseded by version 2" in page and "Population figure corrected." in page
    login(rw.contact)
    assert "superseded by version 2" in client.get(rw.base).get_data(as_text=True)


def test_a_render_failure_changes_nothing(client, login, rw, app, monkeypatch, run_jobs):
    complete(rw)
    before = _stored(app)

    def broken(html, **kw):
        raise pdf.RenderError("The PDF could not be made, so nothing was changed.")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    login(rw.coordinator)
    client.post(f"{rw.base}/issue")
    assert run_jobs() == 1
    res = client.get(rw.base)
    assert "Version 1 was not issued" in res.get_data(as_text=True)
    assert "The PDF could not be made, so nothing was changed." in res.get_data(as_text=True)
    db.session.refresh(rw.review)
    assert rw.review.state == "reporting"
    assert db.session.scalars(select(ReportVersion)).all() == [] and _stored(app) == before


def test_a_render_that_takes_too_long_is_stopped(client, login, rw, app, run_jobs):
    complete(rw)
    before = _stored(app)
    limit = app.config["REPORT_RENDER_TIME_LIMIT"]
    app.config["REPORT_RENDER_TIME_LIMIT"] = 0.05
    try:
        login(rw.coordinator)
        client.post(f"{rw.base}/issue")
        run_jobs()
    finally:
        app.config["REPORT_RENDER_TIME_LIMIT"] = limit
    res = client.get(rw.base)
    assert "took longer than 0.05 seconds" in res.get_data(as_text=True)
    db.session.refresh(rw.review)
    assert rw.review.state == "reporting"
    assert db.session.scalars(select(ReportVersion)).all() == [] and _stored(app) == before


def sleepy_child(conn):
    time.sleep(30)
    conn.send(("ok", b"", 0, 0))


def crashing_child(conn):
    import os

    os._exit(3)


def test_the_child_is_killed_at_the_time_limit():
    started = time.perf_counter()
    with pytest.raises(pdf.RenderError, match="took longer than 1 seconds"):
        pdf.run_in_child(sleepy_child, (), 1)
    assert time.perf_counter() - started < 10
    with pytest.raises(pdf.RenderError, match="stopped unexpectedly"):
        pdf.run_in_child(crashing_child, (), 10)


def test_the_url_fetcher_serves_only_our_static_files():
    fetcher = pdf.make_fetcher()
    ok = fetcher.fetch(f"{pdf.STATIC_ORIGIN}/static/fonts/NotoSans-Regular.ttf")
    assert ok.read(4) == b"\x00\x01\x00\x00"
    for url in ("https://example.org/tracker.png", "http://127.0.0.1:5000/static/css/app.css",
                "file:///etc/passwd", "data:text/css,body{}",
                f"{pdf.STATIC_ORIGIN}/static/../../../etc/passwd",
                f"{pdf.STATIC_ORIGIN}/static/%2e%2e/%2e%2e/setup.cfg",
                f"{pdf.STATIC_ORIGIN}/etc/passwd", f"{pdf.STATIC_ORIGIN}/static/css/nothing.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    # a page asking for an outside image still renders, without fetching it
    import weasyprint

    html = '<p>Hi</p><img src="https://example.org/tracker.png"><link rel="stylesheet" href="file:///etc/x.css">'
    out = weasyprint.HTML(string=html, base_url=f"{pdf.STATIC_ORIGIN}/", url_fetcher=fetcher).write_pdf()
    assert out.startswith(b"%PDF")
    assert "https://example.org/tracker.png" in fetcher.refused
    assert "file:///etc/x.css" in fetcher.refused


def test_the_pdf_has_every_section_and_correct_contents(rw, tmp_path, app):
    from peerreview.reports import document
    from peerreview.reports import services as drafting

    complete(rw, summary="Ghent does a lot. Αθήνα and Київ were quoted; Łódź and Þórshöfn too.")
    report = db.session.scalars(select(Report)).one()
    # enough recommendations for the table to run over a page
    for n in range(25):
        drafting.add_recommendation(report, drafting.RecommendationInput(
            key_factor_id=rw.kfs[n % 3].id, action=f"Concrete action number {n} " + "with detail " * 12,
            priority=("low", "medium", "high")[n % 3], owner="A department", timeframe_months=24),
            actor=rw.rapporteur)
    db.session.commit()
    html = document.render_html(rw.review, mode="pdf", version=1, issued_on=date(2026, 10, 10))
    rendered = pdf.render_pdf(html)
    text = pdf_text(rendered.data, tmp_path)
    for heading in ("Contents", "Executive summary", "Top recommendations", "Ratings at a glance",
                    "About the review", "The city’s context", "Findings and recommendations by key factor",
                    "Answers to the city’s questions", "All recommendations", "Good practices to share",
                    "Follow-up", "Annex: the review team", "Annex: the visit programme",
                    "Annex: the benchmark", "Why do so many learners drop out?",
                    "Book the intake at registration.", "Αθήνα", "Київ", "Łódź", "Þórshöfn",
                    "Version 1, issued 10 October 2026", "Meeting the integration team"):
        assert heading in text, heading
    # every font is embedded and is one we ship
    path = tmp_path / "fonts.pdf"
    path.write_bytes(rendered.data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    # the shipped Noto files are loaded under the stylesheet's own family names, so a system
    # fallback font (which would not be "Report ...") shows up here as a failure
    assert rows and all(" yes " in row and "+Report-" in row for row in rows), fonts
    # the contents page gives the right page number for every chapter
    contents = pdf_text(rendered.data, tmp_path, 2, 2)
    pages = [pdf_text(rendered.data, tmp_path, n, n) for n in range(1, rendered.pages + 1)]
    for title in ("Executive summary", "About the review", "All recommendations", "Annex: the benchmark"):
        line = next(ln for ln in contents.splitlines() if title in ln)
        listed = int(line.split()[-1])
        body_lines = [ln.strip() for ln in pages[listed - 1].splitlines()]
        assert any(ln.endswith(title) and ln[:1] in "0123456789ABC" for ln in body_lines), (title, listed)
    # the table's header is repeated on the next page
    table_pages = [p for p in pages if "Suggested owner" in p]
    assert len(table_pages) >= 2


def test_cli_renders_a_draft_and_writes_the_issued_bytes(runner, rw, tmp_path):
    complete(rw)
    out = tmp_path / "draft.pdf"
    result = runner.invoke(args=["report", "render", str(rw.review.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and "Wrote the draft" in result.output
    assert db.session.scalars(select(ReportVersion)).all() == []

    issuing.issue(rw.review, rw.coordinator)
    db.session.commit()
    version = db.session.scalars(select(ReportVersion)).one()
    out = tmp_path / "issued.pdf"
    result = runner.invoke(args=["report", "render", str(rw.review.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sha256(out.read_bytes()) == version.sha256 and "issued version 1" in result.output
    result = runner.invoke(args=["report", "render", str(rw.review.id), "-o", str(out), "--version", "4"])
    assert result.exit_code == 1 and "has no version 4" in result.output
    result = runner.invoke(args=["report", "render", "999999", "-o", str(out)])
    assert result.exit_code == 1 and "There is no review 999999" in result.output


def test_a_city_question_needs_an_answer_or_the_teams_reason(client, login, rw, app, tmp_path, run_jobs):
    complete(rw)
    login(rw.rapporteur)
    client.post(f"{rw.base}/sections/answer_1", data={"body": ""})
    login(rw.coordinator)
    res = client.post(f"{rw.base}/issue", follow_redirects=True)
    assert ("the city's question 1 has no answer (answer it, or say why the team does not)"
            in res.get_data(as_text=True).replace("&#39;", "'"))
    assert run_jobs() == 0
    # the team says why it does not answer; the report prints the question with the reason
    login(rw.rapporteur)
    page = client.get(rw.base).get_data(as_text=True)
    assert f"{rw.base}/sections/unanswered_1" in page and "Or say why the team does not answer it" in page
    form = client.get(f"{rw.base}/sections/unanswered_1").get_data(as_text=True)
    assert "Why do so many learners drop out?" in form
    client.post(f"{rw.base}/sections/unanswered_1",
                data={"body": "The visit gave no evidence on drop-out."})
    from peerreview.audit.models import AuditEntry

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.section_save")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.actor_id == rw.rapporteur.id and "unanswered_1" in str(entry.changes)
    login(rw.coordinator)
    client.post(f"{rw.base}/issue")
    assert run_jobs() == 1
    version = db.session.scalars(select(ReportVersion)).one()
    text = pdf_text(issuing.read_version(version), tmp_path)
    assert "Why do so many learners drop out?" in text
    assert "The review team does not answer this question: The visit gave no evidence on" in text
