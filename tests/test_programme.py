"""The visit programme: sessions, their rules (times, visit dates, clashes), concurrent edits,
who may change the programme when, and the printable version."""

from __future__ import annotations

import html
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from peerreview import formatting
from peerreview.audit.models import AuditEntry
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.reviews import programme
from peerreview.reviews.models import TeamMember, VisitSession
from tests.query_helpers import statements_for


@pytest.fixture
def world(make_city, make_user, make_review):
    host = make_city("Ghent", "BE")
    people = {
        "contact": make_user("Host Contact", city=host, city_role="contact"),
        "member": make_user("Host Member", city=host),
        "coordinator": make_user("Coordinator", coordinator=True),
        "outsider": make_user("Outsider", city=make_city("Genoa", "IT", timezone="Europe/Rome")),
        "lead": make_user("Lina Lead", city=make_city("Leipzig", "DE", timezone="Europe/Berlin")),
        "ana": make_user("Ana Costa", city=make_city("Lisbon", "PT", timezone="Europe/Lisbon")),
        "ben": make_user("Ben Borg", city=make_city("Valletta", "MT", timezone="Europe/Malta")),
    }
    review = make_review("preparing", host=host, team=[(people["lead"], "lead"), (people["ana"], "peer"),
                                                        (people["ben"], "peer")])
    return {"host": host, "review": review, **people}


def seat(review, user) -> TeamMember:
    return next(s for s in review.team if s.user_id == user.id)


def form_data(review, *, day=None, start="10:00", end="11:30", title="Meeting with the language school",
              attendees=(), key_factors=(), **extra):
    data = {"day": (day or review.visit_start).isoformat(), "start_time": start, "end_time": end,
            "title": title, "session_type": "interview", "venue": "Town hall, room 2",
            "organisations": "Language school De Vlaamse Rand",
            "organisation_types": ["service_provider", "ngo"], "interpreter_needed": "y",
            "attendees": [s.id for s in attendees], "key_factors": [kf.id for kf in key_factors],
            "notes": "Bring the course leaflets."}
    data.update(extra)
    return data


def add(client, review, **kw):
    return client.post(f"/reviews/{review.id}/programme", data=form_data(review, **kw))


def text(res) -> str:
    return html.unescape(res.get_data(as_text=True))


