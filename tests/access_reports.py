"""Access-matrix rows for the feedback report: drafting, factual check, issue, downloads,
follow-up. The world has a review in "reporting" (draft), one in "reporting" whose draft is
with the host for its factual check, and an issued one with a stored version 1.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.access import FORBIDDEN, NOT_FOUND, OK, Route, roles

PDF = b"%PDF-1.4\n% access matrix\n%%EOF\n"


def team(**extra):
    """The review team (accepted seats) and the coordinator."""
    return roles(FORBIDDEN, **{"coordinator": OK, "peer_on_team": OK, **extra})


def with_host(**extra):
    """The team, the coordinator and the host city's members (its contact among them)."""
    return team(**{"host_member": OK, "host_contact": OK, **extra})


def build_world(world, db_session):
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.reports import issuing
    from peerreview.reports.models import (
        Finding,
        Recommendation,
        Report,
        ReportComment,
        ReportRevision,
        ReportSection,
        ReportVersion,
    )
    from peerreview.reviews.models import Review

    theme = Theme(slug="report-theme", name="Report theme", description="")
    bench = Benchmark(theme=theme, version=1, status="published", standard="A standard.")
    kf = KeyFactor(benchmark=bench, code="KF1", title="First", position=1, charter_roles=["employer"])
    db_session.add_all([theme, bench, kf])
    start = date.today() - timedelta(days=40)

    def review(state):
        r = Review(host_city=world.host_city, benchmark=bench, state=state, working_languages=["en"],
                   visit_start=start, visit_end=start + timedelta(days=3),
                   host_questions=["What should change first?"])
        db_session.add(r)
        return r

    def report(r, state):
        rep = Report(review=r, state=state)
        section = ReportSection(report=rep, key="executive_summary", body="Summary")
        finding = Finding(report=rep, key_factor=kf, rating="2")
        rec = Recommendation(report=rep, key_factor=kf, action="Do a concrete thing.", priority="high",
                             owner="A department", timeframe_months=6, position=1)
        db_session.add_all([rep, section, finding, rec,
                            ReportSection(report=rep, key="host_context", body=""),
                            ReportSection(report=rep, key="answer_1", body="Start with the evening classes."),
                            ReportSection(report=rep, key="good_practices", body=""),
                            ReportSection(report=rep, key="follow_up", body="")])
        return rep, section, rec

    drafting, checked, issued = review("reporting"), review("reporting"), review("issued")
    rep_d, section_d, rec_d = report(drafting, "drafting")
    rep_c, _, _ = report(checked, "factual_check")
    rep_c.factual_check_deadline = date.today() + timedelta(days=10)
    rep_i, _, rec_i = report(issued, "issued")
    rec_i.response = "accepted"
    db_session.flush()
    db_session.add(ReportRevision(report_id=rep_d.id, target_type="section", target_id=section_d.id,
                                  version=1, content={"body": "Summary"}))
    host_comment = ReportComment(report=rep_c, section="executive_summary", kind="host",
                                 body="The figure is from 2023.")
    digest = issuing.write_once(PDF)
    version = ReportVersion(report=rep_i, number=1, sha256=digest, size=len(PDF), pages=1)
    from peerreview.jobs.models import RenderJob

    # a draft being made, and the request to issue the checked review's version 1
    draft_job = RenderJob(kind="draft", subject_id=drafting.id, key=f"draft:{drafting.id}:x", html="<p>x</p>")
    issue_job = RenderJob(kind="issue", subject_id=checked.id, key=f"issue:{checked.id}:v1", version_number=1)
    db_session.add_all([host_comment, version, draft_job, issue_job])
    db_session.flush()
    world.objects.update(rep_review=drafting, check_review=checked, issued_review=issued,
                         rep_kf=kf, rep_section=section_d, rep_rec=rec_d, issued_rec=rec_i,
                         host_comment=host_comment, draft_job=draft_job, issue_job=issue_job)


def _r(w, path=""):
    return f"/reviews/{w.rep_review.id}/report{path}"


def _c(w, path=""):
    return f"/reviews/{w.check_review.id}/report{path}"


def _i(w, path=""):
    return f"/reviews/{w.issued_review.id}/report{path}"


def _rec(w):
    return {"key_factor_id": str(w.rep_kf.id), "action": "Open an evening class.", "priority": "medium",
            "owner": "Education", "timeframe_months": "12"}


