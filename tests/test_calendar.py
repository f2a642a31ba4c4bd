"""Calendars: a review's programme as .ics, and personal feed addresses (create, revoke,
replace), with times in each host city's time zone."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.reviews.models import CalendarToken, VisitSession

ICS = "text/calendar; charset=utf-8"


@pytest.fixture
def world(make_city, make_user, make_review, make_benchmark, db_session):
    lisbon = make_city("Lisbon", "PT", timezone="Europe/Lisbon")
    helsinki = make_city("Helsinki", "FI", timezone="Europe/Helsinki")
    people = {
        "lisbon_contact": make_user("Lisbon Contact", city=lisbon, city_role="contact"),
        "lisbon_member": make_user("Lisbon Member", city=lisbon),
        "coordinator": make_user("Coordinator", coordinator=True),
        "outsider": make_user("Outsider", city=make_city("Genoa", "IT", timezone="Europe/Rome")),
        "ana": make_user("Ana Costa", city=make_city("Ghent", "BE")),
        "ben": make_user("Ben Borg", city=make_city("Valletta", "MT", timezone="Europe/Malta")),
    }
    bench = make_benchmark()
    in_lisbon = make_review("preparing", host=lisbon, benchmark=bench,
                            team=[(people["ana"], "lead"), (people["ben"], "peer")])
    in_helsinki = make_review("preparing", host=helsinki, benchmark=bench,
                              visit_start=in_lisbon.visit_start + timedelta(days=30),
                              team=[(people["ana"], "peer")])
    ana_l, ben_l = in_lisbon.team
    ana_h = in_helsinki.team[0]
    kf1 = bench.key_factors[0]
    day = in_lisbon.visit_start

    def session(review, title, start, end, attendees, day_offset=0, **kw):
        s = VisitSession(review=review, day=review.visit_start + timedelta(days=day_offset),
                         start_time=start, end_time=end, title=title, attendees=attendees, **kw)
        db_session.add(s)
        return s

    sessions = {
        "welcome": session(in_lisbon, "Welcome at the city hall", time(9), time(10, 30), [ana_l, ben_l],
                           venue="Paços do Concelho", organisations="Mayor's office",
                           organisation_types=["political_leadership"], interpreter_needed=True,
                           key_factors=[kf1], session_type="interview"),
        "site": session(in_lisbon, "Site visit: reception centre", time(14), time(16), [ben_l],
                        session_type="site_visit", day_offset=1),
        "helsinki": session(in_helsinki, "Language café", time(10), time(11), [ana_h]),
        "helsinki_other": session(in_helsinki, "Employers' round table", time(13), time(14), []),
    }
    db_session.commit()
    return {"lisbon": lisbon, "in_lisbon": in_lisbon, "in_helsinki": in_helsinki, "day": day,
            **people, **sessions}


def events(res):
    assert res.status_code == 200, res.status_code
    assert res.headers["Content-Type"] == ICS
    cal = Calendar.from_ical(res.data)
    return cal, {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_review_calendar(client, login, world):
    review = world["in_lisbon"]
    login(world["lisbon_member"])
    res = client.get(f"/reviews/{review.id}/calendar.ics")
    cal, by_uid = events(res)
    assert "attachment" in res.headers["Content-Disposition"]
    welcome, site = world["welcome"], world["site"]
    assert set(by_uid) == {f"session-{welcome.id}@peerreview", f"session-{site.id}@peerreview"}
    ev = by_uid[f"session-{welcome.id}@peerreview"]
    assert ev["DTSTART"].params["TZID"] == "Europe/Lisbon"
    start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
    assert (start.date(), start.hour, start.minute) == (world["day"], 9, 0)
    assert (end.hour, end.minute) == (10, 30)
    assert str(start.tzinfo) == "Europe/Lisbon" or start.tzinfo.key == "Europe/Lisbon"
    assert str(ev["SUMMARY"]) == "Welcome at the city hall"
    assert str(ev["LOCATION"]) == "Paços do Concelho"
    description = str(ev["DESCRIPTION"])
    for part in ("Type: Interview", "Mayor's office (Political leadership)", "Interpreter needed",
                 "Peers: Ana Costa, Ben Borg", "Key factors: KF1 Key factor 1"):
        assert part in description, part
    assert "DTSTAMP" in ev
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert zones == ["Europe/Lisbon"]
    # the UID of a session never changes
    _, again = events(client.get(f"/reviews/{review.id}/calendar.ics"))
    assert set(again) == set(by_uid)


def test_review_calendar_access(client, login, world):
    url = f"/reviews/{world['in_lisbon'].id}/calendar.ics"
    assert client.get(url).status_code == 302                  # to the login page
    login(world["outsider"])
    assert client.get(url).status_code == 403
    login(world["ben"])                                        # a peer on the team
    assert client.get(url).status_code == 200


def create_feed(client) -> str:
    res = client.post("/calendar", data={"action": "create"})
    assert res.status_code == 200
    match = re.search(r"/calendar/([A-Za-z0-9_-]{20,})\.ics", res.get_data(as_text=True))
    assert match, "the new address is shown"
    return match.group(1)


def test_personal_feed_lists_exactly_the_sessions_attended(client, login, world, app):
    login(world["ana"])
    page = client.get("/calendar").get_data(as_text=True)
    assert "You have no feed address yet" in page
    token = create_feed(client)
    stored = db.session.scalars(select(CalendarToken)).one()
    assert stored.user_id == world["ana"].id
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    # afterwards the address is not shown again
    page = client.get("/calendar").get_data(as_text=True)
    assert token not in page and "Replace the address" in page

    anonymous = app.test_client()
    cal, by_uid = events(anonymous.get(f"/calendar/{token}.ics"))
    assert set(by_uid) == {f"session-{world['welcome'].id}@peerreview",
                           f"session-{world['helsinki'].id}@peerreview"}
    lisbon_ev = by_uid[f"session-{world['welcome'].id}@peerreview"]
    helsinki_ev = by_uid[f"session-{world['helsinki'].id}@peerreview"]
    assert lisbon_ev["DTSTART"].params["TZID"] == "Europe/Lisbon"
    assert helsinki_ev["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert helsinki_ev.decoded("DTSTART").hour == 10
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == ["Europe/Helsinki", "Europe/Lisbon"]

    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("calendar.%"))).all()
    assert actions == ["calendar.create"]


def test_feed_follows_the_programme(client, login, world, app, db_session):
    login(world["ben"])
    token = create_feed(client)
    anonymous = app.test_client()
    _, by_uid = events(anonymous.get(f"/calendar/{token}.ics"))
    assert len(by_uid) == 2
    # a declined seat drops out; a cancelled review disappears from the feed
    world["in_lisbon"].team[1].status = "declined"
    db_session.commit()
    _, by_uid = events(anonymous.get(f"/calendar/{token}.ics"))
    assert by_uid == {}
    world["in_lisbon"].team[1].status = "accepted"
    world["in_lisbon"].state = "cancelled"
    db_session.commit()
    _, by_uid = events(anonymous.get(f"/calendar/{token}.ics"))
    assert by_uid == {}


def test_host_contact_feed_has_every_session_of_the_city(client, login, world, app):
    login(world["lisbon_contact"])
    token = create_feed(client)
    _, by_uid = events(app.test_client().get(f"/calendar/{token}.ics"))
    assert set(by_uid) == {f"session-{world['welcome'].id}@peerreview",
                           f"session-{world['site'].id}@peerreview"}
    # a member who is not the contact gets only what they attend: nothing
    login(world["lisbon_member"])
    token = create_feed(client)
    _, by_uid = events(app.test_client().get(f"/calendar/{token}.ics"))
    assert by_uid == {}


def test_revoked_and_replaced_addresses_stop_working(client, login, world, app):
    anonymous = app.test_client()
    login(world["ana"])
    first = create_feed(client)
    assert anonymous.get(f"/calendar/{first}.ics").status_code == 200

    res = client.post("/calendar", data={"action": "replace"})
    second = re.search(r"/calendar/([A-Za-z0-9_-]{20,})\.ics", res.get_data(as_text=True)).group(1)
    assert second != first
    assert anonymous.get(f"/calendar/{first}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{second}.ics").status_code == 200

    res = client.post("/calendar", data={"action": "revoke"}, follow_redirects=True)
    assert "no longer works" in html.unescape(res.get_data(as_text=True))
    assert anonymous.get(f"/calendar/{second}.ics").status_code == 404
    assert anonymous.get("/calendar/never-issued.ics").status_code == 404
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("calendar.%"))
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["calendar.create", "calendar.revoke", "calendar.create", "calendar.revoke"]
    assert client.post("/calendar", data={"action": "nonsense"}).status_code == 400


def test_feed_of_a_deactivated_person_stops(client, login, world, app, db_session):
    login(world["ana"])
    token = create_feed(client)
    world["ana"].active = False
    db_session.commit()
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_account_and_programme_pages_link_to_the_feed(client, login, world):
    login(world["ana"])
    assert 'href="/calendar"' in client.get("/account").get_data(as_text=True)
    page = client.get(f"/reviews/{world['in_lisbon'].id}/programme").get_data(as_text=True)
    assert 'href="/calendar"' in page
    assert f'href="/reviews/{world["in_lisbon"].id}/calendar.ics"' in page
