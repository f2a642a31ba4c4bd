"""Access-matrix rows for the people of the visit week: interviewees (the host's list, the
team's view, a person's data and erasure), the answer page behind an interviewee's secret link,
the consent check before issue, outside seats on the team, first impressions and surveys."""

from __future__ import annotations

from datetime import date, time, timedelta

from tests.access import FORBIDDEN, NOT_FOUND, OK, Route, everyone, roles

TOKEN = "people-world-token-0123456789abcdefghij"


def viewers():
    """The host city, the team (accepted seats) and the coordinator."""
    return roles(FORBIDDEN, host_member=OK, host_contact=OK, coordinator=OK, peer_on_team=OK)


def managers():
    """The host city and the coordinator list and invite interviewees."""
    return roles(FORBIDDEN, host_member=OK, host_contact=OK, coordinator=OK)


def build_world(world, db_session):
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.people.interviewees import hash_token
    from peerreview.people.models import Interviewee
    from peerreview.reports.models import Finding, Report, ReportSection
    from peerreview.reviews.models import Review, VisitSession

    theme = Theme(slug="people-theme", name="People theme", description="")
    bench = Benchmark(theme=theme, version=1, status="published", standard="A standard.")
    kf = KeyFactor(benchmark=bench, code="KF1", title="First", position=1, charter_roles=["employer"])
    db_session.add_all([theme, bench, kf])

    def review(state, start):
        r = Review(host_city=world.host_city, benchmark=bench, state=state, working_languages=["en"],
                   visit_start=start, visit_end=start + timedelta(days=3))
        s = VisitSession(review=r, day=start, start_time=time(10), end_time=time(11),
                         title="Meeting the welcome office", venue="Town hall", session_type="interview")
        db_session.add_all([r, s])
        return r, s

    preparing, session = review("preparing", date.today() + timedelta(days=30))
    visiting, _ = review("visit", date.today() - timedelta(days=1))
    reporting, rep_session = review("reporting", date.today() - timedelta(days=20))
    from peerreview.people.models import FirstImpressions
    from peerreview.timeutil import utcnow

    db_session.add_all([FirstImpressions(review=visiting, body="Strong leadership; weak outreach."),
                        FirstImpressions(review=reporting, body="Shared already.", shared_at=utcnow())])
    person = Interviewee(review=preparing, session=session, name="Ana Answer", role="Head of office",
                         organisation="Welcome office", organisation_type="city_department",
                         email="ana.answer@example.org", language="en", token_hash=hash_token(TOKEN))
    refuser = Interviewee(review=reporting, session=rep_session, name="Nadia Refuser",
                          organisation="Residents' forum", organisation_type="residents",
                          attending="yes", quote_consent="none", photo_consent=False)
    report = Report(review=reporting, state="drafting")
    db_session.add_all([person, refuser, report,
                        ReportSection(report=report, key="executive_summary",
                                      body="Nadia Refuser told the team that the forms are too long."),
                        Finding(report=report, key_factor=kf, rating="1")])
    # issued thirteen months ago: the outcome survey is open
    from datetime import datetime

    from peerreview.reports.models import ReportVersion

    issued, _ = review("issued", date.today() - timedelta(days=420))
    issued_report = Report(review=issued, state="issued")
    db_session.add_all([issued_report, ReportVersion(
        report=issued_report, number=1, sha256="0" * 64, size=1,
        issued_at=datetime.combine(date.today() - timedelta(days=400), time(12)))])
    db_session.flush()
    world.objects.update(pp_issued_review=issued, pp_visit_review=visiting, pp_review=preparing, pp_session=session, pp_person=person,
                         pp_rep_review=reporting, pp_refuser=refuser)


def _p(w, path=""):
    return f"/reviews/{w.pp_review.id}/interviewees{path}"


def _person_data(w):
    return {"session_id": str(w.pp_session.id), "name": "Omar Other", "role": "Teacher",
            "organisation": "Language school", "organisation_type": "service_provider",
            "email": "omar.other@example.org", "phone": "", "language": "en"}


