"""Member cities: coordinators create and edit; contacts edit their own city's profile."""

from __future__ import annotations

from sqlalchemy import func, select

from peerreview.audit.models import AuditEntry
from peerreview.cities.models import City
from peerreview.extensions import db


def test_coordinator_creates_a_city(client, login, make_user):
    login(make_user(coordinator=True))
    res = client.post("/cities/new", data={"name": " Tampere ", "country": "FI",
                                           "timezone": "Europe/Helsinki",
                                           "charter_signed_on": "2015-08-14"})
    assert res.status_code == 302
    city = db.session.scalar(select(City).where(City.name == "Tampere"))
    assert city.country == "FI" and city.charter_signed_on.isoformat() == "2015-08-14"
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "Tampere" in page and "Finland" in page
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "city.create")).object_id == city.id


def test_same_name_in_same_country_is_refused(client, login, make_user, make_city):
    make_city("Ghent", "BE")
    login(make_user(coordinator=True))
    res = client.post("/cities/new", data={"name": "ghent", "country": "BE", "timezone": "Europe/Brussels"})
    assert res.status_code == 200
    assert 'id="name-error">ghent (BE) is already a member city.' in res.get_data(as_text=True)
    # the same name in another country is a different city
    assert client.post("/cities/new", data={"name": "Ghent", "country": "US",
                                            "timezone": "Europe/Brussels"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(City)) == 2


def test_bad_country_is_refused(client, login, make_user):
    login(make_user(coordinator=True))
    res = client.post("/cities/new", data={"name": "Atlantis", "country": "XX", "timezone": "Europe/Brussels"})
    assert 'id="country-error"' in res.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(City)) == 0


def test_contact_edits_own_city_profile_but_not_its_name(client, login, make_user, make_city):
    city = make_city("Ghent", "BE")
    login(make_user(city=city, city_role="contact"))
    res = client.post(f"/cities/{city.id}/edit", data={
        "name": "Renamed", "country": "FR", "timezone": "Europe/Brussels",
        "description": "Newcomers are welcomed by the integration agency."})
    assert res.status_code == 302
    city = db.session.get(City, city.id)
    assert city.description == "Newcomers are welcomed by the integration agency."
    assert (city.name, city.country) == ("Ghent", "BE")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "city.update"))
    assert "description" in entry.changes and "name" not in entry.changes


def test_member_who_is_not_contact_cannot_edit(client, login, make_user, make_city):
    city = make_city()
    login(make_user(city=city))
    assert client.post(f"/cities/{city.id}/edit", data={"description": "x"}).status_code == 403
    assert db.session.get(City, city.id).description == ""


def test_members_visible_to_own_city_and_coordinator_only(client, login, make_user, make_city):
    ghent, genoa = make_city("Ghent", "BE"), make_city("Genoa", "IT")
    make_user("Private Person", city=ghent)
    login(make_user(city=genoa))
    assert "Private Person" not in client.get(f"/cities/{ghent.id}").get_data(as_text=True)
    login(make_user(coordinator=True))
    assert "Private Person" in client.get(f"/cities/{ghent.id}").get_data(as_text=True)


def test_empty_city_page_says_what_to_do(client, login, make_user, make_city):
    city = make_city("Riga", "LV")
    login(make_user(coordinator=True))
    html = client.get(f"/cities/{city.id}").get_data(as_text=True)
    assert "No one from Riga has an account yet." in html and "Invite the city" in html
