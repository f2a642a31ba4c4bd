"""The people of the visit week, the issue's done-when scenario: a host lists eight
interviewees for two sessions and invites them; two answer through their links, one refusing to
be named; a draft naming that person cannot be issued until the name goes or a reason is
recorded; retention erases contact details on time and changes nothing the second time; an
external expert writes notes and appears in the team annex."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from peerreview.extensions import db

PEOPLE = [  # (session, name, organisation, type)
    (0, "Marta Kowalska", "Welcome office", "city_department"),
    (0, "Jonas De Smet", "Welcome office", "city_department"),
    (0, "Leila Haddad", "Language school", "service_provider"),
    (0, "Pieter Claes", "Job centre", "service_provider"),
    (1, "Amina Benali", "Residents' forum", "residents"),
    (1, "Yusuf Kaya", "Migrant association", "migrant_organisation"),
    (1, "Sara Janssens", "Parents' group", "residents"),
    (1, "Tomas Novak", "Employers' federation", "employer"),
]


@pytest.fixture
def visit(make_city, make_user, make_review, make_benchmark):
    from peerreview.reviews.models import VisitSession

    host = make_city("Ghent", "BE")
    lead = make_user("Lena Lead", city=make_city("Vienna", "AT", timezone="Europe/Vienna"))
    peer = make_user("Pavel Peer", city=make_city("Riga", "LV", timezone="Europe/Riga"))
    review = make_review("preparing", host=host, benchmark=make_benchmark(key_factors=2),
                         team=[(lead, "lead"), (peer, "peer")])
    sessions = [VisitSession(review=review, day=review.visit_start, start_time=time(9), end_time=time(10),
                             title="Meeting the welcome office", venue="Town hall, room 2"),
                VisitSession(review=review, day=review.visit_start + timedelta(days=1), start_time=time(14),
                             end_time=time(16), title="Focus group with residents", venue="Library",
                             session_type="focus_group")]
    db.session.add_all(sessions)
    db.session.commit()
    from types import SimpleNamespace

    return SimpleNamespace(review=review, sessions=sessions, lead=lead, peer=peer,
                           contact=make_user("Hanne Host", city=host, city_role="contact"),
                           coordinator=make_user("Coord Inator", coordinator=True),
                           base=f"/reviews/{review.id}/interviewees")


def _list_eight(client, login, visit):
    login(visit.contact)
    for n, (s, name, org, kind) in enumerate(PEOPLE):
        res = client.post(visit.base, data={
            "session_id": str(visit.sessions[s].id), "name": name, "role": "Staff", "organisation": org,
            "organisation_type": kind, "email": f"person{n}@example.org", "phone": "+32 9 123 45 67",
            "language": "nl" if n % 2 else "en"})
        assert res.status_code == 302, res.get_data(as_text=True)[:500]


def _links(outbox) -> dict[str, str]:
    """To-address -> the answer link of each invitation."""
    out = {}
    for m in outbox():
        body = m.get_body(preferencelist=("plain",)).get_content()
        found = re.search(r"http://\S+/answer/(\S+)", body)
        if found:
            out[m["To"]] = "/answer/" + found.group(1)
    return out


def test_the_host_lists_invites_and_two_interviewees_answer(client, login, visit, outbox, app):
    from peerreview.people.models import Interviewee

    _list_eight(client, login, visit)
    page = client.get(visit.base).get_data(as_text=True)
    assert "8 people listed" in page and "8 people with an e-mail address have not been invited yet" in page
    # bad input is refused next to the field and changes nothing
    res = client.post(visit.base, data={"session_id": str(visit.sessions[0].id), "name": "",
                                        "organisation_type": "ngo", "email": "not-an-address",
                                        "language": "en"})
    assert res.status_code == 400 and "Give the person" in res.get_data(as_text=True)
    assert len(db.session.scalars(select(Interviewee)).all()) == 8

    assert client.post(f"{visit.base}/invite").status_code == 302
    mails = [m for m in outbox() if m["To"].startswith("person")]
    assert len(mails) == 8
    first = next(m for m in mails if m["To"] == "person0@example.org")
    ics = [part for part in first.iter_attachments() if part.get_filename() == "session.ics"]
    assert ics and "BEGIN:VEVENT" in ics[0].get_content() and "LOCATION:Town hall" in ics[0].get_content()
    text = first.get_body(preferencelist=("plain",)).get_content()
    assert "Meeting the welcome office" in text and "quoted" in text  # the information notice

    links = _links(outbox)
    client.post("/logout")
    # Marta agrees to be named; Amina refuses to be quoted at all
    res = client.post(links["person0@example.org"], data={
        "attending": "yes", "quote_consent": "named", "photo_consent": "yes"})
    assert res.status_code == 302
    res = client.post(links["person4@example.org"], data={
        "attending": "yes", "quote_consent": "none", "photo_consent": "no"})
    assert res.status_code == 302
    marta = db.session.scalar(select(Interviewee).where(Interviewee.name == "Marta Kowalska"))
    amina = db.session.scalar(select(Interviewee).where(Interviewee.name == "Amina Benali"))
    assert marta.quote_consent == "named" and marta.answered_at is not None
    assert amina.quote_consent == "none" and amina.photo_consent is False
    assert sum(1 for p in db.session.scalars(select(Interviewee)) if p.answered_at) == 2

    # the team sees who it meets, and what each agreed to, on the programme
    login(visit.peer)
    programme = client.get(f"/reviews/{visit.review.id}/programme").get_data(as_text=True)
    assert "Amina Benali" in programme and "Not to be quoted" in programme
    assert "May be quoted by name" in programme


def test_a_token_opens_only_that_persons_answer_page(client, login, visit, outbox, app):
    _list_eight(client, login, visit)
    client.post(f"{visit.base}/invite")
    links = _links(outbox)
    client = app.test_client()  # the interviewee's own browser
    page = client.get(links["person0@example.org"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Marta Kowalska" in html
    assert all(name not in html for _s, name, _o, _k in PEOPLE[1:])
    assert page.headers["Cache-Control"] == "no-store"
    # the link is no login: every other page still asks for one
    for path in (f"/reviews/{visit.review.id}", visit.base, f"/reviews/{visit.review.id}/programme"):
        res = client.get(path)
        assert res.status_code == 302 and "/login" in res.headers["Location"]
    # a changed link opens nothing; a new invitation replaces the old link
    token = links["person0@example.org"].rsplit("/", 1)[1]
    assert client.get(f"/answer/{token[:-1]}x").status_code == 404
    host = app.test_client()
    login(visit.contact, host)
    marta = _person("Marta Kowalska")
    assert host.post(f"{visit.base}/{marta.id}/invite").status_code == 302
    assert client.get(links["person0@example.org"]).status_code == 404


def _person(name):
    from peerreview.people.models import Interviewee

    return db.session.scalar(select(Interviewee).where(Interviewee.name == name))


def _to_reporting(visit, text: str):
    from peerreview.reports import services as drafting

    visit.review.state = "reporting"
    db.session.commit()
    report = drafting.get_or_create(visit.review)
    drafting.save_section(report, "executive_summary", text, base_version=None, actor=visit.lead)
    db.session.commit()
    return report


def test_a_draft_naming_a_refuser_cannot_be_issued_until_changed_or_overridden(client, login, visit, outbox):
    from peerreview.people import consent, interviewees
    from peerreview.reports import services as drafting
    from peerreview.reviews.models import ReviewEvent

    _list_eight(client, login, visit)
    amina = _person("Amina Benali")
    interviewees.answer(amina, attending="yes", quote_consent="anonymous", photo_consent=False)
    marta = _person("Marta Kowalska")
    interviewees.answer(marta, attending="yes", quote_consent="named", photo_consent=True)
    db.session.commit()
    report = _to_reporting(visit, "Marta Kowalska leads the welcome office.\n\n"
                                  "Amina Benali said the forms are too long.")
    # Marta agreed to be named: only Amina holds the issue back
    assert [(p.person.name, p.kind) for p in consent.open_problems(visit.review)] == [("Amina Benali", "name")]
    login(visit.coordinator)
    res = client.post(f"/reviews/{visit.review.id}/report/issue", follow_redirects=True)
    assert "did not consent" in res.get_data(as_text=True)
    assert visit.review.state == "reporting"
    page = client.get(f"/reviews/{visit.review.id}/report/consent").get_data(as_text=True)
    assert "The report names Amina Benali" in page

    # the name is removed: nothing holds the issue back any more
    section = next(s for s in report.sections if s.key == "executive_summary")
    drafting.save_section(report, "executive_summary", "A resident said the forms are too long.",
                          base_version=section.version, actor=visit.lead)
    db.session.commit()
    assert consent.issue_check(visit.review) is None

    # named again: the coordinator records why the report may go ahead (a short reason is refused)
    drafting.save_section(report, "executive_summary", "Amina Benali said the forms are too long.",
                          base_version=section.version, actor=visit.lead)
    db.session.commit()
    assert consent.issue_check(visit.review) is not None
    url = f"/reviews/{visit.review.id}/report/consent/{amina.id}/override"
    assert client.post(url, data={"kind": "name", "reason": "ok"}).status_code == 400
    assert consent.issue_check(visit.review) is not None
    login(visit.peer)
    assert client.post(url, data={"kind": "name", "reason": "She agreed by e-mail."}).status_code == 403
    login(visit.coordinator)
    res = client.post(url, data={"kind": "name", "reason": "She agreed by e-mail on 3 May to be named."})
    assert res.status_code == 302
    assert consent.issue_check(visit.review) is None
    notes = [e.note for e in db.session.scalars(select(ReviewEvent).where(
        ReviewEvent.review_id == visit.review.id))]
    assert any("She agreed by e-mail on 3 May" in n for n in notes)


def _issue(review, on: datetime):
    from peerreview.reports.models import Report, ReportVersion

    report = db.session.scalar(select(Report).where(Report.review_id == review.id)) or Report(review=review)
    db.session.add(ReportVersion(report=report, number=1, sha256="0" * 64, size=1, issued_at=on))
    review.state = "issued"
    db.session.commit()


def test_retention_erases_contact_details_on_time_and_only_once(client, login, visit, runner, clock, today):
    from peerreview.people import interviewees, retention
    from peerreview.people.models import Interviewee

    _list_eight(client, login, visit)
    marta = _person("Marta Kowalska")
    interviewees.answer(marta, attending="yes", quote_consent="named", photo_consent=True)
    db.session.commit()
    issued = datetime.combine(today, time(12))
    _issue(visit.review, issued)

    # the day before the six months are over: nothing to erase
    clock.move_to(datetime.combine(retention.add_months(today, 6) - timedelta(days=1), time(3)))
    result = runner.invoke(args=["retention", "apply"])
    assert result.exit_code == 0 and "Nothing to erase" in result.output
    assert all(p.email for p in db.session.scalars(select(Interviewee)))

    clock.move_to(datetime.combine(retention.add_months(today, 6), time(3)))
    dry = runner.invoke(args=["retention", "apply", "--dry-run"])
    assert "Would erase" in dry.output and "contact details of 8 interviewee(s)" in dry.output
    assert "names of 7" in dry.output and "Dry run" in dry.output
    db.session.expire_all()
    assert all(p.email for p in db.session.scalars(select(Interviewee)))

    result = runner.invoke(args=["retention", "apply"])
    assert result.exit_code == 0 and "Erased" in result.output
    db.session.expire_all()
    people = db.session.scalars(select(Interviewee)).all()
    assert all(p.email is None and p.phone is None and p.token_hash is None for p in people)
    # only the person who agreed to be named keeps the name
    assert {p.name for p in people if p.name_erased_at is None} == {"Marta Kowalska"}
    assert not any("person" in (m.to_address or "") for m in _outbox_rows())
    snapshot = [(p.id, p.name, p.contact_erased_at, p.name_erased_at) for p in people]

    again = runner.invoke(args=["retention", "apply"])
    assert "Nothing to erase" in again.output
    db.session.expire_all()
    assert [(p.id, p.name, p.contact_erased_at, p.name_erased_at)
            for p in db.session.scalars(select(Interviewee))] == snapshot


def _outbox_rows():
    from peerreview.notifications.models import OutgoingMail

    return db.session.scalars(select(OutgoingMail)).all()


def test_an_interviewee_gets_their_data_and_erasure_on_request(client, login, visit):
    _list_eight(client, login, visit)
    yusuf = _person("Yusuf Kaya")
    data = client.get(f"{visit.base}/{yusuf.id}/data.json").get_json()
    assert data["name"] == "Yusuf Kaya" and data["email"] == "person5@example.org"
    login(visit.peer)
    assert client.get(f"{visit.base}/{yusuf.id}/data.json").status_code == 403
    login(visit.contact)
    assert client.post(f"{visit.base}/{yusuf.id}/erase").status_code == 302
    db.session.expire_all()
    yusuf = db.session.get(type(yusuf), yusuf.id)
    assert yusuf.email is None and "Yusuf" not in yusuf.name and yusuf.organisation == "Migrant association"


def test_an_external_expert_writes_notes_and_appears_in_the_annex(client, login, visit, make_user):
    from peerreview.observations.models import Observation
    from peerreview.reports.document import build
    from peerreview.reviews.workflow import team_complete

    expert = make_user("Eva Expert", email="eva.expert@example.org")  # no member city
    login(visit.coordinator)
    page = client.get(f"/reviews/{visit.review.id}/team/manage").get_data(as_text=True)
    assert "Eva Expert" in page and "Experts and secretariat staff" in page
    before = team_complete(visit.review)
    res = client.post(f"/reviews/{visit.review.id}/team/outside", data={
        "user_id": str(expert.id), "role": "external", "organisation": "Migration Policy Institute"})
    assert res.status_code == 302
    # the seat counts for nothing in the team's rules
    assert team_complete(visit.review) == before
    page = client.get(f"/reviews/{visit.review.id}/team/manage").get_data(as_text=True)
    assert "Migration Policy Institute" in page

    visit.review.state = "visit"
    db.session.commit()
    login(expert)
    res = client.post(f"/reviews/{visit.review.id}/observations", data={
        "uuid": str(uuid.uuid4()), "text": "The intake desk has no interpreters.", "kind": "gap",
        "key_factor_id": "", "session_id": ""})
    assert res.status_code == 302, res.get_data(as_text=True)[:400]
    assert db.session.scalar(select(Observation).where(Observation.author_id == expert.id)) is not None

    # the coordinator joins the visit as staff and writes notes too
    login(visit.coordinator)
    client.post(f"/reviews/{visit.review.id}/team/outside", data={
        "user_id": str(visit.coordinator.id), "role": "staff", "organisation": "Network secretariat"})
    res = client.post(f"/reviews/{visit.review.id}/observations", data={
        "uuid": str(uuid.uuid4()), "text": "Strong political backing.", "kind": "strength",
        "key_factor_id": "", "session_id": ""})
    assert res.status_code == 302

    visit.review.state = "reporting"
    db.session.commit()
    context = build(visit.review)
    assert [(s.user.name, s.organisation) for s in context["outside_team"]] == [
        ("Eva Expert", "Migration Policy Institute"), ("Coord Inator", "Network secretariat")]
    assert {s.user.name for s in context["team"]} == {"Lena Lead", "Pavel Peer"}
    login(expert)
    res = client.get(f"/reviews/{visit.review.id}/report/preview")
    html = res.get_data(as_text=True)
    assert res.status_code == 200, html[-3000:]
    assert "Migration Policy Institute" in html and "External expert" in html


def test_first_impressions_reach_the_host_before_the_draft(client, login, visit, outbox):
    visit.review.state = "visit"
    db.session.commit()
    url = f"/reviews/{visit.review.id}/first-impressions"
    login(visit.contact)
    assert client.get(url).status_code == 403  # not shared yet
    login(visit.peer)
    assert client.post(url, data={"body": "Strong leadership; outreach is weak.", "version": ""}).status_code == 302
    assert client.post(f"{url}/share").status_code == 403  # the lead or the rapporteur shares
    login(visit.lead)
    assert client.post(f"{url}/share").status_code == 302
    assert any(m["To"] == visit.contact.email and "First impressions" in m["Subject"] for m in outbox())
    login(visit.contact)
    assert "outreach is weak" in client.get(url).get_data(as_text=True)
    login(visit.peer)
    assert client.post(url, data={"body": "Changed later.", "version": "1"}).status_code == 403


def test_surveys_are_sent_answered_and_shown_to_the_coordinator(client, login, visit, runner, outbox,
                                                                  today, make_user, clock):
    from peerreview.people.models import SurveyResponse
    from peerreview.people.retention import add_months
    from peerreview.reports import services as drafting

    visit.review.state = "reporting"
    db.session.commit()
    after = visit.review.visit_end + timedelta(days=1)
    result = runner.invoke(args=["reminders", "send", "--today", after.isoformat()])
    assert result.exit_code == 0, result.output
    sent = [m for m in outbox() if "survey about the visit week" in m["Subject"]]
    assert {m["To"] for m in sent} == {visit.contact.email, visit.lead.email, visit.peer.email}

    url = f"/reviews/{visit.review.id}/surveys/visit"
    login(visit.contact)
    res = client.post(url, data={"useful": "9", "organised": "4", "again": "yes"})
    assert res.status_code == 400 and "how useful" in res.get_data(as_text=True)
    assert client.post(url, data={"useful": "5", "organised": "4", "change": "Shorter days.",
                                  "again": "yes"}).status_code == 302
    login(visit.peer)
    assert client.post(url, data={"useful": "3", "organised": "2", "change": "=HYPERLINK(1)",
                                  "again": "maybe"}).status_code == 302
    assert client.post(url, data={"useful": "1", "organised": "1", "again": "no"}).status_code == 302
    assert db.session.query(SurveyResponse).count() == 2  # a second answer changes nothing
    login(make_user("Other Person", city=visit.lead.city))
    assert client.get(url).status_code == 403

    # the outcome survey: twelve months after issue, to the host city's contact
    report = drafting.get_or_create(visit.review)
    drafting.add_recommendation(report, drafting.RecommendationInput(
        key_factor_id=visit.review.benchmark.key_factors[0].id, action="Open a welcome desk.",
        priority="high", owner="Civil affairs", timeframe_months=6), actor=visit.lead)
    db.session.commit()
    _issue(visit.review, datetime.combine(today, time(12)))
    opens = add_months(today, 12)
    login(visit.contact)
    outcome = f"/reviews/{visit.review.id}/surveys/outcome"
    assert client.get(outcome).status_code == 403  # not before twelve months
    clock.move_to(datetime.combine(opens - timedelta(days=1), time(6)))
    runner.invoke(args=["reminders", "send"])
    assert not [m for m in outbox() if "outcome survey" in m["Subject"]]
    clock.move_to(datetime.combine(opens, time(6)))
    runner.invoke(args=["reminders", "send"])
    assert [m["To"] for m in outbox() if "outcome survey" in m["Subject"]] == [visit.contact.email]
    login(visit.contact)
    rec = report.recommendations[0]
    assert client.post(outcome, data={"changed": ""}).status_code == 400
    assert client.post(outcome, data={"recommendations": [str(rec.id)], "changed": "A welcome desk opened.",
                                      "impact": "4"}).status_code == 302

    login(visit.coordinator)
    page = client.get("/surveys").get_data(as_text=True)
    assert "<svg" in page and visit.review.title in page and "4.0" in page  # (5 + 3) / 2
    detail = client.get(f"/reviews/{visit.review.id}/surveys/results").get_data(as_text=True)
    assert "Shorter days." in detail and "A welcome desk opened." in detail
    csv_text = client.get("/surveys/results.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("review_id,review,survey")
    assert "'=HYPERLINK(1)" in csv_text and "R1" in csv_text and csv_text.count("\n") == 4


def _load_demo_reviews():
    """The demo's cities, people, benchmarks and reviews with the people of the Ghent visit week
    (the parts of ``flask demo load`` this feature adds to; no PDFs are made)."""
    from peerreview.demo.people import load_visit_people
    from peerreview.demo.reviews import load_reviews
    from peerreview.demo.services import Tally, load_cities, load_framework, load_people

    tally = Tally()
    cities = load_cities(tally)
    people = load_people(tally, cities)
    load_framework(tally)
    load_visit_people(tally, people, load_reviews(tally, cities, people))
    db.session.commit()


def test_the_demo_has_interviewees_with_answers_and_an_external_expert(client, login):
    from peerreview.auth.models import User
    from peerreview.people.models import Interviewee
    from peerreview.reviews.models import TeamMember

    _load_demo_reviews()
    people = db.session.scalars(select(Interviewee)).all()
    assert len(people) >= 6 and sum(1 for p in people if p.answered_at) == 2
    assert any(p.quote_consent == "none" for p in people)
    expert = db.session.scalar(select(TeamMember).where(TeamMember.role == "external"))
    assert expert is not None and expert.user.city_id is None and expert.organisation
    _load_demo_reviews()  # loading again changes nothing
    assert len(db.session.scalars(select(Interviewee)).all()) == len(people)
    assert len(db.session.scalars(select(TeamMember).where(TeamMember.role == "external")).all()) == 1
    # the host's page lists them, with the refusal
    host = db.session.scalar(select(User).where(User.email.like("ghent.contact@%")))
    login(host)
    page = client.get(f"/reviews/{people[0].review_id}/interviewees").get_data(as_text=True)
    assert "Ahmed Benali" in page and "Not to be quoted" in page


def test_my_tasks_asks_each_person_only_about_their_own_visits(client, login, visit, make_user, clock):
    visit.review.state = "reporting"
    db.session.commit()
    ask = "Answer the short survey about the visit week"
    clock.move_to(datetime.combine(visit.review.visit_end + timedelta(days=2), time(9)))
    for person in (visit.contact, visit.lead, visit.peer):
        login(person)
        assert ask in client.get("/tasks").get_data(as_text=True), person.name
    login(make_user("Other Person", city=visit.lead.city))
    assert ask not in client.get("/tasks").get_data(as_text=True)
    login(visit.peer)
    assert client.post(f"/reviews/{visit.review.id}/surveys/visit",
                       data={"useful": "4", "organised": "4", "again": "yes"}).status_code == 302
    assert ask not in client.get("/tasks").get_data(as_text=True)
    login(visit.lead)
    clock.move_to(datetime.combine(visit.review.visit_end + timedelta(days=7 + 31), time(9)))
    assert ask not in client.get("/tasks").get_data(as_text=True)      # no longer asked for
