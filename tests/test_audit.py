"""The audit log records changes and refusals, and coordinators can filter it."""

from __future__ import annotations

from peerreview.audit.services import record
from peerreview.extensions import db


def test_audit_log_lists_and_filters(client, login, make_user, make_city):
    coordinator = make_user("Coordinator Carla", coordinator=True)
    city = make_city("Oslo", "NO", timezone="Europe/Oslo")
    record("city.update", city, actor=coordinator, changes={"description": ["", "fjord"]})
    record("user.invite", object_type="user_account", object_id=99, actor=coordinator,
           changes={"email": "x@example.org"})
    db.session.commit()
    login(coordinator)
    all_entries = client.get("/audit/").get_data(as_text=True)
    assert "city.update" in all_entries and "user.invite" in all_entries
    assert "Coordinator Carla" in all_entries
    only_cities = client.get("/audit/?action=city.").get_data(as_text=True)
    assert "city.update" in only_cities and "user.invite" not in only_cities
    by_object = client.get(f"/audit/?object_type=city&object_id={city.id}").get_data(as_text=True)
    assert "fjord" in by_object
    nothing = client.get("/audit/?from=2001-01-01&to=2001-01-02").get_data(as_text=True)
    assert "No entries match these filters." in nothing


def test_bad_filter_values_do_not_break_the_page(client, login, make_user):
    login(make_user(coordinator=True))
    res = client.get("/audit/?from=not-a-date&actor=abc&page=-3&object_id=zz")
    assert res.status_code == 200
