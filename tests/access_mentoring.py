"""Access-matrix rows for mentoring: the dashboard, schemes, mentorships, the needs assessment,
visits, progress reviews, the action plan and the progress report.

The world's mentorship pairs the "mentee" role's city (implementing) with the "mentor" role's
city; only those two people and the coordinator see it. The host city, the other city and the
peers see nothing of it.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.access import FORBIDDEN, OK, Route, roles

COORDINATOR = roles(FORBIDDEN, coordinator=OK)
VIEWERS = roles(FORBIDDEN, coordinator=OK, mentor=OK, mentee=OK)
PLAN = roles(FORBIDDEN, coordinator=OK, mentee=OK)


def build_world(world, db_session):
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.mentoring.models import (
        MentoringScheme,
        MentoringVisit,
        Mentorship,
        MentorshipPerson,
        NeedsAssessment,
        NeedsEntry,
        SchemeCity,
    )
    from peerreview.mentoring.plan_models import MentoringAction, PlanVersion

    mentor, mentee = world.users["mentor"], world.users["mentee"]
    theme = Theme(slug="mentoring-theme", name="Mentoring theme", description="")
    bench = Benchmark(theme=theme, version=1, status="published", standard="A standard.")
    kfs = [KeyFactor(benchmark=bench, code=f"KF{i}", title=f"Factor {i}", position=i,
                     charter_roles=["employer"]) for i in (1, 2)]
    porto = City(name="Porto", country="PT", timezone="Europe/Lisbon", description="")
    today = date.today()
    scheme = MentoringScheme(name="Access scheme", theme=theme, benchmark=bench,
                             starts_on=today - timedelta(days=90), ends_on=today + timedelta(days=270))
    scheme.participants = [SchemeCity(city=mentor.city, role="mentor"),
                           SchemeCity(city=mentee.city, role="implementing"),
                           SchemeCity(city=porto, role="implementing")]
    m = Mentorship(scheme=scheme, implementing_city=mentee.city, mentor_cities=[mentor.city],
                   state="active", proposed_on=today - timedelta(days=80), started_on=today - timedelta(days=75))
    m.people = [MentorshipPerson(user=mentor, role="mentor"), MentorshipPerson(user=mentee, role="mentee")]
    needs = NeedsAssessment(mentorship=m, goals="Close the gap.", assessed_on=today - timedelta(days=70))
    needs.entries = [NeedsEntry(key_factor=kf, rating="1", narrative="Partly.", gap="") for kf in kfs]
    action = MentoringAction(mentorship=m, number=1, key_factor=kfs[0], description="Do the thing.",
                             owner="Integration unit", deadline=today + timedelta(days=30), status="planned")
    proposal = MentoringAction(mentorship=m, number=2, key_factor=kfs[1], description="Try the other thing.",
                               owner="Integration unit", deadline=today + timedelta(days=40), status="proposed",
                               proposed_by=mentor)
    visit = MentoringVisit(mentorship=m, kind="mentoring", starts_on=today + timedelta(days=10),
                           ends_on=today + timedelta(days=11), participants=[mentor, mentee])
    version = PlanVersion(mentorship=m, number=1, snapshot=[{"code": "A1"}])
    from peerreview.auth.models import User

    colleague = User(name="Mentee Colleague", email="mentee.colleague@example.org", city=mentee.city,
                     languages=["en"])
    db_session.add_all([theme, bench, *kfs, porto, scheme, m, needs, action, proposal, visit, version,
                        colleague])
    db_session.flush()
    world.objects.update(mt_scheme=scheme, mt=m, mt_kfs=kfs, mt_action=action, mt_proposal=proposal,
                         mt_visit=visit, mt_porto=porto, mt_colleague=colleague)


def _m(w) -> str:
    return f"/mentoring/{w.mt.id}"


def _visit_data(w):
    day = date.today() + timedelta(days=20)
    return {"kind": "study", "starts_on": day.isoformat(), "ends_on": day.isoformat(),
            "location": "Utrecht", "participants": [w.users["mentee"].id], "agenda": "Meet the team."}


def _action_data(w):
    return {"key_factor_id": w.mt_kfs[1].id, "description": "Train the staff.", "owner": "HR",
            "deadline": (date.today() + timedelta(days=60)).isoformat()}


def _ratings(w):
    return {"held_on": date.today().isoformat(), f"rating_{w.mt_kfs[0].id}": "2",
            f"rating_{w.mt_kfs[1].id}": "1", "summary": "Moving."}


ROUTES = [
    Route("mentoring.dashboard_page", "GET", lambda w: "/mentoring/", roles(OK)),
    Route("mentoring.dashboard_page", "GET", lambda w: "/mentoring/?sort=movement&dir=asc", roles(OK)),
    Route("mentoring.schemes", "GET", lambda w: "/mentoring/schemes", COORDINATOR),
    Route("mentoring.create_scheme", "GET", lambda w: "/mentoring/schemes/new", COORDINATOR),
    Route("mentoring.create_scheme", "POST", lambda w: "/mentoring/schemes/new", COORDINATOR,
          data=lambda w: {"name": "New scheme", "theme_id": w.mt_scheme.theme_id,
                          "starts_on": "2027-01-01", "ends_on": "2027-12-31",
                          "mentor_cities": [w.users["mentor"].city_id],
                          "implementing_cities": [w.host_city.id]}),
    Route("mentoring.show_scheme", "GET", lambda w: f"/mentoring/schemes/{w.mt_scheme.id}", COORDINATOR),
    Route("mentoring.edit_scheme", "GET", lambda w: f"/mentoring/schemes/{w.mt_scheme.id}/edit", COORDINATOR),
    Route("mentoring.edit_scheme", "POST", lambda w: f"/mentoring/schemes/{w.mt_scheme.id}/edit", COORDINATOR,
          data=lambda w: {"name": "Renamed scheme", "starts_on": w.mt_scheme.starts_on.isoformat(),
                          "ends_on": w.mt_scheme.ends_on.isoformat(),
                          "mentor_cities": [w.users["mentor"].city_id],
                          "implementing_cities": [w.users["mentee"].city_id, w.mt_porto.id]}),
    Route("mentoring.create_mentorship", "GET",
          lambda w: f"/mentoring/schemes/{w.mt_scheme.id}/mentorships/new", COORDINATOR),
    Route("mentoring.create_mentorship", "POST",
          lambda w: f"/mentoring/schemes/{w.mt_scheme.id}/mentorships/new", COORDINATOR,
          data=lambda w: {"implementing_city_id": w.mt_porto.id,
                          "mentor_cities": [w.users["mentor"].city_id]}),
    Route("mentoring.show", "GET", _m, VIEWERS),
    Route("mentoring.show", "GET", lambda w: "/mentoring/999999", roles(404)),
    Route("mentoring.people", "GET", lambda w: f"{_m(w)}/people", COORDINATOR),
    Route("mentoring.people", "POST", lambda w: f"{_m(w)}/people", COORDINATOR,
          data=lambda w: {"mentor_cities": [w.users["mentor"].city_id], "mentors": [w.users["mentor"].id],
                          "mentees": [w.users["mentee"].id, w.mt_colleague.id]}),
    Route("mentoring.step", "POST", lambda w: f"{_m(w)}/step/complete", COORDINATOR),
    Route("mentoring.needs", "GET", lambda w: f"{_m(w)}/needs", VIEWERS),
    Route("mentoring.needs", "POST", lambda w: f"{_m(w)}/needs", PLAN,
          data=lambda w: {"goals": "Sharper goals.", f"rating_{w.mt_kfs[0].id}": "1",
                          f"rating_{w.mt_kfs[1].id}": "0"}),
    Route("mentoring.new_visit", "GET", lambda w: f"{_m(w)}/visits/new", VIEWERS),
    Route("mentoring.new_visit", "POST", lambda w: f"{_m(w)}/visits/new", VIEWERS, data=_visit_data),
    Route("mentoring.edit_visit", "GET", lambda w: f"{_m(w)}/visits/{w.mt_visit.id}/edit", VIEWERS),
    Route("mentoring.edit_visit", "POST", lambda w: f"{_m(w)}/visits/{w.mt_visit.id}/edit", VIEWERS,
          data=_visit_data),
    Route("mentoring.new_progress", "GET", lambda w: f"{_m(w)}/progress/new", VIEWERS),
    Route("mentoring.new_progress", "POST", lambda w: f"{_m(w)}/progress/new", VIEWERS, data=_ratings),
    Route("mentoring.report_pdf", "GET", lambda w: f"{_m(w)}/progress-report.pdf", VIEWERS),
    Route("mentoring.plan_page", "GET", lambda w: f"{_m(w)}/plan", VIEWERS),
    Route("mentoring.new_action", "GET", lambda w: f"{_m(w)}/actions/new", PLAN),
    Route("mentoring.new_action", "POST", lambda w: f"{_m(w)}/actions/new", PLAN, data=_action_data),
    Route("mentoring.propose_action", "GET", lambda w: f"{_m(w)}/actions/propose", roles(FORBIDDEN, mentor=OK)),
    Route("mentoring.propose_action", "POST", lambda w: f"{_m(w)}/actions/propose", roles(FORBIDDEN, mentor=OK),
          data=_action_data),
    Route("mentoring.decide_proposal", "POST", lambda w: f"{_m(w)}/actions/{w.mt_proposal.id}/decision", PLAN,
          data=lambda w: {"decision": "accept"}),
    Route("mentoring.action_page", "GET", lambda w: f"{_m(w)}/actions/{w.mt_action.id}", VIEWERS),
    Route("mentoring.edit_action", "GET", lambda w: f"{_m(w)}/actions/{w.mt_action.id}/edit", PLAN),
    Route("mentoring.edit_action", "POST", lambda w: f"{_m(w)}/actions/{w.mt_action.id}/edit", PLAN,
          data=_action_data),
    Route("mentoring.add_update", "POST", lambda w: f"{_m(w)}/actions/{w.mt_action.id}/updates", PLAN,
          data=lambda w: {"on_date": date.today().isoformat(), "status": "in_progress", "note": "Started."}),
    Route("mentoring.save_version", "POST", lambda w: f"{_m(w)}/plan/versions", PLAN,
          data=lambda w: {"note": "Second version"}),
    Route("mentoring.show_version", "GET", lambda w: f"{_m(w)}/plan/versions/1", VIEWERS),
    Route("mentoring.endorse", "POST", lambda w: f"{_m(w)}/plan/versions/1/endorse",
          roles(FORBIDDEN, mentee=OK),
          data=lambda w: {"endorsed_by": "Deputy Mayor", "endorsed_on": date.today().isoformat()}),
]