ROUTES = [
    Route("interviewees.index", "GET", _p, viewers()),
    Route("interviewees.index", "GET", lambda w: "/reviews/999999/interviewees", roles(NOT_FOUND)),
    Route("interviewees.add", "POST", _p, managers(), data=_person_data),
    Route("interviewees.edit", "GET", lambda w: _p(w, f"/{w.pp_person.id}/edit"), managers()),
    Route("interviewees.edit", "POST", lambda w: _p(w, f"/{w.pp_person.id}/edit"), managers(),
          data=_person_data),
    Route("interviewees.delete", "POST", lambda w: _p(w, f"/{w.pp_person.id}/delete"), managers()),
    Route("interviewees.invite_all", "POST", lambda w: _p(w, "/invite"), managers()),
    Route("interviewees.invite_one", "POST", lambda w: _p(w, f"/{w.pp_person.id}/invite"), managers()),
    # a person's request: their data as a file, or erasure (the host city's contact, the secretariat)
    Route("interviewees.export", "GET", lambda w: _p(w, f"/{w.pp_person.id}/data.json"),
          roles(FORBIDDEN, host_contact=OK, coordinator=OK)),
    Route("interviewees.erase", "POST", lambda w: _p(w, f"/{w.pp_person.id}/erase"),
          roles(FORBIDDEN, host_contact=OK, coordinator=OK)),
    # the secret link is the credential: it opens that person's answer page for anyone, and only it
    Route("interviewee_answer.answer", "GET", lambda w: f"/answer/{TOKEN}", everyone(OK)),
    Route("interviewee_answer.answer", "POST", lambda w: f"/answer/{TOKEN}", everyone(OK),
          data=lambda w: {"attending": "yes", "quote_consent": "anonymous", "photo_consent": "no"}),
    Route("interviewee_answer.answer", "GET", lambda w: "/answer/not-a-real-token", everyone(NOT_FOUND)),
    # the consent check before issue: the team reads it, the coordinator records a reason
    Route("interviewees.consent_check", "GET", lambda w: f"/reviews/{w.pp_rep_review.id}/report/consent",
          roles(FORBIDDEN, coordinator=OK, peer_on_team=OK)),
    Route("interviewees.override", "POST",
          lambda w: f"/reviews/{w.pp_rep_review.id}/report/consent/{w.pp_refuser.id}/override",
          roles(FORBIDDEN, coordinator=OK),
          data=lambda w: {"kind": "name", "reason": "She agreed in writing on the last day."}),
    # experts and staff: the coordinator gives them a seat (here: joins the visit as staff)
    Route("visit_team.add_outside_seat", "POST", lambda w: f"/reviews/{w.pp_review.id}/team/outside",
          roles(FORBIDDEN, coordinator=OK),
          data=lambda w: {"user_id": str(w.users["coordinator"].id), "role": "staff",
                          "organisation": "Network secretariat"}),
    # first impressions: the team writes them; the host reads them once shared
    Route("visit_team.first_impressions", "GET", lambda w: f"/reviews/{w.pp_visit_review.id}/first-impressions",
          roles(FORBIDDEN, coordinator=OK, peer_on_team=OK)),
    Route("visit_team.first_impressions", "GET", lambda w: f"/reviews/{w.pp_rep_review.id}/first-impressions",
          viewers()),
    Route("visit_team.first_impressions", "POST", lambda w: f"/reviews/{w.pp_visit_review.id}/first-impressions",
          roles(FORBIDDEN, coordinator=OK, peer_on_team=OK),
          data=lambda w: {"body": "Strong leadership; outreach to residents is weak.", "version": "1"}),
    Route("visit_team.share_first_impressions", "POST",
          lambda w: f"/reviews/{w.pp_visit_review.id}/first-impressions/share",
          roles(FORBIDDEN, coordinator=OK, team_lead=OK, rapporteur=OK)),
    # surveys: the host city and the team after the visit week; the host city a year after issue
    Route("surveys.answer", "GET", lambda w: f"/reviews/{w.pp_rep_review.id}/surveys/visit",
          roles(FORBIDDEN, host_member=OK, host_contact=OK, peer_on_team=OK)),
    Route("surveys.answer", "POST", lambda w: f"/reviews/{w.pp_rep_review.id}/surveys/visit",
          roles(FORBIDDEN, host_member=OK, host_contact=OK, peer_on_team=OK),
          data=lambda w: {"useful": "4", "organised": "5", "change": "Fewer meetings a day.",
                          "again": "yes"}),
    Route("surveys.answer", "GET", lambda w: f"/reviews/{w.pp_review.id}/surveys/visit", roles(FORBIDDEN)),
    Route("surveys.answer", "GET", lambda w: f"/reviews/{w.pp_issued_review.id}/surveys/outcome",
          roles(FORBIDDEN, host_member=OK, host_contact=OK)),
    Route("surveys.answer", "POST", lambda w: f"/reviews/{w.pp_issued_review.id}/surveys/outcome",
          roles(FORBIDDEN, host_member=OK, host_contact=OK),
          data=lambda w: {"changed": "A one-stop welcome desk opened.", "impact": "4"}),
    Route("surveys.review_results", "GET", lambda w: f"/reviews/{w.pp_rep_review.id}/surveys/results",
          roles(FORBIDDEN, coordinator=OK)),
    Route("surveys.network_results", "GET", lambda w: "/surveys", roles(FORBIDDEN, coordinator=OK)),
    Route("surveys.results_csv", "GET", lambda w: "/surveys/results.csv", roles(FORBIDDEN, coordinator=OK)),
]
