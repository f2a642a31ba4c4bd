"""Mentoring end to end: the coordinator sets up a scheme and pairs cities; a mentor follows two
implementing cities from the dashboard, records a visit (which appears in the calendar feeds of
the people attending) and a progress review, and downloads the progress report."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from peerreview import formatting
from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.mentoring.models import MentoringScheme, MentoringVisit, Mentorship, ProgressReview
from tests.jobs_helpers import run_jobs  # noqa: F401  (fixture)
from tests.mentoring_helpers import baseline, mw, pdf_text  # noqa: F401  (fixture)


def test_coordinator_sets_up_a_scheme_and_pairs_cities(client, login, mw):
    login(mw.coordinator)
    res = client.post("/mentoring/schemes/new", data={
        "name": "Diverse administration 2027", "theme_id": mw.bench.theme_id,
        "starts_on": "2027-01-01", "ends_on": "2027-12-31",
        "mentor_cities": [mw.vienna.id], "implementing_cities": [mw.riga_city.id, mw.athens_city.id]})
    assert res.status_code == 302
    scheme = db.session.scalar(select(MentoringScheme).where(MentoringScheme.name == "Diverse administration 2027"))
    assert scheme.benchmark_id == mw.bench.id     # frozen at creation
    res = client.post(f"/mentoring/schemes/{scheme.id}/mentorships/new", data={
        "implementing_city_id": mw.riga_city.id, "mentor_cities": [mw.vienna.id],
        "mentors": [mw.mentor.id], "mentees": [mw.mentee.id]})
    assert res.status_code == 302
    m = db.session.scalar(select(Mentorship).where(Mentorship.scheme_id == scheme.id))
    assert m.state == "proposed" and {p.user_id for p in m.people} == {mw.mentor.id, mw.mentee.id}

    # a mentee of another city is refused, next to the field
    res = client.post(f"/mentoring/{m.id}/people", data={
        "mentor_cities": [mw.vienna.id], "mentors": [mw.mentor.id], "mentees": [mw.mentee_athens.id]})
    assert res.status_code == 400
    assert 'id="mentees-error"' in res.get_data(as_text=True)
    assert "A mentee must be an active person of Riga." in res.get_data(as_text=True)

    # the state machine: withdraw needs a reason; start; complete
    client.post(f"/mentoring/{m.id}/step/withdraw", data={"reason": ""})
    assert db.session.get(Mentorship, m.id).state == "proposed"
    client.post(f"/mentoring/{m.id}/step/start", data={})
    assert db.session.get(Mentorship, m.id).state == "active"
    page = client.get(f"/mentoring/{m.id}").get_data(as_text=True)
    assert "Mark as completed" in page and "Start the mentorship" not in page
    client.post(f"/mentoring/{m.id}/step/complete", data={})
    m = db.session.get(Mentorship, m.id)
    assert m.state == "completed" and m.ended_on is not None
    res = client.post(f"/mentoring/{m.id}/step/start", data={}, follow_redirects=True)
    assert "only a proposed mentorship can take the step" in res.get_data(as_text=True)
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == m.id,
                                                                    AuditEntry.object_type == "mentorship")))
    assert {"mentorship.create", "mentorship.start", "mentorship.complete"} <= actions
    assert [e.to_state for e in m.events] == ["proposed", "active", "completed"]


def test_start_needs_a_mentor_and_a_mentee(client, login, mw):
    from peerreview.mentoring import services

    services.transition(mw.athens, "withdraw", reason="Elections; a new start with new people.",
                        actor=mw.coordinator)
    m = services.create_mentorship(mw.scheme, implementing_city_id=mw.athens_city.id,
                                   people=services.People([mw.vienna.id], [], []), actor=mw.coordinator)
    db.session.commit()
    login(mw.coordinator)
    page = client.get(f"/mentoring/{m.id}").get_data(as_text=True)
    assert "First: name at least one mentor; name at least one mentee." in page
    res = client.post(f"/mentoring/{m.id}/step/start", data={}, follow_redirects=True)
    assert "name at least one mentor" in res.get_data(as_text=True)
    assert db.session.get(Mentorship, m.id).state == "proposed"


def test_mentor_follows_two_cities_records_a_visit_and_a_progress_review(client, login, mw, tmp_path, app,
                                                                          run_jobs):
    baseline(mw)
    login(mw.mentor)
    page = client.get("/mentoring/").get_data(as_text=True)
    assert "Your mentorships" in page
    for m in (mw.riga, mw.athens):
        assert f'href="/mentoring/{m.id}"' in page
    assert page.count('<tr class=') == 2

    # a mentoring visit to Riga, planned for next week
    day = mw.today + timedelta(days=7)
    res = client.post(f"/mentoring/{mw.riga.id}/visits/new", data={
        "kind": "mentoring", "starts_on": day.isoformat(), "ends_on": (day + timedelta(days=1)).isoformat(),
        "location": "Riga City Council", "participants": [mw.mentor.id, mw.mentee.id],
        "agenda": "Review the plan with the Deputy Mayor."})
    assert res.status_code == 302
    visit = db.session.scalar(select(MentoringVisit))
    assert {u.id for u in visit.participants} == {mw.mentor.id, mw.mentee.id}
    page = client.get("/mentoring/").get_data(as_text=True)
    assert formatting.day(day) in page and "Mentoring visit" in page

    # the visit is in the calendar feed of those attending, not of others
    from peerreview.reviews import ical

    tokens = {u.id: ical.create_feed(u, actor=u) for u in (mw.mentor, mw.mentee, mw.mentee_athens)}
    db.session.commit()
    for user, expected in ((mw.mentor, True), (mw.mentee, True), (mw.mentee_athens, False)):
        cal = Calendar.from_ical(client.get(f"/calendar/{tokens[user.id]}.ics").data)
        events = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("mentoring-visit-")]
        assert bool(events) == expected, user.name
        if expected:
            ev = events[0]
            assert ev.decoded("DTSTART") == day and ev.decoded("DTEND") == day + timedelta(days=2)
            assert str(ev["SUMMARY"]) == "Mentoring visit: Vienna in Riga"
            assert "Review the plan" in str(ev["DESCRIPTION"])

    # a progress review re-rates the key factors; the page shows the movement as an SVG
    kf1, kf2, kf3, kf4 = mw.kfs
    res = client.post(f"/mentoring/{mw.riga.id}/progress/new", data={
        "held_on": mw.today.isoformat(), f"rating_{kf1.id}": "2", f"rating_{kf2.id}": "1",
        f"rating_{kf3.id}": "1", f"rating_{kf4.id}": "", "summary": "Good start.",
        "next_review_on": (mw.today + timedelta(days=90)).isoformat()})
    assert res.status_code == 302
    review = db.session.scalar(select(ProgressReview))
    assert {r.key_factor_id: r.rating for r in review.ratings} == {kf1.id: "2", kf2.id: "1", kf3.id: "1",
                                                                   kf4.id: None}
    assert db.session.get(Mentorship, mw.riga.id).next_review_on == mw.today + timedelta(days=90)
    res = client.get(f"/mentoring/{mw.riga.id}")
    page = res.get_data(as_text=True)
    assert page.count('<svg class="mv-strip') == 4
    assert "style=" not in page and "<script>" not in page
    assert "script-src 'self'" in res.headers["Content-Security-Policy"]
    assert "KF1: baseline Partly in place, latest Largely in place" in page
    assert "up 1 level." in page and "down 1 level." in page and "KF4: baseline Partly in place; not re-rated yet." in page
    assert 'class="mv-change up">+1' in page and "Net change:" in page
    dash = client.get("/mentoring/").get_data(as_text=True)
    assert re.search(r'mv-change up">\+1</span> <span class="mn-sub">2 up, 1 down, of 3 re-rated', dash)

    # the progress report: made by a background job; a page says so until it is ready
    res = client.get(f"/mentoring/{mw.riga.id}/progress-report.pdf")
    assert res.status_code == 202 and "The PDF is waiting for its turn" in res.get_data(as_text=True)
    assert run_jobs() == 1
    res = client.get(f"/mentoring/{mw.riga.id}/progress-report.pdf")
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    assert res.data.startswith(b"%PDF")
    assert "progress-report-riga-" in res.headers["Content-Disposition"]
    text = pdf_text(res.data, tmp_path)
    for heading in ("MENTORING PROGRESS REPORT", "Riga", "1. Ratings: baseline and latest",
                    "2. The action plan", "3. Visits held", "4. Next steps", "Largely in place",
                    "Mentoring visit", "Next progress review"):
        assert heading in text, heading


def test_visit_form_checks_dates_and_participants(client, login, mw):
    login(mw.mentor)
    before = mw.scheme.starts_on - timedelta(days=1)
    res = client.post(f"/mentoring/{mw.riga.id}/visits/new", data={
        "kind": "study", "starts_on": before.isoformat(), "ends_on": (before - timedelta(days=2)).isoformat(),
        "participants": [mw.outsider.id]})
    page = html.unescape(res.get_data(as_text=True))
    assert res.status_code == 400
    assert "The visit is before the scheme starts" in page and 'id="starts_on-error"' in page
    assert "The visit must end on or after its first day." in page
    assert "Participants are chosen from the mentorship's mentors and mentees." in page
    assert db.session.scalar(select(MentoringVisit)) is None


def test_a_progress_review_needs_a_baseline_and_an_active_mentorship(client, login, mw):
    login(mw.mentor)
    res = client.post(f"/mentoring/{mw.riga.id}/progress/new", data={"held_on": mw.today.isoformat()})
    assert res.status_code == 400
    assert "Record the needs assessment (the baseline) first" in res.get_data(as_text=True)
    baseline(mw)
    res = client.post(f"/mentoring/{mw.riga.id}/progress/new", data={"held_on": mw.today.isoformat()})
    assert "Rate at least one key factor." in res.get_data(as_text=True)
    future = mw.today + timedelta(days=3)
    res = client.post(f"/mentoring/{mw.riga.id}/progress/new", data={
        "held_on": future.isoformat(), f"rating_{mw.kfs[0].id}": "2"})
    assert "the date cannot be in the future" in res.get_data(as_text=True)
    assert db.session.scalar(select(ProgressReview)) is None


def test_demo_has_a_scheme_with_months_of_history(runner, client, login):
    from sqlalchemy import func

    from peerreview.auth.models import User
    from peerreview.mentoring.plan_models import MentoringAction

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    counts = [db.session.scalar(select(func.count(model.id))) for model in (Mentorship, MentoringAction,
                                                                            MentoringVisit, ProgressReview)]
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "0 things created" in again.output
    assert [db.session.scalar(select(func.count(model.id))) for model in (
        Mentorship, MentoringAction, MentoringVisit, ProgressReview)] == counts
    assert "vienna.mentor@demo.peerreview.eu" in again.output and "riga.mentee@demo.peerreview.eu" in again.output

    mentor = db.session.scalar(select(User).where(User.email == "vienna.mentor@demo.peerreview.eu"))
    login(mentor)
    page = client.get("/mentoring/").get_data(as_text=True)
    assert ">Riga</a>" in page and ">Rotterdam</a>" in page and ">Athens</a>" not in page
    riga = db.session.scalar(select(Mentorship).join(Mentorship.implementing_city).where(
        Mentorship.implementing_city.has(name="Riga")))
    assert len(riga.progress_reviews) == 2 and riga.needs is not None and len(riga.visits) == 3
    rotterdam = db.session.scalar(select(Mentorship).where(Mentorship.implementing_city.has(name="Rotterdam")))
    first = rotterdam.actions[0]
    # the evening classes: R5 in Rotterdam's issued report, and the same code on the action
    assert first.recommendation.report.review.host_city.name == "Rotterdam"
    assert first.recommendation.code == "R5" and "evening" in first.recommendation.action
    assert rotterdam.needs.source_review_id == first.recommendation.report.review_id
    page = client.get(f"/mentoring/{rotterdam.id}/actions/{first.id}").get_data(as_text=True)
    assert "Peer review of Rotterdam (Introductory and language courses), R5" in page
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@demo.peerreview.eu"))
    login(coordinator)
    page = client.get("/mentoring/").get_data(as_text=True)
    assert "Silent for" in page.split(">Athens</a>", 1)[1].split("</tr>", 1)[0]