ROUTES = [
    Route("reports.show", "GET", _r, team()),
    Route("reports.show", "GET", _c, with_host()),
    Route("reports.show", "GET", _i, with_host()),
    Route("reports.show", "GET", lambda w: "/reviews/999999/report", roles(NOT_FOUND)),
    Route("reports.preview", "GET", lambda w: _r(w, "/preview"), team()),
    Route("reports.preview", "GET", lambda w: _c(w, "/preview"), with_host()),
    Route("reports.draft_pdf", "GET", lambda w: _r(w, "/draft.pdf"), team()),
    Route("reports.edit_section", "GET", lambda w: _r(w, "/sections/executive_summary"), team()),
    Route("reports.edit_section", "POST", lambda w: _r(w, "/sections/executive_summary"), team(),
          data=lambda w: {"body": "A new summary.", "version": str(w.rep_section.version)}),
    Route("reports.edit_section", "GET", lambda w: _c(w, "/sections/executive_summary"), team()),
    Route("reports.edit_finding", "GET", lambda w: _r(w, f"/findings/{w.rep_kf.id}"), team()),
    Route("reports.edit_finding", "POST", lambda w: _r(w, f"/findings/{w.rep_kf.id}"), team(),
          data=lambda w: {"rationale": "Because.", "version": "1"}),
    Route("reports.new_recommendation", "GET", lambda w: _r(w, "/recommendations/new"), team()),
    Route("reports.new_recommendation", "POST", lambda w: _r(w, "/recommendations/new"), team(), data=_rec),
    Route("reports.edit_recommendation", "GET", lambda w: _r(w, f"/recommendations/{w.rep_rec.id}"), team()),
    Route("reports.edit_recommendation", "POST", lambda w: _r(w, f"/recommendations/{w.rep_rec.id}"),
          team(), data=lambda w: {**_rec(w), "version": "1"}),
    # only the lead, the rapporteur and the coordinator remove a recommendation
    Route("reports.delete_recommendation", "POST",
          lambda w: _r(w, f"/recommendations/{w.rep_rec.id}/delete"),
          roles(FORBIDDEN, coordinator=OK, team_lead=OK, rapporteur=OK)),
    Route("reports.history", "GET", lambda w: _r(w, f"/history/section/{w.rep_section.id}"), team()),
    Route("reports.comment", "POST", lambda w: _r(w, "/comments"), team(),
          data=lambda w: {"place": "executive_summary", "body": "Shorter, please."}),
    # during the factual check the host city comments too (its members and its contact)
    Route("reports.comment", "POST", lambda w: _c(w, "/comments"), with_host(),
          data=lambda w: {"place": "executive_summary", "body": "The figure is wrong."}),
    Route("reports.answer", "POST", lambda w: _c(w, f"/comments/{w.host_comment.id}/answer"), team(),
          data=lambda w: {"answer": "changed", "note": "Figure updated."}),
    Route("reports.start_factual_check", "POST", lambda w: _r(w, "/factual-check"),
          roles(FORBIDDEN, coordinator=OK),
          data=lambda w: {"deadline": (date.today() + timedelta(days=14)).isoformat()}),
    Route("reports.end_factual_check", "POST", lambda w: _c(w, "/factual-check/end"),
          roles(FORBIDDEN, coordinator=OK)),
    # the draft lacks its ratings: the coordinator is told what is missing, nothing is queued
    Route("reports.issue", "POST", lambda w: _r(w, "/issue"), roles(FORBIDDEN, coordinator=OK)),
    Route("reports.reissue", "POST", lambda w: _i(w, "/reissue"), roles(FORBIDDEN, coordinator=OK),
          data=lambda w: {"note": "Corrected a figure."}),
    Route("reports.download", "GET", lambda w: _i(w, "/versions/1.pdf"), with_host()),
    Route("reports.download", "GET", lambda w: _i(w, "/versions/2.pdf"),
          with_host(host_member=NOT_FOUND, host_contact=NOT_FOUND, coordinator=NOT_FOUND,
                    peer_on_team=NOT_FOUND)),
    Route("reports.follow_up", "GET", lambda w: _i(w, "/follow-up"), with_host()),
    Route("reports.respond", "POST", lambda w: _i(w, f"/recommendations/{w.issued_rec.id}/response"),
          roles(FORBIDDEN, host_member=OK, host_contact=OK, coordinator=OK),
          data=lambda w: {f"r{w.issued_rec.id}-response": "accepted"}),
    Route("reports.progress", "POST", lambda w: _i(w, f"/recommendations/{w.issued_rec.id}/progress"),
          roles(FORBIDDEN, host_member=OK, host_contact=OK, coordinator=OK),
          data=lambda w: {f"p{w.issued_rec.id}-progress": "in_progress",
                          f"p{w.issued_rec.id}-note": "Tender drafted."}),
    Route("followup.index", "GET", lambda w: "/follow-up/", roles(FORBIDDEN, coordinator=OK)),
    # how a PDF being made is getting on: whoever may ask for it (the host: not for a draft it
    # may not read, nor for the team's issue)
    Route("jobs.show", "GET", lambda w: f"/jobs/{w.draft_job.id}", team()),
    Route("jobs.show", "GET", lambda w: f"/jobs/{w.issue_job.id}", team()),
    Route("jobs.show", "GET", lambda w: "/jobs/999999", roles(NOT_FOUND)),
    Route("reports.follow_up_csv", "GET", lambda w: _i(w, "/follow-up.csv"), with_host()),
    Route("followup.figures_csv", "GET", lambda w: "/follow-up/figures.csv", roles(FORBIDDEN, coordinator=OK)),
    Route("followup.city_figures_csv", "GET", lambda w: f"/follow-up/cities/{w.host_city.id}/figures.csv",
          roles(FORBIDDEN, host_member=OK, host_contact=OK, coordinator=OK)),
    Route("followup.city_figures_csv", "GET", lambda w: "/follow-up/cities/999999/figures.csv", roles(NOT_FOUND)),
]