def plain(res) -> str:
    """The page's text without tags, with runs of white space made one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", res.get_data(as_text=True))).split())


def session_count(review) -> int:
    return db.session.scalar(select(func.count()).select_from(VisitSession)
                             .where(VisitSession.review_id == review.id))


def audit_actions(prefix="review.session") -> list[str]:
    return [a for a in db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
            if a.startswith(prefix)]


def test_host_adds_edits_and_deletes_a_session(client, login, world):
    review = world["review"]
    kf1, kf3 = review.benchmark.key_factors[0], review.benchmark.key_factors[2]
    login(world["member"])
    res = add(client, review, attendees=[seat(review, world["ana"])], key_factors=[kf1, kf3])
    assert res.status_code == 302
    s = db.session.scalars(select(VisitSession)).one()
    assert (s.day, s.start_time, s.end_time) == (review.visit_start, time(10), time(11, 30))
    assert s.organisation_types == ["service_provider", "ngo"] and s.interpreter_needed
    assert [m.user.name for m in s.attendees] == ["Ana Costa"]
    assert [kf.code for kf in s.key_factors] == ["KF1", "KF3"]

    page = text(client.get(f"/reviews/{review.id}/programme"))
    for shown in ("Meeting with the language school", "10:00", "11:30", "Interview", "Town hall, room 2",
                  "Service provider, NGO", "Interpreter needed", "Ana Costa", "KF1", "KF3",
                  formatting.long_day(review.visit_start)):
        assert shown in page, shown

    edit_page = text(client.get(f"/reviews/{review.id}/programme/{s.id}/edit"))
    assert 'value="Meeting with the language school"' in edit_page
    assert 'name="version" type="hidden" value="1"' in edit_page
    res = client.post(f"/reviews/{review.id}/programme/{s.id}/edit", data=form_data(
        review, title="Language school visit", start="10:30", end="12:00", version="1",
        attendees=[seat(review, world["ana"]), seat(review, world["ben"])], key_factors=[kf1]))
    assert res.status_code == 302
    db.session.refresh(s)
    assert s.title == "Language school visit" and s.start_time == time(10, 30) and s.version == 2
    assert {m.user.name for m in s.attendees} == {"Ana Costa", "Ben Borg"}
    update = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "review.session_update")).one()
    assert update.changes["title"] == ["Meeting with the language school", "Language school visit"]
    assert update.changes["attendees"] == [["Ana Costa"], ["Ana Costa", "Ben Borg"]]
    assert update.actor_id == world["member"].id

    res = client.post(f"/reviews/{review.id}/programme/{s.id}/delete", data={"version": "2"})
    assert res.status_code == 302
    assert session_count(review) == 0
    assert audit_actions() == ["review.session_add", "review.session_update", "review.session_delete"]


def test_a_session_ends_after_it_starts(client, login, world):
    review = world["review"]
    login(world["contact"])
    res = add(client, review, start="11:00", end="10:00")
    assert res.status_code == 400
    assert "The session ends before it starts." in text(res)
    res = add(client, review, start="11:00", end="11:00")
    assert "The session ends before it starts." in text(res)
    assert session_count(review) == 0 and audit_actions() == []


def test_a_session_falls_inside_the_visit(client, login, world):
    review = world["review"]
    login(world["contact"])
    for day in (review.visit_start - timedelta(days=1), review.visit_end + timedelta(days=1)):
        res = add(client, review, day=day)
        assert res.status_code == 400
        assert f"The visit runs from {formatting.day(review.visit_start)} to {formatting.day(review.visit_end)}" in text(res)
    res = add(client, review, day=review.visit_end)
    assert res.status_code == 302
    assert session_count(review) == 1


def test_no_session_before_the_visit_dates_are_set(client, login, world, db_session):
    review = world["review"]
    review.visit_start = review.visit_end = None
    db_session.commit()
    values = programme.SessionInput(day=None, start_time=time(9), end_time=time(10), title="Welcome")
    with pytest.raises(DomainError, match="visit dates are not set yet"):
        programme.add_session(review, values, actor=world["contact"])
    db_session.rollback()
    login(world["contact"])
    page = text(client.get(f"/reviews/{review.id}/programme"))
    assert "The visit dates are not fixed yet" in page
    res = client.post(f"/reviews/{review.id}/programme", data={
        "day": "2030-01-01", "start_time": "09:00", "end_time": "10:00", "title": "Welcome",
        "session_type": "interview"})
    assert res.status_code == 400 and "visit dates are not set yet" in text(res)
    assert session_count(review) == 0


def test_a_peer_cannot_be_in_two_sessions_at_once(client, login, world):
    review = world["review"]
    ana, ben = seat(review, world["ana"]), seat(review, world["ben"])
    login(world["contact"])
    assert add(client, review, attendees=[ana]).status_code == 302
    res = add(client, review, title="Focus group with newcomers", start="11:00", end="12:00",
              attendees=[ana, ben])
    assert res.status_code == 400
    assert "Ana Costa is already in 'Meeting with the language school' 10:00-11:30" in text(res)
    assert "Ben Borg is already" not in text(res)
    assert session_count(review) == 1
    assert audit_actions() == ["review.session_add"]
    # the form keeps what was typed
    assert 'value="Focus group with newcomers"' in text(res)

    # back to back is fine, and so is the same time without the same peer, or another day
    assert add(client, review, title="Lunch", start="11:30", end="12:30", attendees=[ana]).status_code == 302
    assert add(client, review, title="Parallel", start="10:00", end="11:00", attendees=[ben]).status_code == 302
    assert add(client, review, title="Next day", day=review.visit_start + timedelta(days=1),
               attendees=[ana, ben]).status_code == 302
    assert session_count(review) == 4

    # an edit that would create a clash is refused too, and changes nothing
    lunch = db.session.scalars(select(VisitSession).where(VisitSession.title == "Lunch")).one()
    res = client.post(f"/reviews/{review.id}/programme/{lunch.id}/edit", data=form_data(
        review, title="Lunch", start="10:45", end="12:30", attendees=[ana, ben], version=str(lunch.version)))
    assert res.status_code == 400
    page = text(res)
    assert "Ana Costa is already in 'Meeting with the language school' 10:00-11:30" in page
    assert "Ben Borg is already in 'Parallel' 10:00-11:00" in page
    db.session.refresh(lunch)
    assert lunch.start_time == time(11, 30) and [m.id for m in lunch.attendees] == [ana.id]


def test_existing_clashes_are_marked_on_the_programme(client, login, world, db_session):
    review = world["review"]
    ana = seat(review, world["ana"])
    a = VisitSession(review=review, day=review.visit_start, start_time=time(9), end_time=time(10, 30),
                     title="Welcome at the city hall", attendees=[ana])
    b = VisitSession(review=review, day=review.visit_start, start_time=time(10), end_time=time(11),
                     title="Site visit: reception centre", session_type="site_visit", attendees=[ana])
    c = VisitSession(review=review, day=review.visit_start, start_time=time(11), end_time=time(12),
                     title="No clash here", attendees=[ana])
    db_session.add_all([a, b, c])
    db_session.commit()
    assert set(programme.clashes(programme.load_sessions(review))) == {a.id, b.id}
    login(world["lead"])
    res = client.get(f"/reviews/{review.id}/programme")
    page = plain(res)
    assert "2 sessions with a clash" in page
    assert "Ana Costa is also in ‘Site visit: reception centre’ 10:00–11:00" in page
    assert "Ana Costa is also in ‘Welcome at the city hall’ 09:00–10:30" in page
    assert text(res).count('class="prog-session prog-clash"') == 2
    # a clash that is already there does not block other edits of the session...
    ben = seat(review, world["ben"])
    edit_b = f"/reviews/{review.id}/programme/{b.id}/edit"
    res = client.post(edit_b, data=form_data(review, title=b.title, start="10:00", end="11:00",
                                             attendees=[ana], version="1", notes="Wear boots."))
    assert res.status_code == 302
    # ...but a new one is refused
    res = client.post(edit_b, data=form_data(review, title=b.title, start="10:00", end="11:00",
                                             attendees=[ana, ben], version="2"))
    assert res.status_code == 302                    # Ben is free at 10:00
    res = client.post(f"/reviews/{review.id}/programme/{a.id}/edit", data=form_data(
        review, title=a.title, start="09:00", end="10:30", attendees=[ana, ben], version="1"))
    assert res.status_code == 400
    assert "Ben Borg is already in 'Site visit: reception centre' 10:00-11:00" in text(res)
    assert "Ana Costa is already" not in text(res)
    # a peer who declined no longer clashes
    ana.status = "declined"
    db_session.commit()
    assert "with a clash" not in text(client.get(f"/reviews/{review.id}/programme"))


def test_a_stale_edit_is_refused_and_shows_the_current_session(client, login, world, app):
    review = world["review"]
    login(world["contact"])
    add(client, review, attendees=[seat(review, world["ana"])])
    s = db.session.scalars(select(VisitSession)).one()
    url = f"/reviews/{review.id}/programme/{s.id}/edit"

    # the host member saves first, from a form loaded at version 1
    other = app.test_client()
    login(world["member"], other)
    assert other.post(url, data=form_data(review, title="Moved to the library", venue="Central library",
                                          version="1")).status_code == 302
    # then the contact saves a form loaded at version 1 too
    res = client.post(url, data=form_data(review, title="My late change", version="1"))
    assert res.status_code == 409
    page = text(res)
    assert "Changed by someone else" in page and "Nothing was saved" in page
    assert "Moved to the library" in page and "Central library" in page      # what is saved now
    assert 'value="My late change"' in page                                    # what they typed
    assert 'name="version" type="hidden" value="2"' in page
    db.session.refresh(s)
    assert s.title == "Moved to the library" and s.version == 2
    assert audit_actions() == ["review.session_add", "review.session_update"]

    # a change of the peers alone also moves the version on
    res = client.post(url, data=form_data(review, title="Moved to the library", venue="Central library",
                                          version="2", attendees=[seat(review, world["ben"])]))
    assert res.status_code == 302
    db.session.refresh(s)
    assert s.version == 3 and [m.user.name for m in s.attendees] == ["Ben Borg"]

    # deleting from a stale page changes nothing either
    res = client.post(f"/reviews/{review.id}/programme/{s.id}/delete", data={"version": "2"},
                      follow_redirects=True)
    assert "Someone else changed this session" in text(res)
    assert session_count(review) == 1


def test_who_may_change_the_programme_when(client, login, world, db_session):
    review = world["review"]
    login(world["member"])
    assert add(client, review).status_code == 302

    review.state = "visit"
    db_session.commit()
    res = add(client, review, title="During the visit", start="14:00", end="15:00")
    assert res.status_code == 403
    page = text(client.get(f"/reviews/{review.id}/programme"))
    assert "Add a session" not in page and "/edit" not in page
    assert "Meeting with the language school" in page                       # still visible

    login(world["lead"])
    assert add(client, review, title="During the visit", start="14:00", end="15:00").status_code == 302
    login(world["coordinator"])
    assert add(client, review, title="Coordinator's session", start="16:00", end="17:00").status_code == 302

    login(world["outsider"])
    assert client.get(f"/reviews/{review.id}/programme").status_code == 403
    assert add(client, review, title="Intruder", start="18:00", end="19:00").status_code == 403
    assert session_count(review) == 3

    # a peer on the team (not the lead) reads but does not edit
    login(world["ana"])
    assert client.get(f"/reviews/{review.id}/programme").status_code == 200
    assert add(client, review, title="Peer's wish", start="18:00", end="19:00").status_code == 403

    review.state = "reporting"
    db_session.commit()
    login(world["lead"])
    assert add(client, review, title="Too late", start="18:00", end="19:00").status_code == 403


def test_declined_peers_are_not_offered(client, login, world, db_session):
    review = world["review"]
    ben = seat(review, world["ben"])
    ben.status = "declined"
    db_session.commit()
    login(world["contact"])
    page = text(client.get(f"/reviews/{review.id}/programme"))
    assert "Ana Costa" in page and "Ben Borg" not in page
    res = add(client, review, attendees=[ben])
    assert res.status_code == 400 and session_count(review) == 0


def test_empty_programme_says_what_to_do(client, login, world):
    review = world["review"]
    login(world["contact"])
    page = text(client.get(f"/reviews/{review.id}/programme"))
    assert "No sessions yet. Add the first one below" in page
    login(world["ana"])
    page = text(client.get(f"/reviews/{review.id}/programme"))
    assert "The host city drafts the programme" in page and "Add a session" not in page


def test_the_review_page_links_to_the_programme(client, login, world):
    login(world["contact"])
    page = text(client.get(f"/reviews/{world['review'].id}"))
    assert f'href="/reviews/{world["review"].id}/programme"' in page


def test_printable_programme_has_one_page_per_day(client, login, world):
    review = world["review"]
    login(world["contact"])
    second = review.visit_start + timedelta(days=2)
    add(client, review, title="Day one morning")
    add(client, review, title="Day one afternoon", start="14:00", end="15:30")
    add(client, review, title="Day three", day=second)
    res = client.get(f"/reviews/{review.id}/programme/print")
    assert res.status_code == 200
    page = text(res)
    assert len(re.findall(r'<section class="print-day"', page)) == 2
    assert formatting.long_day(review.visit_start) in page and formatting.long_day(second) in page
    assert "css/print.css" in page and " style=" not in page
    css = client.get("/static/css/print.css").get_data(as_text=True)
    assert "break-after: page" in css and "@media print" in css


def test_query_count_does_not_grow_with_the_programme(client, login, world, db_session, make_user,
                                                      make_city):
    review = world["review"]
    kfs = review.benchmark.key_factors

    def add_sessions(n):
        # more sessions, each with its own peer attending, and more peers who attend nothing
        for i in range(n):
            peer, other = make_user(city=make_city()), make_user(city=make_city())
            member = TeamMember(review=review, user=peer, role="peer", status="accepted")
            bystander = TeamMember(review=review, user=other, role="expert")
            db_session.add_all([member, bystander])
            db_session.add(VisitSession(review=review, day=review.visit_start + timedelta(days=i % 4),
                                        start_time=time(8 + i % 10), end_time=time(9 + i % 10),
                                        title=f"Session {n}-{i}", attendees=[member], key_factors=kfs[:2]))
        db_session.commit()

    def count(url):
        return statements_for(client, url)[0]

    login(world["contact"])
    urls = [f"/reviews/{review.id}/programme", f"/reviews/{review.id}/programme/print",
            f"/reviews/{review.id}/calendar.ics"]
    add_sessions(2)
    small = [count(u) for u in urls]
    add_sessions(18)
    assert [count(u) for u in urls] == small
    # the capture page lists the sessions with their key factors and the team for its form
    login(world["coordinator"])
    capture = f"/reviews/{review.id}/observations"
    before = count(capture)
    add_sessions(10)
    assert count(capture) == before
